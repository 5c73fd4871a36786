package io.kubelab.scheduler.priorities;

import static io.kubelab.apimachinery.testing.Fixtures.affinityTerm;
import static io.kubelab.apimachinery.testing.Fixtures.labelExpr;
import static io.kubelab.apimachinery.testing.Fixtures.matchExpressions;
import static io.kubelab.scheduler.priorities.TestSupport.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.apimachinery.testing.Fixtures.PodFixture;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Upstream's {@code TestInterPodAffinityPriority} and {@code TestHardPodAffinitySymmetricWeight}.
 */
class InterPodAffinityTest {

  // ---- upstream's fixtures ---------------------------------------------------------------------

  private static final UnaryOperator<PodFixture> NONE = f -> f;

  private static final UnaryOperator<PodFixture> STAY_WITH_S1_IN_REGION =
      f -> f.preferredPodAffinity(5, affinityTerm("region", sec("In", "S1")));

  private static final UnaryOperator<PodFixture> STAY_WITH_S2_IN_REGION =
      f -> f.preferredPodAffinity(6, affinityTerm("region", sec("In", "S2")));

  private static final UnaryOperator<PodFixture> AFFINITY3 =
      f ->
          f.preferredPodAffinity(
                  8,
                  affinityTerm(
                      "region",
                      matchExpressions(
                          labelExpr("security", "NotIn", "S1"), labelExpr("security", "In", "S2"))))
              .preferredPodAffinity(
                  2,
                  affinityTerm(
                      "region",
                      matchExpressions(
                          labelExpr("security", "Exists"), labelExpr("wrongkey", "DoesNotExist"))));

  private static final UnaryOperator<PodFixture> HARD_AFFINITY =
      f ->
          f.requiredPodAffinity(
                  affinityTerm(
                      "region", matchExpressions(labelExpr("security", "In", "S1", "value2"))))
              .requiredPodAffinity(
                  affinityTerm(
                      "region",
                      matchExpressions(
                          labelExpr("security", "Exists"), labelExpr("wrongkey", "DoesNotExist"))));

  private static final UnaryOperator<PodFixture> AWAY_FROM_S1_IN_AZ =
      f -> f.preferredPodAntiAffinity(5, affinityTerm("az", sec("In", "S1")));

  private static final UnaryOperator<PodFixture> AWAY_FROM_S2_IN_AZ =
      f -> f.preferredPodAntiAffinity(5, affinityTerm("az", sec("In", "S2")));

  private static final UnaryOperator<PodFixture> STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ =
      f ->
          f.preferredPodAffinity(8, affinityTerm("region", sec("In", "S1")))
              .preferredPodAntiAffinity(5, affinityTerm("az", sec("In", "S2")));

  private static io.fabric8.kubernetes.api.model.LabelSelector sec(String op, String value) {
    return matchExpressions(labelExpr("security", op, value));
  }

  private static int seq;

  /** A pod with an optional security label, on {@code node} (null: the incoming pod). */
  private static Pod pod(String node, String security, UnaryOperator<PodFixture> affinity) {
    PodFixture f = Fixtures.pod("p" + (seq++));
    if (security != null) {
      f.label("security", security);
    }
    if (node != null) {
      f.nodeName(node);
    }
    return affinity.apply(f).build();
  }

  private static Node node(String name, String... labels) {
    return Fixtures.node(name).withoutLabel(Fixtures.LABEL_HOSTNAME).labels(labels).build();
  }

  private static final String[] CHINA = {"region", "China"};
  private static final String[] INDIA = {"region", "India"};
  private static final String[] AZ1 = {"az", "az1"};
  private static final String[] AZ2 = {"az", "az2"};
  private static final String[] CHINA_AZ1 = {"region", "China", "az", "az1"};

