package io.kubelab.scheduler.framework.exercises;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkHandle;
import io.kubelab.scheduler.framework.ScoreExtensions;
import io.kubelab.scheduler.framework.ScorePlugin;
import io.kubelab.scheduler.framework.Status;

/**
 * Write it: a Score plugin that prefers the nodes running the fewest pods.
 *
 * <ul>
 *   <li>{@link #score}: the number of pods on the node, read from the cycle's snapshot ({@code
 *       handle.snapshotSharedLister().get(nodeName).pods()}).
 *   <li>{@link #normalizeScore}: upstream's {@code DefaultNormalizeScore(MaxNodeScore, reverse =
 *       true)}: with {@code max} the highest raw score, every score becomes {@code 100 * score /
 *       max} (integer division), then {@code 100 - that}; when {@code max} is 0 every node gets
 *       100.
 * </ul>
 *
 * <p>{@code FewestPodsExerciseTest} registers it under {@link #NAME}, enables it at Score with
 * weight 2 and checks the weighted scores the framework returns.
 */
public final class FewestPods implements ScorePlugin, ScoreExtensions {

  public static final String NAME = "FewestPods";

  private final FrameworkHandle handle;

  public FewestPods(FrameworkHandle handle) {
    this.handle = handle;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public long score(CycleState state, Pod pod, String nodeName) {
    throw new UnsupportedOperationException("exercise");
  }

  @Override
  public ScoreExtensions scoreExtensions() {
    return this;
  }

  @Override
  public Status normalizeScore(CycleState state, Pod pod, NodeScoreList scores) {
    throw new UnsupportedOperationException("exercise");
  }
}
