package io.kubelab.scheduler.algorithm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.scheduler.algorithm.AlgorithmFactories.PredicateArgumentKind;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class AlgorithmRegistryTest {

  static final FitPredicate FITS = (pod, meta, ni) -> PredicateResult.FIT;

  @Test
  void namesMustMatchUpstreamsRegexp() {
    AlgorithmRegistry r = new AlgorithmRegistry();
    assertThatThrownBy(() -> r.registerFitPredicate("bad name", FITS))
        .hasMessage(
            "Algorithm name bad name does not match the name validation regexp"
                + " \"^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])$\".");
    assertThatThrownBy(() -> r.registerFitPredicate("-dash", FITS))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(r.registerFitPredicate("Ok-1", FITS)).isEqualTo("Ok-1");
    // The regexp wants a first and a last character: one-letter names are invalid upstream too.
    assertThatThrownBy(() -> r.registerFitPredicate("X", FITS))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void registeringANameTwiceIsAnError() {
    AlgorithmRegistry r = new AlgorithmRegistry();
    r.registerFitPredicate("HostName", FITS);
    assertThatThrownBy(() -> r.registerFitPredicate("HostName", FITS))
        .hasMessage("Predicate HostName is already registered");
    r.registerPriorityMapReduceFunction("Pr", (pod, meta, ni) -> 0, null, 1);
    assertThatThrownBy(
            () -> r.registerPriorityMapReduceFunction("Pr", (pod, meta, ni) -> 0, null, 1))
        .hasMessage("Priority Pr is already registered");
    AlgorithmProviders.registerAll(r);
    assertThatThrownBy(() -> AlgorithmProviders.registerAll(r))
        .hasMessage("Algorithm provider DefaultProvider is already registered");
    r.registerCustomPredicate(PredicateArgumentKind.SERVICE_AFFINITY, (a, args) -> FITS);
    assertThatThrownBy(
            () ->
                r.registerCustomPredicate(
                    PredicateArgumentKind.SERVICE_AFFINITY, (a, args) -> FITS))
        .hasMessage("custom predicate SERVICE_AFFINITY is already registered");
  }

  @Test
  void aRegisteredPriorityNeedsAPositiveWeight() {
    AlgorithmRegistry r = new AlgorithmRegistry();
    assertThatThrownBy(
            () -> r.registerPriorityMapReduceFunction("Pr", (pod, meta, ni) -> 0, null, 0))
        .hasMessage("Priority Pr should have a positive weight applied to it, got 0");
  }

  @Test
  void everyKindOfNameIsValidatedAndRegistrationAnswersWithTheName() {
    // Upstream's Register* functions return the name, for `var x = RegisterFitPredicate(...)`.
    AlgorithmRegistry r = new AlgorithmRegistry();
    assertThat(r.registerMandatoryFitPredicate("Must", FITS)).isEqualTo("Must");
    assertThat(r.registerPriorityMapReduceFunction("Pr", (pod, meta, ni) -> 0, null, 1))
        .isEqualTo("Pr");
    assertThat(
            r.registerPriorityConfigFactory(
                "Pf",
                new AlgorithmFactories.PriorityConfigFactory(
                    a -> new AlgorithmFactories.MapReduce((pod, meta, ni) -> 0, null), 2)))
        .isEqualTo("Pf");
    assertThat(r.registerAlgorithmProvider("Mine", Set.of("Must"), Set.of("Pr"))).isEqualTo("Mine");
    String regexp = " does not match the name validation regexp";
    assertThatThrownBy(() -> r.registerFitPredicate(null, FITS))
        .hasMessageStartingWith("Algorithm name null" + regexp);
    assertThatThrownBy(() -> r.registerPriorityMapReduceFunction("a b", (p, m, n) -> 0, null, 1))
        .hasMessageStartingWith("Algorithm name a b" + regexp);
    assertThatThrownBy(() -> r.registerAlgorithmProvider("my provider", Set.of(), Set.of()))
        .hasMessageStartingWith("Algorithm name my provider" + regexp);
    assertThat(r.listAlgorithmProviders()).isEqualTo("Mine");
  }

  @Test
  void registeredNamesAreListedSortedAndLookedUpExactly() {
    AlgorithmRegistry r = new AlgorithmRegistry();
    r.registerFitPredicate("PodFitsResources", FITS);
    r.registerPriorityMapReduceFunction("MostRequestedPriority", (pod, meta, ni) -> 0, null, 1);
    r.registerPriorityMapReduceFunction("LeastRequestedPriority", (pod, meta, ni) -> 0, null, 1);
    assertThat(r.isFitPredicateRegistered("PodFitsResources")).isTrue();
    assertThat(r.isFitPredicateRegistered("podfitsresources")).isFalse();
    assertThat(r.isFitPredicateRegistered("MostRequestedPriority")).isFalse();
    assertThat(r.isPriorityFunctionRegistered("MostRequestedPriority")).isTrue();
    assertThat(r.isPriorityFunctionRegistered("PodFitsResources")).isFalse();
    assertThat(r.listRegisteredPriorityFunctions())
        .containsExactly("LeastRequestedPriority", "MostRequestedPriority");
    assertThat(r.mandatoryFitPredicates()).isEmpty();
  }

  @Test
  void aCustomPriorityKindIsRegisteredOnce() {
    AlgorithmRegistry r = new AlgorithmRegistry();
    r.registerCustomPriority(
        AlgorithmFactories.PriorityArgumentKind.LABEL_PREFERENCE, (args, a) -> null);
    assertThatThrownBy(
            () ->
                r.registerCustomPriority(
                    AlgorithmFactories.PriorityArgumentKind.LABEL_PREFERENCE, (args, a) -> null))
        .hasMessage("custom priority LABEL_PREFERENCE is already registered");
  }

  @Test
  void mandatoryPredicatesAreRegisteredAndRemembered() {
    AlgorithmRegistry r = new AlgorithmRegistry();
    r.registerMandatoryFitPredicate("CheckNodeUnschedulable", FITS);
    assertThat(r.isFitPredicateRegistered("CheckNodeUnschedulable")).isTrue();
    assertThat(r.mandatoryFitPredicates()).containsExactly("CheckNodeUnschedulable");
    assertThat(r.listRegisteredFitPredicates()).containsExactly("CheckNodeUnschedulable");
  }

  @Test
  void theProvidersAreUpstreamsNameSets() {
    AlgorithmRegistry r = new AlgorithmRegistry();
    AlgorithmProviders.registerAll(r);
    AlgorithmRegistry.AlgorithmProviderConfig d = r.algorithmProvider("DefaultProvider");
    assertThat(d.fitPredicateKeys())
        .containsExactlyInAnyOrder(
            "NoVolumeZoneConflict",
            "MaxEBSVolumeCount",
            "MaxGCEPDVolumeCount",
            "MaxAzureDiskVolumeCount",
            "MaxCSIVolumeCountPred",
            "MatchInterPodAffinity",
            "NoDiskConflict",
            "GeneralPredicates",
            "PodToleratesNodeTaints",
            "CheckVolumeBinding",
            "CheckNodeUnschedulable");
    assertThat(d.priorityFunctionKeys())
        .containsExactlyInAnyOrder(
            "SelectorSpreadPriority",
            "InterPodAffinityPriority",
            "LeastRequestedPriority",
            "BalancedResourceAllocation",
            "NodePreferAvoidPodsPriority",
            "NodeAffinityPriority",
            "TaintTolerationPriority",
            "ImageLocalityPriority");
    AlgorithmRegistry.AlgorithmProviderConfig ca = r.algorithmProvider("ClusterAutoscalerProvider");
    assertThat(ca.fitPredicateKeys()).isEqualTo(d.fitPredicateKeys());
    Set<String> swapped = new TreeSet<>(d.priorityFunctionKeys());
    swapped.remove("LeastRequestedPriority");
    swapped.add("MostRequestedPriority");
    assertThat(ca.priorityFunctionKeys()).isEqualTo(swapped);
  }

  @Test
  void everyDefaultPredicateIsInTheOrderingSoItWillRun() {
    assertThat(PredicateOrdering.ordering()).containsAll(AlgorithmProviders.DEFAULT_PREDICATES);
    assertThat(PredicateOrdering.ordering()).hasSize(20).doesNotHaveDuplicates();
    assertThat(PredicateOrdering.ordering().get(0)).isEqualTo("CheckNodeUnschedulable");
    assertThat(PredicateOrdering.ordering().get(19)).isEqualTo("MatchInterPodAffinity");
  }
}
