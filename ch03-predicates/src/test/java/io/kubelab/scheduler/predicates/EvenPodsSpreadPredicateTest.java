package io.kubelab.scheduler.predicates;

import static io.kubelab.apimachinery.testing.Fixtures.expr;
import static io.kubelab.apimachinery.testing.Fixtures.labelExpr;
import static io.kubelab.apimachinery.testing.Fixtures.matchExpressions;
import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static io.kubelab.apimachinery.testing.Fixtures.term;
import static io.kubelab.scheduler.predicates.TestSupport.spread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * EvenPodsSpread, with the cases of upstream's {@code TestEvenPodsSpreadPredicate_SingleConstraint}
 * and {@code _MultipleConstraints} ({@code predicates_test.go}, v1.17): nodes a and b in zone1, x
 * and y in zone2, each labelled {@code node=<name>}.
 */
class EvenPodsSpreadPredicateTest {

  static final LabelSelector FOO_EXISTS = matchExpressions(labelExpr("foo", "Exists"));

  static List<Node> fourNodes() {
    return List.of(
        node("node-a").labels("zone", "zone1", "node", "node-a").build(),
        node("node-b").labels("zone", "zone1", "node", "node-b").build(),
        node("node-x").labels("zone", "zone2", "node", "node-x").build(),
        node("node-y").labels("zone", "zone2", "node", "node-y").build());
  }

