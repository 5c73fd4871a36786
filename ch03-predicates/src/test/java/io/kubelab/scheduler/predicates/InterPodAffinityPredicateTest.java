package io.kubelab.scheduler.predicates;

import static io.kubelab.apimachinery.testing.Fixtures.affinityTerm;
import static io.kubelab.apimachinery.testing.Fixtures.labelExpr;
import static io.kubelab.apimachinery.testing.Fixtures.matchExpressions;
import static io.kubelab.apimachinery.testing.Fixtures.matchLabels;
import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static io.kubelab.scheduler.predicates.TestSupport.reasons;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * MatchInterPodAffinity, after upstream's {@code TestInterPodAffinity} and {@code
 * TestInterPodAffinityWithMultipleNodes} ({@code predicates_test.go}, v1.17): machine1 is in region
 * r1, zone z11; the existing pod carries {@code service=securityscan}.
 */
class InterPodAffinityPredicateTest {

  static final String AFFINITY_NOT_MATCH = "node(s) didn't match pod affinity/anti-affinity";
  static final String AFFINITY_RULES = "node(s) didn't match pod affinity rules";
  static final String ANTI_AFFINITY_RULES = "node(s) didn't match pod anti-affinity rules";
  static final String EXISTING_ANTI = "node(s) didn't satisfy existing pods anti-affinity rules";

  static Node machine(String name, String region, String zone) {
    return node(name).labels("region", region, "zone", zone).build();
  }

  /**
   * Runs the predicate with metadata and without (upstream's slow path over the snapshot). The two
   * paths are separate code upstream and disagree in corners (see the slow-path tests below); on
   * upstream's table cases they agree.
   */
  static PredicateResult check(Pod p, List<Pod> pods, List<Node> nodes, String nodeName) {
    Snapshot s = Snapshot.of(pods, nodes);
    PodPredicateMetadata m = new MetadataProducer().produce(p, s);
    InterPodAffinityPredicate pred = new InterPodAffinityPredicate(() -> s);
    PredicateResult withMeta = pred.check(p, m, s.get(nodeName));
    PredicateResult without = pred.check(p, null, s.get(nodeName));
    assertThat(without).isEqualTo(withMeta);
    return withMeta;
  }

  static Pod existingSecurityScan(String node) {
    return pod("existing").label("service", "securityscan").nodeName(node).build();
  }

  static PodAffinityTerm term(String key, String op, String... values) {
    return affinityTerm("region", matchExpressions(labelExpr(key, op, values)));
  }

  @Test
  void aPodWithoutAffinityFitsAnEmptyNode() {
    Node m = machine("machine1", "r1", "z11");
    assertThat(check(pod("p").build(), List.of(), List.of(m), "machine1").fits()).isTrue();
  }

  @Test
  void affinityInOperatorMatchingTheExistingPodFits() {
    Node m = machine("machine1", "r1", "z11");
    Pod p =
        pod("p")
            .label("security", "S1")
            .requiredPodAffinity(term("service", "In", "securityscan", "value2"))
            .build();
    assertThat(check(p, List.of(existingSecurityScan("machine1")), List.of(m), "machine1").fits())
        .isTrue();
  }

  @Test
  void affinityNotInOperatorFits() {
    Node m = machine("machine1", "r1", "z11");
    Pod p =
        pod("p")
            .label("security", "S1")
            .requiredPodAffinity(term("service", "NotIn", "securityscan3", "value3"))
            .build();
    assertThat(check(p, List.of(existingSecurityScan("machine1")), List.of(m), "machine1").fits())
        .isTrue();
  }

  @Test
  void affinityInAnotherNamespaceDoesNotMatch() {
    Node m = machine("machine1", "r1", "z11");
    PodAffinityTerm t = term("service", "In", "securityscan", "value2");
    t.setNamespaces(new ArrayList<>(List.of("DiffNameSpace")));
    Pod p = pod("p").label("security", "S1").requiredPodAffinity(t).build();
    PredicateResult r = check(p, List.of(existingSecurityScan("machine1")), List.of(m), "machine1");
    assertThat(reasons(r)).containsExactly(AFFINITY_NOT_MATCH, AFFINITY_RULES);
  }

