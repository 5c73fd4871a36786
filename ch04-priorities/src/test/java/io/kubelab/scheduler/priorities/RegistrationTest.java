package io.kubelab.scheduler.priorities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.AlgorithmConfig;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.AlgorithmProviders;
import io.kubelab.scheduler.algorithm.AlgorithmRegistry;
import io.kubelab.scheduler.algorithm.Configurator;
import io.kubelab.scheduler.algorithm.PriorityConfig;
import io.kubelab.scheduler.algorithm.PriorityNames;
import io.kubelab.scheduler.algorithm.policy.Policies;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Registration into chapter 02's registry: upstream's names and weights, the providers, the Policy
 * arguments and the metadata factory.
 */
class RegistrationTest {

  private final Snapshot snapshot =
      Snapshot.of(List.of(), List.of(Fixtures.node("n1").build(), Fixtures.node("n2").build()));

  private AlgorithmRegistry registry() {
    AlgorithmRegistry r = new AlgorithmRegistry();
    AlgorithmProviders.registerAll(r);
    Priorities.registerAll(r);
    return r;
  }

  private AlgorithmConfig fromPolicy(AlgorithmRegistry r, String json) {
    return new Configurator(r, AlgorithmFactoryArgs.of(snapshot))
        .createFromConfig(Policies.parse(json));
  }

  private static Map<String, Long> weights(AlgorithmConfig c) {
    return c.prioritizers().stream()
        .collect(
            java.util.stream.Collectors.toMap(
                PriorityConfig::name, PriorityConfig::weight, (a, b) -> a, java.util.TreeMap::new));
  }

  @Test
  void everyUnconditionalV117PriorityButTheSpreadingOnesIsRegisteredUnderItsName() {
    assertThat(registry().listRegisteredPriorityFunctions())
        .containsExactlyInAnyOrderElementsOf(Priorities.REGISTERED);
  }

  @Test
  void theDefaultProviderReportsWhatIsStillMissing() {
    Configurator c = new Configurator(registry(), AlgorithmFactoryArgs.of(snapshot));
    assertThatThrownBy(() -> c.createFromProvider(AlgorithmRegistry.DEFAULT_PROVIDER))
        .hasMessageEndingWith("priorities [SelectorSpreadPriority])");
  }

  @Test
  void withChapter03sPredicatesTheDefaultProviderNamesOnlyChapter05sPriority() {
    AlgorithmRegistry r = registry();
    io.kubelab.scheduler.predicates.Predicates.registerAll(r);
    Configurator c = new Configurator(r, AlgorithmFactoryArgs.of(snapshot));
    // Every DefaultProvider predicate is chapter 03's; SelectorSpreadPriority is chapter 05's.
    assertThatThrownBy(() -> c.createFromProvider(AlgorithmRegistry.DEFAULT_PROVIDER))
        .hasMessage(
            "invalid priority name SelectorSpreadPriority specified - no corresponding function"
                + " found (provider \"DefaultProvider\" names 1 function(s) nothing registered:"
                + " predicates [], priorities [SelectorSpreadPriority])");
  }

  @Test
  void theDefaultProvidersPrioritiesBuildWithUpstreamsWeights() {
    AlgorithmRegistry r = registry();
    // chapter 05's SelectorSpreadPriority, stood in for so that the provider builds
    r.registerPriorityMapReduceFunction(
        PriorityNames.SELECTOR_SPREAD_PRIORITY, (pod, meta, ni) -> 0, null, 1);
    r.registerAlgorithmProvider("PrioritiesOnly", Set.of(), AlgorithmProviders.DEFAULT_PRIORITIES);
    AlgorithmConfig c =
        new Configurator(r, AlgorithmFactoryArgs.of(snapshot)).createFromProvider("PrioritiesOnly");
    assertThat(weights(c))
        .isEqualTo(
            new java.util.TreeMap<>(
                Map.of(
                    "BalancedResourceAllocation", 1L,
                    "ImageLocalityPriority", 1L,
                    "InterPodAffinityPriority", 1L,
                    "LeastRequestedPriority", 1L,
                    "NodeAffinityPriority", 1L,
                    "NodePreferAvoidPodsPriority", 10000L,
                    "SelectorSpreadPriority", 1L,
                    "TaintTolerationPriority", 1L)));
    assertThat(c.priorityMetadataProducer()).isInstanceOf(MetadataFactory.class);
  }

