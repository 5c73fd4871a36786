package io.kubelab.scheduler.framework.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.algorithm.SchedulerExtender;
import io.kubelab.scheduler.algorithm.SchedulingError;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleRecorder;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.profile.Profiles;
import io.kubelab.scheduler.preemption.PreemptionResult;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Extenders in v1.18's generic scheduler: after the Filter plugins each interested extender narrows
 * the feasible nodes (its rejections become Unschedulable statuses of the FitError), after the
 * Score plugins its weighted 0-10 scores are scaled by 10 and added; an ignorable extender that
 * fails is skipped, a prioritize error is ignored, and preemption lets extenders with a preempt
 * verb veto candidates. The extenders here are in-process; chapter 07's HTTP client is the same
 * interface over the wire.
 */
class ExtendersInTheFrameworkTest {

  private final FakeClock clock = new FakeClock();
  private final Parallelizer parallelizer = new Parallelizer("extenders-in-framework", 1);
  private final SchedulerCache cache = new SchedulerCache(clock);
  private final Snapshot snapshot = new Snapshot();
  private final FrameworkImpl fwk =
      Profiles.newMap(
              Profiles.default118(),
              () ->
                  FrameworkImpl.builder(Profiles.registry())
                      .snapshot(snapshot)
                      .clock(clock)
                      .parallelizer(parallelizer))
          .get("default-scheduler");

  @AfterEach
  void close() {
    parallelizer.close();
    cache.close();
  }

  private FrameworkGenericScheduler scheduler(SchedulerExtender... extenders) {
    return new FrameworkGenericScheduler(
        cache, snapshot, parallelizer, null, 100, new Random(1), List.of(extenders));
  }

  private void threeNodes() {
    for (String n : List.of("a", "b", "c")) {
      cache.addNode(Fixtures.node(n).allocatable("4", "8Gi").build());
    }
  }

  private static Pod pod() {
    return Fixtures.pod("p").uid("p").requests("1", "1Gi").build();
  }

  /** Records what the extenders reported. */
  private static final class Rec implements CycleRecorder {
    final Map<String, List<String>> kept = new LinkedHashMap<>();
    final Map<String, Map<String, String>> failed = new LinkedHashMap<>();
    final Map<String, Map<String, Long>> scores = new LinkedHashMap<>();
    final Map<String, Long> totals = new LinkedHashMap<>();

    @Override
    public void extenderFilter(String extender, List<String> k, Map<String, String> f) {
      kept.put(extender, k);
      failed.put(extender, f);
    }

    @Override
    public void extenderScore(String extender, long weight, Map<String, Long> s) {
      scores.put(extender, s);
    }

    @Override
    public void finalScores(NodeScoreList t) {
      for (int i = 0; i < t.size(); i++) {
        totals.put(t.name(i), t.score(i));
      }
    }
  }

  @Test
  void anExtenderFiltersAfterThePluginsAndItsScoresAreScaledByTenAndWeighted() {
    threeNodes();
    FakeExtender ext = new FakeExtender("http://ext", "a");
    ext.scores = Map.of("b", 0L, "c", 3L);
    ext.weight = 2;
    FrameworkGenericScheduler withExt = scheduler(ext);
    FrameworkGenericScheduler without = scheduler();
    CycleState plain = new CycleState();
    Rec plainRec = new Rec();
    plain.setRecorder(plainRec);
    without.schedule(fwk, plain, pod());
    CycleState state = new CycleState();
    Rec rec = new Rec();
    state.setRecorder(rec);

    String host = withExt.schedule(fwk, state, pod()).suggestedHost();

    assertThat(rec.kept.get("http://ext")).containsExactlyInAnyOrder("b", "c");
    assertThat(rec.failed.get("http://ext")).containsExactly(Map.entry("a", "http://ext says no"));
    assertThat(rec.scores.get("http://ext")).containsEntry("c", 3L);
    // The three nodes are alike: the plugins score them the same, and the extender adds
    // 3 (its score) × 2 (its weight) × 10 (MaxNodeScore / MaxExtenderPriority) to c.
    assertThat(rec.totals.get("b")).isEqualTo(plainRec.totals.get("b"));
    assertThat(rec.totals.get("c")).isEqualTo(plainRec.totals.get("c") + 60);
    assertThat(host).isEqualTo("c");
    assertThat(ext.calls).containsExactly("filter 3", "prioritize 2");
  }

