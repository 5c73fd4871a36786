package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkHandle;
import io.kubelab.scheduler.framework.ScorePlugin;
import java.util.List;

/**
 * Prefers nodes that already have the pod's images, weighted by how widely each image is spread.
 *
 * <p>Upstream: {@code pkg/scheduler/framework/plugins/imagelocality/image_locality.go} (v1.18), the
 * same rule as v1.17's priority: chapter 04's {@link
 * io.kubelab.scheduler.priorities.ImageLocality#sumImageScores} clamped and scaled by {@code
 * calculatePriority}, with the snapshot's node count as the total. No NormalizeScore.
 */
public final class ImageLocality implements ScorePlugin {

  /** {@code Name}. */
  public static final String NAME = "ImageLocality";

  private final FrameworkHandle handle;
  private final PerPod<List<String>> images =
      new PerPod<>(io.kubelab.scheduler.priorities.ImageLocality::imageNames);

  ImageLocality(FrameworkHandle handle) {
    this.handle = handle;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public long score(CycleState state, Pod pod, String nodeName) {
    return score(state, pod, Snapshots.nodeInfo(handle, nodeName));
  }

  @Override
  public long score(CycleState state, Pod pod, NodeInfo nodeInfo) {
    int totalNumNodes = handle.snapshotSharedLister().numNodes();
    return io.kubelab.scheduler.priorities.ImageLocality.calculatePriority(
        io.kubelab.scheduler.priorities.ImageLocality.sumImageScores(
            nodeInfo, images.get(pod), totalNumNodes));
  }
}