  /** Upstream's harness: the table from the metadata, the map per node, then the reduce. */
  private static Map<String, Long> score(Pod pod, List<Pod> pods, List<Node> nodes, int hard) {
    Snapshot snapshot = Snapshot.of(pods, nodes);
    PodPriorityMetadata meta =
        new MetadataFactory(hard, null, Map.of()).produce(pod, snapshot.list(), snapshot);
    Map<String, Long> sequential =
        TestSupport.run(
            InterPodAffinity::calculateInterPodAffinityPriorityMap,
            InterPodAffinity::calculateInterPodAffinityPriorityReduce,
            meta,
            pod,
            pods,
            nodes);
    // The table does not depend on how the nodes are split over workers.
    try (Parallelizer p = new Parallelizer("test-affinity", 3)) {
      PodPriorityMetadata parallel =
          new MetadataFactory(hard, p, Map.of()).produce(pod, snapshot.list(), snapshot);
      assertThat(parallel.topologyScore()).isEqualTo(meta.topologyScore());
    }
    return sequential;
  }

  private static Map<String, Long> score(Pod pod, List<Pod> pods, List<Node> nodes) {
    return score(pod, pods, nodes, 1);
  }

  // ---- upstream's cases ------------------------------------------------------------------------

  @Test
  void withoutAffinityEveryMachineScoresZero() {
    assertThat(
            score(
                pod(null, "S1", NONE),
                List.of(),
                List.of(node("machine1", CHINA), node("machine2", INDIA), node("machine3", AZ1))))
        .isEqualTo(expect("machine1", 0, "machine2", 0, "machine3", 0));
  }

  @Test
  void affinityFavoursTheDomainWithMatchingPods() {
    assertThat(
            score(
                pod(null, "S1", STAY_WITH_S1_IN_REGION),
                List.of(
                    pod("machine1", "S1", NONE),
                    pod("machine2", "S2", NONE),
                    pod("machine3", "S1", NONE)),
                List.of(node("machine1", CHINA), node("machine2", INDIA), node("machine3", AZ1))))
        .isEqualTo(expect("machine1", 100, "machine2", 0, "machine3", 0));
  }

  @Test
  void everyNodeOfTheMatchingDomainScoresTheSame() {
    assertThat(
            score(
                pod(null, null, STAY_WITH_S1_IN_REGION),
                List.of(pod("machine1", "S1", NONE)),
                List.of(
                    node("machine1", CHINA), node("machine2", CHINA_AZ1), node("machine3", INDIA))))
        .isEqualTo(expect("machine1", 100, "machine2", 100, "machine3", 0));
  }

  @Test
  void theRegionWithMoreMatchingPodsScoresHigher() {
    assertThat(
            score(
                pod(null, "S1", STAY_WITH_S2_IN_REGION),
                List.of(
                    pod("machine1", "S2", NONE),
                    pod("machine1", "S2", NONE),
                    pod("machine2", "S2", NONE),
                    pod("machine3", "S2", NONE),
                    pod("machine4", "S2", NONE),
                    pod("machine5", "S2", NONE)),
                List.of(
                    node("machine1", CHINA),
                    node("machine2", INDIA),
                    node("machine3", CHINA),
                    node("machine4", CHINA),
                    node("machine5", INDIA))))
        .isEqualTo(
            expect(
                "machine1", 100, "machine2", 50, "machine3", 100, "machine4", 100, "machine5", 50));
  }

  @Test
  void operatorsAndFailedMatchesOfPreferredAffinity() {
    // China: the S1 pod matches term 2 (2); India: the S2 pod matches both (8 + 2 = 10)
    assertThat(
            score(
                pod(null, "S1", AFFINITY3),
                List.of(
                    pod("machine1", "S1", NONE),
                    pod("machine2", "S2", NONE),
                    pod("machine3", "S1", NONE)),
                List.of(node("machine1", CHINA), node("machine2", INDIA), node("machine3", AZ1))))
        .isEqualTo(expect("machine1", 20, "machine2", 100, "machine3", 0));
  }

