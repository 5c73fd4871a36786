package io.kubelab.scheduler.framework.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.algorithm.PodNominator;
import io.kubelab.scheduler.algorithm.ScheduleResult;
import io.kubelab.scheduler.algorithm.SchedulerExtender;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleRecorder;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FakePlugin;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.Registry;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.framework.StatusException;
import io.kubelab.scheduler.framework.config.ExtensionPoint;
import io.kubelab.scheduler.framework.config.Plugin;
import io.kubelab.scheduler.framework.config.PluginSet;
import io.kubelab.scheduler.framework.config.Plugins;
import io.kubelab.scheduler.metrics.SchedulerMetrics;
import io.kubelab.scheduler.preemption.PreemptionResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * v1.18's {@code genericScheduler.Schedule} with plugins whose answers a test sets: PreFilter,
 * Filter (resuming where the last cycle stopped, holding room for nominated pods), the extenders'
 * filters, PreScore, Score (skipped when one node is left) and the result's node counts. One
 * worker, so that where the search stops is deterministic.
 */
class FrameworkGenericSchedulerTest {

  private final FakeClock clock = new FakeClock();
  private final Parallelizer parallelizer = new Parallelizer("generic-scheduler-test", 1);
  private final SchedulerCache cache = new SchedulerCache(clock);
  private final Snapshot snapshot = new Snapshot();
  private final Map<String, List<Pod>> nominated = new HashMap<>();
  private final PodNominator nominator = n -> nominated.getOrDefault(n, List.of());
  private final Pod pod = Fixtures.pod("web").uid("uid-web").build();

  @AfterEach
  void close() {
    parallelizer.close();
    cache.close();
  }

  /** What a cycle told its recorder. */
  static final class Recorder implements CycleRecorder {
    final List<String> selected = new ArrayList<>();
    final Map<String, Long> finalScores = new LinkedHashMap<>();
    final List<String> preemptions = new ArrayList<>();

    @Override
    public void preemption(String nominatedNode, List<Pod> victims) {
      preemptions.add(
          nominatedNode + " " + victims.stream().map(v -> v.getMetadata().getName()).toList());
    }

    @Override
    public void selectedNode(String nodeName) {
      selected.add(nodeName);
    }

    @Override
    public void finalScores(NodeScoreList totals) {
      for (int i = 0; i < totals.size(); i++) {
        finalScores.put(totals.name(i), totals.score(i));
      }
    }
  }

  private final FakePlugin probe = new FakePlugin("probe");
  private final FakePlugin second = new FakePlugin("second");

  FrameworkGenericSchedulerTest() {
    // Nominated pods and victims pass through its AddPod and RemovePod, which log them.
    probe.extensions = true;
  }

  /**
   * A framework with {@link #probe} at QueueSort and Bind and at the given points, and {@link
   * #second} at Score with weight 2 when {@code twoScorers}.
   */
  private FrameworkImpl framework(boolean twoScorers, ExtensionPoint... points) {
    Registry r = new Registry();
    r.register("probe", (args, h) -> probe);
    r.register("second", (args, h) -> second);
    Plugins plugins =
        Plugins.empty()
            .with(ExtensionPoint.QUEUE_SORT, PluginSet.enabled(Plugin.of("probe")))
            .with(ExtensionPoint.BIND, PluginSet.enabled(Plugin.of("probe")));
    for (ExtensionPoint p : points) {
      if (p == ExtensionPoint.SCORE && twoScorers) {
        plugins = plugins.with(p, PluginSet.enabled(Plugin.of("probe", 1), Plugin.of("second", 2)));
      } else {
        plugins = plugins.with(p, PluginSet.enabled(Plugin.of("probe")));
      }
    }
    return FrameworkImpl.builder(r)
        .plugins(plugins)
        .snapshot(snapshot)
        .clock(clock)
        .parallelizer(parallelizer)
        .build();
  }

