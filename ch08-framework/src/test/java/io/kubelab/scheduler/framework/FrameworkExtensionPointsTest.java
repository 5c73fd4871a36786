package io.kubelab.scheduler.framework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.config.ExtensionPoint;
import io.kubelab.scheduler.framework.config.Plugin;
import io.kubelab.scheduler.framework.config.PluginConfig;
import io.kubelab.scheduler.framework.config.PluginSet;
import io.kubelab.scheduler.framework.config.Plugins;
import io.kubelab.scheduler.metrics.SchedulerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each extension point of {@code framework.go} (v1.18) beyond {@link FrameworkTest}'s cases: the
 * messages that wrap a plugin's failure, what the {@link CycleRecorder} hears, the timing into
 * {@link SchedulerMetrics}, the PreFilter extensions, Permit's error and interruption, and the
 * checks {@code NewFramework} makes while building. Score runs on one worker, so which nodes a
 * failure leaves unscored is deterministic.
 */
class FrameworkExtensionPointsTest {

  private final FakeClock clock = new FakeClock();
  private final Parallelizer parallelizer = new Parallelizer("framework-points-test", 1);
  private final List<FakePlugin> made = new ArrayList<>();

  private final Pod pod = Fixtures.pod("web").uid("uid-web").build();
  private final Node n1 = Fixtures.node("n1").allocatable("4", "8Gi").build();
  private final Node n2 = Fixtures.node("n2").allocatable("4", "8Gi").build();
  private final Node n3 = Fixtures.node("n3").allocatable("4", "8Gi").build();

  @AfterEach
  void close() {
    parallelizer.close();
  }

  private Registry registry(String... names) {
    Registry r = new Registry();
    for (String n : names) {
      FakePlugin p = new FakePlugin(n);
      made.add(p);
      r.register(n, (args, h) -> p);
    }
    return r;
  }

  private FakePlugin plugin(String name) {
    return made.stream().filter(p -> p.name.equals(name)).findFirst().orElseThrow();
  }

  private static Plugins base() {
    return Plugins.empty()
        .with(ExtensionPoint.QUEUE_SORT, PluginSet.enabled(Plugin.of("qs")))
        .with(ExtensionPoint.BIND, PluginSet.enabled(Plugin.of("b")));
  }

  private FrameworkImpl.Builder builder(Registry r, Plugins extra) {
    return FrameworkImpl.builder(r)
        .plugins(base().apply(extra))
        .clock(clock)
        .parallelizer(parallelizer);
  }

  private FrameworkImpl framework(Registry r, Plugins extra) {
    return builder(r, extra).build();
  }

  private static Plugins at(ExtensionPoint point, Plugin... plugins) {
    return Plugins.empty().with(point, PluginSet.enabled(plugins));
  }

  private static NodeInfo nodeInfo(Node node) {
    NodeInfo ni = new NodeInfo();
    ni.setNode(node);
    return ni;
  }

  /** Writes down every result it hears, one line each. */
  static final class Recorder implements CycleRecorder {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void preFilter(String plugin, Status status) {
      events.add("preFilter " + plugin + " " + status);
    }

    @Override
    public void filter(String nodeName, String plugin, Status status) {
      events.add("filter " + nodeName + " " + plugin + " " + status);
    }

    @Override
    public void preScore(String plugin, Status status) {
      events.add("preScore " + plugin + " " + status);
    }

    @Override
    public void score(
        String plugin,
        long weight,
        NodeScoreList raw,
        NodeScoreList normalized,
        NodeScoreList weighted) {
      events.add(
          "score "
              + plugin
              + " x"
              + weight
              + " raw "
              + Arrays.toString(raw.scores())
              + " normalized "
              + Arrays.toString(normalized.scores())
              + " weighted "
              + Arrays.toString(weighted.scores()));
    }

    @Override
    public void reserve(String plugin, Status status) {
      events.add("reserve " + plugin + " " + status);
    }

    @Override
    public void permit(String plugin, Status status, Duration timeout) {
      events.add("permit " + plugin + " " + status + " " + timeout);
    }

    @Override
    public void preBind(String plugin, Status status) {
      events.add("preBind " + plugin + " " + status);
    }

    @Override
    public void bind(String plugin, Status status) {
      events.add("bind " + plugin + " " + status);
    }

