package io.kubelab.scheduler.priorities;

import static io.kubelab.apimachinery.testing.Fixtures.expr;
import static io.kubelab.apimachinery.testing.Fixtures.term;
import static io.kubelab.scheduler.priorities.TestSupport.expect;
import static io.kubelab.scheduler.priorities.TestSupport.run;
import static io.kubelab.scheduler.priorities.TestSupport.runWithMetadata;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Upstream's {@code TestNodeAffinityPriority}, plus the term rules it leaves implicit. */
class NodeAffinityTest {

  private static Node node(String name, String... labels) {
    return Fixtures.node(name).withoutLabel(Fixtures.LABEL_HOSTNAME).labels(labels).build();
  }

  private static Map<String, Long> score(Pod pod, List<Node> nodes) {
    Map<String, Long> without =
        run(
            NodeAffinity::calculateNodeAffinityPriorityMap,
            NodeAffinity.CALCULATE_NODE_AFFINITY_PRIORITY_REDUCE,
            null,
            pod,
            List.of(),
            nodes);
    assertThat(
            runWithMetadata(
                NodeAffinity::calculateNodeAffinityPriorityMap,
                NodeAffinity.CALCULATE_NODE_AFFINITY_PRIORITY_REDUCE,
                pod,
                List.of(),
                nodes))
        .isEqualTo(without);
    return without;
  }

  private static Pod affinity1() {
    return Fixtures.pod("p").preferredNodeAffinity(2, term(expr("foo", "In", "bar"))).build();
  }

  private static Pod affinity2() {
    return Fixtures.pod("p")
        .preferredNodeAffinity(2, term(expr("foo", "In", "bar")))
        .preferredNodeAffinity(4, term(expr("key", "In", "value")))
        .preferredNodeAffinity(
            5, term(expr("foo", "In", "bar"), expr("key", "In", "value"), expr("az", "In", "az1")))
        .build();
  }

  @Test
  void withoutNodeAffinityEveryNodeScoresZero() {
    assertThat(
            score(
                Fixtures.pod("p").build(),
                List.of(
                    node("machine1", "foo", "bar"),
                    node("machine2", "key", "value"),
                    node("machine3", "az", "az1"))))
        .isEqualTo(expect("machine1", 0, "machine2", 0, "machine3", 0));
  }

  @Test
  void noMachineMatchesThePreferredTerms() {
    assertThat(
            score(
                affinity1(),
                List.of(
                    node("machine1", "abc", "az11", "def", "az22"),
                    node("machine2", "key", "value"),
                    node("machine3", "az", "az1"))))
        .isEqualTo(expect("machine1", 0, "machine2", 0, "machine3", 0));
  }

  @Test
  void onlyTheMatchingMachineGetsTheMaximum() {
    assertThat(
            score(
                affinity1(),
                List.of(
                    node("machine1", "foo", "bar"),
                    node("machine2", "key", "value"),
                    node("machine3", "az", "az1"))))
        .isEqualTo(expect("machine1", 100, "machine2", 0, "machine3", 0));
  }

  @Test
  void weightsAddUpAndAreNormalizedByTheBest() {
    // machine1 matches term 1 (2); machine5 all three (2 + 4 + 5 = 11); machine2 term 2 (4)
    // -> 100*2/11 = 18, 100, 100*4/11 = 36
    assertThat(
            score(
                affinity2(),
                List.of(
                    node("machine1", "foo", "bar"),
                    node("machine5", "foo", "bar", "key", "value", "az", "az1"),
                    node("machine2", "key", "value"))))
        .isEqualTo(expect("machine1", 18, "machine5", 100, "machine2", 36));
  }

  @Test
  void aTermWithoutExpressionsMatchesNoNodeAndFieldsAreIgnored() {
    NodeSelectorTerm empty = term();
    Pod pod =
        Fixtures.pod("p")
            .preferredNodeAffinity(7, empty)
            .preferredNodeAffinity(9, Fixtures.fieldTerm("In", "machine1"))
            .preferredNodeAffinity(3, term(expr("zone", "Exists")))
            .build();
    assertThat(score(pod, List.of(node("machine1", "zone", "a"), node("machine2", "other", "x"))))
        .isEqualTo(expect("machine1", 100, "machine2", 0));
    // the raw sums, before the reduce
    assertThat(
            run(
                NodeAffinity::calculateNodeAffinityPriorityMap,
                null,
                null,
                pod,
                List.of(),
                List.of(node("machine1", "zone", "a"))))
        .isEqualTo(expect("machine1", 3));
  }

  @Test
  void gtAndLtCompareIntegers() {
    Pod pod =
        Fixtures.pod("p")
            .preferredNodeAffinity(10, term(expr("cores", "Gt", "8")))
            .preferredNodeAffinity(5, term(expr("cores", "Lt", "4")))
            .build();
    assertThat(
            score(
                pod,
                List.of(
                    node("big", "cores", "16"),
                    node("small", "cores", "2"),
                    node("odd", "cores", "many"))))
        .isEqualTo(expect("big", 100, "small", 50, "odd", 0));
  }

  @Test
  void aZeroWeightTermIsSkippedEvenWhenMalformed() {
    Pod pod =
        Fixtures.pod("p")
            .preferredNodeAffinity(0, term(expr("foo", "Near", "bar")))
            .preferredNodeAffinity(1, term(expr("foo", "In", "bar")))
            .build();
    assertThat(score(pod, List.of(node("m", "foo", "bar")))).isEqualTo(expect("m", 100));
  }

  @Test
  void aMalformedTermIsAnErrorNamingThePodAndField() {
    Pod pod =
        Fixtures.pod("p")
            .preferredNodeAffinity(1, term(expr("foo", "In", "bar")))
            .preferredNodeAffinity(1, term(expr("foo", "Near", "bar")))
            .build();
    assertThatThrownBy(
            () ->
                run(
                    NodeAffinity::calculateNodeAffinityPriorityMap,
                    null,
                    null,
                    pod,
                    List.of(),
                    List.of(node("m"))))
        .hasMessage(
            "Pod default/p: spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[1]"
                + ".preference.matchExpressions[0].operator: \"Near\" is not a valid node"
                + " selector operator");
  }

  @Test
  void aValueThatIsNotALabelValueFailsTheAttemptAsUpstreamsSelectorBuilderDoes() {
    // The API server lets "bad value!" through (it checks operators, counts and keys only), but
    // NodeSelectorRequirementsAsSelector builds every value with NewRequirement, which rejects it.
    Pod pod =
        Fixtures.pod("p").preferredNodeAffinity(1, term(expr("foo", "In", "bad value!"))).build();
    assertThatThrownBy(
            () ->
                run(
                    NodeAffinity::calculateNodeAffinityPriorityMap,
                    null,
                    null,
                    pod,
                    List.of(),
                    List.of(node("m"))))
        .hasMessageStartingWith(
            "Pod default/p: spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]"
                + ".preference.matchExpressions[0].values: invalid label value: \"bad value!\"");
  }
}