  @Test
  void theClusterAutoscalerProviderPacksWithMostRequested() {
    AlgorithmRegistry r = registry();
    assertThat(
            r.algorithmProvider(AlgorithmRegistry.CLUSTER_AUTOSCALER_PROVIDER)
                .priorityFunctionKeys())
        .contains(PriorityNames.MOST_REQUESTED_PRIORITY)
        .doesNotContain(PriorityNames.LEAST_REQUESTED_PRIORITY);
    assertThat(r.isPriorityFunctionRegistered(PriorityNames.MOST_REQUESTED_PRIORITY)).isTrue();
  }

  @Test
  void aPolicyNamesPrioritiesWithItsOwnWeightsAndSkipsEqualPriority() {
    AlgorithmConfig c =
        fromPolicy(
            registry(),
            """
            {"kind": "Policy", "apiVersion": "v1", "predicates": [],
             "priorities": [
               {"name": "EqualPriority", "weight": 3},
               {"name": "LeastRequestedPriority", "weight": 2},
               {"name": "RequestedToCapacityRatioPriority", "weight": 4}
             ]}""");
    assertThat(weights(c))
        .isEqualTo(
            new java.util.TreeMap<>(
                Map.of("LeastRequestedPriority", 2L, "RequestedToCapacityRatioPriority", 4L)));
  }

  @Test
  void labelPreferencesBecomeOneNodeLabelPriorityWithTheirWeightsSummed() {
    AlgorithmConfig c =
        fromPolicy(
            registry(),
            """
            {"kind": "Policy", "apiVersion": "v1", "predicates": [],
             "priorities": [
               {"name": "ZonePreferred", "weight": 2,
                "argument": {"labelPreference": {"label": "zone", "presence": true}}},
               {"name": "NotSpot", "weight": 2,
                "argument": {"labelPreference": {"label": "spot", "presence": false}}}
             ]}""");
    PriorityConfig p = c.prioritizers().get(0);
    assertThat(p.name()).isEqualTo("NodeLabel");
    assertThat(p.weight()).isEqualTo(4);
    NodeLabel label = (NodeLabel) p.map();
    assertThat(label.presentLabelsPreference()).containsExactly("zone");
    assertThat(label.absentLabelsPreference()).containsExactly("spot");
  }

  @Test
  void aRequestedToCapacityRatioArgumentRunsUnderItsPluginName() {
    AlgorithmConfig c =
        fromPolicy(
            registry(),
            """
            {"kind": "Policy", "apiVersion": "v1", "predicates": [],
             "priorities": [
               {"name": "BinPacking", "weight": 5,
                "argument": {"requestedToCapacityRatioArguments": {
                  "shape": [{"utilization": 0, "score": 0}, {"utilization": 100, "score": 10}],
                  "resources": [{"name": "intel.com/foo", "weight": 3}]}}}
             ]}""");
    PriorityConfig p = c.prioritizers().get(0);
    assertThat(p.name()).isEqualTo("RequestedToCapacityRatio");
    assertThat(p.weight()).isEqualTo(5);
    assertThat(((ResourceAllocationPriority) p.map()).resourceToWeightMap().asMap())
        .isEqualTo(Map.of("intel.com/foo", 3L));
  }

  @Test
  void aBadShapeInAPolicyFailsTheBuild() {
    assertThatThrownBy(
            () ->
                fromPolicy(
                    registry(),
                    """
                    {"kind": "Policy", "apiVersion": "v1", "predicates": [],
                     "priorities": [
                       {"name": "BinPacking", "weight": 5,
                        "argument": {"requestedToCapacityRatioArguments": {
                          "shape": [{"utilization": 50, "score": 1}, {"utilization": 40, "score": 2}]}}}
                     ]}"""))
        .hasMessage(
            "invalid RequestedToCapacityRatioPriority arguments: utilization values must be"
                + " sorted. Utilization[0]==50 >= Utilization[1]==40");
  }

