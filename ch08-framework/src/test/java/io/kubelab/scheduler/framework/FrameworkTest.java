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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The contract of each extension point, as {@code framework.go} (v1.18) runs it; the cases follow
 * upstream's {@code framework_test.go}.
 */
class FrameworkTest {

  private final FakeClock clock = new FakeClock();
  private final Parallelizer parallelizer = new Parallelizer("framework-test", 2);
  private final List<FakePlugin> made = new ArrayList<>();

  @AfterEach
  void close() {
    parallelizer.close();
  }

  private final Pod pod = Fixtures.pod("web").uid("uid-web").build();
  private final Node n1 = Fixtures.node("n1").allocatable("4", "8Gi").build();
  private final Node n2 = Fixtures.node("n2").allocatable("4", "8Gi").build();
  private final Node n3 = Fixtures.node("n3").allocatable("4", "8Gi").build();

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

  /** A framework with QueueSort "qs", Bind "b" and the given points. */
  private FrameworkImpl framework(Registry r, Plugins extra) {
    return builder(r, extra).build();
  }

  /** {@link #framework}'s builder, for a test that sets more. */
  private FrameworkImpl.Builder builder(Registry r, Plugins extra) {
    Plugins base =
        Plugins.empty()
            .with(ExtensionPoint.QUEUE_SORT, PluginSet.enabled(Plugin.of("qs")))
            .with(ExtensionPoint.BIND, PluginSet.enabled(Plugin.of("b")));
    return FrameworkImpl.builder(r)
        .plugins(base.apply(extra))
        .clock(clock)
        .parallelizer(parallelizer);
  }

  private static NodeInfo nodeInfo(Node node) {
    NodeInfo ni = new NodeInfo();
    ni.setNode(node);
    return ni;
  }

  private static Plugins at(ExtensionPoint point, Plugin... plugins) {
    return Plugins.empty().with(point, PluginSet.enabled(plugins));
  }

