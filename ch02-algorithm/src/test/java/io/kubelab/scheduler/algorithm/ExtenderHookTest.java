package io.kubelab.scheduler.algorithm;

import static io.kubelab.scheduler.algorithm.TestCluster.node;
import static io.kubelab.scheduler.algorithm.TestCluster.pod;
import static io.kubelab.scheduler.algorithm.TestCluster.scheduler;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** How the generic scheduler calls extenders (the HTTP ones are ch07's). */
class ExtenderHookTest {

  static final List<Node> THREE = List.of(node("n1"), node("n2"), node("n3"));

  /** A toy extender: keeps the nodes in {@code keep}, scores by {@code score}. */
  static final class ToyExtender implements SchedulerExtender {
    final Set<String> keep;
    final Function<String, Long> score;
    final long weight;
    boolean interested = true;
    boolean ignorable;
    RuntimeException failure;
    int filterCalls;
    final List<List<String>> seen = new ArrayList<>();

    ToyExtender(Set<String> keep, Function<String, Long> score, long weight) {
      this.keep = keep;
      this.score = score;
      this.weight = weight;
    }

    @Override
    public String name() {
      return "http://127.0.0.1:1/toy";
    }

    @Override
    public FilterResult filter(Pod pod, List<Node> nodes, Snapshot snapshot) {
      filterCalls++;
      seen.add(nodes.stream().map(n -> n.getMetadata().getName()).toList());
      if (failure != null) {
        throw failure;
      }
      List<Node> kept = new ArrayList<>();
      Map<String, String> failed = new HashMap<>();
      for (Node n : nodes) {
        if (keep.contains(n.getMetadata().getName())) {
          kept.add(n);
        } else {
          failed.put(n.getMetadata().getName(), "no GPU");
        }
      }
      return new FilterResult(kept, failed);
    }

    @Override
    public PrioritizeResult prioritize(Pod pod, List<Node> nodes) {
      if (failure != null) {
        throw failure;
      }
      Map<String, Long> scores = new HashMap<>();
      for (Node n : nodes) {
        scores.put(n.getMetadata().getName(), score.apply(n.getMetadata().getName()));
      }
      return new PrioritizeResult(scores, weight);
    }

    @Override
    public void bind(Binding binding) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isBinder() {
      return false;
    }

    @Override
    public boolean isInterested(Pod pod) {
      return interested;
    }

    @Override
    public boolean isIgnorable() {
      return ignorable;
    }
  }

  @Test
  void nodesAnExtenderRejectsJoinTheFitErrorWithItsMessage() {
    ToyExtender none = new ToyExtender(Set.of(), n -> 0L, 1);
    try (GenericScheduler g = scheduler(THREE).extenders(List.of(none)).build()) {
      assertThatThrownBy(() -> g.schedule(pod("p")))
          .hasMessage("0/3 nodes are available: 3 no GPU.");
    }
  }

  @Test
  void anExtenderNarrowsTheFeasibleNodes() {
    ToyExtender onlyN2 = new ToyExtender(Set.of("n2"), n -> 0L, 1);
    try (GenericScheduler g = scheduler(THREE).extenders(List.of(onlyN2)).build()) {
      assertThat(g.schedule(pod("p"))).isEqualTo(new ScheduleResult("n2", 3, 1));
    }
  }

  @Test
  void extendersFilterInTurnEachSeeingWhatTheOneBeforeKept() {
    ToyExtender first = new ToyExtender(Set.of("n1", "n2"), n -> 0L, 1);
    ToyExtender second = new ToyExtender(Set.of("n2", "n3"), n -> 0L, 1);
    try (GenericScheduler g = scheduler(THREE).extenders(List.of(first, second)).build()) {
      assertThat(g.schedule(pod("p"))).isEqualTo(new ScheduleResult("n2", 3, 1));
      assertThat(first.seen).containsExactly(List.of("n1", "n2", "n3"));
      assertThat(second.seen).containsExactly(List.of("n1", "n2"));
    }
  }

  @Test
  void onceNoNodeIsLeftTheRemainingExtendersAreNotAsked() {
    ToyExtender none = new ToyExtender(Set.of(), n -> 0L, 1);
    ToyExtender after = new ToyExtender(Set.of("n1", "n2", "n3"), n -> 0L, 1);
    try (GenericScheduler g = scheduler(THREE).extenders(List.of(none, after)).build()) {
      assertThatThrownBy(() -> g.schedule(pod("p")))
          .hasMessage("0/3 nodes are available: 3 no GPU.");
      assertThat(after.filterCalls).isZero();
    }
  }

  @Test
  void aFailingExtenderAbortsUnlessIgnorable() {
    ToyExtender broken = new ToyExtender(Set.of("n1"), n -> 0L, 1);
    broken.failure = new IllegalStateException("connection refused");
    try (GenericScheduler g = scheduler(THREE).extenders(List.of(broken)).build()) {
      assertThatThrownBy(() -> g.schedule(pod("p")))
          .isInstanceOf(SchedulingError.AlgorithmFailure.class)
          .hasMessage(
              "extender \"http://127.0.0.1:1/toy\" filter for Pod default/p: connection refused");
      broken.ignorable = true;
      assertThat(g.schedule(pod("p")).feasibleNodes()).isEqualTo(3);
    }
  }

  @Test
  void anUninterestedExtenderIsNotCalled() {
    ToyExtender none = new ToyExtender(Set.of(), n -> 0L, 1);
    none.interested = false;
    try (GenericScheduler g = scheduler(THREE).extenders(List.of(none)).build()) {
      assertThat(g.schedule(pod("p")).feasibleNodes()).isEqualTo(3);
      assertThat(none.filterCalls).isZero();
    }
  }

  @Test
  void extenderScoresAreWeightedAndScaledFromTenToOneHundred() {
    ToyExtender all = new ToyExtender(Set.of("n1", "n2", "n3"), n -> n.equals("n3") ? 7L : 2L, 3);
    PriorityConfig base =
        new PriorityConfig(
            "Base", (pod, meta, ni) -> ni.nodeName().equals("n1") ? 100 : 0, null, 1);
    try (GenericScheduler g =
        scheduler(THREE).prioritizers(List.of(base)).extenders(List.of(all)).build()) {
      NodeScoreList scores = g.prioritizeNodes(pod("p"), null, g.snapshot().list());
      // n1: 100 + 2*3*10 = 160; n2: 2*3*10 = 60; n3: 7*3*10 = 210
      assertThat(scores.scores()).containsExactly(160, 60, 210);
      assertThat(g.schedule(pod("p")).suggestedHost()).isEqualTo("n3");
    }
  }

  @Test
  void prioritizeErrorsAreIgnored() {
    ToyExtender broken = new ToyExtender(Set.of("n1", "n2", "n3"), n -> 10L, 1);
    try (GenericScheduler g =
        scheduler(THREE).extenders(List.of(broken)).random(new Random(3)).build()) {
      broken.failure = new IllegalStateException("timeout");
      NodeScoreList scores = g.prioritizeNodes(pod("p"), null, g.snapshot().list());
      assertThat(scores.scores()).containsOnly(0);
    }
  }
}