  private FrameworkImpl allPoints() {
    return framework(
        false,
        ExtensionPoint.PRE_FILTER,
        ExtensionPoint.FILTER,
        ExtensionPoint.PRE_SCORE,
        ExtensionPoint.SCORE);
  }

  private FrameworkGenericScheduler scheduler(
      int percentage, List<? extends SchedulerExtender> extenders, SchedulerMetrics metrics) {
    return new FrameworkGenericScheduler(
        cache, snapshot, parallelizer, nominator, percentage, new Random(1), extenders, metrics);
  }

  private FrameworkGenericScheduler scheduler() {
    return scheduler(0, List.of(), null);
  }

  private void nodes(String... names) {
    for (String n : names) {
      cache.addNode(Fixtures.node(n).allocatable("4", "8Gi").build());
    }
  }

  private static CycleState recorded(Recorder rec) {
    CycleState s = new CycleState();
    s.setRecorder(rec);
    return s;
  }

  private static Status reject(String nodeName, Pod p, NodeInfo n, String message) {
    return n.nodeName().equals(nodeName) ? Status.unschedulable(message) : Status.SUCCESS;
  }

  private static Pod named(String name, int priority) {
    return Fixtures.pod(name).uid("uid-" + name).priority(priority).build();
  }

  // ---------------------------------------------------------------------------------------------
  // PreFilter, Filter, PreScore

  @Test
  void aPreFilterRejectionIsReturnedAsAnErrorBeforeAnyNodeIsFiltered() {
    nodes("n1", "n2");
    probe.preFilter = Status.unschedulable("no volumes");

    Throwable t = catchThrowable(() -> scheduler().schedule(allPoints(), new CycleState(), pod));

    assertThat(t).isInstanceOf(StatusException.class);
    assertThat(((StatusException) t).status().code()).isEqualTo(Code.UNSCHEDULABLE);
    assertThat(probe.calls).containsExactly("preFilter");
  }

  @Test
  void anErrorInAFilterEndsTheCycleWhileAnUnschedulableNodeIsOnlyAFailedNode() {
    nodes("n1", "n2", "n3");
    FrameworkImpl fwk = allPoints();
    probe.filter = (p, n) -> reject("n2", p, n, "no room");

    ScheduleResult r = scheduler().schedule(fwk, new CycleState(), pod);
    assertThat(r.feasibleNodes()).isEqualTo(2);
    assertThat(r.evaluatedNodes()).isEqualTo(3);

    probe.filter =
        (p, n) -> n.nodeName().equals("n2") ? Status.error("disk on fire") : Status.SUCCESS;
    StatusException e =
        catchThrowableOfType(
            StatusException.class, () -> scheduler().schedule(fwk, new CycleState(), pod));
    assertThat(e.status().code()).isEqualTo(Code.ERROR);
    assertThat(e.getMessage()).contains("disk on fire");
  }

  @Test
  void aFilterErrorIsTimedAsAnErrorAtTheFilterPoint() {
    nodes("n1", "n2");
    AtomicLong now = new AtomicLong(1_000_000_000_000L);
    SchedulerMetrics metrics = new SchedulerMetrics(() -> now.addAndGet(1_000_000));
    FrameworkImpl fwk = allPoints();
    probe.filter = (p, n) -> Status.error("disk on fire");

    catchThrowable(() -> scheduler(0, List.of(), metrics).schedule(fwk, new CycleState(), pod));

    assertThat(metrics.extensionPoint("Filter", "Error").count()).isEqualTo(1);
    assertThat(metrics.extensionPoint("Filter", "Success")).isNull();
    // Timed from a reading taken just before the nodes were filtered, not from the epoch.
    assertThat(metrics.extensionPoint("Filter", "Error").sum()).isLessThan(1.0);
  }