  @Test
  void preFilterRejectionKeepsItsCodeAndNamesThePlugin() {
    Registry r = registry("qs", "b", "p1", "p2");
    FrameworkImpl f = framework(r, at(ExtensionPoint.PRE_FILTER, Plugin.of("p1"), Plugin.of("p2")));
    plugin("p1").preFilter = Status.unschedulableAndUnresolvable("no way");

    Status s = f.runPreFilterPlugins(new CycleState(), pod);

    assertThat(s.code()).isEqualTo(Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
    assertThat(s.message()).isEqualTo("rejected by \"p1\" at prefilter: no way");
    assertThat(plugin("p2").calls).isEmpty();
  }

  @Test
  void preFilterErrorBecomesAnErrorNamingPluginAndPod() {
    Registry r = registry("qs", "b", "p1");
    FrameworkImpl f = framework(r, at(ExtensionPoint.PRE_FILTER, Plugin.of("p1")));
    plugin("p1").preFilter = Status.of(Code.WAIT, "odd");

    Status s = f.runPreFilterPlugins(new CycleState(), pod);

    assertThat(s.code()).isEqualTo(Code.ERROR);
    assertThat(s.message())
        .isEqualTo("error while running \"p1\" prefilter plugin for pod \"web\": odd");
  }

  @Test
  void filterStopsAtTheFirstRejectionUnlessAllFiltersRun() {
    Registry r = registry("qs", "b", "f1", "f2");
    Plugins filters = at(ExtensionPoint.FILTER, Plugin.of("f1"), Plugin.of("f2"));
    FrameworkImpl f = framework(r, filters);
    plugin("f1").filter = (pod, node) -> Status.unschedulable("f1 says no");
    plugin("f2").filter = (pod, node) -> Status.unschedulableAndUnresolvable("f2 says never");
    NodeInfo ni = nodeInfo(n1);

    PluginToStatus first = f.runFilterPlugins(new CycleState(), pod, ni);
    assertThat(first.asMap()).containsOnlyKeys("f1");
    assertThat(plugin("f2").calls).isEmpty();

    FrameworkImpl all = builder(r, filters).runAllFilters(true).build();
    PluginToStatus both = all.runFilterPlugins(new CycleState(), pod, ni);
    assertThat(both.asMap()).containsOnlyKeys("f1", "f2");
    Status merged = both.merge();
    assertThat(merged.code()).isEqualTo(Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
    assertThat(merged.reasons()).containsExactly("f1 says no", "f2 says never");
  }

  @Test
  void aFilterThatPassesEveryNodeIsNotCalledAfterPreFilterUnlessTheCycleIsRecorded() {
    Registry r = registry("qs", "b", "f1", "f2");
    FrameworkImpl f = framework(r, at(ExtensionPoint.FILTER, Plugin.of("f1"), Plugin.of("f2")));
    // f2, the second filter, promises to pass every node but would refuse n1: the answer shows
    // whether it ran.
    plugin("f2").passesEveryNode = true;
    plugin("f2").filter = (pod, node) -> Status.unschedulable("f2 says no");
    NodeInfo ni = nodeInfo(n1);

    CycleState cycle = new CycleState();
    assertThat(f.runPreFilterPlugins(cycle, pod)).isEqualTo(Status.SUCCESS);
    assertThat(f.runFilterPlugins(cycle, pod, ni).asMap()).isEmpty();
    assertThat(f.runFilterPlugins(cycle.clone(), pod, ni).asMap()).isEmpty();
    assertThat(plugin("f2").calls).isEmpty();
    assertThat(plugin("f1").calls).containsExactly("filter n1", "filter n1");

    // Without PreFilter nothing was promised; a NodeInfo without a Node is never taken on trust.
    assertThat(f.runFilterPlugins(new CycleState(), pod, ni).asMap()).containsOnlyKeys("f2");
    assertThat(f.runFilterPlugins(cycle, pod, new NodeInfo()).asMap()).containsOnlyKeys("f2");

    // A recorded cycle reports every plugin's verdict, so every plugin runs.
    CycleState recorded = new CycleState();
    List<String> heard = new ArrayList<>();
    recorded.setRecorder(
        new CycleRecorder() {
          @Override
          public void filter(String nodeName, String plugin, Status status) {
            heard.add(plugin + " on " + nodeName + ": " + status.code());
          }
        });
    f.runPreFilterPlugins(recorded, pod);
    plugin("f2").filter = (pod, node) -> Status.SUCCESS;
    assertThat(f.runFilterPlugins(recorded, pod, ni).asMap()).isEmpty();
    assertThat(heard).containsExactly("f1 on n1: Success", "f2 on n1: Success");
  }

  @Test
  void aScoreSettledByPreScoreIsFilledInForEveryNodeThenNormalizedAndWeighted() {
    Registry r = registry("qs", "b", "s1", "s2");
    // Over a snapshot with the nodes: a node the snapshot lacks goes to every plugin.
    FrameworkImpl f =
        builder(r, at(ExtensionPoint.SCORE, Plugin.of("s1", 2), Plugin.of("s2", 1)))
            .snapshot(Snapshot.of(List.of(), List.of(n1, n2, n3)))
            .build();
    plugin("s1").sameScore = 4L;
    plugin("s1").normalize = true; // 4 of a highest 4: 100 everywhere
    plugin("s1").scores.putAll(Map.of("n1", 1L, "n2", 2L, "n3", 3L)); // what it would say
    plugin("s2").scores.putAll(Map.of("n1", 7L, "n2", 1L, "n3", 100L));

    Map<String, NodeScoreList> out = f.runScorePlugins(new CycleState(), pod, List.of(n1, n2, n3));

    assertThat(out.get("s1").scores()).containsExactly(200, 200, 200);
    assertThat(out.get("s2").scores()).containsExactly(7, 1, 100);
    assertThat(plugin("s1").calls).doesNotContain("score n1", "score n2", "score n3");
    assertThat(plugin("s2").calls).contains("score n1", "score n2", "score n3");
  }

  @Test
  void aFilterErrorIsReturnedAloneAsAnError() {
    Registry r = registry("qs", "b", "f1", "f2");
    FrameworkImpl f = framework(r, at(ExtensionPoint.FILTER, Plugin.of("f1"), Plugin.of("f2")));
    plugin("f1").filter = (pod, node) -> Status.error("disk on fire");

    PluginToStatus s = f.runFilterPlugins(new CycleState(), pod, nodeInfo(n1));

    assertThat(s.asMap()).containsOnlyKeys("f1");
    assertThat(s.merge().code()).isEqualTo(Code.ERROR);
    assertThat(s.merge().message())
        .isEqualTo("running \"f1\" filter plugin for pod \"web\": disk on fire");
  }

  @Test
  void scoresAreNormalizedThenMultipliedByTheWeight() {
    Registry r = registry("qs", "b", "s1", "s2");
    FrameworkImpl f =
        framework(r, at(ExtensionPoint.SCORE, Plugin.of("s1", 3), Plugin.of("s2", 0)));
    plugin("s1").scores.putAll(Map.of("n1", 5L, "n2", 10L, "n3", 0L));
    plugin("s1").normalize = true;
    plugin("s2").scores.putAll(Map.of("n1", 7L, "n2", 1L, "n3", 100L));

    Map<String, NodeScoreList> out = f.runScorePlugins(new CycleState(), pod, List.of(n1, n2, n3));

    // s1: normalized to 50, 100, 0, then weight 3; s2: weight 0 means 1.
    assertThat(out.get("s1").scores()).containsExactly(150, 300, 0);
    assertThat(out.get("s2").scores()).containsExactly(7, 1, 100);
    assertThat(out.keySet()).containsExactly("s1", "s2");
  }

  @Test
  void aScoreOutOfRangeAfterNormalizingIsAnError() {
    Registry r = registry("qs", "b", "s1");
    FrameworkImpl f = framework(r, at(ExtensionPoint.SCORE, Plugin.of("s1", 1)));
    plugin("s1").scores.put("n1", 101L);

    assertThatThrownBy(() -> f.runScorePlugins(new CycleState(), pod, List.of(n1)))
        .isInstanceOf(StatusException.class)
        .hasMessage(
            "error while applying score defaultWeights for pod \"web\": score plugin \"s1\" returns"
                + " an invalid score 101, it should in the range of [0, 100] after normalizing");
  }

  @Test
  void aFailingScoreNamesThePlugin() {
    Registry r = registry("qs", "b", "s1");
    FrameworkImpl f = framework(r, at(ExtensionPoint.SCORE, Plugin.of("s1", 1)));
    plugin("s1").scoreThrows = new StatusException(Status.error("no data"));

    assertThatThrownBy(() -> f.runScorePlugins(new CycleState(), pod, List.of(n1, n2)))
        .hasMessage("error while running score plugin for pod \"web\": plugin \"s1\": no data");
  }

  @Test
  void bindSkipPassesToTheNextBinder() {
    Registry r = registry("qs", "b", "b2");
    FrameworkImpl f =
        FrameworkImpl.builder(r)
            .plugins(
                Plugins.empty()
                    .with(ExtensionPoint.QUEUE_SORT, PluginSet.enabled(Plugin.of("qs")))
                    .with(ExtensionPoint.BIND, PluginSet.enabled(Plugin.of("b"), Plugin.of("b2"))))
            .clock(clock)
            .parallelizer(parallelizer)
            .build();
    plugin("b").bind = Status.of(Code.SKIP);

    assertThat(f.runBindPlugins(new CycleState(), pod, "n1")).isEqualTo(Status.SUCCESS);
    assertThat(plugin("b2").calls).containsExactly("bind n1");

    plugin("b2").bind = Status.of(Code.SKIP);
    assertThat(f.runBindPlugins(new CycleState(), pod, "n1").code()).isEqualTo(Code.SKIP);

    plugin("b").bind = Status.error("conflict");
    assertThat(f.runBindPlugins(new CycleState(), pod, "n1").message())
        .isEqualTo("plugin \"b\" failed to bind pod \"default/web\": conflict");
  }

  @Test
  void reserveFailureIsAnErrorAndUnreserveRunsEveryPlugin() {
    Registry r = registry("qs", "b", "r1", "r2");
    FrameworkImpl f =
        framework(
            r,
            at(ExtensionPoint.RESERVE, Plugin.of("r1"), Plugin.of("r2"))
                .with(
                    ExtensionPoint.UNRESERVE, PluginSet.enabled(Plugin.of("r1"), Plugin.of("r2"))));
    plugin("r1").reserve = Status.unschedulable("full");

    Status s = f.runReservePlugins(new CycleState(), pod, "n1");
    assertThat(s.code()).isEqualTo(Code.ERROR);
    assertThat(s.message())
        .isEqualTo("error while running \"r1\" reserve plugin for pod \"web\": full");
    assertThat(plugin("r2").calls).isEmpty();

    f.runUnreservePlugins(new CycleState(), pod, "n1");
    assertThat(plugin("r1").calls).endsWith("unreserve n1");
    assertThat(plugin("r2").calls).containsExactly("unreserve n1");
  }

  @Test
  void permitRejectionWinsOverWait() {
    Registry r = registry("qs", "b", "p1", "p2");
    FrameworkImpl f = framework(r, at(ExtensionPoint.PERMIT, Plugin.of("p1"), Plugin.of("p2")));
    plugin("p1").permit = PermitPlugin.Result.waitFor(Duration.ofSeconds(10));
    plugin("p2").permit = new PermitPlugin.Result(Status.unschedulable("quota"), Duration.ZERO);

    Status s = f.runPermitPlugins(new CycleState(), pod, "n1");

    assertThat(s.code()).isEqualTo(Code.UNSCHEDULABLE);
    assertThat(s.message()).isEqualTo("rejected pod \"web\" by permit plugin \"p2\": quota");
    assertThat(f.waitingPodCount()).isZero();
  }

  @Test
  void aWaitingPodIsAllowedOnlyWhenEveryWaitingPluginAllows() {
    Registry r = registry("qs", "b", "p1", "p2");
    FrameworkImpl f = framework(r, at(ExtensionPoint.PERMIT, Plugin.of("p1"), Plugin.of("p2")));
    plugin("p1").permit = PermitPlugin.Result.waitFor(Duration.ofSeconds(10));
    plugin("p2").permit = PermitPlugin.Result.waitFor(Duration.ofSeconds(20));

    Status s = f.runPermitPlugins(new CycleState(), pod, "n1");
    assertThat(s.code()).isEqualTo(Code.WAIT);
    WaitingPod wp = f.getWaitingPod("uid-web");
    assertThat(wp.pendingPlugins()).containsExactlyInAnyOrder("p1", "p2");

    wp.allow("p1");
    assertThat(f.permitVerdictNow(pod)).isNull();
    wp.allow("p2");
    assertThat(f.permitVerdictNow(pod)).isEqualTo(Status.SUCCESS);
    assertThat(f.waitOnPermit(pod)).isEqualTo(Status.SUCCESS);
    assertThat(f.waitingPodCount()).isZero();
    // The timers were stopped: stepping past them rejects nothing.
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void aWaitTimesOutOnTheClockWithUpstreamsMessage() {
    Registry r = registry("qs", "b", "p1");
    FrameworkImpl f = framework(r, at(ExtensionPoint.PERMIT, Plugin.of("p1")));
    plugin("p1").permit = PermitPlugin.Result.waitFor(Duration.ofSeconds(10));
    f.runPermitPlugins(new CycleState(), pod, "n1");

    clock.step(Duration.ofMillis(9999));
    assertThat(f.permitVerdictNow(pod)).isNull();
    clock.step(Duration.ofMillis(1));

    Status s = f.waitOnPermit(pod);
    assertThat(s.code()).isEqualTo(Code.UNSCHEDULABLE);
    assertThat(s.message())
        .isEqualTo(
            "pod \"web\" rejected while waiting on permit: rejected due to timeout after waiting"
                + " 10s at plugin p1");
  }

  @Test
  void permitTimeoutsAreCappedAtFifteenMinutes() {
    Registry r = registry("qs", "b", "p1");
    FrameworkImpl f = framework(r, at(ExtensionPoint.PERMIT, Plugin.of("p1")));
    plugin("p1").permit = PermitPlugin.Result.waitFor(Duration.ofHours(2));
    f.runPermitPlugins(new CycleState(), pod, "n1");

    clock.step(Duration.ofMinutes(15));

    assertThat(f.waitOnPermit(pod).message()).endsWith("after waiting 15m0s at plugin p1");
  }

  @Test
  void rejectWaitingPodFromOutside() {
    Registry r = registry("qs", "b", "p1");
    FrameworkImpl f = framework(r, at(ExtensionPoint.PERMIT, Plugin.of("p1")));
    plugin("p1").permit = PermitPlugin.Result.waitFor(Duration.ofSeconds(10));
    f.runPermitPlugins(new CycleState(), pod, "n1");

    f.rejectWaitingPod("uid-web");

    assertThat(f.waitOnPermit(pod).message())
        .isEqualTo("pod \"web\" rejected while waiting on permit: removed");
  }

  @Test
  void buildingChecksEveryEntryWithUpstreamsMessages() {
    Registry r = registry("qs", "b", "x");
    Registry onlyFilter = new Registry();
    onlyFilter.register("qs", (a, h) -> new FakePlugin("qs"));
    onlyFilter.register("b", (a, h) -> new FakePlugin("b"));
    onlyFilter.register(
        "f",
        (a, h) ->
            new FilterPlugin() {
              @Override
              public String name() {
                return "f";
              }

              @Override
              public Status filter(CycleState state, Pod pod, NodeInfo nodeInfo) {
                return null;
              }
            });

    assertThatThrownBy(() -> framework(r, at(ExtensionPoint.FILTER, Plugin.of("nope"))))
        .isInstanceOf(FrameworkException.class)
        .hasMessage("FilterPlugin \"nope\" does not exist");
    assertThatThrownBy(() -> framework(onlyFilter, at(ExtensionPoint.SCORE, Plugin.of("f"))))
        .hasMessage("plugin \"f\" does not extend ScorePlugin plugin");
    assertThatThrownBy(
            () -> framework(r, at(ExtensionPoint.FILTER, Plugin.of("x"), Plugin.of("x"))))
        .hasMessage("plugin \"x\" already registered as \"FilterPlugin\"");
    assertThatThrownBy(
            () ->
                FrameworkImpl.builder(r)
                    .plugins(at(ExtensionPoint.BIND, Plugin.of("b")))
                    .clock(clock)
                    .parallelizer(parallelizer)
                    .build())
        .hasMessage("no queue sort plugin is enabled");
    assertThatThrownBy(
            () ->
                FrameworkImpl.builder(r)
                    .plugins(at(ExtensionPoint.QUEUE_SORT, Plugin.of("qs")))
                    .clock(clock)
                    .parallelizer(parallelizer)
                    .build())
        .hasMessage("at least one bind plugin is needed");
  }

  @Test
  void pluginArgumentsAreCheckedOncePerPlugin() {
    Registry r = registry("qs", "b");
    var args = JsonMapper.builder().build().readTree("{\"a\": 1}");
    assertThatThrownBy(
            () ->
                FrameworkImpl.builder(r)
                    .plugins(
                        Plugins.empty()
                            .with(ExtensionPoint.QUEUE_SORT, PluginSet.enabled(Plugin.of("qs")))
                            .with(ExtensionPoint.BIND, PluginSet.enabled(Plugin.of("b"))))
                    .pluginConfig(
                        List.of(
                            new PluginConfig("qs", args, "pluginConfig[0]"),
                            new PluginConfig("qs", args, "pluginConfig[1]")))
                    .clock(clock)
                    .parallelizer(parallelizer)
                    .build())
        .hasMessage("pluginConfig[1].name: repeated config for plugin qs");
  }

  @Test
  void listPluginsReportsEachPointInOrderWithScoreWeights() {
    Registry r = registry("qs", "b", "s1", "f1");
    FrameworkImpl f =
        framework(
            r,
            at(ExtensionPoint.SCORE, Plugin.of("s1", 5))
                .with(ExtensionPoint.FILTER, PluginSet.enabled(Plugin.of("f1"))));

    assertThat(f.listPlugins().keySet())
        .containsExactly("QueueSortPlugin", "FilterPlugin", "ScorePlugin", "BindPlugin");
    assertThat(f.listPlugins().get("ScorePlugin")).containsExactly(Plugin.of("s1", 5));
  }
}