  @Test
  void resourceLimitsPriorityExistsOnlyWithItsFeatureGate() {
    AlgorithmRegistry off = registry();
    Priorities.applyFeatureGates(off, false);
    assertThat(off.isPriorityFunctionRegistered(PriorityNames.RESOURCE_LIMITS_PRIORITY)).isFalse();
    AlgorithmRegistry on = registry();
    Priorities.applyFeatureGates(on, true);
    assertThat(on.isPriorityFunctionRegistered(PriorityNames.RESOURCE_LIMITS_PRIORITY)).isTrue();
    assertThat(on.algorithmProvider(AlgorithmRegistry.DEFAULT_PROVIDER).priorityFunctionKeys())
        .contains(PriorityNames.RESOURCE_LIMITS_PRIORITY);
    assertThat(
            on.algorithmProvider(AlgorithmRegistry.CLUSTER_AUTOSCALER_PROVIDER)
                .priorityFunctionKeys())
        .contains(PriorityNames.RESOURCE_LIMITS_PRIORITY);
  }

  @Test
  void thePolicysSymmetricWeightReachesTheMetadata() {
    Pod existing =
        Fixtures.pod("e")
            .nodeName("n1")
            .requiredPodAffinity(
                Fixtures.affinityTerm(Fixtures.LABEL_HOSTNAME, Fixtures.matchLabels("app", "web")))
            .build();
    Node n1 = Fixtures.node("n1").build();
    Snapshot s = Snapshot.of(List.of(existing), List.of(n1, Fixtures.node("n2").build()));
    AlgorithmConfig c =
        new Configurator(registry(), AlgorithmFactoryArgs.of(s))
            .createFromConfig(
                Policies.parse(
                    "{\"kind\": \"Policy\", \"apiVersion\": \"v1\", \"predicates\": [], \"priorities\": [],"
                        + " \"hardPodAffinitySymmetricWeight\": 7}"));
    PodPriorityMetadata m =
        (PodPriorityMetadata)
            c.priorityMetadataProducer()
                .produce(Fixtures.pod("web").label("app", "web").build(), s.list(), s);
    assertThat(m.topologyScore()).isEqualTo(Map.of(Fixtures.LABEL_HOSTNAME, Map.of("n1", 7L)));
  }

  private static final MetadataExtension<Integer> NODE_COUNT =
      new MetadataExtension<>(
          "nodeCount", Integer.class, args -> (pod, nodes, snap) -> args.sharedLister().numNodes());

  @Test
  void aLaterChapterAddsItsMetadataPartsFromTheFactoryArgs() {
    AlgorithmRegistry r = registry();
    Priorities.registerMetadataFactory(r, List.of(NODE_COUNT));
    AlgorithmConfig c =
        fromPolicy(
            r,
            "{\"kind\": \"Policy\", \"apiVersion\": \"v1\", \"predicates\": [], \"priorities\": []}");
    PodPriorityMetadata m =
        (PodPriorityMetadata)
            c.priorityMetadataProducer()
                .produce(Fixtures.pod("p").build(), snapshot.list(), snapshot);
    assertThat(m.part(NODE_COUNT)).isEqualTo(2);
    // The parts are built with each scheduler, so a repeated extension shows up then.
    Priorities.registerMetadataFactory(r, List.of(NODE_COUNT, NODE_COUNT));
    assertThatThrownBy(
            () ->
                fromPolicy(
                    r,
                    "{\"kind\": \"Policy\", \"apiVersion\": \"v1\", \"predicates\": [], \"priorities\": []}"))
        .hasMessage("metadata extension nodeCount given twice");
  }

  @Test
  void weightsComeFromUpstreamsTable() {
    assertThat(Priorities.defaultWeight(PriorityNames.NODE_PREFER_AVOID_PODS_PRIORITY))
        .isEqualTo(10000);
    assertThat(Priorities.defaultWeight(PriorityNames.IMAGE_LOCALITY_PRIORITY)).isEqualTo(1);
    assertThatThrownBy(() -> Priorities.defaultWeight("NoSuchPriority"))
        .hasMessage("priority NoSuchPriority has no upstream default weight");
    assertThatThrownBy(
            () ->
                Priorities.register(
                    registry(),
                    PriorityNames.LEAST_REQUESTED_PRIORITY,
                    LeastRequested.LEAST_RESOURCE_PRIORITY,
                    null))
        .hasMessage("Priority LeastRequestedPriority is already registered");
  }
}
