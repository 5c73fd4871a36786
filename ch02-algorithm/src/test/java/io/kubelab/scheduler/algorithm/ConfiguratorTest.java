package io.kubelab.scheduler.algorithm;

import static io.kubelab.scheduler.algorithm.PredicateOrdering.CHECK_NODE_LABEL_PRESENCE_PRED;
import static io.kubelab.scheduler.algorithm.PredicateOrdering.CHECK_NODE_UNSCHEDULABLE_PRED;
import static io.kubelab.scheduler.algorithm.PredicateOrdering.GENERAL_PRED;
import static io.kubelab.scheduler.algorithm.PredicateOrdering.MATCH_NODE_SELECTOR_PRED;
import static io.kubelab.scheduler.algorithm.PredicateOrdering.POD_FITS_HOST_PORTS_PRED;
import static io.kubelab.scheduler.algorithm.PredicateOrdering.POD_TOLERATES_NODE_TAINTS_PRED;
import static io.kubelab.scheduler.algorithm.TestCluster.node;
import static io.kubelab.scheduler.algorithm.TestCluster.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.AlgorithmFactories.MapReduce;
import io.kubelab.scheduler.algorithm.AlgorithmFactories.PredicateArgumentKind;
import io.kubelab.scheduler.algorithm.AlgorithmFactories.PriorityArgumentKind;
import io.kubelab.scheduler.algorithm.AlgorithmFactories.PriorityConfigFactory;
import io.kubelab.scheduler.algorithm.policy.Policies;
import io.kubelab.scheduler.algorithm.policy.Policy;
import io.kubelab.scheduler.algorithm.policy.PolicyException;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How names, providers and policies become a scheduler's functions. */
class ConfiguratorTest {

  static final FitPredicate FITS = (pod, meta, ni) -> PredicateResult.FIT;

  AlgorithmRegistry registry;
  Snapshot snapshot;
  List<Integer> weightsSeenByFactories;
  List<Set<String>> ignoredResourcesSeenByFactories;

  /** A registry with the providers and a toy function behind every default name. */
  @BeforeEach
  void toyRegistry() {
    registry = new AlgorithmRegistry();
    snapshot = Snapshot.of(List.of(), List.of(node("n1"), node("n2")));
    weightsSeenByFactories = new CopyOnWriteArrayList<>();
    ignoredResourcesSeenByFactories = new CopyOnWriteArrayList<>();
    AlgorithmProviders.registerAll(registry);
    for (String name : AlgorithmProviders.DEFAULT_PREDICATES) {
      if (name.equals(CHECK_NODE_UNSCHEDULABLE_PRED)
          || name.equals(POD_TOLERATES_NODE_TAINTS_PRED)) {
        registry.registerMandatoryFitPredicate(name, FITS);
      } else {
        registry.registerFitPredicateFactory(
            name,
            args -> {
              weightsSeenByFactories.add(args.hardPodAffinitySymmetricWeight());
              ignoredResourcesSeenByFactories.add(args.ignoredExtendedResources());
              return FITS;
            });
      }
    }
    registry.registerFitPredicate(MATCH_NODE_SELECTOR_PRED, FITS);
    registry.registerFitPredicate(POD_FITS_HOST_PORTS_PRED, FITS);
    AlgorithmProviders.DEFAULT_PRIORITY_WEIGHTS.forEach(
        (name, weight) ->
            registry.registerPriorityMapReduceFunction(name, (pod, meta, ni) -> 0, null, weight));
  }

  Configurator configurator() {
    return new Configurator(registry, AlgorithmFactoryArgs.of(snapshot));
  }

  @Test
  void aProviderBecomesItsRegisteredFunctions() {
    AlgorithmConfig c = configurator().createFromProvider("DefaultProvider");
    assertThat(c.predicates()).containsOnlyKeys(AlgorithmProviders.DEFAULT_PREDICATES);
    assertThat(c.prioritizers())
        .extracting(PriorityConfig::name)
        .containsExactly(
            "BalancedResourceAllocation",
            "ImageLocalityPriority",
            "InterPodAffinityPriority",
            "LeastRequestedPriority",
            "NodeAffinityPriority",
            "NodePreferAvoidPodsPriority",
            "SelectorSpreadPriority",
            "TaintTolerationPriority");
    assertThat(c.prioritizers())
        .filteredOn(p -> p.name().equals("NodePreferAvoidPodsPriority"))
        .extracting(PriorityConfig::weight)
        .containsExactly(10000L);
    assertThat(c.hardPodAffinitySymmetricWeight()).isEqualTo(1);
    assertThat(c.alwaysCheckAllPredicates()).isFalse();
  }

