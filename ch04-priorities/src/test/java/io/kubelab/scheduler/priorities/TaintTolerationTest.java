package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.priorities.TestSupport.expect;
import static io.kubelab.scheduler.priorities.TestSupport.run;
import static io.kubelab.scheduler.priorities.TestSupport.runWithMetadata;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Upstream's {@code TestTaintAndToleration}. */
class TaintTolerationTest {

  private static final String PREFER = "PreferNoSchedule";

  private static Node node(String name, String... keyValueEffect) {
    Fixtures.NodeFixture f = Fixtures.node(name);
    for (int i = 0; i < keyValueEffect.length; i += 3) {
      f.taint(keyValueEffect[i], keyValueEffect[i + 1], keyValueEffect[i + 2]);
    }
    return f.build();
  }

  private static Pod pod(String... keyValueEffect) {
    Fixtures.PodFixture f = Fixtures.pod("p");
    for (int i = 0; i < keyValueEffect.length; i += 3) {
      f.toleration(keyValueEffect[i], "Equal", keyValueEffect[i + 1], keyValueEffect[i + 2]);
    }
    return f.build();
  }

  private static Map<String, Long> score(Pod pod, List<Node> nodes) {
    Map<String, Long> without =
        run(
            TaintToleration::computeTaintTolerationPriorityMap,
            TaintToleration.COMPUTE_TAINT_TOLERATION_PRIORITY_REDUCE,
            null,
            pod,
            List.of(),
            nodes);
    assertThat(
            runWithMetadata(
                TaintToleration::computeTaintTolerationPriorityMap,
                TaintToleration.COMPUTE_TAINT_TOLERATION_PRIORITY_REDUCE,
                pod,
                List.of(),
                nodes))
        .isEqualTo(without);
    return without;
  }

  @Test
  void aNodeWithTaintsThePodToleratesBeatsOneWithIntolerableTaints() {
    assertThat(
            score(
                pod("foo", "bar", PREFER),
                List.of(node("nodeA", "foo", "bar", PREFER), node("nodeB", "foo", "blah", PREFER))))
        .isEqualTo(expect("nodeA", 100, "nodeB", 0));
  }

  @Test
  void howManyTaintsAreToleratedDoesNotMatter() {
    assertThat(
            score(
                pod("cpu-type", "arm64", PREFER, "disk-type", "ssd", PREFER),
                List.of(
                    node("nodeA"),
                    node("nodeB", "cpu-type", "arm64", PREFER),
                    node("nodeC", "cpu-type", "arm64", PREFER, "disk-type", "ssd", PREFER))))
        .isEqualTo(expect("nodeA", 100, "nodeB", 100, "nodeC", 100));
  }

  @Test
  void moreIntolerableTaintsScoreLower() {
    assertThat(
            score(
                pod("foo", "bar", PREFER),
                List.of(
                    node("nodeA"),
                    node("nodeB", "cpu-type", "arm64", PREFER),
                    node("nodeC", "cpu-type", "arm64", PREFER, "disk-type", "ssd", PREFER))))
        .isEqualTo(expect("nodeA", 100, "nodeB", 50, "nodeC", 0));
  }

  @Test
  void onlyPreferNoScheduleTaintsAndTolerationsCount() {
    assertThat(
            score(
                pod("cpu-type", "arm64", "NoSchedule", "disk-type", "ssd", "NoSchedule"),
                List.of(
                    node("nodeA"),
                    node("nodeB", "cpu-type", "arm64", "NoSchedule"),
                    node("nodeC", "cpu-type", "arm64", PREFER, "disk-type", "ssd", PREFER))))
        .isEqualTo(expect("nodeA", 100, "nodeB", 100, "nodeC", 0));
  }

  @Test
  void withoutTolerationsTheUntaintedNodeWins() {
    assertThat(score(pod(), List.of(node("nodeA"), node("nodeB", "cpu-type", "arm64", PREFER))))
        .isEqualTo(expect("nodeA", 100, "nodeB", 0));
  }

  @Test
  void aTolerationWithoutEffectToleratesPreferNoSchedule() {
    Pod pod = Fixtures.pod("p").toleration("cpu-type", "Exists", null, "").build();
    assertThat(score(pod, List.of(node("nodeA", "cpu-type", "arm64", PREFER), node("nodeB"))))
        .isEqualTo(expect("nodeA", 100, "nodeB", 100));
    assertThat(
            TaintToleration.getAllTolerationPreferNoSchedule(
                List.of(
                    Fixtures.toleration("a", "Exists", null, null),
                    Fixtures.toleration("b", "Exists", null, "NoExecute"),
                    Fixtures.toleration("c", "Exists", null, PREFER))))
        .extracting(t -> t.getKey())
        .containsExactly("a", "c");
  }
}