    @Override
    public void postBind(String plugin) {
      events.add("postBind " + plugin);
    }

    @Override
    public void unreserve(String plugin) {
      events.add("unreserve " + plugin);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The recorder

  @Test
  void theRecorderHearsEveryPluginAtEveryPointAsItRan() {
    Registry r = registry("qs", "b", "p");
    Plugins points = Plugins.empty();
    for (ExtensionPoint point :
        List.of(
            ExtensionPoint.PRE_FILTER,
            ExtensionPoint.FILTER,
            ExtensionPoint.PRE_SCORE,
            ExtensionPoint.RESERVE,
            ExtensionPoint.PERMIT,
            ExtensionPoint.PRE_BIND,
            ExtensionPoint.POST_BIND,
            ExtensionPoint.UNRESERVE)) {
      points = points.with(point, PluginSet.enabled(Plugin.of("p")));
    }
    FrameworkImpl f = framework(r, points);
    plugin("p").filter = FakePlugin.on("n2", Status.unschedulable("too small"));
    plugin("p").permit = PermitPlugin.Result.waitFor(Duration.ofSeconds(3));
    Recorder rec = new Recorder();
    CycleState state = new CycleState();
    state.setRecorder(rec);

    f.runPreFilterPlugins(state, pod);
    f.runFilterPlugins(state, pod, nodeInfo(n1));
    f.runFilterPlugins(state, pod, nodeInfo(n2));
    f.runPreScorePlugins(state, pod, List.of(n1));
    f.runReservePlugins(state, pod, "n1");
    f.runPermitPlugins(state, pod, "n1");
    f.runPreBindPlugins(state, pod, "n1");
    f.runBindPlugins(state, pod, "n1");
    f.runPostBindPlugins(state, pod, "n1");
    f.runUnreservePlugins(state, pod, "n1");

    assertThat(rec.events)
        .containsExactly(
            "preFilter p Success",
            "filter n1 p Success",
            "filter n2 p Unschedulable[too small]",
            "preScore p Success",
            "reserve p Success",
            "permit p Wait PT3S",
            "preBind p Success",
            "bind b Success",
            "postBind p",
            "unreserve p");
  }

  @Test
  void theRecorderHearsRawNormalizedAndWeightedScoresAsCopies() {
    Registry r = registry("qs", "b", "s1", "s2");
    FrameworkImpl f = framework(r, at(ExtensionPoint.SCORE, Plugin.of("s1", 2), Plugin.of("s2")));
    plugin("s1").scores.putAll(Map.of("n1", 5L, "n2", 10L));
    plugin("s1").normalize = true;
    plugin("s2").scores.putAll(Map.of("n1", 7L, "n2", 3L));
    Recorder rec = new Recorder();
    CycleState state = new CycleState();
    state.setRecorder(rec);

    Map<String, NodeScoreList> out = f.runScorePlugins(state, pod, List.of(n1, n2));

    assertThat(out.get("s1").scores()).containsExactly(100, 200);
    assertThat(rec.events)
        .containsExactly(
            "score s1 x2 raw [5, 10] normalized [50, 100] weighted [100, 200]",
            "score s2 x1 raw [7, 3] normalized [7, 3] weighted [7, 3]");
  }

  @Test
  void withoutARecorderEveryPointStillRuns() {
    Registry r = registry("qs", "b", "p");
    FrameworkImpl f =
        framework(
            r,
            at(ExtensionPoint.POST_BIND, Plugin.of("p"))
                .with(ExtensionPoint.UNRESERVE, PluginSet.enabled(Plugin.of("p")))
                .with(ExtensionPoint.PRE_BIND, PluginSet.enabled(Plugin.of("p"))));

    assertThat(f.runPreBindPlugins(new CycleState(), pod, "n1")).isEqualTo(Status.SUCCESS);
    assertThat(f.runBindPlugins(new CycleState(), pod, "n1")).isEqualTo(Status.SUCCESS);
    f.runPostBindPlugins(new CycleState(), pod, "n1");
    f.runUnreservePlugins(new CycleState(), pod, "n1");

    assertThat(plugin("p").calls).containsExactly("preBind n1", "postBind n1", "unreserve n1");
    assertThat(plugin("b").calls).containsExactly("bind n1");
  }

  // ---------------------------------------------------------------------------------------------
  // Metrics

  @Test
  void withMetricsEachPointIsTimedByItsCodeAndStillDoesItsWork() {
    Registry r = registry("qs", "b", "p", "s");
    SchedulerMetrics metrics = new SchedulerMetrics();
    FrameworkImpl f =
        builder(
                r,
                at(ExtensionPoint.PRE_FILTER, Plugin.of("p"))
                    .with(ExtensionPoint.PRE_SCORE, PluginSet.enabled(Plugin.of("p")))
                    .with(ExtensionPoint.SCORE, PluginSet.enabled(Plugin.of("s")))
                    .with(ExtensionPoint.RESERVE, PluginSet.enabled(Plugin.of("p")))
                    .with(ExtensionPoint.PERMIT, PluginSet.enabled(Plugin.of("p")))
                    .with(ExtensionPoint.PRE_BIND, PluginSet.enabled(Plugin.of("p")))
                    .with(ExtensionPoint.POST_BIND, PluginSet.enabled(Plugin.of("p")))
                    .with(ExtensionPoint.UNRESERVE, PluginSet.enabled(Plugin.of("p"))))
            .metrics(metrics)
            .build();
    plugin("p").preFilter = Status.unschedulable("no");
    plugin("s").scores.put("n1", 42L);
    CycleState state = new CycleState();

    assertThat(f.runPreFilterPlugins(state, pod).code()).isEqualTo(Code.UNSCHEDULABLE);
    assertThat(f.runPreScorePlugins(state, pod, List.of(n1))).isEqualTo(Status.SUCCESS);
    assertThat(f.runScorePlugins(state, pod, List.of(n1)).get("s").scores()).containsExactly(42);
    assertThat(f.runReservePlugins(state, pod, "n1")).isEqualTo(Status.SUCCESS);
    assertThat(f.runPermitPlugins(state, pod, "n1")).isEqualTo(Status.SUCCESS);
    assertThat(f.runPreBindPlugins(state, pod, "n1")).isEqualTo(Status.SUCCESS);
    assertThat(f.runBindPlugins(state, pod, "n1")).isEqualTo(Status.SUCCESS);
    f.runPostBindPlugins(state, pod, "n1");
    f.runUnreservePlugins(state, pod, "n1");

    assertThat(plugin("p").calls)
        .containsExactly(
            "preFilter",
            "preScore",
            "reserve n1",
            "permit n1",
            "preBind n1",
            "postBind n1",
            "unreserve n1");
    assertThat(metrics.extensionPoint("PreFilter", "Unschedulable").count()).isEqualTo(1);
    for (String point :
        List.of(
            "PreScore", "Score", "Reserve", "Permit", "PreBind", "Bind", "PostBind", "Unreserve")) {
      assertThat(metrics.extensionPoint(point, "Success").count()).as(point).isEqualTo(1);
    }
    assertThat(metrics.extensionPoint("Filter", "Success")).isNull();
  }

  @Test
  void aFailedScoreIsTimedAsAnError() {
    Registry r = registry("qs", "b", "s");
    SchedulerMetrics metrics = new SchedulerMetrics();
    FrameworkImpl f = builder(r, at(ExtensionPoint.SCORE, Plugin.of("s"))).metrics(metrics).build();
    plugin("s").scoreThrows = new StatusException(Status.error("no data"));

    assertThatThrownBy(() -> f.runScorePlugins(new CycleState(), pod, List.of(n1)))
        .isInstanceOf(StatusException.class);

    assertThat(metrics.extensionPoint("Score", "Error").count()).isEqualTo(1);
    assertThat(metrics.extensionPoint("Score", "Success")).isNull();
  }

  // ---------------------------------------------------------------------------------------------
  // PreFilter extensions

  @Test
  void preFilterExtensionsRunForEveryPluginThatHasThemAndFailuresNameThePlugin() {
    Registry r = registry("qs", "b", "plain");
    FakePlugin e1 = new FakePlugin("e1");
    FakePlugin e2 = new FakePlugin("e2");
    e1.extensions = true;
    e2.extensions = true;
    r.register("e1", (a, h) -> e1);
    r.register("e2", (a, h) -> e2);
    FrameworkImpl f =
        framework(
            r, at(ExtensionPoint.PRE_FILTER, Plugin.of("plain"), Plugin.of("e1"), Plugin.of("e2")));
    Pod other = Fixtures.pod("other").uid("uid-other").build();
    NodeInfo ni = nodeInfo(n1);

    assertThat(f.runPreFilterExtensionAddPod(new CycleState(), pod, other, ni))
        .isEqualTo(Status.SUCCESS);
    assertThat(f.runPreFilterExtensionRemovePod(new CycleState(), pod, other, ni))
        .isEqualTo(Status.SUCCESS);
    assertThat(e1.calls).containsExactly("addPod other@n1", "removePod other@n1");
    assertThat(e2.calls).containsExactly("addPod other@n1", "removePod other@n1");
    assertThat(plugin("plain").calls).isEmpty();

    e1.addPod = Status.unschedulable("would not fit");
    Status added = f.runPreFilterExtensionAddPod(new CycleState(), pod, other, ni);
    assertThat(added.code()).isEqualTo(Code.ERROR);
    assertThat(added.message())
        .isEqualTo(
            "error while running AddPod for plugin \"e1\" while scheduling pod \"web\": would not"
                + " fit");
    assertThat(e2.calls).hasSize(2);

    e1.removePod = Status.error("no such pod");
    Status notRemoved = f.runPreFilterExtensionRemovePod(new CycleState(), pod, other, ni);
    assertThat(notRemoved.message())
        .isEqualTo(
            "error while running RemovePod for plugin \"e1\" while scheduling pod \"web\": no such"
                + " pod");
    e1.removePod = null;

    e2.removePodThrows = new IllegalStateException("lost count");
    Status removed = f.runPreFilterExtensionRemovePod(new CycleState(), pod, other, ni);
    assertThat(removed.code()).isEqualTo(Code.ERROR);
    assertThat(removed.message())
        .isEqualTo(
            "error while running RemovePod for plugin \"e2\" while scheduling pod \"web\": lost"
                + " count");
  }

  // ---------------------------------------------------------------------------------------------
  // Failures at each point, in upstream's words

  @Test
  void aPreScoreFailureIsAnErrorNamingPluginAndPod() {
    Registry r = registry("qs", "b", "p1", "p2");
    FrameworkImpl f = framework(r, at(ExtensionPoint.PRE_SCORE, Plugin.of("p1"), Plugin.of("p2")));
    plugin("p1").preScore = Status.unschedulable("no topology");

    Status s = f.runPreScorePlugins(new CycleState(), pod, List.of(n1));

    assertThat(s.code()).isEqualTo(Code.ERROR);
    assertThat(s.message())
        .isEqualTo("error while running \"p1\" prescore plugin for pod \"web\": no topology");
    assertThat(plugin("p2").calls).isEmpty();
  }

  @Test
  void aFailingScoreLeavesTheRemainingNodesUnscored() {
    List<String> scored = Collections.synchronizedList(new ArrayList<>());
    Registry counting = new Registry();
    counting.register("qs", (a, h) -> new FakePlugin("qs"));
    counting.register("b", (a, h) -> new FakePlugin("b"));
    counting.register(
        "s1",
        (a, h) ->
            new ScorePlugin() {
              @Override
              public String name() {
                return "s1";
              }

              @Override
              public long score(CycleState state, Pod pod, String nodeName) {
                scored.add(nodeName);
                if (nodeName.equals("n1")) {
                  throw new IllegalStateException("no data for n1");
                }
                return 1;
              }
            });
    FrameworkImpl f = framework(counting, at(ExtensionPoint.SCORE, Plugin.of("s1")));

    assertThatThrownBy(() -> f.runScorePlugins(new CycleState(), pod, List.of(n1, n2, n3)))
        .isInstanceOf(StatusException.class)
        .hasMessage(
            "error while running score plugin for pod \"web\": plugin \"s1\": no data for n1");
    assertThat(scored).containsExactly("n1");
  }

  @Test
  void aPluginThatScoresByNameIsAskedByNameForANodeTheSnapshotHas() {
    Registry r = registry("qs", "b", "s1");
    FrameworkImpl f =
        builder(r, at(ExtensionPoint.SCORE, Plugin.of("s1")))
            .snapshot(Snapshot.of(List.of(), List.of(n1)))
            .build();
    plugin("s1").scores.putAll(Map.of("n1", 9L, "n2", 4L));

    assertThat(f.runScorePlugins(new CycleState(), pod, List.of(n1, n2)).get("s1").scores())
        .containsExactly(9, 4);
  }

  @Test
  void aNegativeScoreAfterNormalizingIsAnError() {
    Registry r = registry("qs", "b", "s1");
    FrameworkImpl f = framework(r, at(ExtensionPoint.SCORE, Plugin.of("s1")));
    plugin("s1").scores.put("n2", -1L);

    assertThatThrownBy(() -> f.runScorePlugins(new CycleState(), pod, List.of(n1, n2)))
        .isInstanceOf(StatusException.class)
        .hasMessage(
            "error while applying score defaultWeights for pod \"web\": score plugin \"s1\" returns"
                + " an invalid score -1, it should in the range of [0, 100] after normalizing");
  }

  @Test
  void aFailingNormalizeScoreIsAnErrorAndStopsTheOtherPlugins() {
    Registry r = registry("qs", "b", "s1", "s2");
    FrameworkImpl f = framework(r, at(ExtensionPoint.SCORE, Plugin.of("s1"), Plugin.of("s2")));
    plugin("s1").normalize = true;
    plugin("s1").normalizeStatus = Status.error("bad spread");
    plugin("s2").normalize = true;

    assertThatThrownBy(() -> f.runScorePlugins(new CycleState(), pod, List.of(n1, n2)))
        .isInstanceOf(StatusException.class)
        .hasMessage(
            "error while running normalize score plugin for pod \"web\": normalize score plugin"
                + " \"s1\" failed with error bad spread");
    // s2 scored both nodes, but its scores were never normalized.
    assertThat(plugin("s2").calls).containsExactlyInAnyOrder("score n1", "score n2");
  }

  @Test
  void aPermitErrorIsAnErrorNamingPluginAndPod() {
    Registry r = registry("qs", "b", "p1", "p2");
    FrameworkImpl f = framework(r, at(ExtensionPoint.PERMIT, Plugin.of("p1"), Plugin.of("p2")));
    plugin("p1").permit = new PermitPlugin.Result(Status.error("quota service down"), null);

    Status s = f.runPermitPlugins(new CycleState(), pod, "n1");

    assertThat(s.code()).isEqualTo(Code.ERROR);
    assertThat(s.message())
        .isEqualTo("error while running \"p1\" permit plugin for pod \"web\": quota service down");
    assertThat(plugin("p2").calls).isEmpty();
    assertThat(f.waitingPodCount()).isZero();
  }

  @Test
  void aPermitPluginThatAnswersNothingAllowsAndOneThatThrowsFails() {
    Registry r = new Registry();
    r.register("qs", (a, h) -> new FakePlugin("qs"));
    r.register("b", (a, h) -> new FakePlugin("b"));
    r.register("silent", (a, h) -> permitPlugin("silent", () -> null));
    r.register(
        "rejecting",
        (a, h) ->
            permitPlugin(
                "rejecting",
                () -> {
                  throw new StatusException(Status.unschedulable("gang incomplete"));
                }));
    r.register(
        "broken",
        (a, h) ->
            permitPlugin(
                "broken",
                () -> {
                  throw new NullPointerException();
                }));

    FrameworkImpl silent = framework(r, at(ExtensionPoint.PERMIT, Plugin.of("silent")));
    assertThat(silent.runPermitPlugins(new CycleState(), pod, "n1")).isEqualTo(Status.SUCCESS);

    FrameworkImpl rejecting = framework(r, at(ExtensionPoint.PERMIT, Plugin.of("rejecting")));
    Status rejected = rejecting.runPermitPlugins(new CycleState(), pod, "n1");
    assertThat(rejected.code()).isEqualTo(Code.UNSCHEDULABLE);
    assertThat(rejected.message())
        .isEqualTo("rejected pod \"web\" by permit plugin \"rejecting\": gang incomplete");

    FrameworkImpl broken = framework(r, at(ExtensionPoint.PERMIT, Plugin.of("broken")));
    Status failed = broken.runPermitPlugins(new CycleState(), pod, "n1");
    assertThat(failed.code()).isEqualTo(Code.ERROR);
    assertThat(failed.message())
        .isEqualTo(
            "error while running \"broken\" permit plugin for pod \"web\":"
                + " java.lang.NullPointerException");
  }

  private static PermitPlugin permitPlugin(
      String name, java.util.function.Supplier<PermitPlugin.Result> answer) {
    return new PermitPlugin() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Result permit(CycleState state, Pod pod, String nodeName) {
        return answer.get();
      }
    };
  }