  @Test
  void affinityWithUnmatchingSelectorFails() {
    Node m = machine("machine1", "r1", "z11");
    Pod p =
        pod("p")
            .label("security", "S1")
            .requiredPodAffinity(term("service", "In", "antivirusscan", "value2"))
            .build();
    PredicateResult r = check(p, List.of(existingSecurityScan("machine1")), List.of(m), "machine1");
    assertThat(reasons(r)).containsExactly(AFFINITY_NOT_MATCH, AFFINITY_RULES);
  }

  @Test
  void anExistingPodMustMatchAllAffinityTermsToCount() {
    Node m = machine("machine1", "r1", "z11");
    Pod existing = pod("existing").labels("service", "securityscan").nodeName("machine1").build();
    Pod both =
        pod("p")
            .requiredPodAffinity(term("service", "Exists"))
            .requiredPodAffinity(affinityTerm("zone", matchLabels("service", "securityscan")))
            .build();
    assertThat(check(both, List.of(existing), List.of(m), "machine1").fits()).isTrue();
    Pod secondUnmatched =
        pod("p")
            .requiredPodAffinity(term("service", "Exists"))
            .requiredPodAffinity(affinityTerm("zone", matchLabels("service", "other")))
            .build();
    assertThat(reasons(check(secondUnmatched, List.of(existing), List.of(m), "machine1")))
        .containsExactly(AFFINITY_NOT_MATCH, AFFINITY_RULES);
  }

  @Test
  void affinityFollowsTheTopologyKeyAcrossNodes() {
    Node m1 = machine("machine1", "r1", "z11");
    Node m2 = machine("machine2", "r1", "z12");
    Node m3 = machine("machine3", "r2", "z21");
    List<Node> nodes = List.of(m1, m2, m3);
    List<Pod> pods = List.of(existingSecurityScan("machine1"));
    Pod p = pod("p").requiredPodAffinity(term("service", "In", "securityscan")).build();
    assertThat(check(p, pods, nodes, "machine1").fits()).isTrue();
    assertThat(check(p, pods, nodes, "machine2").fits()).as("same region").isTrue();
    assertThat(check(p, pods, nodes, "machine3").fits()).as("other region").isFalse();
  }

  @Test
  void aNodeWithoutTheTopologyKeyFailsAffinity() {
    Node m1 = machine("machine1", "r1", "z11");
    Node bare = node("bare").build();
    List<Pod> pods = List.of(existingSecurityScan("machine1"));
    Pod p = pod("p").requiredPodAffinity(term("service", "In", "securityscan")).build();
    assertThat(reasons(check(p, pods, List.of(m1, bare), "bare")))
        .containsExactly(AFFINITY_NOT_MATCH, AFFINITY_RULES);
  }

  @Test
  void theFirstPodOfASelfAffineGroupMayStartAnywhere() {
    Node m1 = machine("machine1", "r1", "z11");
    Pod first =
        pod("first")
            .label("app", "db")
            .requiredPodAffinity(affinityTerm("zone", matchLabels("app", "db")))
            .build();
    assertThat(check(first, List.of(), List.of(m1), "machine1").fits()).isTrue();
  }

  @Test
  void selfAffinityExceptionNeedsThePodToMatchItsOwnTerms() {
    Node m1 = machine("machine1", "r1", "z11");
    Pod notSelf =
        pod("p")
            .label("app", "web")
            .requiredPodAffinity(affinityTerm("zone", matchLabels("app", "db")))
            .build();
    assertThat(reasons(check(notSelf, List.of(), List.of(m1), "machine1")))
        .containsExactly(AFFINITY_NOT_MATCH, AFFINITY_RULES);
  }