  @Test
  void symmetryCountsTheExistingPodsPreferredAffinity() {
    assertThat(
            score(
                pod(null, "S2", NONE),
                List.of(
                    pod("machine1", "S1", STAY_WITH_S1_IN_REGION),
                    pod("machine2", "S2", STAY_WITH_S2_IN_REGION)),
                List.of(node("machine1", CHINA), node("machine2", INDIA), node("machine3", AZ1))))
        .isEqualTo(expect("machine1", 0, "machine2", 100, "machine3", 0));
  }

  @Test
  void symmetryCountsTheExistingPodsRequiredAffinityWithTheSymmetricWeight() {
    assertThat(
            score(
                pod(null, "S1", NONE),
                List.of(pod("machine1", "S1", HARD_AFFINITY), pod("machine2", "S2", HARD_AFFINITY)),
                List.of(node("machine1", CHINA), node("machine2", INDIA), node("machine3", AZ1))))
        .isEqualTo(expect("machine1", 100, "machine2", 100, "machine3", 0));
  }

  @Test
  void antiAffinityFavoursNodesWithoutMatchingPods() {
    assertThat(
            score(
                pod(null, "S1", AWAY_FROM_S1_IN_AZ),
                List.of(pod("machine1", "S1", NONE), pod("machine2", "S2", NONE)),
                List.of(node("machine1", AZ1), node("machine2", CHINA))))
        .isEqualTo(expect("machine1", 0, "machine2", 100));
  }

  @Test
  void antiAffinityIgnoresMatchingPodsOutsideTheTopology() {
    assertThat(
            score(
                pod(null, "S1", AWAY_FROM_S1_IN_AZ),
                List.of(pod("machine1", "S1", NONE), pod("machine2", "S1", NONE)),
                List.of(node("machine1", AZ1), node("machine2", CHINA))))
        .isEqualTo(expect("machine1", 0, "machine2", 100));
  }

  @Test
  void antiAffinityThenodeWithMoreMatchesScoresLowest() {
    assertThat(
            score(
                pod(null, "S1", AWAY_FROM_S1_IN_AZ),
                List.of(
                    pod("machine1", "S1", NONE),
                    pod("machine1", "S1", NONE),
                    pod("machine2", "S2", NONE)),
                List.of(node("machine1", AZ1), node("machine2", INDIA))))
        .isEqualTo(expect("machine1", 0, "machine2", 100));
  }

  @Test
  void antiAffinitySymmetry() {
    assertThat(
            score(
                pod(null, "S2", NONE),
                List.of(
                    pod("machine1", "S1", AWAY_FROM_S2_IN_AZ),
                    pod("machine2", "S2", AWAY_FROM_S1_IN_AZ)),
                List.of(node("machine1", AZ1), node("machine2", AZ2))))
        .isEqualTo(expect("machine1", 0, "machine2", 100));
  }

  @Test
  void affinityAndAntiAffinityTogether() {
    assertThat(
            score(
                pod(null, "S1", STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ),
                List.of(pod("machine1", "S1", NONE), pod("machine2", "S1", NONE)),
                List.of(node("machine1", CHINA), node("machine2", AZ1))))
        .isEqualTo(expect("machine1", 100, "machine2", 0));
  }

  @Test
  void sameRegionButApartFromEachOther() {
    // China: 5 S1 pods × 8 = 40; India: 2 × 8 = 16 -> 100, 40
    assertThat(
            score(
                pod(null, "S1", STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ),
                List.of(
                    pod("machine1", "S1", NONE),
                    pod("machine1", "S1", NONE),
                    pod("machine2", "S1", NONE),
                    pod("machine3", "S1", NONE),
                    pod("machine3", "S1", NONE),
                    pod("machine4", "S1", NONE),
                    pod("machine5", "S1", NONE)),
                List.of(
                    node("machine1", CHINA_AZ1),
                    node("machine2", INDIA),
                    node("machine3", CHINA),
                    node("machine4", CHINA),
                    node("machine5", INDIA))))
        .isEqualTo(
            expect(
                "machine1", 100, "machine2", 40, "machine3", 100, "machine4", 100, "machine5", 40));
  }

