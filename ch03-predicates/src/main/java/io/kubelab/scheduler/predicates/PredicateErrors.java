package io.kubelab.scheduler.predicates;

import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateFailureReason.PredicateFailureError;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The fixed failure reasons of the predicates, with upstream's names and texts.
 *
 * <p>Upstream: {@code pkg/scheduler/algorithm/predicates/error.go} (v1.17). The texts are what a
 * user reads in {@code kubectl describe pod}: {@code "0/5 nodes are available: 3 Insufficient cpu,
 * 2 node(s) didn't match node selector."}. The "node(s)" wording is deliberate: the generic
 * scheduler counts each reason over all nodes.
 */
public final class PredicateErrors {

  private PredicateErrors() {}

  public static final PredicateFailureError ERR_DISK_CONFLICT =
      new PredicateFailureError("NoDiskConflict", "node(s) had no available disk");
  public static final PredicateFailureError ERR_VOLUME_ZONE_CONFLICT =
      new PredicateFailureError("NoVolumeZoneConflict", "node(s) had no available volume zone");
  public static final PredicateFailureError ERR_NODE_SELECTOR_NOT_MATCH =
      new PredicateFailureError("MatchNodeSelector", "node(s) didn't match node selector");
  public static final PredicateFailureError ERR_POD_AFFINITY_NOT_MATCH =
      new PredicateFailureError(
          "MatchInterPodAffinity", "node(s) didn't match pod affinity/anti-affinity");
  public static final PredicateFailureError ERR_POD_AFFINITY_RULES_NOT_MATCH =
      new PredicateFailureError(
          "PodAffinityRulesNotMatch", "node(s) didn't match pod affinity rules");
  public static final PredicateFailureError ERR_POD_ANTI_AFFINITY_RULES_NOT_MATCH =
      new PredicateFailureError(
          "PodAntiAffinityRulesNotMatch", "node(s) didn't match pod anti-affinity rules");
  public static final PredicateFailureError ERR_EXISTING_PODS_ANTI_AFFINITY_RULES_NOT_MATCH =
      new PredicateFailureError(
          "ExistingPodsAntiAffinityRulesNotMatch",
          "node(s) didn't satisfy existing pods anti-affinity rules");
  public static final PredicateFailureError ERR_TAINTS_TOLERATIONS_NOT_MATCH =
      new PredicateFailureError(
          "PodToleratesNodeTaints", "node(s) had taints that the pod didn't tolerate");
  public static final PredicateFailureError ERR_POD_NOT_MATCH_HOST_NAME =
      new PredicateFailureError("HostName", "node(s) didn't match the requested hostname");
  public static final PredicateFailureError ERR_POD_NOT_FITS_HOST_PORTS =
      new PredicateFailureError(
          "PodFitsHostPorts", "node(s) didn't have free ports for the requested pod ports");
  public static final PredicateFailureError ERR_NODE_LABEL_PRESENCE_VIOLATED =
      new PredicateFailureError(
          "CheckNodeLabelPresence", "node(s) didn't have the requested labels");
  public static final PredicateFailureError ERR_SERVICE_AFFINITY_VIOLATED =
      new PredicateFailureError("CheckServiceAffinity", "node(s) didn't match service affinity");
  public static final PredicateFailureError ERR_MAX_VOLUME_COUNT_EXCEEDED =
      new PredicateFailureError("MaxVolumeCount", "node(s) exceed max volume count");
  public static final PredicateFailureError ERR_NODE_UNDER_MEMORY_PRESSURE =
      new PredicateFailureError("NodeUnderMemoryPressure", "node(s) had memory pressure");
  public static final PredicateFailureError ERR_NODE_UNDER_DISK_PRESSURE =
      new PredicateFailureError("NodeUnderDiskPressure", "node(s) had disk pressure");
  public static final PredicateFailureError ERR_NODE_UNDER_PID_PRESSURE =
      new PredicateFailureError("NodeUnderPIDPressure", "node(s) had pid pressure");
  public static final PredicateFailureError ERR_NODE_NOT_READY =
      new PredicateFailureError("NodeNotReady", "node(s) were not ready");
  public static final PredicateFailureError ERR_NODE_NETWORK_UNAVAILABLE =
      new PredicateFailureError("NodeNetworkUnavailable", "node(s) had unavailable network");
  public static final PredicateFailureError ERR_NODE_UNSCHEDULABLE =
      new PredicateFailureError("NodeUnschedulable", "node(s) were unschedulable");
  public static final PredicateFailureError ERR_NODE_UNKNOWN_CONDITION =
      new PredicateFailureError("NodeUnknownCondition", "node(s) had unknown conditions");
  public static final PredicateFailureError ERR_VOLUME_NODE_CONFLICT =
      new PredicateFailureError(
          "VolumeNodeAffinityConflict", "node(s) had volume node affinity conflict");
  public static final PredicateFailureError ERR_VOLUME_BIND_CONFLICT =
      new PredicateFailureError(
          "VolumeBindingNoMatch", "node(s) didn't find available persistent volumes to bind");
  public static final PredicateFailureError ERR_TOPOLOGY_SPREAD_CONSTRAINTS_NOT_MATCH =
      new PredicateFailureError(
          "EvenPodsSpreadNotMatch", "node(s) didn't match pod topology spread constraints");

  /**
   * Failures that removing pods cannot fix, so preemption does not try those nodes. Upstream's
   * {@code unresolvablePredicateFailureErrors}. Note what is absent: insufficient resources, host
   * ports, disk conflicts, existing pods' anti-affinity, the pod's anti-affinity, volume counts and
   * topology spread can all change when victims leave.
   */
  public static final Set<PredicateFailureReason> UNRESOLVABLE =
      Set.of(
          ERR_NODE_SELECTOR_NOT_MATCH,
          ERR_POD_AFFINITY_RULES_NOT_MATCH,
          ERR_POD_NOT_MATCH_HOST_NAME,
          ERR_TAINTS_TOLERATIONS_NOT_MATCH,
          ERR_NODE_LABEL_PRESENCE_VIOLATED,
          ERR_NODE_NOT_READY,
          ERR_NODE_NETWORK_UNAVAILABLE,
          ERR_NODE_UNDER_DISK_PRESSURE,
          ERR_NODE_UNDER_PID_PRESSURE,
          ERR_NODE_UNDER_MEMORY_PRESSURE,
          ERR_NODE_UNSCHEDULABLE,
          ERR_NODE_UNKNOWN_CONDITION,
          ERR_VOLUME_ZONE_CONFLICT,
          ERR_VOLUME_NODE_CONFLICT,
          ERR_VOLUME_BIND_CONFLICT);

  /**
   * The first reason that preemption cannot resolve, upstream's {@code
   * UnresolvablePredicateExists}.
   */
  public static Optional<PredicateFailureReason> unresolvablePredicateExists(
      List<PredicateFailureReason> reasons) {
    for (PredicateFailureReason r : reasons) {
      if (UNRESOLVABLE.contains(r)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
