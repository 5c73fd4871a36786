package io.kubelab.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.kubelet.container.Cache;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.container.FakeRuntime;
import io.kubelab.kubelet.pleg.GenericPleg;
import io.kubelab.kubelet.pleg.PodLifecycleEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A kubelet in miniature for one node: it runs the pods bound to its node in a {@link FakeRuntime},
 * watches them with ch10's {@link GenericPleg}, and reports each pod's phase to the {@link
 * InMemoryApiServer} through a {@link MinimalStatusWriter}.
 *
 * <p>Upstream, in spirit: {@code pkg/kubelet/kubelet.go} ({@code HandlePodAdditions}, which hands a
 * new pod to a pod worker whose {@code syncPod} creates the sandbox and starts the containers; and
 * {@code syncLoop}/{@code syncLoopIteration}, which reacts to PLEG events by syncing the pod's
 * status), and {@code pkg/kubelet/kuberuntime/kuberuntime_manager.go} ({@code SyncPod}: init
 * containers one by one, then the app containers). Not modelled: pod workers, restarts, probes,
 * admission, volumes, deletion.
 *
 * <p>Time and threads: the PLEG relists and the sync loop drains its events on timers of the
 * injected {@link Clock}, every {@link GenericPleg#RELIST_PERIOD}; with a {@code FakeClock} both
 * run on the stepping thread, the relist first. No thread is started. {@link #close()} cancels both
 * timers. Not thread-safe: drive it from the thread that steps the clock.
 */
public final class NodeAgent implements AutoCloseable {

  private final String nodeName;
  private final FakeRuntime runtime;
  private final Cache cache = new Cache();
  private final GenericPleg pleg;
  private final MinimalStatusWriter statusWriter;
  private final Clock.Timer syncLoop;
  private final Map<String, Pod> pods = new LinkedHashMap<>();
  private final List<PodLifecycleEvent> events = new ArrayList<>();
  private int containersStarted;

  /** Starts the PLEG and the sync loop on {@code clock}; the first relist runs when it is due. */
  public NodeAgent(String nodeName, Clock clock, InMemoryApiServer api) {
    this.nodeName = nodeName;
    this.runtime = new FakeRuntime(clock);
    this.pleg = new GenericPleg(runtime, cache, clock);
    this.statusWriter = new MinimalStatusWriter(api);
    pleg.start();
    // Scheduled after the PLEG's timer, so at each instant it runs right after the relist.
    this.syncLoop = clock.every(Duration.ZERO, GenericPleg.RELIST_PERIOD, this::syncLoop);
  }

  public String nodeName() {
    return nodeName;
  }

  /**
   * A pod was bound to this node (upstream {@code HandlePodAdditions} then {@code syncPod}): create
   * its sandbox, run each init container to completion (instantly, exit 0), then start the
   * containers in spec order.
   *
   * @throws IllegalArgumentException if the pod is bound to another node
   */
  public void handlePodAddition(Pod pod) {
    String boundTo = pod.getSpec().getNodeName();
    if (!nodeName.equals(boundTo)) {
      throw new IllegalArgumentException(
          "Pod "
              + pod.getMetadata().getNamespace()
              + "/"
              + pod.getMetadata().getName()
              + ": spec.nodeName is \""
              + boundTo
              + "\", not this kubelet's node "
              + nodeName);
    }
    String uid = pod.getMetadata().getUid();
    pods.put(uid, pod);
    runtime.addPod(uid, pod.getMetadata().getName(), pod.getMetadata().getNamespace());
    for (Container c : pod.getSpec().getInitContainers()) {
      ContainerId id = runtime.startContainer(uid, c.getName());
      runtime.crash(id, 0); // the fake runtime's way of saying "it ran and exited 0"
      containersStarted++;
    }
    for (Container c : pod.getSpec().getContainers()) {
      runtime.startContainer(uid, c.getName());
      containersStarted++;
    }
  }

  /**
   * One turn of upstream's {@code syncLoopIteration} for PLEG events: every event's pod has its
   * status recomputed from the runtime cache the PLEG just refreshed, and written.
   */
  private void syncLoop() {
    PodLifecycleEvent e;
    while ((e = pleg.watch().poll()) != null) {
      events.add(e);
      Pod pod = pods.get(e.id());
      if (pod != null) {
        statusWriter.write(pod, cache.get(e.id()).status());
      }
    }
  }

  /** The runtime, for tests that crash a container. */
  public FakeRuntime runtime() {
    return runtime;
  }

  /** Pods this kubelet started, in the order they were bound. */
  public List<Pod> pods() {
    return List.copyOf(pods.values());
  }

  /** Containers started so far, init containers included. */
  public int containersStarted() {
    return containersStarted;
  }

  /** Every PLEG event the sync loop consumed, in order. */
  public List<PodLifecycleEvent> events() {
    return List.copyOf(events);
  }

  /** Stops the sync loop and the PLEG. */
  @Override
  public void close() {
    syncLoop.close();
    pleg.close();
  }
}
