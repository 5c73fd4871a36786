package io.kubelab.scheduler.preemption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.scheduler.algorithm.Victims;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * {@code pickOneNodeForPreemption} equals {@link PickOneReference}, a sort of the candidates by the
 * six criteria as a tuple, on generated candidate maps whose values collide often (a handful of
 * priorities including both int32 extremes, a handful of start dates, some missing).
 */
class PickOneNodePropertyTest {

  static final Instant NOW = Instant.parse("2020-06-01T00:00:00Z");
  static final List<Integer> PRIORITIES =
      List.of(Integer.MIN_VALUE, -(1 << 30), -100, 0, 7, 100, Integer.MAX_VALUE);
  static final List<String> STARTS =
      List.of("", "2019-01-01T00:00:00Z", "2019-01-02T00:00:00Z", "2019-01-03T00:00:00Z");

  /**
   * Candidate maps shaped as victim selection leaves them: each node's victims sorted from the
   * highest priority down, with a PDB-violation count no larger than the list.
   */
  static Gen<Map<String, Victims>> candidates() {
    return in -> {
      int n = Generate.range(1, 6).generate(in);
      Map<String, Victims> m = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        int count =
            Generate.frequency(
                    org.quicktheories.api.Pair.of(1, Generate.constant(0)),
                    org.quicktheories.api.Pair.of(9, Generate.range(1, 4)))
                .generate(in);
        List<Pod> pods = new ArrayList<>();
        for (int j = 0; j < count; j++) {
          pods.add(
              new PodBuilder()
                  .withNewMetadata()
                  .withName("v" + i + "-" + j)
                  .endMetadata()
                  .withNewSpec()
                  .withPriority(Generate.pick(PRIORITIES).generate(in))
                  .endSpec()
                  .withNewStatus()
                  .withStartTime(Generate.pick(STARTS).generate(in))
                  .endStatus()
                  .build());
        }
        pods.sort(Comparator.comparingInt((Pod p) -> p.getSpec().getPriority()).reversed());
        long pdb = count == 0 ? 0 : Generate.range(0, Math.min(count, 2)).generate(in);
        m.put("node-" + i, new Victims(pods, pdb));
      }
      return m;
    };
  }

  @Test
  void pickOneNodeForPreemptionSortsByTheSixCriteria() {
    qt().withFixedSeed(0x06_61c4_0e1L)
        .withExamples(1000)
        .forAll(candidates())
        .checkAssert(
            m ->
                assertThat(PickOneNode.pickOneNodeForPreemption(m, NOW))
                    .isEqualTo(PickOneReference.pick(m, NOW)));
  }
}