  @Test
  void nodesAnExtenderRejectsAreUnschedulableInTheFitErrorAndPreemptionMayStillNominateThem() {
    cache.addNode(Fixtures.node("a").allocatable("2", "8Gi").build());
    cache.addNode(Fixtures.node("b").allocatable("2", "8Gi").build());
    cache.addPod(
        Fixtures.pod("low").uid("low").priority(0).requests("2", "1Gi").nodeName("a").build());
    FakeExtender ext = new FakeExtender("http://ext", "b");
    FrameworkGenericScheduler s = scheduler(ext);
    Pod important = Fixtures.pod("p").uid("p").priority(100).requests("2", "1Gi").build();
    CycleState state = new CycleState();

    FitError e = catchThrowableOfType(FitError.class, () -> s.schedule(fwk, state, important));

    assertThat(e.filteredNodesStatuses().get("b").code()).isEqualTo(Code.UNSCHEDULABLE);
    assertThat(e.filteredNodesStatuses().get("b").message()).isEqualTo("http://ext says no");
    assertThat(e.getMessage())
        .isEqualTo("0/2 nodes are available: 1 Insufficient cpu, 1 http://ext says no.");
    PreemptionResult r =
        new FrameworkPreemption(s, snapshot, parallelizer, null, true)
            .preempt(fwk, state, important, e, List.of(), Instant.parse("2020-01-01T00:00:00Z"));
    // v1.18 asks only extenders with a preempt verb: b, which the filter extender rejected, is
    // still a candidate, and needing no victim it beats a. The pod is nominated to a node the
    // extender will keep rejecting (upstream's behaviour; v1.19 added
    // FailedAndUnresolvableNodes for extenders to say so).
    assertThat(r.nodeName()).isEqualTo("b");
    assertThat(r.victims()).isEmpty();
  }

  @Test
  void anExtenderWithAPreemptVerbVetoesCandidates() {
    cache.addNode(Fixtures.node("a").allocatable("2", "8Gi").build());
    cache.addPod(
        Fixtures.pod("low").uid("low").priority(0).requests("2", "1Gi").nodeName("a").build());
    FakeExtender ext = new FakeExtender("http://ext");
    ext.preempts = true;
    ext.vetoPreemptionOn = Set.of("a");
    FrameworkGenericScheduler s = scheduler(ext);
    Pod important = Fixtures.pod("p").uid("p").priority(100).requests("2", "1Gi").build();
    CycleState state = new CycleState();
    FitError e = catchThrowableOfType(FitError.class, () -> s.schedule(fwk, state, important));

    PreemptionResult r =
        new FrameworkPreemption(s, snapshot, parallelizer, null, true)
            .preempt(fwk, state, important, e, List.of(), Instant.parse("2020-01-01T00:00:00Z"));

    assertThat(r.nodeName()).isEmpty();
    assertThat(r.victims()).isEmpty();
  }

  @Test
  void anIgnorableExtenderThatFailsIsSkippedAndAnotherEndsTheCycleWithItsError() {
    threeNodes();
    FakeExtender ignorable = new FakeExtender("http://ign", "a", "b", "c");
    ignorable.ignorable = true;
    ignorable.failFilter = true;
    FakeExtender strict = new FakeExtender("http://strict");
    strict.failFilter = true;

    String host = scheduler(ignorable).schedule(fwk, new CycleState(), pod()).suggestedHost();
    SchedulingError err =
        catchThrowableOfType(
            SchedulingError.class, () -> scheduler(strict).schedule(fwk, new CycleState(), pod()));

    assertThat(host).isIn("a", "b", "c");
    assertThat(err.getMessage()).isEqualTo("Failed filter with extender at URL http://strict");
  }

  @Test
  void aPrioritizeErrorIsIgnoredAndTheOtherScoresDecide() {
    threeNodes();
    FakeExtender broken = new FakeExtender("http://broken");
    broken.scores = Map.of("a", 10L);
    broken.weight = 5;
    broken.failPrioritize = true;
    FakeExtender good = new FakeExtender("http://good");
    good.scores = Map.of("b", 10L);
    CycleState state = new CycleState();
    Rec rec = new Rec();
    state.setRecorder(rec);

    String host = scheduler(broken, good).schedule(fwk, state, pod()).suggestedHost();

    assertThat(host).isEqualTo("b");
    assertThat(rec.scores).containsOnlyKeys("http://good");
  }
}