  @Test
  void theClusterAutoscalerProviderPacksInsteadOfSpreading() {
    AlgorithmConfig c = configurator().createFromProvider("ClusterAutoscalerProvider");
    assertThat(c.prioritizers())
        .extracting(PriorityConfig::name)
        .contains("MostRequestedPriority")
        .doesNotContain("LeastRequestedPriority");
  }

  @Test
  void providersAreListedAndUnknownOnesNamed() {
    assertThat(registry.listAlgorithmProviders())
        .isEqualTo("ClusterAutoscalerProvider | DefaultProvider");
    assertThatThrownBy(() -> configurator().createFromProvider("Nope"))
        .hasMessage("provider \"Nope\" is not registered");
  }

  @Test
  void providerNamesResolveOnlyWhenASchedulerIsBuilt() {
    AlgorithmRegistry late = new AlgorithmRegistry();
    AlgorithmProviders.registerAll(late);
    Configurator c = new Configurator(late, AlgorithmFactoryArgs.of(snapshot));
    assertThatThrownBy(() -> c.createFromProvider("DefaultProvider"))
        .hasMessageStartingWith(
            "invalid predicate name \"CheckNodeUnschedulable\" specified - no corresponding"
                + " function found (provider \"DefaultProvider\" names 19 function(s) nothing"
                + " registered: predicates [CheckNodeUnschedulable, CheckVolumeBinding,")
        .hasMessageEndingWith(
            "priorities [BalancedResourceAllocation, ImageLocalityPriority,"
                + " InterPodAffinityPriority, LeastRequestedPriority, NodeAffinityPriority,"
                + " NodePreferAvoidPodsPriority, SelectorSpreadPriority, TaintTolerationPriority])");
    // a later chapter registers the functions; now it builds
    for (String name : AlgorithmProviders.DEFAULT_PREDICATES) {
      late.registerFitPredicate(name, FITS);
    }
    for (String name : AlgorithmProviders.DEFAULT_PRIORITIES) {
      late.registerPriorityMapReduceFunction(name, (pod, meta, ni) -> 0, null, 1);
    }
    assertThat(c.createFromProvider("DefaultProvider").predicates()).hasSize(11);
  }

  @Test
  void featureGatesAddEvenPodsSpreadToEveryProvider() {
    AlgorithmProviders.applyFeatureGates(registry, true, true);
    for (String p : List.of("DefaultProvider", "ClusterAutoscalerProvider")) {
      assertThat(registry.algorithmProvider(p).fitPredicateKeys()).contains("EvenPodsSpread");
      assertThat(registry.algorithmProvider(p).priorityFunctionKeys())
          .contains("EvenPodsSpreadPriority", "ResourceLimitsPriority");
    }
  }

  @Test
  void aPolicyWithoutPredicatesOrPrioritiesUsesTheDefaultProvidersOnes() {
    AlgorithmConfig c = configurator().createFromConfig(Policies.parse("{}"));
    assertThat(c.predicates()).containsOnlyKeys(AlgorithmProviders.DEFAULT_PREDICATES);
    assertThat(c.prioritizers()).hasSize(8);
  }

  @Test
  void anEmptyPredicateListStillRunsTheMandatoryPredicates() {
    AlgorithmConfig c =
        configurator().createFromConfig(Policies.parse("{\"predicates\": [], \"priorities\": []}"));
    assertThat(c.predicates())
        .containsOnlyKeys(CHECK_NODE_UNSCHEDULABLE_PRED, POD_TOLERATES_NODE_TAINTS_PRED);
    assertThat(c.prioritizers()).isEmpty();
  }

