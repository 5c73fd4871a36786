package io.kubelab.scheduler.algorithm;

import java.util.List;

/**
 * The names of the v1.17 fit predicates and the one order in which the generic scheduler runs them.
 *
 * <p>Upstream: the {@code *Pred} constants and {@code predicatesOrdering} / {@code Ordering()} in
 * {@code pkg/scheduler/algorithm/predicates/predicates.go} (v1.17). The order puts cheap checks
 * that fail often (unschedulable, resources, node selector) before expensive ones (volumes,
 * inter-pod affinity), so that short-circuiting on the first failure saves the most work. The list
 * is data here; ch03 registers the functions under these names.
 */
public final class PredicateOrdering {

  public static final String CHECK_NODE_UNSCHEDULABLE_PRED = "CheckNodeUnschedulable";
  public static final String GENERAL_PRED = "GeneralPredicates";
  public static final String HOST_NAME_PRED = "HostName";
  public static final String POD_FITS_HOST_PORTS_PRED = "PodFitsHostPorts";
  public static final String MATCH_NODE_SELECTOR_PRED = "MatchNodeSelector";
  public static final String POD_FITS_RESOURCES_PRED = "PodFitsResources";
  public static final String NO_DISK_CONFLICT_PRED = "NoDiskConflict";
  public static final String POD_TOLERATES_NODE_TAINTS_PRED = "PodToleratesNodeTaints";
  public static final String POD_TOLERATES_NODE_NO_EXECUTE_TAINTS_PRED =
      "PodToleratesNodeNoExecuteTaints";
  public static final String CHECK_NODE_LABEL_PRESENCE_PRED = "CheckNodeLabelPresence";
  public static final String CHECK_SERVICE_AFFINITY_PRED = "CheckServiceAffinity";
  public static final String MAX_EBS_VOLUME_COUNT_PRED = "MaxEBSVolumeCount";
  public static final String MAX_GCE_PD_VOLUME_COUNT_PRED = "MaxGCEPDVolumeCount";
  public static final String MAX_CSI_VOLUME_COUNT_PRED = "MaxCSIVolumeCountPred";
  public static final String MAX_AZURE_DISK_VOLUME_COUNT_PRED = "MaxAzureDiskVolumeCount";
  public static final String MAX_CINDER_VOLUME_COUNT_PRED = "MaxCinderVolumeCount";
  public static final String CHECK_VOLUME_BINDING_PRED = "CheckVolumeBinding";
  public static final String NO_VOLUME_ZONE_CONFLICT_PRED = "NoVolumeZoneConflict";
  public static final String EVEN_PODS_SPREAD_PRED = "EvenPodsSpread";
  public static final String MATCH_INTER_POD_AFFINITY_PRED = "MatchInterPodAffinity";

  /**
   * The 1.0 name of {@link #POD_FITS_HOST_PORTS_PRED}. v1.17 registers it, with the same function,
   * so that old policies still load, but it is not in the ordering and has no framework plugin: a
   * policy that names it gets a predicate that never runs. (v1.18's legacy registry maps it to the
   * NodePorts plugin instead.)
   */
  public static final String POD_FITS_PORTS_PRED = "PodFitsPorts";

  private static final List<String> ORDERING =
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

  private PredicateOrdering() {}

  /** {@code predicates.Ordering()}: every predicate the generic scheduler can run, in order. */
  public static List<String> ordering() {
    return ORDERING;
  }
}