  @Test
  void aWaitOfExactlyFifteenMinutesIsKept() {
    Registry r = registry("qs", "b", "p1");
    FrameworkImpl f = framework(r, at(ExtensionPoint.PERMIT, Plugin.of("p1")));
    plugin("p1").permit = PermitPlugin.Result.waitFor(Duration.ofMinutes(15));
    Status s = f.runPermitPlugins(new CycleState(), pod, "n1");

    assertThat(s.code()).isEqualTo(Code.WAIT);
    assertThat(s.message())
        .isEqualTo("one or more plugins asked to wait and no plugin rejected pod \"web\"");
    clock.step(Duration.ofMinutes(15).minusNanos(1));
    assertThat(f.permitVerdictNow(pod)).isNull();
    clock.step(Duration.ofNanos(1));
    assertThat(f.permitVerdictNow(pod).message())
        .isEqualTo(
            "pod \"web\" rejected while waiting on permit: rejected due to timeout after waiting"
                + " 15m0s at plugin p1");
  }

  @Test
  void aPodThatIsNotWaitingHasNoVerdictAndPassesPermitAtOnce() {
    Registry r = registry("qs", "b");
    FrameworkImpl f = framework(r, Plugins.empty());

    assertThat(f.permitVerdictNow(pod)).isNull();
    assertThat(f.waitOnPermit(pod)).isEqualTo(Status.SUCCESS);
    assertThat(f.getWaitingPod(null)).isNull();
    f.rejectWaitingPod("uid-web");
    assertThat(f.waitingPodCount()).isZero();
  }