  /** {@code counts[i]} pods labelled foo on the i-th node. */
  static List<Pod> podsOn(List<Node> nodes, int... counts) {
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      String n = nodes.get(i).getMetadata().getName();
      for (int k = 0; k < counts[i]; k++) {
        pods.add(pod("p-" + n + "-" + k).label("foo", "").nodeName(n).build());
      }
    }
    return pods;
  }

  /** Node name → fits, for every node. */
  static Map<String, Boolean> fits(Pod p, List<Pod> pods, List<Node> nodes) {
    Snapshot s = Snapshot.of(pods, nodes);
    PodPredicateMetadata m = new MetadataProducer().produce(p, s);
    Map<String, Boolean> out = new LinkedHashMap<>();
    for (Node n : nodes) {
      PredicateResult r =
          EvenPodsSpreadPredicate.evenPodsSpread(p, m, s.get(n.getMetadata().getName()));
      if (!r.fits()) {
        assertThat(TestSupport.reasons(r))
            .containsExactly("node(s) didn't match pod topology spread constraints");
      }
      out.put(n.getMetadata().getName(), r.fits());
    }
    return out;
  }

  static Pod incoming(int maxSkew, String key) {
    return spread(pod("p").label("foo", "").build(), maxSkew, key, "DoNotSchedule", FOO_EXISTS);
  }

  @Test
  void noExistingPodsEveryNodeFits() {
    assertThat(fits(incoming(1, "zone"), List.of(), fourNodes()))
        .containsOnly(
            Map.entry("node-a", true),
            Map.entry("node-b", true),
            Map.entry("node-x", true),
            Map.entry("node-y", true));
  }

  @Test
  void podsInOtherNamespacesDoNotCount() {
    List<Node> nodes = fourNodes();
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      pods.add(pod("other-" + i).namespace("ns2").label("foo", "").nodeName("node-a").build());
    }
    assertThat(fits(incoming(1, "zone"), pods, nodes)).doesNotContainValue(false);
  }

  @Test
  void zonesThreeAndThreeAllFit() {
    List<Node> nodes = fourNodes();
    assertThat(fits(incoming(1, "zone"), podsOn(nodes, 1, 2, 2, 1), nodes))
        .doesNotContainValue(false);
  }

  @Test
  void aNodeWithoutTheKeyFails() {
    List<Node> nodes = new ArrayList<>(fourNodes());
    nodes.set(1, node("node-b").labels("node", "node-b").build());
    Map<String, Boolean> f = fits(incoming(1, "zone"), podsOn(nodes, 1, 2, 0, 0), nodes);
    assertThat(f)
        .containsEntry("node-b", false)
        .containsEntry("node-a", false)
        .containsEntry("node-x", true);
  }

  @Test
  void aNodeWithoutTheKeyIsNotADomainOfItsOwn() {
    // It is neither counted nor allowed to pull the minimum down to its zero.
    List<Node> nodes =
        List.of(
            node("node-a").labels("zone", "zone1").build(),
            node("node-c").labels("node", "node-c").build(),
            node("node-x").labels("zone", "zone2").build());
    assertThat(fits(incoming(1, "zone"), podsOn(nodes, 1, 0, 1), nodes))
        .containsExactly(
            Map.entry("node-a", true), Map.entry("node-c", false), Map.entry("node-x", true));
  }

  @Test
  void aConstraintWithoutSkewOrKeyIsReadAsZeroAndEmpty() {
    Pod noSkew = incoming(1, "zone");
    noSkew.getSpec().getTopologySpreadConstraints().get(0).setMaxSkew(null);
    assertThat(fits(noSkew, List.of(), fourNodes())).doesNotContainValue(true);
    Pod noKey = incoming(1, "zone");
    noKey.getSpec().getTopologySpreadConstraints().get(0).setTopologyKey(null);
    assertThat(fits(noKey, podsOn(fourNodes(), 3, 0, 0, 0), fourNodes()))
        .doesNotContainValue(false);
    Pod none = pod("p").label("foo", "").build();
    none.getSpec().setTopologySpreadConstraints(null);
    assertThat(fits(none, podsOn(fourNodes(), 3, 0, 0, 0), fourNodes())).doesNotContainValue(false);
  }

  @Test
  void nodes2103OnlyNodeXFits() {
    List<Node> nodes = fourNodes();
    assertThat(fits(incoming(1, "node"), podsOn(nodes, 2, 1, 0, 3), nodes))
        .containsExactly(
            Map.entry("node-a", false),
            Map.entry("node-b", false),
            Map.entry("node-x", true),
            Map.entry("node-y", false));
  }

  @Test
  void nodes2103WithMaxSkewTwoNodesBAndXFit() {
    List<Node> nodes = fourNodes();
    assertThat(fits(incoming(2, "node"), podsOn(nodes, 2, 1, 0, 3), nodes))
        .containsExactly(
            Map.entry("node-a", false),
            Map.entry("node-b", true),
            Map.entry("node-x", true),
            Map.entry("node-y", false));
  }

  @Test
  void aPodThatDoesNotMatchItselfAddsNothingToTheSkew() {
    List<Node> nodes = fourNodes();
    Pod p = spread(pod("p").label("bar", "").build(), 1, "node", "DoNotSchedule", FOO_EXISTS);
    assertThat(fits(p, podsOn(nodes, 2, 1, 0, 3), nodes))
        .containsExactly(
            Map.entry("node-a", false),
            Map.entry("node-b", true),
            Map.entry("node-x", true),
            Map.entry("node-y", false));
  }

  @Test
  void nodesOutsideThePodsNodeAffinityAreNotCounted() {
    List<Node> nodes = fourNodes();
    Pod p = incoming(1, "node");
    Pod withAffinity =
        pod("p")
            .label("foo", "")
            .requiredNodeAffinity(term(expr("node", "NotIn", "node-b", "node-x")))
            .build();
    withAffinity.getSpec().setTopologySpreadConstraints(p.getSpec().getTopologySpreadConstraints());
    // Counted: a=2, y=3, so the minimum is 2. b and x are judged against it with a count of 0.
    assertThat(fits(withAffinity, podsOn(nodes, 2, 1, 0, 3), nodes))
        .containsExactly(
            Map.entry("node-a", true),
            Map.entry("node-b", true),
            Map.entry("node-x", true),
            Map.entry("node-y", false));
  }

  @Test
  void twoConstraintsMustBothHold() {
    List<Node> nodes = fourNodes();
    Pod p = spread(incoming(1, "zone"), 1, "node", "DoNotSchedule", FOO_EXISTS);
    assertThat(fits(p, podsOn(nodes, 2, 1, 0, 3), nodes))
        .containsExactly(
            Map.entry("node-a", false),
            Map.entry("node-b", false),
            Map.entry("node-x", true),
            Map.entry("node-y", false));
  }

  @Test
  void scheduleAnywayConstraintsDoNotFilter() {
    List<Node> nodes = fourNodes();
    Pod p = spread(pod("p").label("foo", "").build(), 1, "node", "ScheduleAnyway", FOO_EXISTS);
    assertThat(fits(p, podsOn(nodes, 5, 0, 0, 0), nodes)).doesNotContainValue(false);
  }

  @Test
  void withoutMetadataNoPodCanBeJudgedEvenOneWithoutConstraints() {
    for (Pod p : List.of(incoming(1, "zone"), pod("plain").build())) {
      assertThatThrownBy(
              () ->
                  EvenPodsSpreadPredicate.evenPodsSpread(
                      p, null, TestSupport.nodeInfo(fourNodes().get(0))))
          .as(p.getMetadata().getName())
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("metadata not pre-computed for EvenPodsSpreadPredicate");
    }
  }

  @Test
  void constraintsTheApiServerWouldRejectAreJudgedAsWritten() {
    // maxSkew 0: even an empty domain is one too many for a pod that matches itself.
    assertThat(fits(incoming(0, "zone"), List.of(), fourNodes())).doesNotContainValue(true);
    // An empty key: no node has it, nothing is counted, and every node passes.
    assertThat(fits(incoming(1, ""), List.of(), fourNodes())).doesNotContainValue(false);
  }

  @Test
  void aMalformedSelectorLeavesNoMetadataToJudgeWith() {
    Pod p =
        spread(
            pod("p").build(), 1, "zone", "DoNotSchedule", matchExpressions(labelExpr("foo", "In")));
    List<String> log =
        TestSupport.logged(
            MetadataProducer.class,
            () -> assertThat(TestSupport.meta(p, List.of(), fourNodes())).isNull());
    assertThat(log)
        .singleElement()
        .asString()
        .contains("Pod default/p: spec.topologySpreadConstraints[0].labelSelector");
  }

  @Test
  void countsHandedInPerDomainGiveTheCountsOfAWalkOverTheNodes() {
    // v1.18's counts over four nodes (zone1: a, b; zone2: x, y) with 2, 1, 0, 0 foo pods, once
    // by walking them and once from counts per domain handed in, as chapter 08's index hands them.
    List<Node> nodes = fourNodes();
    Snapshot s = Snapshot.of(podsOn(nodes, 2, 1, 0, 0), nodes);
    Pod p =
        pod("p")
            .label("foo", "")
            .spreadConstraint(1, "zone", "DoNotSchedule", FOO_EXISTS)
            .spreadConstraint(1, "node", "DoNotSchedule", FOO_EXISTS)
            .spreadConstraint(2, "zone", "DoNotSchedule", FOO_EXISTS)
            .build();
    Map<String, Map<String, Long>> perKey =
        Map.of(
            "zone", Map.of("zone1", 3L, "zone2", 0L),
            "node", Map.of("node-a", 2L, "node-b", 1L, "node-x", 0L, "node-y", 0L));
    List<String> asked = new ArrayList<>();
    EvenPodsSpreadMetadata.DomainCounts counts =
        (key, required, namespace, selector, action) -> {
          assertThat(required).as("every constraint's key, once").containsExactly("zone", "node");
          assertThat(namespace).isEqualTo("default");
          asked.add(key);
          perKey.get(key).forEach(action::accept);
        };
    EvenPodsSpreadMetadata handedIn = EvenPodsSpreadMetadata.of(p, counts);
    assertThat(asked).as("once per constraint").containsExactly("zone", "node", "zone");
    assertThat(handedIn)
        .as("two constraints on zone add up in the same pairs, as upstream's map does")
        .isEqualTo(EvenPodsSpreadMetadata.of(p, s.list(), null));
    assertThat(handedIn.matchNum(new TopologyPair("zone", "zone1"))).isEqualTo(6);
    assertThat(handedIn.minMatchNum("node")).isZero();
    assertThat(EvenPodsSpreadMetadata.of(pod("plain").build(), counts))
        .as("no hard constraint, nothing asked")
        .isNull();
    assertThat(asked).hasSize(3);
  }
}