  @Test
  void aPreScoreFailureEndsTheCycleBeforeScoring() {
    nodes("n1", "n2");
    probe.preScore = Status.error("no topology");

    StatusException e =
        catchThrowableOfType(
            StatusException.class, () -> scheduler().schedule(allPoints(), new CycleState(), pod));

    assertThat(e.status().code()).isEqualTo(Code.ERROR);
    assertThat(probe.calls).doesNotContain("score n1", "score n2");
  }

  // ---------------------------------------------------------------------------------------------
  // The result

  @Test
  void withOneFeasibleNodeLeftScoringIsSkippedAndThatNodeChosen() {
    nodes("n1", "n2", "n3");
    probe.filter =
        (p, n) -> n.nodeName().equals("n3") ? Status.SUCCESS : Status.unschedulable("no");
    Recorder rec = new Recorder();
    AtomicLong now = new AtomicLong(1_000_000_000_000L);
    SchedulerMetrics metrics = new SchedulerMetrics(() -> now.addAndGet(1_000_000));

    ScheduleResult r = scheduler(0, List.of(), metrics).schedule(allPoints(), recorded(rec), pod);

    assertThat(r).isEqualTo(new ScheduleResult("n3", 3, 1));
    assertThat(probe.calls).contains("preScore").noneMatch(c -> c.startsWith("score "));
    assertThat(rec.selected).containsExactly("n3");
    assertThat(rec.finalScores).isEmpty();
    // Both evaluations are timed, each from a reading of its own start.
    for (String name :
        List.of(SchedulerMetrics.PREDICATE_EVALUATION, SchedulerMetrics.PRIORITY_EVALUATION)) {
      assertThat(metrics.histogram(name).count()).as(name).isEqualTo(1);
      assertThat(metrics.histogram(name).sum()).as(name).isLessThan(1.0);
    }
  }

  @Test
  void theFitErrorCountsEachReasonAndSortsTheCountedStrings() {
    nodes("n1", "n2", "n3");
    probe.filter = (p, n) -> Status.unschedulable(n.nodeName().equals("n3") ? "b" : "a");

    FitError e =
        catchThrowableOfType(
            FitError.class, () -> scheduler().schedule(allPoints(), new CycleState(), pod));

    // Upstream sorts "count reason" strings, not reasons: "1 b" comes before "2 a".
    assertThat(e.getMessage()).isEqualTo("0/3 nodes are available: 1 b, 2 a.");
    assertThat(e.pod()).isSameAs(pod);
    assertThat(e.numAllNodes()).isEqualTo(3);
  }

  @Test
  void evaluatedNodesCountTheFeasibleAndTheFailedNodes() {
    nodes("n1", "n2", "n3", "n4");
    probe.filter = (p, n) -> reject("n4", p, n, "no");
    probe.scores.put("n2", 30L);
    Recorder rec = new Recorder();

    ScheduleResult r = scheduler().schedule(allPoints(), recorded(rec), pod);

    assertThat(r).isEqualTo(new ScheduleResult("n2", 4, 3));
    assertThat(rec.selected).containsExactly("n2");
  }

  @Test
  void theScorePluginsWeightedScoresAreSummedPerNode() {
    nodes("n1", "n2");
    FrameworkImpl fwk = framework(true, ExtensionPoint.FILTER, ExtensionPoint.SCORE);
    probe.scores.putAll(Map.of("n1", 10L, "n2", 2L));
    second.scores.putAll(Map.of("n1", 0L, "n2", 8L));
    Recorder rec = new Recorder();

    ScheduleResult r = scheduler().schedule(fwk, recorded(rec), pod);

    // n1: 10×1 + 0×2; n2: 2×1 + 8×2.
    assertThat(rec.finalScores).containsOnly(Map.entry("n1", 10L), Map.entry("n2", 18L));
    assertThat(r.suggestedHost()).isEqualTo("n2");
  }

  @Test
  void withoutScorePluginsOrExtendersEveryNodeScoresOne() {
    nodes("n1", "n2", "n3");
    Recorder rec = new Recorder();

    scheduler().schedule(framework(false, ExtensionPoint.FILTER), recorded(rec), pod);

    assertThat(rec.finalScores)
        .containsOnly(Map.entry("n1", 1L), Map.entry("n2", 1L), Map.entry("n3", 1L));
  }