  @Test
  void anInterruptedWaitOnPermitIsAnErrorAndKeepsTheInterrupt() {
    Registry r = registry("qs", "b", "p1");
    FrameworkImpl f = framework(r, at(ExtensionPoint.PERMIT, Plugin.of("p1")));
    plugin("p1").permit = PermitPlugin.Result.waitFor(Duration.ofSeconds(10));
    f.runPermitPlugins(new CycleState(), pod, "n1");

    Thread.currentThread().interrupt();
    Status s = f.waitOnPermit(pod);

    assertThat(Thread.interrupted()).isTrue();
    assertThat(s.code()).isEqualTo(Code.ERROR);
    assertThat(s.message()).isEqualTo("interrupted while waiting on permit for pod \"web\"");
    assertThat(f.waitingPodCount()).isZero();
  }

  @Test
  void pluginsMayAllowWaitingPodsFoundByIteration() {
    Registry r = registry("qs", "b", "p1");
    FrameworkImpl f = framework(r, at(ExtensionPoint.PERMIT, Plugin.of("p1")));
    plugin("p1").permit = PermitPlugin.Result.waitFor(Duration.ofSeconds(10));
    f.runPermitPlugins(new CycleState(), pod, "n1");

    List<Pod> seen = new ArrayList<>();
    f.iterateOverWaitingPods(
        wp -> {
          seen.add(wp.pod());
          wp.allow("p1");
        });

    assertThat(seen).containsExactly(pod);
    assertThat(f.waitOnPermit(pod)).isEqualTo(Status.SUCCESS);
  }