  @Test
  void affinityAntiAffinityAndSymmetryTogether() {
    // weights per machine: affinity 8, anti-affinity -5, symmetric affinity 8, symmetric anti -5
    assertThat(
            score(
                pod(null, "S1", STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ),
                List.of(
                    pod("machine1", "S1", NONE),
                    pod("machine2", "S2", NONE),
                    pod("machine3", null, STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ),
                    pod("machine4", null, AWAY_FROM_S1_IN_AZ)),
                List.of(
                    node("machine1", CHINA),
                    node("machine2", AZ1),
                    node("machine3", INDIA),
                    node("machine4", AZ2))))
        .isEqualTo(expect("machine1", 100, "machine2", 0, "machine3", 100, "machine4", 0));
  }

  @Test
  void partOfATopologyWithoutAffinityPodsIsStillScored() {
    // kubernetes#82796: machine1 has no pod with affinity, machine2 does, same region.
    assertThat(
            score(
                pod(null, "S1", NONE),
                List.of(
                    pod("machine1", "S1", NONE),
                    pod("machine2", null, STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ)),
                List.of(node("machine1", CHINA), node("machine2", CHINA))))
        .isEqualTo(expect("machine1", 100, "machine2", 100));
  }

  private static final UnaryOperator<PodFixture> HARD_SERVICE_S1 =
      f ->
          f.requiredPodAffinity(
              affinityTerm("region", matchExpressions(labelExpr("service", "In", "S1"))));

  private static Pod servicePod(String node, UnaryOperator<PodFixture> a) {
    PodFixture f = Fixtures.pod("s" + (seq++));
    if (node == null) {
      f.label("service", "S1");
    } else {
      f.nodeName(node);
    }
    return a.apply(f).build();
  }

  @Test
  void theSymmetricWeightDefaultsToOne() {
    assertThat(
            score(
                servicePod(null, NONE),
                List.of(
                    servicePod("machine1", HARD_SERVICE_S1),
                    servicePod("machine2", HARD_SERVICE_S1)),
                List.of(node("machine1", CHINA), node("machine2", INDIA), node("machine3", AZ1)),
                1))
        .isEqualTo(expect("machine1", 100, "machine2", 100, "machine3", 0));
  }

  @Test
  void aSymmetricWeightOfZeroTurnsTheSymmetryOff() {
    assertThat(
            score(
                servicePod(null, NONE),
                List.of(
                    servicePod("machine1", HARD_SERVICE_S1),
                    servicePod("machine2", HARD_SERVICE_S1)),
                List.of(node("machine1", CHINA), node("machine2", INDIA), node("machine3", AZ1)),
                0))
        .isEqualTo(expect("machine1", 0, "machine2", 0, "machine3", 0));
  }

  // ---- beyond the table ------------------------------------------------------------------------

