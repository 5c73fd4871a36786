package io.kubelab.scheduler.framework.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.Registry;
import io.kubelab.scheduler.framework.config.ExtensionPoint;
import io.kubelab.scheduler.framework.config.Plugin;
import io.kubelab.scheduler.framework.config.PluginSet;
import io.kubelab.scheduler.framework.config.Plugins;
import io.kubelab.scheduler.framework.plugins.InTreeRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Grades {@link FewestPods}: a table worked out by hand, and generated pod counts against the
 * reversed normalization written out here in its own terms.
 */
@Tag("exercise")
class FewestPodsExerciseTest {

  private final Parallelizer parallelizer = new Parallelizer("fewest-pods", 1);

  @AfterEach
  void close() {
    parallelizer.close();
  }

  /** Weighted scores (weight 2) of nodes holding these numbers of pods. */
  private long[] weighted(List<Integer> podCounts) {
    List<Node> nodes = new ArrayList<>();
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < podCounts.size(); i++) {
      String name = "node-" + i;
      nodes.add(Fixtures.node(name).allocatable("8", "16Gi").build());
      for (int k = 0; k < podCounts.get(i); k++) {
        pods.add(Fixtures.pod(name + "-pod-" + k).nodeName(name).build());
      }
    }
    Registry r = InTreeRegistry.create();
    r.register(FewestPods.NAME, (args, h) -> new FewestPods(h));
    FrameworkImpl f =
        FrameworkImpl.builder(r)
            .plugins(
                Plugins.empty()
                    .with(ExtensionPoint.QUEUE_SORT, PluginSet.enabled(Plugin.of("PrioritySort")))
                    .with(ExtensionPoint.BIND, PluginSet.enabled(Plugin.of("DefaultBinder")))
                    .with(ExtensionPoint.SCORE, PluginSet.enabled(Plugin.of(FewestPods.NAME, 2))))
            .snapshot(Snapshot.of(pods, nodes))
            .clock(new FakeClock())
            .parallelizer(parallelizer)
            .build();
    NodeScoreList l =
        f.runScorePlugins(new CycleState(), Fixtures.pod("incoming").build(), nodes)
            .get(FewestPods.NAME);
    return l.scores();
  }

  @Test
  void theTable() {
    // 0, 2 and 4 pods: raw 0, 2, 4; 100*s/4 = 0, 50, 100; reversed 100, 50, 0; weight 2.
    assertThat(weighted(List.of(0, 2, 4))).containsExactly(200, 100, 0);
    // 3 and 1 pods: 100*3/3 = 100 → 0; 100*1/3 = 33 → 67.
    assertThat(weighted(List.of(3, 1))).containsExactly(0, 134);
    // No pods anywhere: every node gets the full score.
    assertThat(weighted(List.of(0, 0))).containsExactly(200, 200);
  }

  @Test
  void generatedPodCounts() {
    qt().withFixedSeed(0xfe3e57L)
        .withExamples(100)
        .forAll(lists().of(integers().between(0, 12)).ofSizeBetween(1, 6))
        .checkAssert(
            counts -> {
              long max = 0;
              for (int c : counts) {
                max = Math.max(max, c);
              }
              long[] want = new long[counts.size()];
              for (int i = 0; i < want.length; i++) {
                long share = max == 0 ? 100 : 100 - (100L * counts.get(i)) / max;
                want[i] = 2 * share;
              }
              assertThat(weighted(counts)).as("pods per node %s", counts).containsExactly(want);
            });
  }
}