  @Test
  void aPodWithoutMetadataIsNamedEmptyInMessages() {
    Registry r = registry("qs", "b", "p1");
    FrameworkImpl f = framework(r, at(ExtensionPoint.PRE_FILTER, Plugin.of("p1")));
    plugin("p1").preFilter = Status.error("odd");

    assertThat(f.runPreFilterPlugins(new CycleState(), new Pod()).message())
        .isEqualTo("error while running \"p1\" prefilter plugin for pod \"\": odd");
  }

  // ---------------------------------------------------------------------------------------------
  // What the framework tells about itself

  @Test
  void itSaysWhetherAnyFilterOrScorePluginIsEnabled() {
    Registry r = registry("qs", "b", "f1", "s1");
    FrameworkImpl none = framework(r, Plugins.empty());
    FrameworkImpl both =
        framework(
            r,
            at(ExtensionPoint.FILTER, Plugin.of("f1"))
                .with(ExtensionPoint.SCORE, PluginSet.enabled(Plugin.of("s1"))));

    assertThat(none.hasFilterPlugins()).isFalse();
    assertThat(none.hasScorePlugins()).isFalse();
    assertThat(none.runAllFilters()).isFalse();
    assertThat(both.hasFilterPlugins()).isTrue();
    assertThat(both.hasScorePlugins()).isTrue();
    assertThat(both.listPlugins().get("FilterPlugin")).containsExactly(Plugin.of("f1", 0));
  }