  // ---------------------------------------------------------------------------------------------
  // Where the search starts and stops

  private List<String> snapshotOrder() {
    cache.updateSnapshot(snapshot);
    List<String> names = new ArrayList<>();
    for (NodeInfo ni : snapshot.list()) {
      names.add(ni.nodeName());
    }
    return names;
  }

  private void manyNodes(int n) {
    for (int i = 0; i < n; i++) {
      nodes(String.format("n%03d", i));
    }
  }

  @Test
  void theSearchStopsAtNumFeasibleNodesToFindAndTheNextCycleResumesThere() {
    // 200 nodes at 50 %: 100 feasible nodes are enough.
    manyNodes(200);
    FrameworkImpl fwk = framework(false, ExtensionPoint.FILTER, ExtensionPoint.SCORE);
    FrameworkGenericScheduler s = scheduler(50, List.of(), null);
    Recorder first = new Recorder();
    List<String> order = snapshotOrder();
    probe.filter =
        (p, n) -> order.indexOf(n.nodeName()) >= 190 ? Status.unschedulable("no") : Status.SUCCESS;

    ScheduleResult r1 = s.schedule(fwk, recorded(first), pod);

    // The search stopped at the 101st feasible node: 190..199 were never examined.
    assertThat(r1.feasibleNodes()).isEqualTo(100);
    assertThat(r1.evaluatedNodes()).isEqualTo(100);
    assertThat(first.finalScores.keySet()).containsExactlyElementsOf(order.subList(0, 100));

    // The second cycle starts where the first stopped; the nodes it rejects are the ones it saw.
    probe.filter =
        (p, n) -> order.indexOf(n.nodeName()) >= 190 ? Status.unschedulable("no") : Status.SUCCESS;
    Recorder second = new Recorder();
    ScheduleResult r2 = s.schedule(fwk, recorded(second), pod);
    assertThat(r2.feasibleNodes()).isEqualTo(100);
    // 100..189 pass, 190..199 fail, then 0..9 pass: the search wrapped around and stopped.
    assertThat(r2.evaluatedNodes()).isEqualTo(110);
    List<String> expected = new ArrayList<>(order.subList(100, 190));
    expected.addAll(order.subList(0, 10));
    assertThat(second.finalScores.keySet()).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void theFailedNodesStatusesAreInSnapshotOrderWhereverTheSearchStarted() {
    manyNodes(120);
    FrameworkImpl fwk = framework(false, ExtensionPoint.FILTER);
    FrameworkGenericScheduler s = scheduler(50, List.of(), null);
    // 120 nodes at 50 % is 60, below the minimum of 100: the first cycle stops after 100 nodes.
    s.schedule(fwk, new CycleState(), pod);
    probe.filter = (p, n) -> Status.unschedulable("no");

    FitError e = catchThrowableOfType(FitError.class, () -> s.schedule(fwk, new CycleState(), pod));

    assertThat(e.filteredNodesStatuses().keySet()).containsExactlyElementsOf(snapshotOrder());
  }

  @Test
  void withoutFilterPluginsV118TakesTheFirstNodesOfTheListAndStillMovesTheStart() {
    manyNodes(200);
    FrameworkImpl fwk = framework(false, ExtensionPoint.SCORE);
    FrameworkGenericScheduler s = scheduler(50, List.of(), null);
    List<String> first100 = snapshotOrder().subList(0, 100);

    for (int cycle = 0; cycle < 2; cycle++) {
      Recorder rec = new Recorder();
      ScheduleResult r = s.schedule(fwk, recorded(rec), pod);
      assertThat(r.feasibleNodes()).isEqualTo(100);
      // v1.18 copies allNodes[0:numNodesToFind], not the nodes from nextStartNodeIndex on.
      assertThat(rec.finalScores.keySet()).containsExactlyElementsOf(first100);
    }
    assertThat(s.nextStartNodeIndex()).isEqualTo(0);
    s.schedule(fwk, new CycleState(), pod);
    assertThat(s.nextStartNodeIndex()).isEqualTo(100);
    assertThat(probe.calls).noneMatch(c -> c.startsWith("filter "));
  }

  // ---------------------------------------------------------------------------------------------
  // Nominated pods

  /** A node with room for one pod. */
  private static Status onePodPerNode(Pod p, NodeInfo n) {
    return n.pods().isEmpty() ? Status.SUCCESS : Status.unschedulable("node is full");
  }

  @Test
  void aNodeHeldForANominatedPodOfEqualOrHigherPriorityDoesNotFit() {
    nodes("n1");
    FrameworkImpl fwk = framework(false, ExtensionPoint.PRE_FILTER, ExtensionPoint.FILTER);
    probe.filter = FrameworkGenericSchedulerTest::onePodPerNode;
    nominated.put("n1", List.of(named("holder", 10)));

    for (int priority : new int[] {0, 10}) {
      FitError e =
          catchThrowableOfType(
              FitError.class,
              () -> scheduler().schedule(fwk, new CycleState(), named("p" + priority, priority)));
      assertThat(e.getMessage()).isEqualTo("0/1 nodes are available: 1 node is full.");
    }
    assertThat(probe.calls).contains("addPod holder@n1");

    // A pod of higher priority may take the room; it is filtered once, without the holder.
    probe.calls.clear();
    assertThat(scheduler().schedule(fwk, new CycleState(), named("urgent", 11)).suggestedHost())
        .isEqualTo("n1");
    assertThat(probe.calls).containsExactly("preFilter", "filter n1");
  }

  @Test
  void aPodThatFitsWithTheNominatedPodsIsFilteredOnceMoreWithoutThem() {
    nodes("n1");
    FrameworkImpl fwk = framework(false, ExtensionPoint.FILTER);
    nominated.put("n1", List.of(named("holder", 10)));

    assertThat(scheduler().schedule(fwk, new CycleState(), named("p", 0)).suggestedHost())
        .isEqualTo("n1");

    // Twice, and no more: with the holder, then without it.
    assertThat(probe.calls).containsExactly("filter n1", "filter n1");
  }

  @Test
  void aPodDoesNotYieldToItsOwnNomination() {
    nodes("n1");
    FrameworkImpl fwk = framework(false, ExtensionPoint.FILTER);
    probe.filter = FrameworkGenericSchedulerTest::onePodPerNode;
    Pod self = named("self", 10);
    nominated.put("n1", List.of(self));

    assertThat(scheduler().schedule(fwk, new CycleState(), self).suggestedHost()).isEqualTo("n1");
  }

  @Test
  void aPodMustFitBothWithAndWithoutTheNominatedPods() {
    nodes("n1", "n2");
    FrameworkImpl fwk = framework(false, ExtensionPoint.FILTER);
    // Pod affinity in miniature: the pod needs its friend on the node.
    probe.filter =
        (p, n) ->
            n.pods().stream().anyMatch(q -> q.getMetadata().getName().equals("friend"))
                ? Status.SUCCESS
                : Status.unschedulable("no friend here");
    nominated.put("n1", List.of(named("friend", 10)));

    FitError e =
        catchThrowableOfType(
            FitError.class, () -> scheduler().schedule(fwk, new CycleState(), named("p", 0)));

    // n1 passed with the friend, then failed without it; n2 failed at once.
    assertThat(e.getMessage()).isEqualTo("0/2 nodes are available: 2 no friend here.");
    assertThat(probe.calls).filteredOn(c -> c.equals("filter n1")).hasSize(2);
    assertThat(probe.calls).filteredOn(c -> c.equals("filter n2")).hasSize(1);
  }

  @Test
  void aFailedAddPodExtensionEndsTheCycle() {
    nodes("n1");
    FrameworkImpl fwk = framework(false, ExtensionPoint.PRE_FILTER, ExtensionPoint.FILTER);
    probe.addPod = Status.error("cannot count the holder");
    nominated.put("n1", List.of(named("holder", 10)));

    StatusException e =
        catchThrowableOfType(
            StatusException.class,
            () -> scheduler().schedule(fwk, new CycleState(), named("p", 0)));

    assertThat(e.status().code()).isEqualTo(Code.ERROR);
    assertThat(e.getMessage()).contains("cannot count the holder");
    assertThat(probe.calls).noneMatch(c -> c.startsWith("filter "));
  }

  // ---------------------------------------------------------------------------------------------
  // Extenders

  @Test
  void anExtenderNotInterestedInThePodIsNotAsked() {
    nodes("n1", "n2");
    FakeExtender bored = new FakeExtender("bored", "n1", "n2");
    bored.interested = false;

    ScheduleResult r =
        scheduler(0, List.of(bored), null)
            .schedule(framework(false, ExtensionPoint.FILTER), new CycleState(), pod);

    assertThat(r.feasibleNodes()).isEqualTo(2);
    assertThat(bored.calls).isEmpty();
  }

  @Test
  void withoutScorePluginsTheExtendersScoresStillDecide() {
    nodes("n1", "n2");
    FakeExtender ext = new FakeExtender("ext");
    ext.scores = Map.of("n1", 1L, "n2", 5L);
    Recorder rec = new Recorder();

    ScheduleResult r =
        scheduler(0, List.of(ext), null)
            .schedule(framework(false, ExtensionPoint.FILTER), recorded(rec), pod);

    // 0-10 extender scores, times the weight, scaled by 10 to the plugins' 0-100.
    assertThat(rec.finalScores).containsOnly(Map.entry("n1", 10L), Map.entry("n2", 50L));
    assertThat(r.suggestedHost()).isEqualTo("n2");
  }

  @Test
  void noExtenderIsAskedOnceNoNodeIsLeft() {
    nodes("n1", "n2");
    FakeExtender first = new FakeExtender("first", "n1", "n2");
    FakeExtender second = new FakeExtender("second", "n1");

    FitError e =
        catchThrowableOfType(
            FitError.class,
            () ->
                scheduler(0, List.of(first, second), null)
                    .schedule(framework(false, ExtensionPoint.FILTER), new CycleState(), pod));

    assertThat(first.calls).containsExactly("filter 2");
    assertThat(second.calls).isEmpty();
    assertThat(e.getMessage()).isEqualTo("0/2 nodes are available: 2 first says no.");
  }

  @Test
  void anExtendersRejectionOfAFailedNodeIsAppendedToItsReasons() {
    nodes("n1", "n2");
    FrameworkImpl fwk = framework(false, ExtensionPoint.FILTER);
    probe.filter = (p, n) -> reject("n1", p, n, "filtered out");
    // It reports n1 too, though it was only given n2.
    FakeExtender ext = new FakeExtender("ext", "n1", "n2");
    ext.reportsNodesNotGiven = true;

    FitError e =
        catchThrowableOfType(
            FitError.class,
            () -> scheduler(0, List.of(ext), null).schedule(fwk, new CycleState(), pod));

    assertThat(e.filteredNodesStatuses().get("n1").reasons())
        .containsExactly("filtered out", "ext says no");
    assertThat(e.filteredNodesStatuses().get("n2").reasons()).containsExactly("ext says no");
  }

  // ---------------------------------------------------------------------------------------------
  // Preemption over the same plugins

  private static final Instant NOW = Instant.parse("2020-01-01T00:00:00Z");

  private void running(String name, String nodeName, int priority, boolean terminating) {
    Pod p = Fixtures.pod(name).uid("uid-" + name).priority(priority).nodeName(nodeName).build();
    if (terminating) {
      p.getMetadata().setDeletionTimestamp("2020-01-01T00:00:00Z");
    }
    cache.addPod(p);
  }

  /** Schedules {@code preemptor}, which must not fit, then runs preemption on its FitError. */
  private PreemptionResult preemptFor(Pod preemptor, FrameworkImpl fwk, CycleState state) {
    FrameworkGenericScheduler s = scheduler();
    FitError e = catchThrowableOfType(FitError.class, () -> s.schedule(fwk, state, preemptor));
    return new FrameworkPreemption(s, snapshot, parallelizer, nominator, false)
        .preempt(fwk, state, preemptor, e, List.of(), NOW);
  }

  private FrameworkImpl onePodPerNodeFramework() {
    probe.filter = FrameworkGenericSchedulerTest::onePodPerNode;
    return framework(false, ExtensionPoint.PRE_FILTER, ExtensionPoint.FILTER);
  }

  @Test
  void preemptionChoosesAmongTheNodesWhereEvictingHelpsAndTellsTheRecorder() {
    nodes("n1", "n2");
    running("low", "n1", 0, false);
    running("vip", "n2", 2000, false);
    FrameworkImpl fwk = onePodPerNodeFramework();
    Recorder rec = new Recorder();

    PreemptionResult r = preemptFor(named("high", 1000), fwk, recorded(rec));

    assertThat(r.nodeName()).isEqualTo("n1");
    assertThat(r.victims()).extracting(v -> v.getMetadata().getName()).containsExactly("low");
    assertThat(rec.preemptions).containsExactly("n1 [low]");
  }

  @Test
  void aFailingRemovePodExtensionMakesTheNodeUnsuitable() {
    nodes("n1");
    running("low", "n1", 0, false);
    FrameworkImpl fwk = onePodPerNodeFramework();
    probe.removePod = Status.error("lost count");

    PreemptionResult r = preemptFor(named("high", 1000), fwk, new CycleState());

    assertThat(r.node()).isEmpty();
    assertThat(probe.calls).contains("removePod low@n1");
  }

  @Test
  void aFailingAddPodExtensionWhileReprievingMakesTheNodeUnsuitable() {
    nodes("n1");
    running("low", "n1", 0, false);
    FrameworkImpl fwk = onePodPerNodeFramework();
    probe.addPod = Status.error("lost count");

    PreemptionResult r = preemptFor(named("high", 1000), fwk, new CycleState());

    assertThat(r.node()).isEmpty();
    assertThat(probe.calls).contains("removePod low@n1", "addPod low@n1");
  }

  @Test
  void aPodPreemptionCannotHelpIsToLoseItsNomination() {
    nodes("n1");
    running("low", "n1", 0, false);
    probe.filter = (p, n) -> Status.unschedulableAndUnresolvable("node(s) didn't match selector");
    FrameworkImpl fwk = framework(false, ExtensionPoint.FILTER);
    Pod high = named("high", 1000);
    high.getStatus().setNominatedNodeName("n1");

    PreemptionResult r = preemptFor(high, fwk, new CycleState());

    assertThat(r.node()).isEmpty();
    assertThat(r.victims()).isEmpty();
    assertThat(r.nominatedPodsToClear()).containsExactly(high);
  }

  @Test
  void aNominatedPodWhoseVictimIsStillTerminatingPreemptsNoMore() {
    nodes("n1");
    running("leaving", "n1", 0, true);
    FrameworkImpl fwk = onePodPerNodeFramework();
    Pod high = named("high", 1000);
    high.getStatus().setNominatedNodeName("n1");

    PreemptionResult r = preemptFor(high, fwk, new CycleState());

    assertThat(r).isEqualTo(PreemptionResult.NONE);
    // Without the nomination it would preempt the terminating pod's node again.
    high.getStatus().setNominatedNodeName(null);
    assertThat(preemptFor(high, fwk, new CycleState()).nodeName()).isEqualTo("n1");
  }
}
