package io.kubelab.scheduler.preemption.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.scheduler.algorithm.Victims;
import io.kubelab.scheduler.preemption.PickOneReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Grades {@link TieBreak}: the chapter's tie-break table, then generated candidate maps. */
@Tag("exercise")
class TieBreakExerciseTest {

  static final Instant NOW = Instant.parse("2020-06-01T00:00:00Z");

  static Pod v(int priority, String start) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("v")
        .endMetadata()
        .withNewSpec()
        .withPriority(priority)
        .endSpec()
        .withNewStatus()
        .withStartTime(start)
        .endStatus()
        .build();
  }

  static Victims victims(long pdb, Pod... pods) {
    return new Victims(List.of(pods), pdb);
  }

  static String pick(Victims a, Victims b) {
    Map<String, Victims> m = new LinkedHashMap<>();
    m.put("a", a);
    m.put("b", b);
    return TieBreak.pickOneNodeForPreemption(m, NOW);
  }

  static final String D1 = "2019-01-01T00:00:00Z";
  static final String D2 = "2019-01-02T00:00:00Z";

  @Test
  void theTable() {
    assertThat(TieBreak.pickOneNodeForPreemption(Map.of(), NOW)).isNull();
    assertThat(pick(victims(0, v(5, D1)), victims(0))).as("no victims").isEqualTo("b");
    assertThat(pick(victims(1, v(0, D1)), victims(0, v(50, D1), v(50, D1))))
        .as("fewest PDB violations")
        .isEqualTo("b");
    assertThat(pick(victims(0, v(100, D1)), victims(0, v(50, D1), v(50, D1), v(50, D1))))
        .as("lowest highest priority")
        .isEqualTo("b");
    assertThat(pick(victims(0, v(-100, D1), v(-100, D1)), victims(0, v(-100, D1))))
        .as("lowest shifted sum")
        .isEqualTo("b");
    assertThat(
            pick(
                victims(0, v(10, D1), v(-(1 << 30), D1), v(-(1 << 30), D1)),
                victims(0, v(10, D1), v(0, D1))))
        .as("fewest victims")
        .isEqualTo("b");
    assertThat(pick(victims(0, v(9, D1), v(1, D2)), victims(0, v(9, D2), v(1, D1))))
        .as("latest earliest start among the top-priority victims")
        .isEqualTo("b");
    assertThat(pick(victims(0, v(9, D1)), victims(0, v(9, null))))
        .as("no start time counts as now")
        .isEqualTo("b");
    assertThat(pick(victims(0, v(9, D1)), victims(0, v(9, D1)))).as("first").isEqualTo("a");
  }

  static Gen<Map<String, Victims>> candidates() {
    List<Integer> priorities =
        List.of(Integer.MIN_VALUE, -(1 << 30), -100, 0, 7, Integer.MAX_VALUE);
    List<String> starts = new ArrayList<>(List.of("", D1, D2));
    return in -> {
      int n = Generate.range(1, 5).generate(in);
      Map<String, Victims> m = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        int count =
            Generate.frequency(Pair.of(1, Generate.constant(0)), Pair.of(9, Generate.range(1, 3)))
                .generate(in);
        List<Pod> pods = new ArrayList<>();
        for (int j = 0; j < count; j++) {
          pods.add(v(Generate.pick(priorities).generate(in), Generate.pick(starts).generate(in)));
        }
        pods.sort(Comparator.comparingInt((Pod p) -> p.getSpec().getPriority()).reversed());
        long pdb = count == 0 ? 0 : Generate.range(0, 1).generate(in);
        m.put("node-" + i, new Victims(pods, pdb));
      }
      return m;
    };
  }

  @Test
  void generatedCandidates() {
    qt().withFixedSeed(0x71e_b4eL)
        .withExamples(500)
        .forAll(candidates())
        .checkAssert(
            m ->
                assertThat(TieBreak.pickOneNodeForPreemption(m, NOW))
                    .isEqualTo(PickOneReference.pick(m, NOW)));
  }
}
