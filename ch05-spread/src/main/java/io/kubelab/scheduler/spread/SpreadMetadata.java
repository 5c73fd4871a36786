package io.kubelab.scheduler.spread;

import io.kubelab.scheduler.priorities.MetadataExtension;
import io.kubelab.scheduler.priorities.MetadataPart;
import java.util.List;
import java.util.logging.Logger;

/**
 * This chapter's parts of the priority metadata, computed once per pod per cycle by chapter 04's
 * metadata factory.
 *
 * <p>Upstream: the fields {@code podSelector}, {@code podFirstServiceSelector} and {@code
 * podTopologySpreadMap} of {@code priorityMetadata}, filled in {@code MetadataFactory.
 * PriorityMetadata} ({@code pkg/scheduler/algorithm/priorities/metadata.go}, v1.17) from the
 * factory's four listers. When the spread map cannot be built (a malformed label selector in a soft
 * constraint) upstream logs the error and returns no metadata at all, so every priority of the
 * cycle takes its no-metadata path; {@link MetadataPart.Unavailable} does the same here.
 */
public final class SpreadMetadata {

  private static final Logger LOG = Logger.getLogger(SpreadMetadata.class.getName());

  private SpreadMetadata() {}

  /**
   * {@code podSelector}: {@link SpreadSelector#defaultSelector}, with the filtered nodes' matching
   * pods and zones read through one {@link PodClassIndex} per scheduler, kept across cycles.
   */
  public static final MetadataExtension<PodSelectorCounts> POD_SELECTOR =
      new MetadataExtension<>(
          "podSelector",
          PodSelectorCounts.class,
          args -> {
            SpreadListers listers = SpreadListers.from(args);
            PodSelectorCounts.Source counts = new PodSelectorCounts.Source();
            return MetadataPart.withWorkers(
                (pod, filteredNodes, snapshot, workers) ->
                    counts.counts(
                        SpreadSelector.defaultSelector(pod, listers),
                        SelectorSpread.namespace(pod),
                        filteredNodes,
                        snapshot == null ? filteredNodes.size() : snapshot.numNodes(),
                        workers));
          });

  /** {@code podFirstServiceSelector}: {@link SpreadSelector#firstServiceSelector}, or null. */
  public static final MetadataExtension<SpreadSelector> POD_FIRST_SERVICE_SELECTOR =
      new MetadataExtension<>(
          "podFirstServiceSelector",
          SpreadSelector.class,
          args -> {
            ServiceLister services = SpreadListers.from(args).services();
            return (pod, filteredNodes, snapshot) ->
                SpreadSelector.firstServiceSelector(pod, services);
          });

  /**
   * {@code podTopologySpreadMap}: {@link PodTopologySpreadMap#build}, or null; through one {@link
   * PodClassIndex} per scheduler, its per-node work on the scheduler's workers.
   */
  public static final MetadataExtension<PodTopologySpreadMap> POD_TOPOLOGY_SPREAD_MAP =
      new MetadataExtension<>(
          "podTopologySpreadMap",
          PodTopologySpreadMap.class,
          args -> {
            PodClassIndex index = new PodClassIndex();
            return MetadataPart.withWorkers(
                (pod, filteredNodes, snapshot, workers) -> {
                  try {
                    return PodTopologySpreadMap.build(pod, filteredNodes, snapshot, index, workers);
                  } catch (IllegalArgumentException e) {
                    LOG.severe(() -> "Error building podTopologySpreadMap: " + e.getMessage());
                    throw new MetadataPart.Unavailable(e.getMessage());
                  }
                });
          });

  /** Every part, in upstream's field order. */
  public static final List<MetadataExtension<?>> EXTENSIONS =
      List.of(POD_SELECTOR, POD_FIRST_SERVICE_SELECTOR, POD_TOPOLOGY_SPREAD_MAP);
}