  @Test
  void unsetWeightsTermsLabelsAndNamespacesReadAsGoZeroValues() {
    // Go's int32 weight, *PodAffinityTerm-free term, nil labels and "" namespace are zero values:
    // an unset weight adds 0, a term without podAffinityTerm has topologyKey "" and applies
    // nowhere,
    // a pod without labels matches "security DoesNotExist", and two pods without a namespace share
    // the namespace "".
    Pod incoming =
        Fixtures.pod("incoming")
            .label("app", "web")
            .preferredPodAffinity(1, affinityTerm("region", sec("In", "S1")))
            .preferredPodAffinity(
                4, affinityTerm("region", matchExpressions(labelExpr("security", "DoesNotExist"))))
            .preferredPodAffinity(3, affinityTerm("region", sec("In", "S1")))
            .build();
    var incomingTerms =
        incoming
            .getSpec()
            .getAffinity()
            .getPodAffinity()
            .getPreferredDuringSchedulingIgnoredDuringExecution();
    incomingTerms.get(0).setWeight(null);
    incomingTerms.get(2).setPodAffinityTerm(null);
    incoming.getMetadata().setNamespace(null);
    Pod s1 =
        Fixtures.pod("s1")
            .namespace("other")
            .label("security", "S1")
            .nodeName("china")
            .preferredPodAffinity(
                1, affinityTerm("region", matchExpressions(labelExpr("app", "In", "web"))))
            .build();
    s1.getSpec()
        .getAffinity()
        .getPodAffinity()
        .getPreferredDuringSchedulingIgnoredDuringExecution()
        .get(0)
        .setWeight(null);
    s1.getSpec()
        .getAffinity()
        .getPodAffinity()
        .getPreferredDuringSchedulingIgnoredDuringExecution()
        .get(0)
        .getPodAffinityTerm()
        .setNamespaces(List.of(""));
    Pod unlabelled = Fixtures.pod("unlabelled").nodeName("india").build();
    unlabelled.getMetadata().setLabels(null);
    unlabelled.getMetadata().setNamespace(null);
    assertThat(
            score(
                incoming,
                List.of(s1, unlabelled),
                List.of(node("china", CHINA), node("india", INDIA))))
        .isEqualTo(expect("china", 0, "india", 100));
  }

  @Test
  void theReduceSpansFromTheLowestNegativeToTheHighestPositive() {
    // China: -5 (one S2 pod, anti-affinity), India: +8 (one S1 pod, affinity): -5..8 over 0..100
    Pod incoming =
        pod(
            null,
            null,
            f ->
                f.preferredPodAffinity(8, affinityTerm("region", sec("In", "S1")))
                    .preferredPodAntiAffinity(5, affinityTerm("region", sec("In", "S2"))));
    assertThat(
            score(
                incoming,
                List.of(pod("china", "S2", NONE), pod("india", "S1", NONE)),
                List.of(node("china", CHINA), node("india", INDIA), node("none", AZ1))))
        .isEqualTo(expect("china", 0, "india", 100, "none", 38));
  }

  @Test
  void termsOnlySeePodsInTheirNamespaces() {
    Pod other =
        Fixtures.pod("other").namespace("elsewhere").label("security", "S1").nodeName("m1").build();
    Pod same = Fixtures.pod("same").label("security", "S1").nodeName("m2").build();
    List<Node> nodes = List.of(node("m1", "region", "r1"), node("m2", "region", "r2"));
    assertThat(score(pod(null, null, STAY_WITH_S1_IN_REGION), List.of(other, same), nodes))
        .isEqualTo(expect("m1", 0, "m2", 100));
    Pod listing =
        pod(
            null,
            null,
            f -> {
              io.fabric8.kubernetes.api.model.PodAffinityTerm t =
                  affinityTerm("region", sec("In", "S1"));
              t.setNamespaces(new ArrayList<>(List.of("elsewhere")));
              return f.preferredPodAffinity(5, t);
            });
    assertThat(score(listing, List.of(other, same), nodes)).isEqualTo(expect("m1", 100, "m2", 0));
  }

  @Test
  void aMalformedSelectorIsAnErrorNamingThePodAndField() {
    Pod bad =
        Fixtures.pod("bad")
            .preferredPodAntiAffinity(
                5, affinityTerm("az", matchExpressions(labelExpr("security", "In"))))
            .build();
    Snapshot s = Snapshot.of(List.of(), List.of(node("m", AZ1)));
    assertThatThrownBy(() -> new MetadataFactory().produce(bad, s.list(), s))
        .hasMessage(
            "Pod default/bad: spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]"
                + ".podAffinityTerm.labelSelector.matchExpressions[0].values: for 'in', 'notin'"
                + " operators, values set can't be empty");
  }

