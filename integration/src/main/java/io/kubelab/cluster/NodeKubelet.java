package io.kubelab.cluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.cluster.client.ApiServerEventSink;
import io.kubelab.cluster.client.ApiServerPodSource;
import io.kubelab.cluster.client.ApiServerPodStatusClient;
import io.kubelab.kubelet.Kubelet;
import io.kubelab.kubelet.KubeletExecutors;
import io.kubelab.kubelet.config.PodConfig;
import io.kubelab.kubelet.config.PodSource;
import io.kubelab.kubelet.config.PodUpdate;
import io.kubelab.kubelet.container.FakeRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The kubelet of one node of a live cluster: chapter 10's {@link Kubelet} on threads of its own, in
 * real time, against an API server. It learns its pods from a list-watch of the pods bound to its
 * node ({@link ApiServerPodSource}, merged by chapter 10's {@link PodConfig}), writes their status
 * through the status subresource and finishes their deletion ({@link ApiServerPodStatusClient}),
 * and records its events as core/v1 Events ({@link ApiServerEventSink}).
 *
 * <p>Its container runtime is chapter 10's {@link FakeRuntime}, its pods' IPs from the node's own
 * /24: a container runs until it is stopped, except an init container, which exits 0 at once, so a
 * pod with init containers starts them one by one, a relist apart, then its app containers. Probes
 * run as the kubelet runs them: exec probes in the fake runtime (they succeed), HTTP and TCP probes
 * over the real network, to pod IPs that nothing answers (a pod with such a readiness probe never
 * turns ready; a liveness probe restarts its container).
 *
 * <p>It also reports on its node ({@link NodeStatusReporter}): the node's conditions in its status,
 * and a Lease renewed every 10 s. Not modelled: the node's registration (the Node object is the API
 * server's, as loaded) and static pods.
 */
public final class NodeKubelet implements AutoCloseable {

  private final String nodeName;
  private final FakeRuntime runtime;
  private final KubeletExecutors executors;
  private final ApiServerEventSink events;
  private final Kubelet kubelet;
  private final KubernetesClient client;
  private final ExecutorService nodeStatusThread;
  private final Clock.Timer nodeStatus;
  private final Map<String, Pod> podsByUid = new ConcurrentHashMap<>();
  private final Map<String, List<String>> startedByUid = new ConcurrentHashMap<>();

  /**
   * Starts the kubelet of {@code node}; it lists its pods at once. Its pods get their IPs from
   * {@code podCidr}, an IPv4 /24. The kubelet owns {@code client}, its own connection to the API
   * server, and closes it with itself.
   */
  public NodeKubelet(KubernetesClient client, Node node, String podCidr, Clock clock) {
    this.nodeName = node.getMetadata().getName();
    this.client = client;
    this.runtime = new FakeRuntime(clock);
    runtime.podCidr(podCidr);
    runtime.onStart(
        (uid, config) -> {
          startedByUid.computeIfAbsent(uid, u -> new CopyOnWriteArrayList<>()).add(config.name());
          Pod pod = podsByUid.get(uid);
          boolean init =
              pod != null
                  && pod.getSpec().getInitContainers().stream()
                      .anyMatch(c -> c.getName().equals(config.name()));
          return init ? new FakeRuntime.Exit(Duration.ZERO, 0) : null;
        });
    this.executors = KubeletExecutors.threads("kubelet-" + nodeName, 4, 4);
    this.events = new ApiServerEventSink(client, nodeName, clock);
    PodSource pods = new PodConfig(new ApiServerPodSource(client, nodeName), clock);
    PodSource remembering = updates -> pods.watch(remember(updates));
    try {
      this.kubelet =
          Kubelet.builder(node, runtime, clock)
              .podSource(remembering)
              .statusClient(new ApiServerPodStatusClient(client))
              .events(events)
              .executors(executors)
              .random(new Random(nodeName.hashCode()))
              .build();
      kubelet.start();
    } catch (RuntimeException e) {
      executors.close();
      events.close();
      throw e;
    }
    this.nodeStatusThread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "kubelet-" + nodeName + "-node-status");
              t.setDaemon(true);
              return t;
            });
    this.nodeStatus =
        new NodeStatusReporter(
                client,
                nodeName,
                clock,
                events,
                () -> kubelet.evictionManager().isUnderMemoryPressure(),
                () -> kubelet.evictionManager().isUnderDiskPressure(),
                () -> kubelet.evictionManager().isUnderPidPressure())
            .start(nodeStatusThread);
  }

  /** Keeps the latest version of each pod the kubelet is sent, for the runtime's init rule. */
  private Consumer<PodUpdate> remember(Consumer<PodUpdate> updates) {
    return u -> {
      for (Pod p : u.pods()) {
        if (u.op() == PodUpdate.Op.REMOVE) {
          podsByUid.remove(p.getMetadata().getUid());
        } else {
          podsByUid.put(p.getMetadata().getUid(), p);
        }
      }
      updates.accept(u);
    };
  }

  public String nodeName() {
    return nodeName;
  }

  /** The containers started for the pod with {@code uid}, init containers included, in order. */
  public List<String> started(String uid) {
    return List.copyOf(startedByUid.getOrDefault(uid, List.of()));
  }

  /** The node's container runtime. */
  public FakeRuntime runtime() {
    return runtime;
  }

  /** The kubelet itself. */
  public Kubelet kubelet() {
    return kubelet;
  }

  /** Stops the kubelet, its threads, its event writer and its client. */
  @Override
  public void close() {
    nodeStatus.close();
    nodeStatusThread.shutdown(); // a beat under way finishes
    try {
      nodeStatusThread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    kubelet.close();
    executors.close();
    events.close();
    client.close();
  }
}