  @Test
  void selfAffinityExceptionEndsOnceAMatchingPodRunsSomewhere() {
    Node m1 = machine("machine1", "r1", "z11");
    Node m2 = machine("machine2", "r1", "z12");
    Pod running = pod("db-0").label("app", "db").nodeName("machine2").build();
    Pod next =
        pod("db-1")
            .label("app", "db")
            .requiredPodAffinity(affinityTerm("zone", matchLabels("app", "db")))
            .build();
    assertThat(check(next, List.of(running), List.of(m1, m2), "machine1").fits()).isFalse();
    assertThat(check(next, List.of(running), List.of(m1, m2), "machine2").fits()).isTrue();
  }

  @Test
  void antiAffinityOfTheIncomingPodRejectsTheSharedTopology() {
    Node m1 = machine("machine1", "r1", "z11");
    Node m2 = machine("machine2", "r1", "z12");
    List<Pod> pods = List.of(existingSecurityScan("machine1"));
    Pod p =
        pod("p")
            .requiredPodAntiAffinity(affinityTerm("zone", matchLabels("service", "securityscan")))
            .build();
    assertThat(reasons(check(p, pods, List.of(m1, m2), "machine1")))
        .containsExactly(AFFINITY_NOT_MATCH, ANTI_AFFINITY_RULES);
    assertThat(check(p, pods, List.of(m1, m2), "machine2").fits()).isTrue();
  }

  @Test
  void existingPodsAntiAffinityIsSymmetric() {
    Node m1 = machine("machine1", "r1", "z11");
    Node m2 = machine("machine2", "r1", "z12");
    Pod guard =
        pod("guard")
            .requiredPodAntiAffinity(affinityTerm("zone", matchLabels("security", "S1")))
            .nodeName("machine1")
            .build();
    Pod p = pod("p").label("security", "S1").build();
    assertThat(reasons(check(p, List.of(guard), List.of(m1, m2), "machine1")))
        .containsExactly(AFFINITY_NOT_MATCH, EXISTING_ANTI);
    assertThat(check(p, List.of(guard), List.of(m1, m2), "machine2").fits()).isTrue();
  }

  @Test
  void aTermThatNamesNamespacesMatchesPodsThere() {
    Node m = machine("machine1", "r1", "z11");
    Pod elsewhere =
        pod("existing")
            .namespace("ns2")
            .label("service", "securityscan")
            .nodeName("machine1")
            .build();
    PodAffinityTerm t = term("service", "In", "securityscan");
    t.setNamespaces(new ArrayList<>(List.of("ns1", "ns2")));
    Pod p = pod("p").requiredPodAffinity(t).build();
    assertThat(check(p, List.of(elsewhere), List.of(m), "machine1").fits()).isTrue();
    Pod ownNamespaceOnly =
        pod("p").requiredPodAffinity(term("service", "In", "securityscan")).build();
    assertThat(reasons(check(ownNamespaceOnly, List.of(elsewhere), List.of(m), "machine1")))
        .as("without namespaces a term means the pod's own")
        .containsExactly(AFFINITY_NOT_MATCH, AFFINITY_RULES);
  }

  @Test
  void anExistingPodsAntiAffinityRejectsEvenAPodWhoseOwnTermsHold() {
    // The three checks stop at the first failure: the pod's own affinity, satisfied here, cannot
    // undo the existing pod's anti-affinity.
    Node m1 = machine("machine1", "r1", "z11");
    Pod guard =
        pod("guard")
            .label("service", "securityscan")
            .requiredPodAntiAffinity(affinityTerm("zone", matchLabels("security", "S1")))
            .nodeName("machine1")
            .build();
    Pod p =
        pod("p")
            .label("security", "S1")
            .requiredPodAffinity(term("service", "In", "securityscan"))
            .build();
    assertThat(reasons(check(p, List.of(guard), List.of(m1), "machine1")))
        .containsExactly(AFFINITY_NOT_MATCH, EXISTING_ANTI);
  }

