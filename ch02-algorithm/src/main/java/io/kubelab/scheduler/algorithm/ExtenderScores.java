package io.kubelab.scheduler.algorithm;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The extenders' part of the final scores, shared by chapter 02's generic scheduler and chapter
 * 08's.
 *
 * <p>Upstream: the extender loop at the end of {@code prioritizeNodes} in {@code
 * pkg/scheduler/core/generic_scheduler.go} (v1.17, v1.18). Every interested extender prioritizes
 * the nodes (upstream: concurrently, one goroutine each; here one after the other, as each is one
 * blocking call), an extender's error is ignored (the other priorities and extenders still decide),
 * and the weighted sum is scaled from the extenders' 0-10 range to the scheduler's 0-100 before it
 * is added to each node's total.
 */
public final class ExtenderScores {

  private ExtenderScores() {}

  /**
   * Adds the extenders' weighted, scaled scores to {@code result}.
   *
   * @param scored hears each extender that answered, with its answer (a recorder); may be null
   */
  public static void add(
      List<? extends SchedulerExtender> extenders,
      Pod pod,
      List<Node> nodes,
      NodeScoreList result,
      BiConsumer<SchedulerExtender, SchedulerExtender.PrioritizeResult> scored) {
    Map<String, Long> combined = new HashMap<>();
    for (SchedulerExtender extender : extenders) {
      if (!extender.isInterested(pod)) {
        continue;
      }
      SchedulerExtender.PrioritizeResult r;
      try {
        r = extender.prioritize(pod, nodes);
      } catch (RuntimeException e) {
        continue;
      }
      long weight = r.weight();
      r.scores().forEach((host, score) -> combined.merge(host, score * weight, Long::sum));
      if (scored != null) {
        scored.accept(extender, r);
      }
    }
    long scale = NodeScoreList.MAX_NODE_SCORE / SchedulerExtender.MAX_EXTENDER_PRIORITY;
    for (int i = 0; i < result.size(); i++) {
      result.setScore(i, result.score(i) + combined.getOrDefault(result.name(i), 0L) * scale);
    }
  }
}
