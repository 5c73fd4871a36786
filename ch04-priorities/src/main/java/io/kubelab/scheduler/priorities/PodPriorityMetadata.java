package io.kubelab.scheduler.priorities;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Toleration;
import io.kubelab.apimachinery.resource.Resource;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import java.util.List;
import java.util.Map;

/**
 * What the priorities precompute once per pod per scheduling cycle, so that the per-node map
 * functions only look things up.
 *
 * <p>Upstream: {@code priorityMetadata} in {@code pkg/scheduler/algorithm/priorities/metadata.go}
 * (v1.17), filled by {@link MetadataFactory}. Three fields are ours, for speed, each something
 * upstream recomputes per node: {@link #podRequest}, {@link #preferredNodeAffinity} (compiled) and
 * {@link #imageNames} (normalized). Chapter 05's fields ({@code podSelector}, {@code
 * podFirstServiceSelector}, {@code podTopologySpreadMap}) are {@linkplain #part parts}.
 *
 * @param podRequest the pod's {@linkplain
 *     io.kubelab.apimachinery.resource.PodRequests#scoringRequest scoring request}
 * @param podLimits {@code getResourceLimits}: what ResourceLimitsPriority compares
 * @param podTolerations the tolerations with effect PreferNoSchedule or empty
 * @param affinity the pod's {@code spec.affinity}, or null
 * @param preferredNodeAffinity the preferred node-affinity terms, compiled
 * @param controllerRef the pod's controller reference, or null
 * @param imageNames the normalized images of the regular containers
 * @param totalNumNodes the number of nodes in the snapshot (all of them, not only the feasible)
 * @param topologyScore inter-pod affinity's {@code topologyScore[key][value]}, possibly empty
 * @param parts the values of the registered {@link MetadataExtension}s
 */
public record PodPriorityMetadata(
    Resource podRequest,
    Resource podLimits,
    List<Toleration> podTolerations,
    Affinity affinity,
    List<NodeAffinity.PreferredTerm> preferredNodeAffinity,
    OwnerReference controllerRef,
    List<String> imageNames,
    int totalNumNodes,
    Map<String, Map<String, Long>> topologyScore,
    Map<MetadataExtension<?>, Object> parts)
    implements PriorityMetadata {

  public PodPriorityMetadata {
    podTolerations = List.copyOf(podTolerations);
    preferredNodeAffinity = List.copyOf(preferredNodeAffinity);
    imageNames = List.copyOf(imageNames);
    topologyScore = topologyScore == null ? Map.of() : topologyScore;
    parts = parts == null ? Map.of() : java.util.Collections.unmodifiableMap(parts);
  }

  /**
   * The value a registered extension computed for this pod.
   *
   * @return the value, or null when the part computed none
   * @throws IllegalArgumentException when the extension was not registered with the factory that
   *     built this metadata
   */
  public <T> T part(MetadataExtension<T> extension) {
    if (!parts.containsKey(extension)) {
      throw new IllegalArgumentException(
          "priority metadata has no part \"" + extension.name() + "\": it was not registered");
    }
    return extension.type().cast(parts.get(extension));
  }
}