  @Test
  void existingAntiAffinityOnAKeyTheNodeLacksBlocksNothing() {
    Node m1 = machine("machine1", "r1", "z11");
    Pod guard =
        pod("guard")
            .requiredPodAntiAffinity(affinityTerm("rack", matchLabels("security", "S1")))
            .nodeName("machine1")
            .build();
    Pod p = pod("p").label("security", "S1").build();
    assertThat(check(p, List.of(guard), List.of(m1), "machine1").fits()).isTrue();
  }

  @Test
  void existingAntiAffinityOnlyAppliesInItsNamespaces() {
    Node m1 = machine("machine1", "r1", "z11");
    Pod guard =
        pod("guard")
            .namespace("other")
            .requiredPodAntiAffinity(affinityTerm("zone", matchLabels("security", "S1")))
            .nodeName("machine1")
            .build();
    Pod p = pod("p").label("security", "S1").build();
    assertThat(check(p, List.of(guard), List.of(m1), "machine1").fits()).isTrue();
  }

  @Test
  void preferredTermsNeverFilter() {
    Node m1 = machine("machine1", "r1", "z11");
    Pod p =
        pod("p")
            .preferredPodAntiAffinity(
                100, affinityTerm("zone", matchLabels("service", "securityscan")))
            .build();
    assertThat(check(p, List.of(existingSecurityScan("machine1")), List.of(m1), "machine1").fits())
        .isTrue();
  }

  @Test
  void affinityAndAntiAffinityTogether() {
    Node m1 = machine("machine1", "r1", "z11");
    Pod p =
        pod("p")
            .requiredPodAffinity(term("service", "In", "securityscan"))
            .requiredPodAntiAffinity(affinityTerm("zone", matchLabels("service", "antivirusscan")))
            .build();
    assertThat(check(p, List.of(existingSecurityScan("machine1")), List.of(m1), "machine1").fits())
        .isTrue();
  }

  // ---- where the slow path (no metadata) and the fast path part ways

  static PredicateResult fast(Pod p, List<Pod> pods, List<Node> nodes, String nodeName) {
    Snapshot s = Snapshot.of(pods, nodes);
    return new InterPodAffinityPredicate(() -> s)
        .check(p, new MetadataProducer().produce(p, s), s.get(nodeName));
  }

  static PredicateResult slow(Pod p, List<Pod> pods, List<Node> nodes, String nodeName) {
    Snapshot s = Snapshot.of(pods, nodes);
    return new InterPodAffinityPredicate(() -> s).check(p, null, s.get(nodeName));
  }

  @Test
  void theSlowPathRefusesTheFirstPodExceptionWhenAMatchingPodSitsOutsideEveryDomain() {
    // db-0 runs on a node without a zone label: it is in no zone, so the fast path's map of
    // matching pods by zone is empty and the exception applies; the slow path sees that a pod
    // matching the selector exists at all, and refuses it.
    Node zoned = machine("machine1", "r1", "z11");
    Node bare = node("bare").build();
    Pod running = pod("db-0").label("app", "db").nodeName("bare").build();
    Pod next =
        pod("db-1")
            .label("app", "db")
            .requiredPodAffinity(affinityTerm("zone", matchLabels("app", "db")))
            .build();
    List<Node> nodes = List.of(zoned, bare);
    assertThat(fast(next, List.of(running), nodes, "machine1").fits()).isTrue();
    assertThat(reasons(slow(next, List.of(running), nodes, "machine1")))
        .containsExactly(AFFINITY_NOT_MATCH, AFFINITY_RULES);
  }

  @Test
  void theSlowPathNeedsAPodToMatchEveryAntiAffinityTerm() {
    Node m1 = machine("machine1", "r1", "z11");
    Pod db = pod("db").label("app", "db").nodeName("machine1").build();
    Pod p =
        pod("p")
            .requiredPodAntiAffinity(affinityTerm("zone", matchLabels("app", "db")))
            .requiredPodAntiAffinity(affinityTerm("zone", matchLabels("tier", "cache")))
            .build();
    assertThat(reasons(fast(p, List.of(db), List.of(m1), "machine1")))
        .as("fast path: any term")
        .containsExactly(AFFINITY_NOT_MATCH, ANTI_AFFINITY_RULES);
    assertThat(slow(p, List.of(db), List.of(m1), "machine1").fits())
        .as("slow path: all terms, or no match")
        .isTrue();
  }

