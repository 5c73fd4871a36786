package io.kubelab.scheduler.cache;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Writes the cache (and the scheduling queue's pods) as text, for debugging.
 *
 * <p>Upstream: {@code pkg/scheduler/internal/cache/debugger/dumper.go} (v1.18), which writes to the
 * scheduler's log when the process receives SIGUSR2. Here the text is returned, so a CLI or a test
 * can print it; the queue is passed in as two functions because the queue is ch08's.
 */
public final class CacheDumper {

  private final SchedulerCache cache;
  private final Supplier<List<Pod>> pendingPods;
  private final Function<String, List<Pod>> nominatedPodsForNode;

  /**
   * @param cache the cache to dump
   * @param pendingPods the scheduling queue's pending pods
   * @param nominatedPodsForNode the pods nominated to a node by preemption
   */
  public CacheDumper(
      SchedulerCache cache,
      Supplier<List<Pod>> pendingPods,
      Function<String, List<Pod>> nominatedPodsForNode) {
    this.cache = Objects.requireNonNull(cache, "cache");
    this.pendingPods = Objects.requireNonNull(pendingPods, "pendingPods");
    this.nominatedPodsForNode = Objects.requireNonNull(nominatedPodsForNode, "nominatedPods");
  }

  /** A dumper for a cache without a scheduling queue. */
  public CacheDumper(SchedulerCache cache) {
    this(cache, List::of, n -> List.of());
  }

  /** The nodes, then the scheduling queue. */
  public String dumpAll() {
    return dumpNodes() + dumpSchedulingQueue();
  }

  /** Every cached NodeInfo, ghosts included ("Deleted: true"), sorted by node name. */
  public String dumpNodes() {
    CacheDump dump = cache.dump();
    StringBuilder sb = new StringBuilder("Dump of cached NodeInfo\n");
    for (Map.Entry<String, NodeInfo> e : dump.nodes().entrySet()) {
      sb.append(printNodeInfo(e.getKey(), e.getValue()));
    }
    return sb.toString();
  }

  /** The pending pods, one line each. */
  public String dumpSchedulingQueue() {
    StringBuilder sb = new StringBuilder("Dump of scheduling queue:\n");
    for (Pod p : pendingPods.get()) {
      sb.append(printPod(p));
    }
    return sb.toString();
  }

  private String printNodeInfo(String name, NodeInfo n) {
    StringBuilder sb =
        new StringBuilder()
            .append("\nNode name: ")
            .append(name)
            .append("\nDeleted: ")
            .append(n.node() == null)
            .append("\nRequested Resources: ")
            .append(n.requestedResource())
            .append("\nAllocatable Resources:")
            .append(n.allocatableResource())
            .append("\nScheduled Pods(number: ")
            .append(n.pods().size())
            .append("):\n");
    for (Pod p : n.pods()) {
      sb.append(printPod(p));
    }
    List<Pod> nominated = nominatedPodsForNode.apply(name);
    if (!nominated.isEmpty()) {
      sb.append("Nominated Pods(number: ").append(nominated.size()).append("):\n");
      for (Pod p : nominated) {
        sb.append(printPod(p));
      }
    }
    return sb.toString();
  }

  /** {@code name: x, namespace: y, uid: z, phase: p, nominated node: n}, as upstream prints. */
  static String printPod(Pod p) {
    String phase = p.getStatus() == null ? "" : Objects.toString(p.getStatus().getPhase(), "");
    String nominated =
        p.getStatus() == null ? "" : Objects.toString(p.getStatus().getNominatedNodeName(), "");
    return "name: "
        + p.getMetadata().getName()
        + ", namespace: "
        + p.getMetadata().getNamespace()
        + ", uid: "
        + p.getMetadata().getUid()
        + ", phase: "
        + phase
        + ", nominated node: "
        + nominated
        + "\n";
  }
}