  @Test
  void aPolicysWeightReplacesTheRegisteredOneAndEqualPriorityIsSkipped() {
    AlgorithmConfig c =
        configurator()
            .createFromConfig(
                Policies.parse(
                    "{\"priorities\": [{\"name\": \"EqualPriority\", \"weight\": 1},"
                        + " {\"name\": \"NodePreferAvoidPodsPriority\", \"weight\": 3}]}"));
    assertThat(c.prioritizers())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.name()).isEqualTo("NodePreferAvoidPodsPriority");
              assertThat(p.weight()).isEqualTo(3);
            });
    // the registry itself is unchanged
    assertThat(configurator().createFromProvider("DefaultProvider").prioritizers())
        .filteredOn(p -> p.name().equals("NodePreferAvoidPodsPriority"))
        .extracting(PriorityConfig::weight)
        .containsExactly(10000L);
  }

  @Test
  void unknownNamesInAPolicyAreNamed() {
    assertThatThrownBy(
            () ->
                configurator()
                    .createFromConfig(
                        Policies.parse(
                            "{\"predicates\": [{\"name\": \"GeneralPredicates\"}, {\"name\":"
                                + " \"PodFitsResourcez\"}]}")))
        .hasMessage(
            "Policy.predicates[1]: Invalid configuration: Predicate type not found for"
                + " PodFitsResourcez");
    assertThatThrownBy(
            () ->
                configurator()
                    .createFromConfig(
                        Policies.parse("{\"priorities\": [{\"name\": \"Nope\", \"weight\": 1}]}")))
        .hasMessage(
            "Policy.priorities[0]: Invalid configuration: Priority type not found for Nope");
  }

  @Test
  void anInvalidPolicyIsRejectedBeforeAnythingIsBuilt() {
    Policy bad =
        new Policy(List.of(), List.of(new Policy.PriorityPolicy("X", 0, null)), null, 0, false);
    assertThatThrownBy(() -> configurator().createFromConfig(bad))
        .isInstanceOf(PolicyException.class);
  }

  @Test
  void podFitsPortsIsRegisteredButNeverRunsAsInV117() {
    // v1.17 registers the 1.0 name with PodFitsHostPorts' function; it is not in the ordering.
    registry.registerFitPredicate(
        PredicateOrdering.POD_FITS_PORTS_PRED,
        (pod, meta, ni) ->
            PredicateResult.fail(
                new PredicateFailureReason.FailureReason("node(s) didn't have free ports")));
    AlgorithmConfig c =
        configurator()
            .createFromConfig(Policies.parse("{\"predicates\": [{\"name\": \"PodFitsPorts\"}]}"));
    assertThat(c.predicates())
        .containsOnlyKeys(
            PredicateOrdering.POD_FITS_PORTS_PRED,
            CHECK_NODE_UNSCHEDULABLE_PRED,
            POD_TOLERATES_NODE_TAINTS_PRED);
    try (GenericScheduler g =
        GenericScheduler.builder(new TestCluster.SnapshotCache(), snapshot)
            .algorithm(c)
            .random(new Random(1))
            .build()) {
      assertThat(g.schedule(pod("p")).feasibleNodes()).as("nothing failed").isEqualTo(2);
    }
  }

  @Test
  void thePoliciesWeightIsCheckedOnceItReplacedTheConfiguredOne() {
    assertThatThrownBy(
            () ->
                configurator()
                    .createFromConfig(Policies.parse("{\"hardPodAffinitySymmetricWeight\": 101}")))
        .hasMessage("invalid hardPodAffinitySymmetricWeight: 101, must be in the range 1-100");
    assertThatThrownBy(
            () ->
                configurator()
                    .createFromConfig(Policies.parse("{\"hardPodAffinitySymmetricWeight\": -1}")))
        .hasMessage("invalid hardPodAffinitySymmetricWeight: -1, must be in the range 1-100");
    assertThat(
            configurator()
                .createFromConfig(Policies.parse("{\"hardPodAffinitySymmetricWeight\": 100}"))
                .hardPodAffinitySymmetricWeight())
        .isEqualTo(100);
  }

  @Test
  void labelsPresencePredicatesAccumulateIntoOneCheckNodeLabelPresence() {
    List<List<Policy.PredicateArgument>> built = new ArrayList<>();
    registry.registerCustomPredicate(
        PredicateArgumentKind.LABELS_PRESENCE,
        (arguments, args) -> {
          built.add(arguments);
          return FITS;
        });
    AlgorithmConfig c =
        configurator()
            .createFromConfig(
                Policies.parse(
                    "{\"predicates\": [{\"name\": \"zone-present\", \"argument\":"
                        + " {\"labelsPresence\": {\"labels\": [\"zone\"], \"presence\": true}}},"
                        + " {\"name\": \"retiring-absent\", \"argument\": {\"labelsPresence\":"
                        + " {\"labels\": [\"retiring\"], \"presence\": false}}}]}"));
    assertThat(c.predicates()).containsKey(CHECK_NODE_LABEL_PRESENCE_PRED);
    assertThat(built).hasSize(1);
    assertThat(built.get(0))
        .extracting(a -> a.labelsPresence().labels().get(0))
        .containsExactly("zone", "retiring");
  }

  @Test
  void labelPreferencePrioritiesShareOneNodeLabelPriorityWithTheWeightsSummed() {
    AtomicInteger builds = new AtomicInteger();
    registry.registerCustomPriority(
        PriorityArgumentKind.LABEL_PREFERENCE,
        (arguments, args) -> {
          builds.incrementAndGet();
          assertThat(arguments).hasSize(2);
          return new MapReduce((pod, meta, ni) -> 0, null);
        });
    AlgorithmConfig c =
        configurator()
            .createFromConfig(
                Policies.parse(
                    "{\"priorities\": [{\"name\": \"a\", \"weight\": 3, \"argument\":"
                        + " {\"labelPreference\": {\"label\": \"ssd\", \"presence\": true}}},"
                        + " {\"name\": \"b\", \"weight\": 3, \"argument\": {\"labelPreference\":"
                        + " {\"label\": \"spot\"}}}]}"));
    assertThat(c.prioritizers())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.name()).isEqualTo("NodeLabel");
              assertThat(p.weight()).isEqualTo(6);
            });
    assertThat(builds).hasValue(1);
  }

  @Test
  void aPolicyArgumentWithoutARegisteredFactoryIsNamed() {
    assertThatThrownBy(
            () ->
                configurator()
                    .createFromConfig(
                        Policies.parse(
                            "{\"predicates\": [{\"name\": \"sa\", \"argument\":"
                                + " {\"serviceAffinity\": {\"labels\": [\"region\"]}}}]}")))
        .hasMessage(
            "Policy.predicates[0]: Invalid configuration: Predicate type not found for sa (no"
                + " function is registered for SERVICE_AFFINITY arguments)");
  }

  @Test
  void hardPodAffinitySymmetricWeightFromThePolicyReachesTheFactories() {
    AlgorithmConfig c =
        configurator()
            .createFromConfig(
                Policies.parse(
                    "{\"predicates\": [{\"name\": \"GeneralPredicates\"}],"
                        + " \"hardPodAffinitySymmetricWeight\": 42}"));
    assertThat(c.hardPodAffinitySymmetricWeight()).isEqualTo(42);
    assertThat(weightsSeenByFactories).containsExactly(42);
    assertThat(c.predicates()).containsKey(GENERAL_PRED);
  }

  @Test
  void extendersResourcesIgnoredBySchedulerReachTheFactories() {
    // CreateFromConfig collects managedResources[].ignoredByScheduler over every extender,
    // ignorable ones included, and hands them to the predicates' metadata (PodFitsResources).
    configurator()
        .createFromConfig(
            Policies.parse(
                """
                {"predicates": [{"name": "GeneralPredicates"}],
                 "extenders": [
                   {"urlPrefix": "http://127.0.0.1:1/a", "managedResources": [
                     {"name": "example.com/foo", "ignoredByScheduler": true},
                     {"name": "example.com/bar", "ignoredByScheduler": false}]},
                   {"urlPrefix": "http://127.0.0.1:1/b", "ignorable": true, "managedResources": [
                     {"name": "example.com/baz", "ignoredByScheduler": true}]}]}
                """));
    assertThat(ignoredResourcesSeenByFactories)
        .containsExactly(Set.of("example.com/foo", "example.com/baz"));

    ignoredResourcesSeenByFactories.clear();
    configurator()
        .createFromConfig(Policies.parse("{\"predicates\": [{\"name\": \"GeneralPredicates\"}]}"));
    assertThat(ignoredResourcesSeenByFactories).as("no extenders").containsExactly(Set.of());
  }

  @Test
  void aConfiguredWeightOutsideOneToHundredIsRejected() {
    Configurator c =
        new Configurator(registry, new AlgorithmFactoryArgs(snapshot, 0, Map.of()), false);
    assertThatThrownBy(() -> c.createFromProvider("DefaultProvider"))
        .hasMessage("invalid hardPodAffinitySymmetricWeight: 0, must be in the range 1-100");
  }

  @Test
  void alwaysCheckAllPredicatesComesFromThePolicyOrTheConfiguration() {
    assertThat(
            configurator()
                .createFromConfig(Policies.parse("{\"alwaysCheckAllPredicates\": true}"))
                .alwaysCheckAllPredicates())
        .isTrue();
    assertThat(
            new Configurator(registry, AlgorithmFactoryArgs.of(snapshot), true)
                .createFromProvider("DefaultProvider")
                .alwaysCheckAllPredicates())
        .isTrue();
  }

  @Test
  void ignorableExtendersGoLast() {
    AlgorithmConfig c =
        configurator()
            .createFromConfig(
                Policies.parse(
                    "{\"extenders\": [{\"urlPrefix\": \"http://127.0.0.1:1/a\", \"ignorable\":"
                        + " true}, {\"urlPrefix\": \"http://127.0.0.1:1/b\"}]}"));
    assertThat(c.extenders())
        .extracting(Policy.Extender::urlPrefix)
        .containsExactly("http://127.0.0.1:1/b", "http://127.0.0.1:1/a");
  }

  @Test
  void weightsThatCouldOverflowTheTotalScoreAreRejected() {
    long huge = Long.MAX_VALUE / 150;
    registry.registerPriorityConfigFactory(
        "HugeA", new PriorityConfigFactory(a -> new MapReduce((p, m, n) -> 0, null), huge));
    registry.registerPriorityConfigFactory(
        "HugeB", new PriorityConfigFactory(a -> new MapReduce((p, m, n) -> 0, null), huge));
    registry.registerAlgorithmProvider("Huge", Set.of(), Set.of("HugeA", "HugeB"));
    assertThatThrownBy(() -> configurator().createFromProvider("Huge"))
        .hasMessage("total priority of priority functions has overflown");
  }

  @Test
  void aProviderMissingOnlyAPriorityNamesThatPriority() {
    registry.registerAlgorithmProvider("Half", Set.of(GENERAL_PRED), Set.of("NoSuchPriority"));
    assertThatThrownBy(() -> configurator().createFromProvider("Half"))
        .hasMessage(
            "invalid priority name NoSuchPriority specified - no corresponding function found"
                + " (provider \"Half\" names 1 function(s) nothing registered: predicates [],"
                + " priorities [NoSuchPriority])");
  }

  @Test
  void aFactoryThatBuildsNothingIsNamedInsteadOfFailingLater() {
    registry.registerFitPredicateFactory("NullPredicate", args -> null);
    registry.registerAlgorithmProvider("NoPredicate", Set.of("NullPredicate"), Set.of());
    assertThatThrownBy(() -> configurator().createFromProvider("NoPredicate"))
        .hasMessage("predicate NullPredicate: its factory built no predicate");
    registry.registerPriorityConfigFactory(
        "NullMapReduce", new PriorityConfigFactory(a -> null, 1));
    registry.registerPriorityConfigFactory(
        "NullMap", new PriorityConfigFactory(a -> new MapReduce(null, null), 1));
    registry.registerAlgorithmProvider("NoMapReduce", Set.of(), Set.of("NullMapReduce"));
    registry.registerAlgorithmProvider("NoMap", Set.of(), Set.of("NullMap"));
    assertThatThrownBy(() -> configurator().createFromProvider("NoMapReduce"))
        .hasMessage("priority NullMapReduce: its factory built no map function");
    assertThatThrownBy(() -> configurator().createFromProvider("NoMap"))
        .hasMessage("priority NullMap: its factory built no map function");
  }

  @Test
  void weightsMayFillMaxTotalScoreExactlyButNotOneMore() {
    // validateSelectedConfigs: weight × MaxNodeScore (100) summed must stay within int64.
    long fills = Long.MAX_VALUE / NodeScoreList.MAX_NODE_SCORE;
    registry.registerPriorityConfigFactory(
        "Exact", new PriorityConfigFactory(a -> new MapReduce((p, m, n) -> 0, null), fills));
    registry.registerPriorityConfigFactory(
        "One", new PriorityConfigFactory(a -> new MapReduce((p, m, n) -> 0, null), 1));
    registry.registerAlgorithmProvider("Full", Set.of(), Set.of("Exact"));
    registry.registerAlgorithmProvider("Overfull", Set.of(), Set.of("Exact", "One"));
    assertThat(configurator().createFromProvider("Full").prioritizers())
        .extracting(PriorityConfig::weight)
        .containsExactly(fills);
    assertThatThrownBy(() -> configurator().createFromProvider("Overfull"))
        .hasMessage("total priority of priority functions has overflown");
  }

  @Test
  void theRegisteredPriorityMetadataProducerIsUsed() {
    PriorityMetadata meta = new PriorityMetadata() {};
    registry.registerPriorityMetadataProducerFactory(args -> (pod, nodes, s) -> meta);
    AlgorithmConfig c = configurator().createFromProvider("DefaultProvider");
    assertThat(c.priorityMetadataProducer().produce(pod("p"), List.of(), snapshot)).isSameAs(meta);
  }

  @Test
  void theConfigurationsAlwaysCheckAllPredicatesHoldsWhenThePolicyLeavesItOut() {
    assertThat(
            new Configurator(registry, AlgorithmFactoryArgs.of(snapshot), true)
                .createFromConfig(Policies.parse("{}"))
                .alwaysCheckAllPredicates())
        .isTrue();
    assertThat(configurator().createFromConfig(Policies.parse("{}")).alwaysCheckAllPredicates())
        .isFalse();
  }

  @Test
  void eachKindOfPolicyArgumentRunsUnderItsUpstreamName() {
    List<String> predicateKinds = new CopyOnWriteArrayList<>();
    registry.registerCustomPredicate(
        PredicateArgumentKind.SERVICE_AFFINITY,
        (arguments, args) -> {
          predicateKinds.add("serviceAffinity x" + arguments.size());
          return FITS;
        });
    registry.registerCustomPredicate(
        PredicateArgumentKind.LABELS_PRESENCE,
        (arguments, args) -> {
          predicateKinds.add("labelsPresence x" + arguments.size());
          return FITS;
        });
    for (PriorityArgumentKind kind : PriorityArgumentKind.values()) {
      registry.registerCustomPriority(
          kind, (arguments, args) -> new MapReduce((pod, meta, ni) -> 0, null));
    }
    AlgorithmConfig c =
        configurator()
            .createFromConfig(
                Policies.parse(
                    """
                    {"predicates": [
                       {"name": "sa", "argument": {"serviceAffinity": {"labels": ["region"]}}},
                       {"name": "lp", "argument": {"labelsPresence": {"labels": ["zone"]}}}],
                     "priorities": [
                       {"name": "saa1", "weight": 2,
                        "argument": {"serviceAntiAffinity": {"label": "zone"}}},
                       {"name": "saa2", "weight": 2,
                        "argument": {"serviceAntiAffinity": {"label": "rack"}}},
                       {"name": "rtcr", "weight": 3,
                        "argument": {"requestedToCapacityRatioArguments": {}}}]}
                    """));
    assertThat(c.predicates())
        .containsOnlyKeys(
            PredicateOrdering.CHECK_SERVICE_AFFINITY_PRED,
            CHECK_NODE_LABEL_PRESENCE_PRED,
            CHECK_NODE_UNSCHEDULABLE_PRED,
            POD_TOLERATES_NODE_TAINTS_PRED);
    assertThat(predicateKinds).containsExactlyInAnyOrder("serviceAffinity x1", "labelsPresence x1");
    // n ServiceAntiAffinity priorities of weight w run as one ServiceAffinity of weight n*w.
    assertThat(c.prioritizers())
        .extracting(PriorityConfig::name, PriorityConfig::weight)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(PriorityNames.REQUESTED_TO_CAPACITY_RATIO, 3L),
            org.assertj.core.groups.Tuple.tuple(PriorityNames.SERVICE_AFFINITY, 4L));
  }

  @Test
  void metadataProducersComeFromTheRegisteredFactories() {
    PredicateMetadata meta =
        new PredicateMetadata() {
          @Override
          public PredicateMetadata shallowCopy() {
            return this;
          }

          @Override
          public void addPod(Pod addedPod, Node node) {}

          @Override
          public void removePod(Pod deletedPod, Node node) {}
        };
    registry.registerPredicateMetadataProducerFactory(args -> (pod, s) -> meta);
    AlgorithmConfig c = configurator().createFromProvider("DefaultProvider");
    assertThat(c.predicateMetadataProducer().produce(pod("p"), snapshot)).isSameAs(meta);
    assertThat(c.priorityMetadataProducer().produce(pod("p"), List.of(), snapshot)).isNull();
  }

  @Test
  void aPolicyBecomesARunningScheduler() {
    // Toy chapter code: a label predicate and a priority that prefers the named node.
    AlgorithmRegistry r = new AlgorithmRegistry();
    AlgorithmProviders.registerAll(r);
    r.registerFitPredicate(
        MATCH_NODE_SELECTOR_PRED,
        (pod, meta, ni) ->
            ni.node().getMetadata().getLabels().containsKey("disk")
                ? PredicateResult.FIT
                : PredicateResult.fail(GenericSchedulerTest.NODE_SELECTOR_MISMATCH));
    r.registerPriorityMapReduceFunction(
        "PreferN3", (pod, meta, ni) -> ni.nodeName().equals("n3") ? 10 : 0, null, 1);
    Snapshot s =
        Snapshot.of(
            List.of(),
            List.of(
                node("n1", Map.of()),
                node("n2", Map.of("disk", "ssd")),
                node("n3", Map.of("disk", "hdd"))));
    AlgorithmConfig config =
        new Configurator(r, AlgorithmFactoryArgs.of(s))
            .createFromConfig(
                Policies.parse(
                    "{\"kind\": \"Policy\", \"apiVersion\": \"v1\", \"predicates\": [{\"name\":"
                        + " \"MatchNodeSelector\"}], \"priorities\": [{\"name\": \"PreferN3\","
                        + " \"weight\": 2}]}"));
    try (GenericScheduler g =
        GenericScheduler.builder(new TestCluster.SnapshotCache(), s)
            .algorithm(config)
            .random(new Random(1))
            .build()) {
      assertThat(g.schedule(pod("web-1"))).isEqualTo(new ScheduleResult("n3", 3, 2));
    }
  }

  @Test
  void aProviderMissingOnlyAPredicateIsRefusedWithThatPredicatesName() {
    registry.registerAlgorithmProvider(
        "OnePredicateShort",
        Set.of(GENERAL_PRED, "NotRegistered"),
        Set.of("LeastRequestedPriority"));
    assertThatThrownBy(() -> configurator().createFromProvider("OnePredicateShort"))
        .hasMessage(
            "invalid predicate name \"NotRegistered\" specified - no corresponding function found"
                + " (provider \"OnePredicateShort\" names 1 function(s) nothing registered:"
                + " predicates [NotRegistered], priorities [])");
  }

  @Test
  void aPriorityArgumentWithoutARegisteredFunctionIsRefusedNamingTheKind() {
    // Nothing is registered for labelPreference arguments in the toy registry.
    assertThatThrownBy(
            () ->
                configurator()
                    .createFromConfig(
                        Policies.parse(
                            "{\"priorities\": [{\"name\": \"ssd\", \"weight\": 2, \"argument\":"
                                + " {\"labelPreference\": {\"label\": \"ssd\", \"presence\":"
                                + " true}}}]}")))
        .hasMessage(
            "Policy.priorities[0]: Invalid configuration: Priority type not found for ssd"
                + " (no function is registered for LABEL_PREFERENCE arguments)");
  }
}