  @Test
  void anExistingPodsMalformedTermFailsOnlyWhereItApplies() {
    // The existing pod's selector is checked where v1.18 compiles it: after the node's pair and
    // the namespace, so on a node without the topology label the malformed term costs nothing.
    UnaryOperator<PodFixture> broken =
        f ->
            f.preferredPodAntiAffinity(
                5, affinityTerm("az", matchExpressions(labelExpr("security", "In"))));
    Pod existing = pod("m", "S1", broken);
    assertThat(score(pod(null, "S1", NONE), List.of(existing), List.of(node("m", CHINA))))
        .isEqualTo(expect("m", 0));
    assertThatThrownBy(
            () -> score(pod(null, "S1", NONE), List.of(existing), List.of(node("m", AZ1))))
        .hasMessageContaining(
            "Pod default/"
                + existing.getMetadata().getName()
                + ": spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]"
                + ".podAffinityTerm.labelSelector.matchExpressions[0].values: for 'in', 'notin'"
                + " operators, values set can't be empty");
  }

  @Test
  void withoutMetadataThePriorityScoresNothing() {
    assertThat(
            TestSupport.run(
                InterPodAffinity::calculateInterPodAffinityPriorityMap,
                InterPodAffinity::calculateInterPodAffinityPriorityReduce,
                null,
                pod(null, "S1", STAY_WITH_S1_IN_REGION),
                List.of(pod("machine1", "S1", NONE)),
                List.of(node("machine1", CHINA), node("machine2", INDIA))))
        .isEqualTo(expect("machine1", 0, "machine2", 0));
  }

  @Test
  void aPodWithoutPreferredTermsIsCreditedOnlyByTheExistingPodsTerms() {
    // The incoming pod has a required anti-affinity term and no preferred one: only existing pods'
    // required affinity (hard weight) and preferred terms credit it, wherever they run.
    List<Node> nodes =
        List.of(
            Fixtures.node("n1").zone("a").build(),
            Fixtures.node("n2").zone("b").build(),
            Fixtures.node("n3").zone("c").build());
    Pod wantsWeb =
        Fixtures.pod("wants-web")
            .nodeName("n1")
            .requiredPodAffinity(
                affinityTerm(Fixtures.LABEL_ZONE, Fixtures.matchLabels("app", "web")))
            .build();
    Pod avoidsWeb =
        Fixtures.pod("avoids-web")
            .nodeName("n2")
            .preferredPodAntiAffinity(
                5, affinityTerm(Fixtures.LABEL_ZONE, Fixtures.matchLabels("app", "web")))
            .build();
    Pod likesWeb =
        Fixtures.pod("likes-web")
            .nodeName("n3")
            .preferredPodAffinity(
                3, affinityTerm(Fixtures.LABEL_ZONE, Fixtures.matchLabels("app", "web")))
            .build();
    Pod plain = Fixtures.pod("plain").label("app", "web").nodeName("n3").build();
    Snapshot s = Snapshot.of(List.of(wantsWeb, avoidsWeb, likesWeb, plain), nodes);
    Pod incoming =
        Fixtures.pod("incoming")
            .label("app", "web")
            .requiredPodAntiAffinity(
                affinityTerm(Fixtures.LABEL_ZONE, Fixtures.matchLabels("app", "db")))
            .build();
    assertThat(InterPodAffinity.buildTopologyPairToScore(incoming, s, 1, null))
        .isEqualTo(Map.of(Fixtures.LABEL_ZONE, Map.of("a", 1L, "b", -5L, "c", 3L)));
    assertThat(InterPodAffinity.buildTopologyPairToScore(incoming, s, 0, null))
        .as("without the symmetric weight the required term credits nothing")
        .isEqualTo(Map.of(Fixtures.LABEL_ZONE, Map.of("b", -5L, "c", 3L)));
    assertThat(InterPodAffinity.buildTopologyPairToScore(plain, s, 1, null))
        .as("a pod without any pod affinity reads the same nodes")
        .isEqualTo(Map.of(Fixtures.LABEL_ZONE, Map.of("a", 1L, "b", -5L, "c", 3L)));
  }
}
