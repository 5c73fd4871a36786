package io.kubelab.scheduler.spread;

import static io.kubelab.scheduler.algorithm.PriorityNames.EVEN_PODS_SPREAD_PRIORITY;
import static io.kubelab.scheduler.algorithm.PriorityNames.SELECTOR_SPREAD_PRIORITY;
import static io.kubelab.scheduler.algorithm.PriorityNames.SERVICE_SPREADING_PRIORITY;
import static io.kubelab.scheduler.spread.Objects.labels;
import static io.kubelab.scheduler.spread.Objects.node;
import static io.kubelab.scheduler.spread.Objects.pod;
import static io.kubelab.scheduler.spread.Objects.rc;
import static io.kubelab.scheduler.spread.Objects.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.AlgorithmConfig;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.AlgorithmProviders;
import io.kubelab.scheduler.algorithm.AlgorithmRegistry;
import io.kubelab.scheduler.algorithm.Configurator;
import io.kubelab.scheduler.algorithm.PriorityConfig;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.algorithm.policy.Policies;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.predicates.Predicates;
import io.kubelab.scheduler.priorities.Priorities;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** What this chapter registers, and how a Policy reaches it. */
class RegistrationTest {

  static AlgorithmRegistry registry(boolean evenPodsSpread) {
    AlgorithmRegistry r = new AlgorithmRegistry();
    AlgorithmProviders.registerAll(r);
    Predicates.registerAll(r);
    Priorities.registerAll(r);
    Spread.registerAll(r);
    AlgorithmProviders.applyFeatureGates(r, evenPodsSpread, false);
    Spread.applyFeatureGates(r, evenPodsSpread);
    return r;
  }

  static AlgorithmFactoryArgs args(Snapshot s, InMemoryListers l) {
    return Run.args(s, l.spreadListers());
  }

  @Test
  void everyPriorityOfBothProvidersIsRegisteredOnceChapters04And05Are() {
    AlgorithmRegistry r = registry(false);
    for (String provider :
        List.of(
            AlgorithmRegistry.DEFAULT_PROVIDER, AlgorithmRegistry.CLUSTER_AUTOSCALER_PROVIDER)) {
      Set<String> missing = new TreeSet<>(r.algorithmProvider(provider).priorityFunctionKeys());
      missing.removeIf(r::isPriorityFunctionRegistered);
      assertThat(missing).as(provider).isEmpty();
    }
    assertThat(r.isPriorityFunctionRegistered(SERVICE_SPREADING_PRIORITY)).isTrue();
    assertThat(r.algorithmProvider(AlgorithmRegistry.DEFAULT_PROVIDER).priorityFunctionKeys())
        .contains(SELECTOR_SPREAD_PRIORITY)
        .doesNotContain(SERVICE_SPREADING_PRIORITY, EVEN_PODS_SPREAD_PRIORITY);
  }

  @Test
  void createFromProviderBuildsTheDefaultProviderWithChapter03sPredicates() {
    AlgorithmRegistry r = registry(false);
    Set<String> predicates =
        r.algorithmProvider(AlgorithmRegistry.DEFAULT_PROVIDER).fitPredicateKeys();
    assertThat(predicates).allMatch(r::isFitPredicateRegistered);
    Snapshot s = Snapshot.of(List.of(), List.of(node("n1", Map.of())));
    AlgorithmConfig config =
        new Configurator(r, args(s, new InMemoryListers()))
            .createFromProvider(AlgorithmRegistry.DEFAULT_PROVIDER);
    assertThat(config.prioritizers().stream().map(PriorityConfig::name))
        .containsExactlyInAnyOrderElementsOf(AlgorithmProviders.DEFAULT_PRIORITIES);
  }

  @Test
  void theEvenPodsSpreadGateAddsThePriorityToEveryProvider() {
    AlgorithmRegistry off = registry(false);
    assertThat(off.isPriorityFunctionRegistered(EVEN_PODS_SPREAD_PRIORITY)).isFalse();
    AlgorithmRegistry on = registry(true);
    assertThat(on.isPriorityFunctionRegistered(EVEN_PODS_SPREAD_PRIORITY)).isTrue();
    assertThat(
            on.algorithmProvider(AlgorithmRegistry.CLUSTER_AUTOSCALER_PROVIDER)
                .priorityFunctionKeys())
        .contains(EVEN_PODS_SPREAD_PRIORITY);
  }

  @Test
  void registeringTwiceIsAnError() {
    AlgorithmRegistry r = registry(false);
    assertThatThrownBy(() -> Spread.registerAll(r))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is already registered");
  }

  /** A Policy naming a priority builds it from the registry with the factory args' listers. */
  static AlgorithmConfig fromPolicy(String json, Snapshot s, InMemoryListers l) {
    return new Configurator(registry(false), args(s, l)).createFromConfig(Policies.parse(json));
  }

