package io.kubelab.scheduler.preemption;

import static io.kubelab.scheduler.preemption.Upstream.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.Victims;
import io.kubelab.scheduler.predicates.GeneralPredicates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code pickOneNodeForPreemption}: upstream's {@code TestPickOneNodeForPreemption} table (v1.17),
 * which runs victim selection on nodes of 500m CPU and 1000 MB first, then one example per
 * criterion on hand-made victim lists (the chapter's tie-break table).
 */
class PickOneNodeForPreemptionTest {

  static final Instant NOW = Instant.parse("2020-06-01T00:00:00Z");

  record Case(String name, List<String> nodes, Pod pod, List<Pod> pods, List<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final List<String> M123 = List.of("machine1", "machine2", "machine3");

  static Pod m(String name, int priority, Size size) {
    String node = "machine" + name.charAt(1);
    return pod(name, priority, size, node, START_TIME);
  }

  static Pod m(String name, int priority, Size size, String startTime) {
    String node = "machine" + name.charAt(1);
    return pod(name, priority, size, node, startTime);
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "No node needs preemption",
            List.of("machine1"),
            preemptor("machine1", HIGH, Size.LARGE),
            List.of(m("m1.1", MID, Size.SMALL)),
            List.of("machine1")),
        new Case(
            "a pod that fits on both machines when lower priority pods are preempted",
            List.of("machine1", "machine2"),
            preemptor("machine1", HIGH, Size.LARGE),
            List.of(m("m1.1", MID, Size.LARGE), m("m2.1", MID, Size.LARGE)),
            List.of("machine1", "machine2")),
        new Case(
            "a pod that fits on a machine with no preemption",
            M123,
            preemptor("machine1", HIGH, Size.LARGE),
            List.of(m("m1.1", MID, Size.LARGE), m("m2.1", MID, Size.LARGE)),
            List.of("machine3")),
        new Case(
            "machine with min highest priority pod is picked",
            M123,
            preemptor("machine1", HIGH, Size.VERY_LARGE),
            List.of(
                m("m1.1", MID, Size.MEDIUM),
                m("m1.2", MID, Size.LARGE),
                m("m2.1", MID, Size.MEDIUM),
                m("m2.2", LOW, Size.MEDIUM),
                m("m3.1", LOW, Size.MEDIUM),
                m("m3.2", LOW, Size.MEDIUM)),
            List.of("machine3")),
        new Case(
            "when highest priorities are the same, minimum sum of priorities is picked",
            M123,
            preemptor("machine1", HIGH, Size.VERY_LARGE),
            List.of(
                m("m1.1", MID, Size.MEDIUM),
                m("m1.2", MID, Size.LARGE),
                m("m2.1", MID, Size.LARGE),
                m("m2.2", LOW, Size.MEDIUM),
                m("m3.1", MID, Size.MEDIUM),
                m("m3.2", MID, Size.MEDIUM)),
            List.of("machine2")),
        new Case(
            "when highest priority and sum are the same, minimum number of pods is picked",
            M123,
            preemptor("machine1", HIGH, Size.VERY_LARGE),
            List.of(
                m("m1.1", MID, Size.SMALL),
                m("m1.2", NEG, Size.SMALL),
                m("m1.3", MID, Size.SMALL),
                m("m1.4", NEG, Size.SMALL),
                m("m2.1", MID, Size.LARGE),
                m("m2.2", NEG, Size.MEDIUM),
                m("m3.1", MID, Size.MEDIUM),
                m("m3.2", NEG, Size.SMALL),
                m("m3.3", LOW, Size.SMALL)),
            List.of("machine2")),
        new Case(
            "sum of adjusted priorities is considered",
            M123,
            preemptor("machine1", HIGH, Size.VERY_LARGE),
            List.of(
                m("m1.1", MID, Size.SMALL),
                m("m1.2", NEG, Size.SMALL),
                m("m1.3", NEG, Size.SMALL),
                m("m2.1", MID, Size.LARGE),
                m("m2.2", NEG, Size.MEDIUM),
                m("m3.1", MID, Size.MEDIUM),
                m("m3.2", NEG, Size.SMALL),
                m("m3.3", LOW, Size.SMALL)),
            List.of("machine2")),
        new Case(
            "non-overlapping lowest high priority, sum priorities, and number of pods",
            List.of("machine1", "machine2", "machine3", "machine4"),
            preemptor("pod1", VERY_HIGH, Size.VERY_LARGE),
            List.of(
                m("m1.1", MID, Size.SMALL),
                m("m1.2", LOW, Size.SMALL),
                m("m1.3", LOW, Size.SMALL),
                m("m2.1", HIGH, Size.LARGE),
                m("m3.1", MID, Size.MEDIUM),
                m("m3.2", LOW, Size.SMALL),
                m("m3.3", LOW, Size.SMALL),
                m("m3.4", LOW, Size.MEDIUM),
                m("m4.1", MID, Size.MEDIUM),
                m("m4.2", MID, Size.SMALL),
                m("m4.3", MID, Size.SMALL),
                m("m4.4", NEG, Size.SMALL)),
            List.of("machine1")),
        new Case(
            "same priority, same number of victims, different start time for each machine's pod",
            M123,
            preemptor("machine1", HIGH, Size.VERY_LARGE),
            List.of(
                m("m1.1", MID, Size.MEDIUM, jan(3)),
                m("m1.2", MID, Size.MEDIUM, jan(3)),
                m("m2.1", MID, Size.MEDIUM, jan(4)),
                m("m2.2", MID, Size.MEDIUM, jan(4)),
                m("m3.1", MID, Size.MEDIUM, jan(2)),
                m("m3.2", MID, Size.MEDIUM, jan(2))),
            List.of("machine2")),
        new Case(
            "same priority, same number of victims, different start time for all pods",
            M123,
            preemptor("machine1", HIGH, Size.VERY_LARGE),
            List.of(
                m("m1.1", MID, Size.MEDIUM, jan(5)),
                m("m1.2", MID, Size.MEDIUM, jan(3)),
                m("m2.1", MID, Size.MEDIUM, jan(6)),
                m("m2.2", MID, Size.MEDIUM, jan(2)),
                m("m3.1", MID, Size.MEDIUM, jan(4)),
                m("m3.2", MID, Size.MEDIUM, jan(7))),
            List.of("machine3")),
        new Case(
            "different priority, same number of victims, different start time for all pods",
            M123,
            preemptor("machine1", HIGH, Size.VERY_LARGE),
            List.of(
                m("m1.1", LOW, Size.MEDIUM, jan(5)),
                m("m1.2", MID, Size.MEDIUM, jan(3)),
                m("m2.1", MID, Size.MEDIUM, jan(7)),
                m("m2.2", LOW, Size.MEDIUM, jan(2)),
                m("m3.1", LOW, Size.MEDIUM, jan(4)),
                m("m3.2", MID, Size.MEDIUM, jan(6))),
            List.of("machine2")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void upstreamsPick(Case tc) {
    List<Node> nodes = new ArrayList<>();
    for (String n : tc.nodes()) {
      nodes.add(makeNode(n, DEFAULT_MILLI_CPU_REQUEST * 5, DEFAULT_MEMORY_REQUEST * 5));
    }
    Map<String, FitPredicate> predicates = Map.of("matches", GeneralPredicates::podFitsResources);
    GenericScheduler scheduler = scheduler(predicates, nodes, tc.pods());
    try (Preemption preemption = preemption(scheduler)) {
      Map<String, Victims> candidates =
          preemption.selectNodesForPreemption(tc.pod(), nodes, List.of());
      assertThat(PickOneNode.pickOneNodeForPreemption(candidates, NOW)).isIn(tc.expected());
    }
  }

  // One example per criterion: the chapter's tie-break table.

  static Pod v(String name, int priority, String startTime) {
    return pod(name, priority, Size.SMALL, "n", startTime);
  }

  static String pick(Object... nodeAndVictims) {
    Map<String, Victims> m = new LinkedHashMap<>();
    for (int i = 0; i < nodeAndVictims.length; i += 2) {
      m.put((String) nodeAndVictims[i], (Victims) nodeAndVictims[i + 1]);
    }
    return PickOneNode.pickOneNodeForPreemption(m, NOW);
  }

  static Victims victims(long pdbViolations, Pod... pods) {
    return new Victims(List.of(pods), pdbViolations);
  }

  @Test
  void noCandidatesPicksNothing() {
    assertThat(PickOneNode.pickOneNodeForPreemption(Map.of(), NOW)).isNull();
  }

  @Test
  void candidatesWithMoreViolationsThanUpstreamsStartingMinimumAreRejected() {
    long tooMany = (long) Integer.MAX_VALUE + 1;
    Map<String, Victims> m = new LinkedHashMap<>();
    m.put("a", victims(tooMany, v("a1", 0, jan(1))));
    m.put("b", victims(tooMany, v("b1", 0, jan(1))));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PickOneNode.pickOneNodeForPreemption(m, NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("every candidate node has more than 2147483647 PDB violations");
  }

  @Test
  void aNodeWithoutVictimsWinsWhateverComesBefore() {
    assertThat(
            pick(
                "a", victims(0, v("a1", -5, jan(1))),
                "b", victims(0),
                "c", victims(0)))
        .isEqualTo("b");
  }

  @Test
  void fewestPdbViolationsComeFirst() {
    assertThat(
            pick(
                "a", victims(1, v("a1", 0, jan(1))),
                "b", victims(0, v("b1", 50, jan(1)), v("b2", 50, jan(1)))))
        .isEqualTo("b");
  }

  @Test
  void thenTheLowestHighestPriorityVictim() {
    assertThat(
            pick(
                "a", victims(0, v("a1", 100, jan(1))),
                "b", victims(0, v("b1", 50, jan(1)), v("b2", 50, jan(1)), v("b3", 50, jan(1)))))
        .isEqualTo("b");
  }

  @Test
  void thenTheLowestSumOfShiftedPriorities() {
    // Plain sums would be -200 for a and -100 for b; shifted by 2^31 each, a's is larger.
    assertThat(
            pick(
                "a", victims(0, v("a1", -100, jan(1)), v("a2", -100, jan(1))),
                "b", victims(0, v("b1", -100, jan(1)))))
        .isEqualTo("b");
    assertThat(
            pick(
                "a", victims(0, v("a1", 10, jan(1)), v("a2", 5, jan(1))),
                "b", victims(0, v("b1", 10, jan(1)), v("b2", 3, jan(1)))))
        .isEqualTo("b");
  }

  @Test
  void thenTheFewestVictims() {
    // Same highest priority (10) and the same shifted sum, 2·2^31 + 10, from three victims on a
    // and two on b: -2^30 twice on a weighs as much as one 0 on b.
    int quarter = -(1 << 30);
    assertThat(
            pick(
                "a",
                    victims(
                        0, v("a1", 10, jan(1)), v("a2", quarter, jan(1)), v("a3", quarter, jan(1))),
                "b", victims(0, v("b1", 10, jan(1)), v("b2", 0, jan(1)))))
        .isEqualTo("b");
  }

  @Test
  void thenTheLatestEarliestStartAmongTheHighestPriorityVictims() {
    assertThat(
            pick(
                "a", victims(0, v("a1", 9, jan(3)), v("a2", 1, jan(9))),
                "b", victims(0, v("b1", 9, jan(4)), v("b2", 1, jan(2)))))
        .as("b's top victim started later; the lower-priority victims do not count")
        .isEqualTo("b");
  }

  @Test
  void aVictimWithoutStartTimeCountsAsStartedNow() {
    assertThat(
            pick(
                "a", victims(0, v("a1", 9, jan(3))),
                "b", victims(0, v("b1", 9, null))))
        .isEqualTo("b");
  }

  @Test
  void otherwiseTheFirstNodeInIterationOrder() {
    assertThat(
            pick(
                "a", victims(0, v("a1", 9, jan(3))),
                "b", victims(0, v("b1", 9, jan(3)))))
        .isEqualTo("a");
  }

  @Test
  void highestPriorityIsReadFromTheFirstVictimAsUpstreamDoes() {
    // With a PDB-violating victim first, Pods[0] is not the highest priority: upstream reads
    // criterion 2 from Pods[0] all the same (b's first victim has 5 < a's 8).
    assertThat(
            pick(
                "a", victims(1, v("a1", 8, jan(1)), v("a2", 1, jan(1))),
                "b", victims(1, v("b1", 5, jan(1)), v("b2", 50, jan(1)))))
        .isEqualTo("b");
  }
}
