package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.algorithm.NodeScoreList.MAX_NODE_SCORE;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.cache.ImageStateSummary;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ImageLocalityPriority: favours nodes that already hold the pod's images, weighted by size, so
 * that big pulls are avoided, but damped by how many nodes have the image, so that pods do not all
 * pile onto the one node that pulled it first ("node heating").
 *
 * <p>Upstream: {@code image_locality.go} (v1.17). For each regular container (init containers are
 * not counted) whose image the node has, {@code sum += (long) (size × numNodesWithImage /
 * totalNumNodes)} in double arithmetic; the sum is clamped to [23 MiB, 1000 MiB] and scaled to
 * 0..100 in integers. An image name without a tag gets {@code :latest}. Without priority metadata
 * (no node count) the score is 0.
 */
public final class ImageLocality {

  private ImageLocality() {}

  static final long MB = 1024L * 1024;

  /** {@code minThreshold}: 23 MiB, about the smallest image in the registries' 90th percentile. */
  public static final long MIN_THRESHOLD = 23 * MB;

  /** {@code maxThreshold}: 1000 MiB. */
  public static final long MAX_THRESHOLD = 1000 * MB;

  /** {@code parsers.DefaultImageTag}. */
  static final String DEFAULT_IMAGE_TAG = "latest";

  /** {@code ImageLocalityPriorityMap}. */
  public static long imageLocalityPriorityMap(Pod pod, PriorityMetadata meta, NodeInfo nodeInfo) {
    Priorities.requireNode(nodeInfo);
    if (!(meta instanceof PodPriorityMetadata m)) {
      // No metadata, no node count: upstream skips the priority.
      return 0;
    }
    return calculatePriority(sumImageScores(nodeInfo, m.imageNames(), m.totalNumNodes()));
  }

  /** {@code calculatePriority}: clamp to the thresholds, scale to 0..100. */
  public static long calculatePriority(long sumScores) {
    if (sumScores < MIN_THRESHOLD) {
      sumScores = MIN_THRESHOLD;
    } else if (sumScores > MAX_THRESHOLD) {
      sumScores = MAX_THRESHOLD;
    }
    return MAX_NODE_SCORE * (sumScores - MIN_THRESHOLD) / (MAX_THRESHOLD - MIN_THRESHOLD);
  }

  /**
   * {@code sumImageScores}.
   *
   * @param imageNames the containers' images, already normalized
   */
  public static long sumImageScores(NodeInfo nodeInfo, List<String> imageNames, int totalNumNodes) {
    long sum = 0;
    Map<String, ImageStateSummary> imageStates = nodeInfo.imageStates();
    for (String imageName : imageNames) {
      ImageStateSummary state = imageStates.get(imageName);
      if (state != null) {
        sum += scaledImageScore(state, totalNumNodes);
      }
    }
    return sum;
  }

  /** {@code scaledImageScore}: the size times the share of nodes that have the image. */
  static long scaledImageScore(ImageStateSummary imageState, int totalNumNodes) {
    double spread = (double) imageState.numNodes() / (double) totalNumNodes;
    return (long) ((double) imageState.size() * spread);
  }

  /** The normalized images of the pod's regular containers, one per container, in order. */
  public static List<String> imageNames(Pod pod) {
    List<String> names = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      names.add(normalizedImageName(c.getImage() == null ? "" : c.getImage()));
    }
    return List.copyOf(names);
  }

  /**
   * {@code normalizedImageName}: appends {@code :latest} unless the name has a tag (a {@code :}
   * after the last {@code /}) or a digest (whose {@code sha256:} counts as one).
   */
  public static String normalizedImageName(String name) {
    if (name.lastIndexOf(':') <= name.lastIndexOf('/')) {
      return name + ":" + DEFAULT_IMAGE_TAG;
    }
    return name;
  }
}