  static PriorityConfig priority(AlgorithmConfig c, String name) {
    return c.prioritizers().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void serviceSpreadingPriorityWithMetadataScoresLikeSelectorSpread() {
    // ServiceSpreadingPriority is SelectorSpread built from the Service lister alone. Its map
    // reads the metadata's podSelector when there is metadata, and that one is built from all
    // four listers: with metadata, the two priorities score alike (v1.17 behaves so too).
    Map<String, String> app = labels("app", "web", "tier", "front");
    List<Node> nodes = List.of(node("a", Map.of()), node("b", Map.of()));
    List<Pod> pods = List.of(pod("default", "a", app), pod("default", "a", labels("app", "web")));
    Snapshot s = Snapshot.of(pods, nodes);
    InMemoryListers l = new InMemoryListers();
    l.add(service("default", labels("app", "web")));
    l.add(rc("default", labels("tier", "front")));
    AlgorithmConfig c =
        fromPolicy(
            "{\"predicates\": [], \"priorities\": [{\"name\": \"ServiceSpreadingPriority\", \"weight\": 1},"
                + " {\"name\": \"SelectorSpreadPriority\", \"weight\": 1}]}",
            s,
            l);
    Pod incoming = pod("default", null, app);
    PriorityMetadata meta = c.priorityMetadataProducer().produce(incoming, s.list(), s);
    PriorityConfig serviceSpreading = priority(c, SERVICE_SPREADING_PRIORITY);
    PriorityConfig selectorSpread = priority(c, SELECTOR_SPREAD_PRIORITY);
    // With metadata: app=web,tier=front counts one pod on a.
    assertThat(serviceSpreading.map().map(incoming, meta, s.get("a"))).isEqualTo(1);
    assertThat(selectorSpread.map().map(incoming, meta, s.get("a"))).isEqualTo(1);
    // Without: ServiceSpreading sees the Service only, app=web, and counts both.
    assertThat(serviceSpreading.map().map(incoming, null, s.get("a"))).isEqualTo(2);
    assertThat(selectorSpread.map().map(incoming, null, s.get("a"))).isEqualTo(1);
  }

  @Test
  void serviceAntiAffinityArgumentsBecomeOnePriorityWithTheirWeightsAdded() {
    Snapshot s = Snapshot.of(List.of(), List.of(node("n1", labels("zone", "z1", "rack", "r1"))));
    AlgorithmConfig c =
        fromPolicy(
            "{\"predicates\": [], \"priorities\": ["
                + "{\"name\": \"ZoneSpread\", \"weight\": 2, \"argument\":"
                + " {\"serviceAntiAffinity\": {\"label\": \"zone\"}}},"
                + "{\"name\": \"RackSpread\", \"weight\": 2, \"argument\":"
                + " {\"serviceAntiAffinity\": {\"label\": \"rack\"}}}]}",
            s,
            new InMemoryListers());
    assertThat(c.prioritizers()).hasSize(1);
    PriorityConfig p = c.prioritizers().get(0);
    assertThat(p.name()).isEqualTo("ServiceAffinity");
    assertThat(p.weight()).isEqualTo(4);
    assertThat(p.reduce()).isNotNull();
  }

  @Test
  void policyPredicateArgumentsAccumulateIntoOnePredicateEach() {
    Snapshot s = Snapshot.of(List.of(), List.of(node("n1", labels("region", "r1"))));
    AlgorithmConfig c =
        fromPolicy(
            "{\"predicates\": ["
                + "{\"name\": \"RegionAffinity\", \"argument\": {\"serviceAffinity\":"
                + " {\"labels\": [\"region\"]}}},"
                + "{\"name\": \"ZoneAffinity\", \"argument\": {\"serviceAffinity\":"
                + " {\"labels\": [\"zone\"]}}},"
                + "{\"name\": \"HasRack\", \"argument\": {\"labelsPresence\":"
                + " {\"labels\": [\"rack\"], \"presence\": true}}},"
                + "{\"name\": \"NotRetiring\", \"argument\": {\"labelsPresence\":"
                + " {\"labels\": [\"retiring\"], \"presence\": false}}}]}",
            s,
            new InMemoryListers());
    assertThat(c.predicates().get("CheckServiceAffinity"))
        .isInstanceOfSatisfying(
            ServiceAffinityPredicate.class,
            p -> assertThat(p.labels()).containsExactly("region", "zone"));
    assertThat(c.predicates().get("CheckNodeLabelPresence"))
        .isInstanceOfSatisfying(
            NodeLabelChecker.class,
            p -> {
              assertThat(p.presentLabels()).containsExactly("rack");
              assertThat(p.absentLabels()).containsExactly("retiring");
            });
  }

  @Test
  void anEmptyServiceAntiAffinityLabelIsRejected() {
    Snapshot s = Snapshot.of(List.of(), List.of(node("n1", Map.of())));
    assertThatThrownBy(
            () ->
                fromPolicy(
                    "{\"predicates\": [], \"priorities\": [{\"name\": \"Z\", \"weight\": 1, \"argument\":"
                        + " {\"serviceAntiAffinity\": {\"label\": \"\"}}}]}",
                    s,
                    new InMemoryListers()))
        .hasMessageContaining("serviceAntiAffinity.label is required");
  }

  @Test
  void withoutListersEveryNodeScoresTheSame() {
    List<Node> nodes = List.of(node("a", Map.of()), node("b", Map.of()));
    Map<String, String> app = labels("app", "web");
    Snapshot s = Snapshot.of(List.of(pod("default", "a", app)), nodes);
    AlgorithmConfig c =
        new Configurator(registry(false), AlgorithmFactoryArgs.of(s))
            .createFromConfig(
                Policies.parse(
                    "{\"predicates\": [], \"priorities\": [{\"name\": \"SelectorSpreadPriority\", \"weight\": 1}]}"));
    Pod incoming = pod("default", null, app);
    PriorityMetadata meta = c.priorityMetadataProducer().produce(incoming, s.list(), s);
    PriorityConfig p = c.prioritizers().get(0);
    assertThat(p.map().map(incoming, meta, s.get("a"))).isZero();
  }
}
