package io.kubelab.scheduler.predicates;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateFailureReason.InsufficientResourceError;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The names, the order and the unresolvable set, as in upstream v1.17. */
class PredicatesTest {

  @Test
  void orderingIsUpstreams() {
    assertThat(Predicates.ORDERING)
        .containsExactly(
            "CheckNodeUnschedulable",
            "GeneralPredicates",
            "HostName",
            "PodFitsHostPorts",
            "MatchNodeSelector",
            "PodFitsResources",
            "NoDiskConflict",
            "PodToleratesNodeTaints",
            "PodToleratesNodeNoExecuteTaints",
            "CheckNodeLabelPresence",
            "CheckServiceAffinity",
            "MaxEBSVolumeCount",
            "MaxGCEPDVolumeCount",
            "MaxCSIVolumeCountPred",
            "MaxAzureDiskVolumeCount",
            "MaxCinderVolumeCount",
            "CheckVolumeBinding",
            "NoVolumeZoneConflict",
            "EvenPodsSpread",
            "MatchInterPodAffinity");
  }

  @Test
  void orderedFiltersAndSorts() {
    assertThat(
            Predicates.ordered(
                java.util.Set.of(
                    "MatchInterPodAffinity",
                    "GeneralPredicates",
                    "NotAPredicate",
                    "CheckNodeUnschedulable")))
        .containsExactly("CheckNodeUnschedulable", "GeneralPredicates", "MatchInterPodAffinity");
  }

  /**
   * Every reason of {@code error.go}, and whether {@code unresolvablePredicateFailureErrors} lists
   * it: preemption skips a node that failed for an unresolvable reason, since removing pods from it
   * cannot help.
   */
  static Stream<Arguments> reasons() {
    return Stream.of(
        Arguments.of(PredicateErrors.ERR_NODE_SELECTOR_NOT_MATCH, true),
        Arguments.of(PredicateErrors.ERR_POD_AFFINITY_RULES_NOT_MATCH, true),
        Arguments.of(PredicateErrors.ERR_POD_NOT_MATCH_HOST_NAME, true),
        Arguments.of(PredicateErrors.ERR_TAINTS_TOLERATIONS_NOT_MATCH, true),
        Arguments.of(PredicateErrors.ERR_NODE_LABEL_PRESENCE_VIOLATED, true),
        Arguments.of(PredicateErrors.ERR_NODE_NOT_READY, true),
        Arguments.of(PredicateErrors.ERR_NODE_NETWORK_UNAVAILABLE, true),
        Arguments.of(PredicateErrors.ERR_NODE_UNDER_DISK_PRESSURE, true),
        Arguments.of(PredicateErrors.ERR_NODE_UNDER_PID_PRESSURE, true),
        Arguments.of(PredicateErrors.ERR_NODE_UNDER_MEMORY_PRESSURE, true),
        Arguments.of(PredicateErrors.ERR_NODE_UNSCHEDULABLE, true),
        Arguments.of(PredicateErrors.ERR_NODE_UNKNOWN_CONDITION, true),
        Arguments.of(PredicateErrors.ERR_VOLUME_ZONE_CONFLICT, true),
        Arguments.of(PredicateErrors.ERR_VOLUME_NODE_CONFLICT, true),
        Arguments.of(PredicateErrors.ERR_VOLUME_BIND_CONFLICT, true),
        Arguments.of(PredicateErrors.ERR_DISK_CONFLICT, false),
        Arguments.of(PredicateErrors.ERR_POD_AFFINITY_NOT_MATCH, false),
        Arguments.of(PredicateErrors.ERR_POD_ANTI_AFFINITY_RULES_NOT_MATCH, false),
        Arguments.of(PredicateErrors.ERR_EXISTING_PODS_ANTI_AFFINITY_RULES_NOT_MATCH, false),
        Arguments.of(PredicateErrors.ERR_POD_NOT_FITS_HOST_PORTS, false),
        Arguments.of(PredicateErrors.ERR_SERVICE_AFFINITY_VIOLATED, false),
        Arguments.of(PredicateErrors.ERR_MAX_VOLUME_COUNT_EXCEEDED, false),
        Arguments.of(PredicateErrors.ERR_TOPOLOGY_SPREAD_CONSTRAINTS_NOT_MATCH, false),
        Arguments.of(new InsufficientResourceError("cpu", 1, 1, 1), false));
  }

  @ParameterizedTest(name = "{0}: unresolvable {1}")
  @MethodSource("reasons")
  void unresolvableReasonsAreThoseRemovingPodsCannotFix(
      PredicateFailureReason reason, boolean unresolvable) {
    assertThat(PredicateErrors.UNRESOLVABLE.contains(reason)).isEqualTo(unresolvable);
    PredicateFailureReason resolvable = new InsufficientResourceError("memory", 1, 1, 1);
    assertThat(PredicateErrors.unresolvablePredicateExists(List.of(resolvable, reason)))
        .isEqualTo(unresolvable ? Optional.of(reason) : Optional.empty());
  }

  @Test
  void theUnresolvableSetHasUpstreamsFifteenReasons() {
    assertThat(PredicateErrors.UNRESOLVABLE).hasSize(15);
    assertThat(
            PredicateErrors.unresolvablePredicateExists(
                List.of(
                    PredicateErrors.ERR_DISK_CONFLICT,
                    PredicateErrors.ERR_NODE_UNSCHEDULABLE,
                    PredicateErrors.ERR_NODE_SELECTOR_NOT_MATCH)))
        .as("the first one")
        .contains(PredicateErrors.ERR_NODE_UNSCHEDULABLE);
  }

  @Test
  void reasonTextsAreUpstreams() {
    assertThat(PredicateErrors.ERR_POD_AFFINITY_NOT_MATCH.getReason())
        .isEqualTo("node(s) didn't match pod affinity/anti-affinity");
    assertThat(PredicateErrors.ERR_TOPOLOGY_SPREAD_CONSTRAINTS_NOT_MATCH.predicateName())
        .isEqualTo("EvenPodsSpreadNotMatch");
    assertThat(PredicateErrors.ERR_NODE_SELECTOR_NOT_MATCH.toString())
        .isEqualTo("Predicate MatchNodeSelector failed");
  }
}
