package io.kubelab.explain.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Grades {@link FinalScores} with sums worked out by hand, including the golden run's numbers
 * ({@code golden-default-1.18.json}: shop/web's scores on node-a and node-b). Run with {@code
 * -Pexercise}.
 */
@Tag("exercise")
class FinalScoresExerciseTest {

  @Test
  void sumsEachNodesWeightedScores() {
    Map<String, Map<String, String>> webOnGoldenCluster =
        Map.of(
            "node-a",
                Map.of(
                    "ImageLocality", "0",
                    "InterPodAffinity", "0",
                    "NodeAffinity", "0",
                    "NodePreferAvoidPods", "1000000",
                    "NodeResourcesBalancedAllocation", "43",
                    "NodeResourcesLeastAllocated", "40",
                    "TaintToleration", "100"),
            "node-b",
                Map.of(
                    "ImageLocality", "0",
                    "InterPodAffinity", "0",
                    "NodeAffinity", "0",
                    "NodePreferAvoidPods", "1000000",
                    "NodeResourcesBalancedAllocation", "93",
                    "NodeResourcesLeastAllocated", "90",
                    "TaintToleration", "100"));

    assertThat(FinalScores.of(webOnGoldenCluster))
        .containsExactlyInAnyOrderEntriesOf(Map.of("node-a", 1_000_183L, "node-b", 1_000_283L));
  }

  @Test
  void noScoresNoNodes() {
    assertThat(FinalScores.of(Map.of())).isEmpty();
    assertThat(FinalScores.of(Map.of("n", Map.of()))).containsExactly(Map.entry("n", 0L));
  }

  @Test
  void largeWeightsDoNotOverflowAnInt() {
    assertThat(FinalScores.of(Map.of("n", Map.of("A", "2000000000", "B", "2000000000"))))
        .containsExactly(Map.entry("n", 4_000_000_000L));
  }

  @Test
  void aValueThatIsNotANumberNamesNodeAndPlugin() {
    assertThatThrownBy(() -> FinalScores.of(Map.of("node-x", Map.of("ImageLocality", "high"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node-x")
        .hasMessageContaining("ImageLocality");
  }
}
