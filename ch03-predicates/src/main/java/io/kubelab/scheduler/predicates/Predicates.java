package io.kubelab.scheduler.predicates;

import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The predicates by upstream name, the order they run in, and the default set.
 *
 * <p>Upstream: the {@code *Pred} name constants, {@code predicatesOrdering} and {@code Ordering()}
 * in {@code pkg/scheduler/algorithm/predicates/predicates.go}, and the DefaultProvider set in
 * {@code pkg/scheduler/algorithmprovider/defaults/defaults.go} (v1.17). The order puts cheap and
 * most-restrictive predicates first, so that with short-circuiting a node is usually rejected
 * before the expensive inter-pod affinity check runs. A predicate that is not in the order never
 * runs.
 */
public final class Predicates {

  private Predicates() {}

  public static final String MATCH_INTER_POD_AFFINITY_PRED = "MatchInterPodAffinity";
  public static final String CHECK_VOLUME_BINDING_PRED = "CheckVolumeBinding";
  public static final String GENERAL_PRED = "GeneralPredicates";
  public static final String HOST_NAME_PRED = "HostName";
  public static final String POD_FITS_HOST_PORTS_PRED = "PodFitsHostPorts";
  public static final String MATCH_NODE_SELECTOR_PRED = "MatchNodeSelector";
  public static final String POD_FITS_RESOURCES_PRED = "PodFitsResources";
  public static final String NO_DISK_CONFLICT_PRED = "NoDiskConflict";
  public static final String POD_TOLERATES_NODE_TAINTS_PRED = "PodToleratesNodeTaints";
  public static final String CHECK_NODE_UNSCHEDULABLE_PRED = "CheckNodeUnschedulable";
  public static final String POD_TOLERATES_NODE_NO_EXECUTE_TAINTS_PRED =
      "PodToleratesNodeNoExecuteTaints";
  public static final String CHECK_NODE_LABEL_PRESENCE_PRED = "CheckNodeLabelPresence";
  public static final String CHECK_SERVICE_AFFINITY_PRED = "CheckServiceAffinity";
  public static final String MAX_EBS_VOLUME_COUNT_PRED = "MaxEBSVolumeCount";
  public static final String MAX_GCE_PD_VOLUME_COUNT_PRED = "MaxGCEPDVolumeCount";
  public static final String MAX_AZURE_DISK_VOLUME_COUNT_PRED = "MaxAzureDiskVolumeCount";
  public static final String MAX_CINDER_VOLUME_COUNT_PRED = "MaxCinderVolumeCount";
  public static final String MAX_CSI_VOLUME_COUNT_PRED = "MaxCSIVolumeCountPred";
  public static final String NO_VOLUME_ZONE_CONFLICT_PRED = "NoVolumeZoneConflict";
  public static final String EVEN_PODS_SPREAD_PRED = "EvenPodsSpread";

  /** {@code predicatesOrdering}, v1.17. */
  public static final List<String> ORDERING =
      List.of(
          CHECK_NODE_UNSCHEDULABLE_PRED,
          GENERAL_PRED,
          HOST_NAME_PRED,
          POD_FITS_HOST_PORTS_PRED,
          MATCH_NODE_SELECTOR_PRED,
          POD_FITS_RESOURCES_PRED,
          NO_DISK_CONFLICT_PRED,
          POD_TOLERATES_NODE_TAINTS_PRED,
          POD_TOLERATES_NODE_NO_EXECUTE_TAINTS_PRED,
          CHECK_NODE_LABEL_PRESENCE_PRED,
          CHECK_SERVICE_AFFINITY_PRED,
          MAX_EBS_VOLUME_COUNT_PRED,
          MAX_GCE_PD_VOLUME_COUNT_PRED,
          MAX_CSI_VOLUME_COUNT_PRED,
          MAX_AZURE_DISK_VOLUME_COUNT_PRED,
          MAX_CINDER_VOLUME_COUNT_PRED,
          CHECK_VOLUME_BINDING_PRED,
          NO_VOLUME_ZONE_CONFLICT_PRED,
          EVEN_PODS_SPREAD_PRED,
          MATCH_INTER_POD_AFFINITY_PRED);

  /**
   * The v1.17 DefaultProvider predicates that this chapter implements. Upstream's set also has
   * NoVolumeZoneConflict, MaxEBSVolumeCount, MaxGCEPDVolumeCount, MaxAzureDiskVolumeCount and
   * CheckVolumeBinding, which need cloud and volume-binding machinery this book leaves out.
   */
  public static final Set<String> DEFAULT_PROVIDER =
      Set.of(
          MAX_CSI_VOLUME_COUNT_PRED,
          MATCH_INTER_POD_AFFINITY_PRED,
          NO_DISK_CONFLICT_PRED,
          GENERAL_PRED,
          POD_TOLERATES_NODE_TAINTS_PRED,
          CHECK_NODE_UNSCHEDULABLE_PRED);

  /**
   * Every predicate this chapter implements, by upstream name, in {@link #ORDERING} order.
   *
   * @param snapshot the cycle's snapshot, for MatchInterPodAffinity's no-metadata path
   * @param volumes storage objects for MaxCSIVolumeCountPred
   */
  public static Map<String, FitPredicate> all(Supplier<Snapshot> snapshot, VolumeListers volumes) {
    Map<String, FitPredicate> byName = new LinkedHashMap<>();
    byName.put(CHECK_NODE_UNSCHEDULABLE_PRED, NodeTaintPredicates::checkNodeUnschedulable);
    byName.put(GENERAL_PRED, GeneralPredicates::generalPredicates);
    byName.put(HOST_NAME_PRED, GeneralPredicates::podFitsHost);
    byName.put(POD_FITS_HOST_PORTS_PRED, GeneralPredicates::podFitsHostPorts);
    byName.put(MATCH_NODE_SELECTOR_PRED, GeneralPredicates::podMatchNodeSelector);
    byName.put(POD_FITS_RESOURCES_PRED, GeneralPredicates::podFitsResources);
    byName.put(NO_DISK_CONFLICT_PRED, NoDiskConflict::noDiskConflict);
    byName.put(POD_TOLERATES_NODE_TAINTS_PRED, NodeTaintPredicates::podToleratesNodeTaints);
    byName.put(
        POD_TOLERATES_NODE_NO_EXECUTE_TAINTS_PRED,
        NodeTaintPredicates::podToleratesNodeNoExecuteTaints);
    byName.put(MAX_CSI_VOLUME_COUNT_PRED, new CsiMaxVolumeLimitPredicate(volumes));
    byName.put(EVEN_PODS_SPREAD_PRED, EvenPodsSpreadPredicate::evenPodsSpread);
    byName.put(MATCH_INTER_POD_AFFINITY_PRED, new InterPodAffinityPredicate(snapshot));
    return byName;
  }

  /** The names of {@code predicates} that run, in the order they run. */
  public static List<String> ordered(Set<String> predicates) {
    return ORDERING.stream().filter(predicates::contains).toList();
  }
}
