package io.kubelab.cluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.kubelet.Kubelet;
import io.kubelab.kubelet.config.PodSource;
import io.kubelab.kubelet.config.PodUpdate;
import io.kubelab.kubelet.container.FakeRuntime;
import io.kubelab.kubelet.events.Event;
import io.kubelab.kubelet.pleg.PodLifecycleEvent;
import io.kubelab.kubelet.status.PodStatusClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The kubelet of one simulated node: chapter 10's {@link Kubelet} over a {@link FakeRuntime}, on
 * the simulation's clock, with everything inline ({@code KubeletExecutors.inline()}): each clock
 * step runs the kubelet's sync loop, pod workers, PLEG relists and status manager syncs on the
 * stepping thread. No thread is started.
 *
 * <p>The kubelet's outside world is two ch10 interfaces, so the API server behind them can be
 * swapped: a {@link PodSource} (the pods bound to this node; here, the pods the simulation hands to
 * {@link #handlePodAddition}) and a {@link PodStatusClient} (where the status manager writes; here,
 * the {@link InMemoryApiServer}).
 *
 * <p>The fake runtime's containers run until stopped, except init containers, which exit 0 at once:
 * a pod with init containers starts them one by one, a relist apart, then its app containers.
 * Probes run as the kubelet runs them: exec probes in the fake runtime (they succeed), HTTP and TCP
 * probes over the real network, where the fake pod IPs answer nothing.
 */
public final class NodeAgent implements AutoCloseable {

  private final String nodeName;
  private final FakeRuntime runtime;
  private final Kubelet kubelet;
  private final BoundPods boundPods = new BoundPods();
  private final ApiServerStatusClient statusClient;
  private final Map<String, Pod> pods = new LinkedHashMap<>();
  private final List<PodLifecycleEvent> plegEvents = new ArrayList<>();
  private final List<Event> kubeletEvents = new ArrayList<>();
  private int containersStarted;

  /** Starts the node's kubelet on {@code clock}; its first relist runs when it is due. */
  public NodeAgent(Node node, Clock clock, InMemoryApiServer api) {
    this.nodeName = node.getMetadata().getName();
    this.runtime = new FakeRuntime(clock);
    this.statusClient = new ApiServerStatusClient(api);
    runtime.onStart(
        (uid, config) -> {
          containersStarted++;
          Pod pod = pods.get(uid);
          boolean init =
              pod != null
                  && pod.getSpec().getInitContainers().stream()
                      .anyMatch(c -> c.getName().equals(config.name()));
          return init ? new FakeRuntime.Exit(Duration.ZERO, 0) : null;
        });
    this.kubelet =
        Kubelet.builder(node, runtime, clock)
            .podSource(boundPods)
            .statusClient(statusClient)
            .events(kubeletEvents::add)
            .random(new Random(nodeName.hashCode()))
            .plegObserver(plegEvents::add)
            .build();
    kubelet.start();
  }

  public String nodeName() {
    return nodeName;
  }

  /**
   * A pod was bound to this node: the kubelet's pod source delivers it (an ADD, as the API server's
   * watch would), and the kubelet admits it and starts it at its next sync.
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
    pods.put(pod.getMetadata().getUid(), pod);
    statusClient.remember(pod);
    boundPods.add(pod);
  }

  /** The runtime, for tests that crash a container. */
  public FakeRuntime runtime() {
    return runtime;
  }

  /** The kubelet itself. */
  public Kubelet kubelet() {
    return kubelet;
  }

  /** Pods bound to this node, in the order they were bound. */
  public List<Pod> pods() {
    return List.copyOf(pods.values());
  }

  /** Containers started so far, init containers and restarts included. */
  public int containersStarted() {
    return containersStarted;
  }

  /** Every PLEG event the kubelet's sync loop consumed, in order. */
  public List<PodLifecycleEvent> events() {
    return List.copyOf(plegEvents);
  }

  /** Every event the kubelet recorded (Started, Killing, BackOff, ...), in order. */
  public List<Event> kubeletEvents() {
    return List.copyOf(kubeletEvents);
  }

  /** Stops the kubelet: its loops and timers. */
  @Override
  public void close() {
    kubelet.close();
  }

  /** The pods bound to this node, as the kubelet's {@code PodSource}. */
  private static final class BoundPods implements PodSource {
    private final List<Pod> bound = new ArrayList<>();
    private Consumer<PodUpdate> watcher;

    void add(Pod pod) {
      bound.add(pod);
      if (watcher != null) {
        watcher.accept(new PodUpdate(PodUpdate.Op.ADD, List.of(pod), PodUpdate.API_SOURCE));
      }
    }

    @Override
    public AutoCloseable watch(Consumer<PodUpdate> updates) {
      watcher = updates;
      if (!bound.isEmpty()) {
        updates.accept(new PodUpdate(PodUpdate.Op.ADD, List.copyOf(bound), PodUpdate.API_SOURCE));
      }
      return () -> watcher = null;
    }
  }

  /**
   * The status manager's three calls on the {@link InMemoryApiServer}: GET and PATCH of the status
   * by UID (the store is keyed by UID; a pod's name and namespace are checked against it), and no
   * DELETE, which the simulation never needs (no pod is deleted, so the status manager never
   * finishes a deletion).
   */
  private static final class ApiServerStatusClient implements PodStatusClient {
    private final InMemoryApiServer api;
    private final Map<String, String> uids = new LinkedHashMap<>();

    ApiServerStatusClient(InMemoryApiServer api) {
      this.api = api;
    }

    @Override
    public Pod get(String namespace, String name) throws ApiException {
      Pod p = find(namespace, name);
      return new PodBuilder(p).build();
    }

    @Override
    public Pod patchStatus(
        String namespace, String name, String uid, PodStatus oldStatus, PodStatus newStatus)
        throws ApiException {
      Pod p = find(namespace, name);
      if (!p.getMetadata().getUid().equals(uid)) {
        throw new ApiException(Reason.CONFLICT, "Precondition failed: UID in precondition: " + uid);
      }
      api.updateStatus(uid, newStatus);
      return api.find(uid).orElseThrow();
    }

    @Override
    public void delete(String namespace, String name, String uid) throws ApiException {
      throw new ApiException(
          Reason.TRANSIENT, "the simulation's API server does not delete pods (" + name + ")");
    }

    private Pod find(String namespace, String name) throws ApiException {
      // The store is keyed by UID: the UID of the pod this node was handed under that name.
      String uid = uids.get(namespace + "/" + name);
      Pod p = uid == null ? null : api.find(uid).orElse(null);
      if (p == null) {
        throw new ApiException(Reason.NOT_FOUND, "pods \"" + name + "\" not found");
      }
      return p;
    }

    void remember(Pod pod) {
      uids.put(
          pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(),
          pod.getMetadata().getUid());
    }
  }
}
