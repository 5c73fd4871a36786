package io.kubelab.scheduler.predicates;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateFailureReason.InsufficientResourceError;
import java.util.List;
import org.junit.jupiter.api.Test;

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
  void everyImplementedPredicateIsInTheOrderingSoItRuns() {
    assertThat(Predicates.ORDERING)
        .containsAll(Predicates.all(() -> null, VolumeListers.NONE).keySet());
    assertThat(Predicates.all(() -> null, VolumeListers.NONE).keySet())
        .containsAll(Predicates.DEFAULT_PROVIDER);
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

  @Test
  void unresolvableReasonsAreThoseRemovingPodsCannotFix() {
    List<PredicateFailureReason> fixable =
        List.of(
            new InsufficientResourceError("cpu", 1, 1, 1),
            PredicateErrors.ERR_POD_NOT_FITS_HOST_PORTS,
            PredicateErrors.ERR_EXISTING_PODS_ANTI_AFFINITY_RULES_NOT_MATCH,
            PredicateErrors.ERR_POD_ANTI_AFFINITY_RULES_NOT_MATCH,
            PredicateErrors.ERR_TOPOLOGY_SPREAD_CONSTRAINTS_NOT_MATCH,
            PredicateErrors.ERR_DISK_CONFLICT,
            PredicateErrors.ERR_MAX_VOLUME_COUNT_EXCEEDED);
    assertThat(PredicateErrors.unresolvablePredicateExists(fixable)).isEmpty();
    assertThat(
            PredicateErrors.unresolvablePredicateExists(
                List.of(
                    new InsufficientResourceError("cpu", 1, 1, 1),
                    PredicateErrors.ERR_NODE_SELECTOR_NOT_MATCH)))
        .contains(PredicateErrors.ERR_NODE_SELECTOR_NOT_MATCH);
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