  @Test
  void componentsAreFoundByTypeAndAMissingOneIsNamed() {
    Registry r = registry("qs", "b");
    FrameworkImpl f =
        builder(r, Plugins.empty())
            .components(Map.of(CharSequence.class, "a lister"))
            .component(Number.class, 7)
            .build();

    assertThat(f.clock()).isSameAs(clock);
    assertThat(f.parallelizer()).isSameAs(parallelizer);
    assertThat(f.component(CharSequence.class)).isEqualTo("a lister");
    assertThat(f.component(Number.class)).isEqualTo(7);
    assertThat(f.hasComponent(Number.class)).isTrue();
    assertThat(f.hasComponent(Runnable.class)).isFalse();
    assertThatThrownBy(() -> f.component(Runnable.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no Runnable was given to the framework");
    assertThatThrownBy(
            () -> FrameworkImpl.builder(r).components(Map.of(Runnable.class, "not runnable")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("component for java.lang.Runnable is a java.lang.String");
  }

  // ---------------------------------------------------------------------------------------------
  // NewFramework's checks

  @Test
  void buildingNeedsAClockAndAParallelizer() {
    Registry r = registry("qs", "b");
    assertThatThrownBy(
            () -> FrameworkImpl.builder(r).plugins(base()).parallelizer(parallelizer).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the framework needs a clock");
    assertThatThrownBy(() -> FrameworkImpl.builder(r).plugins(base()).clock(clock).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the framework needs a parallelizer");
  }

  @Test
  void argumentsForAPluginNobodyRegisteredAreRejected() {
    Registry r = registry("qs", "b");
    var args = JsonMapper.builder().build().readTree("{\"a\": 1}");

    assertThatThrownBy(
            () ->
                builder(r, Plugins.empty())
                    .pluginConfig(List.of(new PluginConfig("nope", args, "pluginConfig[0]")))
                    .build())
        .isInstanceOf(FrameworkException.class)
        .hasMessage("pluginConfig[0].name: no plugin named \"nope\" is registered");
  }

  @Test
  void aFactoryThatFailsOrBuildsNothingIsNamed() {
    Registry r = registry("qs", "b");
    r.register("empty", (a, h) -> null);
    r.register(
        "failing",
        (a, h) -> {
          throw new IllegalArgumentException("bad args");
        });

    assertThatThrownBy(() -> framework(r, at(ExtensionPoint.FILTER, Plugin.of("empty"))))
        .isInstanceOf(FrameworkException.class)
        .hasMessage("error initializing plugin \"empty\": its factory built nothing");
    assertThatThrownBy(() -> framework(r, at(ExtensionPoint.FILTER, Plugin.of("failing"))))
        .isInstanceOf(FrameworkException.class)
        .hasMessage("error initializing plugin \"failing\": bad args");
  }

  @Test
  void aScorePluginWhoseNameIsNotItsRegisteredNameHasNoWeight() {
    Registry r = registry("qs", "b");
    r.register("registered", (a, h) -> new FakePlugin("calls-itself-something-else"));

    assertThatThrownBy(() -> framework(r, at(ExtensionPoint.SCORE, Plugin.of("registered", 2))))
        .isInstanceOf(FrameworkException.class)
        .hasMessage("score plugin \"calls-itself-something-else\" is not configured with weight");
  }

  @Test
  void onlyOneQueueSortPluginMayBeEnabled() {
    Registry r = registry("qs", "b", "qs2");

    assertThatThrownBy(
            () ->
                FrameworkImpl.builder(r)
                    .plugins(
                        base()
                            .with(
                                ExtensionPoint.QUEUE_SORT,
                                PluginSet.enabled(Plugin.of("qs"), Plugin.of("qs2"))))
                    .clock(clock)
                    .parallelizer(parallelizer)
                    .build())
        .isInstanceOf(FrameworkException.class)
        .hasMessage("only one queue sort plugin can be enabled");
  }
}
