package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.priorities.TestSupport.expect;
import static io.kubelab.scheduler.priorities.TestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.policy.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The NodeLabel plugin's {@code TestNodeLabelScore} (v1.17 runs the priority as that plugin). */
class NodeLabelTest {

  private static final Node MACHINE1 =
      Fixtures.node("machine1")
          .withoutLabel(Fixtures.LABEL_HOSTNAME)
          .labels("foo", "", "bar", "")
          .build();

  private static long score(List<String> present, List<String> absent) {
    return run(
            new NodeLabel(present, absent),
            null,
            null,
            Fixtures.pod("p").build(),
            List.of(),
            List.of(MACHINE1))
        .get("machine1");
  }

  @Test
  void presentPreferences() {
    assertThat(score(List.of("foo"), List.of())).isEqualTo(100);
    assertThat(score(List.of("somelabel"), List.of())).isEqualTo(0);
    assertThat(score(List.of("foo", "bar"), List.of())).isEqualTo(100);
    assertThat(score(List.of("somelabel1", "somelabel2"), List.of())).isEqualTo(0);
    assertThat(score(List.of("foo", "somelabel"), List.of())).isEqualTo(50);
  }

  @Test
  void absentPreferences() {
    assertThat(score(List.of(), List.of("foo"))).isEqualTo(0);
    assertThat(score(List.of(), List.of("somelabel"))).isEqualTo(100);
    assertThat(score(List.of(), List.of("foo", "bar"))).isEqualTo(0);
    assertThat(score(List.of(), List.of("somelabel1", "somelabel2"))).isEqualTo(100);
    assertThat(score(List.of(), List.of("foo", "somelabel"))).isEqualTo(50);
  }

  @Test
  void bothKindsAverageOverAllPreferences() {
    assertThat(score(List.of("foo", "bar"), List.of("somelabel1", "somelabel2"))).isEqualTo(100);
    assertThat(score(List.of("somelabel1", "somelabel2"), List.of("foo", "bar"))).isEqualTo(0);
    assertThat(score(List.of("foo", "somelabel"), List.of("somelabel1", "somelabel2")))
        .isEqualTo(75);
  }

  @Test
  void onlyTheKeyCountsNotItsValue() {
    Node n = Fixtures.node("n").label("disk", "hdd").build();
    assertThat(
            run(
                new NodeLabel(List.of("disk"), List.of()),
                null,
                null,
                Fixtures.pod("p").build(),
                List.of(),
                List.of(n)))
        .isEqualTo(expect("n", 100));
  }

  @Test
  void aLabelPreferredBothPresentAndAbsentIsRejected() {
    assertThatThrownBy(() -> new NodeLabel(List.of("foo", "bar"), List.of("bar", "baz")))
        .hasMessage(
            "detecting at least one label (e.g., \"bar\") that exist in both the present([foo bar])"
                + " and absent([bar baz]) label list");
  }

  @Test
  void policyArgumentsAccumulateIntoOnePriority() {
    NodeLabel l =
        (NodeLabel)
            NodeLabel.customPriority(
                    List.of(arg("zone", true), arg("spot", false), arg("ssd", true)), null)
                .map();
    assertThat(l.presentLabelsPreference()).containsExactly("zone", "ssd");
    assertThat(l.absentLabelsPreference()).containsExactly("spot");
    assertThatThrownBy(
            () -> NodeLabel.customPriority(List.of(arg("zone", true), arg("", false)), null))
        .hasMessage("NodeLabel: labelPreference.label is required (argument 1)");
  }

  @Test
  void aPriorityWithoutPreferencesIsRefusedAndOneWithSomePrintsThem() {
    assertThatThrownBy(() -> new NodeLabel(List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("NodeLabel: no label preference given");
    assertThat(new NodeLabel(List.of("foo"), List.of()))
        .hasToString("NodeLabel{present=[foo], absent=[]}");
    assertThat(new NodeLabel(List.of(), List.of("bar")))
        .hasToString("NodeLabel{present=[], absent=[bar]}");
  }

  private static Policy.PriorityArgument arg(String label, boolean presence) {
    return new Policy.PriorityArgument(null, new Policy.LabelPreference(label, presence), null);
  }
}