  @Test
  void anEmptyTopologyKeyNeverMatchesWithMetadataButTripsTheSlowPath() {
    Node m1 = machine("machine1", "r1", "z11");
    Pod db = pod("db").label("app", "db").nodeName("machine1").build();
    Pod anti = pod("p").requiredPodAntiAffinity(affinityTerm("", matchLabels("app", "db"))).build();
    assertThat(fast(anti, List.of(db), List.of(m1), "machine1").fits()).isTrue();
    assertThat(reasons(slow(anti, List.of(db), List.of(m1), "machine1")))
        .as("upstream treats the error as a match, without reporting it")
        .containsExactly(AFFINITY_NOT_MATCH, ANTI_AFFINITY_RULES);
    Pod aff =
        pod("q")
            .label("app", "db")
            .requiredPodAffinity(affinityTerm("", matchLabels("app", "db")))
            .build();
    assertThat(fast(aff, List.of(db), List.of(m1), "machine1").fits())
        .as("no pair has an empty key, so the first-pod exception applies")
        .isTrue();
    assertThatThrownBy(() -> slow(aff, List.of(db), List.of(m1), "machine1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Cannot schedule pod default/q onto node machine1, because of PodAffinity: empty"
                + " topologyKey is not allowed except for PreferredDuringScheduling pod"
                + " anti-affinity");
  }

  @Test
  void theSlowPathLooksOnlyAtPodsTheNodeInfoStillHas() {
    // Preemption removes victims from a NodeInfo clone; the slow path filters the pod list by it.
    Node m1 = machine("machine1", "r1", "z11");
    Pod guard =
        pod("guard")
            .uid("guard-uid")
            .requiredPodAntiAffinity(affinityTerm("zone", matchLabels("security", "S1")))
            .nodeName("machine1")
            .build();
    Snapshot s = Snapshot.of(List.of(guard), List.of(m1));
    Pod p = pod("p").label("security", "S1").build();
    InterPodAffinityPredicate pred = new InterPodAffinityPredicate(() -> s);
    assertThat(pred.check(p, null, s.get("machine1")).fits()).isFalse();
    var withoutGuard = s.get("machine1").clone();
    withoutGuard.removePod(guard);
    assertThat(pred.check(p, null, withoutGuard).fits()).isTrue();
  }

  @Test
  void aMalformedSelectorOnTheSlowPathIsAnErrorNamingThePod() {
    Node m1 = machine("machine1", "r1", "z11");
    Pod bad =
        pod("bad")
            .requiredPodAntiAffinity(affinityTerm("zone", matchExpressions(labelExpr("a", "In"))))
            .nodeName("machine1")
            .build();
    assertThatThrownBy(() -> slow(pod("p").build(), List.of(bad), List.of(m1), "machine1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "Failed to get all terms that match pod default/p: Pod default/bad");
  }

  @Test
  void nodesShareATopologyOnlyWhenBothCarryTheKeyWithOneValue() {
    Node a = machine("a", "r1", "z1");
    assertThat(
            InterPodAffinityPredicate.nodesHaveSameTopologyKey(
                a, machine("b", "r1", "z2"), "region"))
        .isTrue();
    assertThat(
            InterPodAffinityPredicate.nodesHaveSameTopologyKey(a, machine("b", "r1", "z2"), "zone"))
        .isFalse();
    assertThat(InterPodAffinityPredicate.nodesHaveSameTopologyKey(a, node("c").build(), "zone"))
        .isFalse();
    assertThat(InterPodAffinityPredicate.nodesHaveSameTopologyKey(node("c").build(), a, "zone"))
        .isFalse();
  }
}
