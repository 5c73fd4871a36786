package io.kubelab.scheduler.framework.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FilterPlugin;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.PluginArgs;
import io.kubelab.scheduler.framework.PreScorePlugin;
import io.kubelab.scheduler.framework.ScorePlugin;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.framework.StatusException;
import io.kubelab.scheduler.framework.config.ExtensionPoint;
import io.kubelab.scheduler.framework.config.Plugin;
import io.kubelab.scheduler.framework.config.PluginSet;
import io.kubelab.scheduler.framework.config.Plugins;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * What v1.18's plugins answer at the edges of their extension points: a Filter without a node, a
 * passing Filter, a PreScore over no nodes, and Score and NormalizeScore called by node name as the
 * framework calls them.
 */
class PluginContractsTest {

  private final Parallelizer parallelizer = new Parallelizer("plugin-contracts", 1);

  @AfterEach
  void close() {
    parallelizer.close();
  }

  private FrameworkImpl handle(List<Node> nodes, List<Pod> pods) {
    return PluginHandles.builder(Snapshot.of(pods, nodes), parallelizer).build();
  }

  private static NodeInfo nodeInfo(Node node, Pod... pods) {
    NodeInfo ni = new NodeInfo(pods);
    ni.setNode(node);
    return ni;
  }

  private static Object create(String plugin, FrameworkImpl h) {
    return InTreeRegistry.create().factory(plugin).create(PluginArgs.NONE, h);
  }

  @Test
  void aFilterWithoutANodeFailsAsUpstreamsDoes() {
    FrameworkImpl h = handle(List.of(), List.of());
    Pod pod = Fixtures.pod("p").build();
    CycleState state = new CycleState();
    InterPodAffinity affinity = (InterPodAffinity) create(InterPodAffinity.NAME, h);
    affinity.preFilter(state, pod);
    PodTopologySpread spread = (PodTopologySpread) create(PodTopologySpread.NAME, h);
    spread.preFilter(state, pod);

    Status notFound = Status.error("node not found");
    List<Object[]> table =
        List.of(
            new Object[] {new NodeName(), notFound},
            new Object[] {
              new NodeUnschedulable(),
              Status.unschedulableAndUnresolvable("node(s) had unknown conditions")
            },
            new Object[] {new NodeAffinity(h), notFound},
            new Object[] {new TaintToleration(h), Status.error("invalid nodeInfo")},
            new Object[] {affinity, notFound},
            new Object[] {spread, notFound},
            new Object[] {new VolumeBinding(h), notFound});
    for (Object[] row : table) {
      FilterPlugin f = (FilterPlugin) row[0];
      assertThat(f.filter(state, pod, new NodeInfo())).as(f.name()).isEqualTo(row[1]);
      assertThat(f.filter(state, pod, null)).as(f.name()).isEqualTo(row[1]);
    }
  }

  @Test
  void aPassingFilterIsSuccess() {
    Node node = Fixtures.node("node1").label("disk", "ssd").build();
    FrameworkImpl h = handle(List.of(node), List.of());
    Pod pod = Fixtures.pod("p").nodeName("node1").nodeSelector("disk", "ssd").build();
    CycleState state = new CycleState();
    InterPodAffinity affinity = (InterPodAffinity) create(InterPodAffinity.NAME, h);
    PodTopologySpread spread = (PodTopologySpread) create(PodTopologySpread.NAME, h);
    NodeResourcesFit fit = new NodeResourcesFit(PluginArgs.NONE);

    assertThat(affinity.preFilter(state, pod)).isEqualTo(Status.SUCCESS);
    assertThat(spread.preFilter(state, pod)).isEqualTo(Status.SUCCESS);
    assertThat(fit.preFilter(state, pod)).isEqualTo(Status.SUCCESS);
    assertThat(affinity.preFilterExtensions()).isNotNull();
    assertThat(spread.preFilterExtensions()).isNotNull();
    for (FilterPlugin f :
        List.<FilterPlugin>of(
            new NodeName(),
            new NodeUnschedulable(),
            new NodeAffinity(h),
            new TaintToleration(h),
            affinity,
            spread,
            fit,
            new VolumeRestrictions(),
            new NodeVolumeLimits(h),
            new VolumeBinding(h),
            new VolumeZone(h))) {
      assertThat(f.filter(state, pod, nodeInfo(node))).as(f.name()).isEqualTo(Status.SUCCESS);
    }
  }

  @Test
  void unmetPodAffinityCannotBeResolvedButAntiAffinityCanByPreemption() {
    Node node = Fixtures.node("node1").build();
    Pod db = Fixtures.pod("db").label("app", "db").nodeName("node1").build();
    FrameworkImpl h = handle(List.of(node), List.of(db));
    InterPodAffinity plugin = (InterPodAffinity) create(InterPodAffinity.NAME, h);

    Pod wantsCache =
        Fixtures.pod("web")
            .label("app", "web")
            .requiredPodAffinity(
                Fixtures.affinityTerm(
                    Fixtures.LABEL_HOSTNAME, Fixtures.matchLabels("app", "cache")))
            .build();
    CycleState s1 = new CycleState();
    plugin.preFilter(s1, wantsCache);
    assertThat(plugin.filter(s1, wantsCache, nodeInfo(node, db)))
        .isEqualTo(
            Status.unschedulableAndUnresolvable(
                "node(s) didn't match pod affinity/anti-affinity",
                "node(s) didn't match pod affinity rules"));

    Pod avoidsDb =
        Fixtures.pod("web")
            .label("app", "web")
            .requiredPodAntiAffinity(
                Fixtures.affinityTerm(Fixtures.LABEL_HOSTNAME, Fixtures.matchLabels("app", "db")))
            .build();
    CycleState s2 = new CycleState();
    plugin.preFilter(s2, avoidsDb);
    assertThat(plugin.filter(s2, avoidsDb, nodeInfo(node, db)))
        .isEqualTo(
            Status.unschedulable(
                "node(s) didn't match pod affinity/anti-affinity",
                "node(s) didn't match pod anti-affinity rules"));
  }

  @Test
  void preScoreOverNoNodesLeavesNothingForScore() {
    Node node = Fixtures.node("node1").build();
    FrameworkImpl h = handle(List.of(node), List.of());
    Pod pod = Fixtures.pod("p").build();
    List<Object[]> table =
        List.of(
            new Object[] {create(InterPodAffinity.NAME, h), InterPodAffinity.PRE_SCORE_STATE_KEY},
            new Object[] {create(TaintToleration.NAME, h), TaintToleration.PRE_SCORE_STATE_KEY},
            new Object[] {
              create(NodeResourceLimits.NAME, h), NodeResourceLimits.PRE_SCORE_STATE_KEY
            },
            new Object[] {
              create(PodTopologySpread.NAME, h), PodTopologySpread.PRE_SCORE_STATE_KEY
            });
    for (Object[] row : table) {
      CycleState state = new CycleState();
      PreScorePlugin p = (PreScorePlugin) row[0];

      assertThat(p.preScore(state, pod, List.of())).as(p.name()).isEqualTo(Status.SUCCESS);
      StatusException e =
          catchThrowableOfType(
              StatusException.class, () -> ((ScorePlugin) p).score(state, pod, "node1"));
      assertThat(e.status())
          .as(p.name())
          .isEqualTo(Status.error("error reading \"" + row[1] + "\" from cycleState: not found"));
    }
  }

  /** PreScore, Score by node name, NormalizeScore: the framework's order. */
  private static long[] scores(ScorePlugin p, Pod pod, List<Node> nodes) {
    CycleState state = new CycleState();
    if (p instanceof PreScorePlugin ps) {
      assertThat(ps.preScore(state, pod, nodes)).isEqualTo(Status.SUCCESS);
    }
    List<String> names = new ArrayList<>();
    nodes.forEach(n -> names.add(n.getMetadata().getName()));
    NodeScoreList list = new NodeScoreList(names);
    for (int i = 0; i < nodes.size(); i++) {
      list.setScore(i, p.score(state, pod, names.get(i)));
    }
    if (p.scoreExtensions() != null) {
      assertThat(p.scoreExtensions()).isSameAs(p);
      assertThat(p.scoreExtensions().normalizeScore(state, pod, list)).isEqualTo(Status.SUCCESS);
    }
    return list.scores();
  }

  @Test
  void preferredPodAffinityScoresTheNodesOfTheMatchingTopology() {
    List<Node> nodes =
        List.of(
            Fixtures.node("machine1").label("region", "China").build(),
            Fixtures.node("machine2").label("region", "India").build(),
            Fixtures.node("machine3").label("region", "China").build());
    Pod s1 = Fixtures.pod("s1").label("security", "S1").nodeName("machine1").build();
    Pod pod =
        Fixtures.pod("p")
            .preferredPodAffinity(
                5, Fixtures.affinityTerm("region", Fixtures.matchLabels("security", "S1")))
            .build();
    FrameworkImpl h = handle(nodes, List.of(s1));

    assertThat(scores((ScorePlugin) create(InterPodAffinity.NAME, h), pod, nodes))
        .containsExactly(100, 0, 100);
  }

  @Test
  void hardPodAffinityWeightIsBetweenZeroAndOneHundred() {
    FrameworkImpl h = handle(List.of(), List.of());
    for (int ok : new int[] {0, 100}) {
      new InterPodAffinity(weight(ok), h);
    }
    for (int bad : new int[] {-1, 101}) {
      assertThat(
              catchThrowableOfType(
                  IllegalArgumentException.class, () -> new InterPodAffinity(weight(bad), h)))
          .hasMessage(
              "hardPodAffinityWeight: Invalid value: " + bad + ": not in valid range [0-100]");
    }
  }

  private static PluginArgs weight(int w) {
    return PluginArgs.of(
        JsonMapper.builder().build().readTree("{\"hardPodAffinityWeight\": " + w + "}"), "test");
  }

  @Test
  void preferredNodeAffinityScoresAreNormalizedToOneHundred() {
    List<Node> nodes =
        List.of(
            Fixtures.node("a").label("zone", "a").build(),
            Fixtures.node("b").label("zone", "b").build(),
            Fixtures.node("c").label("zone", "a").label("disk", "ssd").build());
    Pod pod =
        Fixtures.pod("p")
            .preferredNodeAffinity(2, Fixtures.term(Fixtures.expr("zone", "In", "a")))
            .preferredNodeAffinity(2, Fixtures.term(Fixtures.expr("disk", "In", "ssd")))
            .build();
    FrameworkImpl h = handle(nodes, List.of());

    assertThat(scores(new NodeAffinity(h), pod, nodes)).containsExactly(50, 0, 100);
  }

  @Test
  void resourceLimitsScoreOneWhereTheLimitFits() {
    List<Node> nodes =
        List.of(
            Fixtures.node("big").allocatable("2", "4Gi").build(),
            Fixtures.node("small").allocatable("500m", "512Mi").build());
    Pod pod = Fixtures.pod("p").limits("1", "1Gi").build();
    FrameworkImpl h = handle(nodes, List.of());
    NodeResourceLimits p = (NodeResourceLimits) create(NodeResourceLimits.NAME, h);

    assertThat(p.name()).isEqualTo("NodeResourceLimits");
    assertThat(scores(p, pod, nodes)).containsExactly(1, 0);
  }

  @Test
  void softSpreadConstraintsPreferTheLessCrowdedZone() {
    List<Node> nodes =
        List.of(
            Fixtures.node("a1").label("zone", "a").build(),
            Fixtures.node("b1").label("zone", "b").build());
    Pod existing = Fixtures.pod("w0").label("app", "web").nodeName("a1").build();
    Pod pod =
        Fixtures.pod("w1")
            .label("app", "web")
            .spreadConstraint(1, "zone", "ScheduleAnyway", Fixtures.matchLabels("app", "web"))
            .build();
    FrameworkImpl h = handle(nodes, List.of(existing));

    assertThat(scores((ScorePlugin) create(PodTopologySpread.NAME, h), pod, nodes))
        .containsExactly(0, 100);
  }

  @Test
  void withoutSoftSpreadConstraintsEveryNodeScoresZero() {
    List<Node> nodes = List.of(Fixtures.node("a1").build(), Fixtures.node("b1").build());
    FrameworkImpl h = handle(nodes, List.of());
    PodTopologySpread p = (PodTopologySpread) create(PodTopologySpread.NAME, h);
    Pod pod = Fixtures.pod("p").build();
    CycleState state = new CycleState();

    assertThat(p.preScore(state, pod, nodes)).isEqualTo(Status.SUCCESS);
    assertThat(p.score(state, pod, "a1")).isZero();
    // NormalizeScore gives 0 to every node it did not count, whatever it is handed.
    NodeScoreList list = new NodeScoreList(List.of("a1", "b1"));
    list.setScore(0, 5);
    list.setScore(1, 7);
    assertThat(p.normalizeScore(state, pod, list)).isEqualTo(Status.SUCCESS);
    assertThat(list.scores()).containsExactly(0, 0);
  }

  @Test
  void resourceScoresFollowThePodBeingScored() {
    Node node = Fixtures.node("n").allocatable("4", "8Gi").build();
    FrameworkImpl h = handle(List.of(node), List.of());
    ScorePlugin least = (ScorePlugin) create(ResourceScorePlugin.LEAST_ALLOCATED, h);
    Pod small = Fixtures.pod("small").requests("1", "2Gi").build();
    Pod big = Fixtures.pod("big").requests("3", "6Gi").build();

    // (4-1)/4 and (8-2)/8 of 100, averaged; then (4-3)/4 and (8-6)/8.
    assertThat(least.score(new CycleState(), small, "n")).isEqualTo(75);
    assertThat(least.score(new CycleState(), big, "n")).isEqualTo(25);
    assertThat(least.score(new CycleState(), small, "n")).isEqualTo(75);
  }

  @Test
  void imageLocalityAndPreferAvoidPodsScoreByNodeName() {
    Node node = Fixtures.node("n").image(200L * 1024 * 1024, "nginx:1.0").build();
    FrameworkImpl h = handle(List.of(node), List.of());
    Pod pod = Fixtures.pod("p").image("nginx:1.0").build();

    // 100 * (200 MiB - 23 MiB) / (1000 MiB - 23 MiB), the image on every node of the cluster.
    assertThat(((ScorePlugin) create(ImageLocality.NAME, h)).score(new CycleState(), pod, "n"))
        .isEqualTo(18);
    // A pod no controller owns is avoided nowhere.
    assertThat(
            ((ScorePlugin) create(NodePreferAvoidPods.NAME, h)).score(new CycleState(), pod, "n"))
        .isEqualTo(100);
  }

  @Test
  void aNoExecuteTaintWithoutAValueIsNamedWithAnEmptyValue() {
    Node node = Fixtures.node("n").taint("dedicated", "NoExecute").build();
    TaintToleration p = new TaintToleration(null);

    assertThat(p.filter(new CycleState(), Fixtures.pod("p").build(), nodeInfo(node)))
        .isEqualTo(
            Status.unschedulableAndUnresolvable(
                "node(s) had taint {dedicated: }, that the pod didn't tolerate"));
  }

  @Test
  void defaultBinderReportsTheBindersFailure() {
    Node node = Fixtures.node("n").build();
    Pod pod = Fixtures.pod("p").build();
    List<io.fabric8.kubernetes.api.model.Binding> bound = new ArrayList<>();
    FrameworkImpl ok =
        FrameworkImpl.builder(InTreeRegistry.create())
            .plugins(
                Plugins.empty()
                    .with(
                        ExtensionPoint.QUEUE_SORT, PluginSet.enabled(Plugin.of(PrioritySort.NAME)))
                    .with(ExtensionPoint.BIND, PluginSet.enabled(Plugin.of(DefaultBinder.NAME))))
            .snapshot(Snapshot.of(List.of(), List.of(node)))
            .clock(new FakeClock())
            .parallelizer(parallelizer)
            .component(PodBinder.class, bound::add)
            .build();
    assertThat(new DefaultBinder(ok).bind(new CycleState(), pod, "n")).isEqualTo(Status.SUCCESS);
    assertThat(bound)
        .singleElement()
        .satisfies(b -> assertThat(b.getTarget().getName()).isEqualTo("n"));

    FrameworkImpl failing =
        FrameworkImpl.builder(InTreeRegistry.create())
            .plugins(
                Plugins.empty()
                    .with(
                        ExtensionPoint.QUEUE_SORT, PluginSet.enabled(Plugin.of(PrioritySort.NAME)))
                    .with(ExtensionPoint.BIND, PluginSet.enabled(Plugin.of(DefaultBinder.NAME))))
            .snapshot(Snapshot.of(List.of(), List.of(node)))
            .clock(new FakeClock())
            .parallelizer(parallelizer)
            .component(
                PodBinder.class,
                b -> {
                  throw new IllegalStateException();
                })
            .build();
    assertThat(new DefaultBinder(failing).bind(new CycleState(), pod, "n"))
        .isEqualTo(Status.error("java.lang.IllegalStateException"));
  }

  @Test
  void volumeZoneLooksForTheNodeOnlyWhenThePodHasVolumes() {
    Node node = Fixtures.node("n").build();
    VolumeZone p = new VolumeZone(handle(List.of(node), List.of()));
    Pod withVolume = Fixtures.pod("v").emptyDirVolume("scratch").build();
    Pod without = Fixtures.pod("p").build();

    assertThat(p.filter(new CycleState(), without, new NodeInfo())).isEqualTo(Status.SUCCESS);
    assertThat(p.filter(new CycleState(), withVolume, new NodeInfo()))
        .isEqualTo(Status.error("node not found"));
    assertThat(p.filter(new CycleState(), withVolume, null))
        .isEqualTo(Status.error("node not found"));
    assertThat(p.filter(new CycleState(), withVolume, nodeInfo(node))).isEqualTo(Status.SUCCESS);
  }

  @Test
  void anotherPluginsDataUnderTheKeyIsAnError() {
    Node node = Fixtures.node("n").build();
    FrameworkImpl h = handle(List.of(node), List.of());
    CycleState state = new CycleState();
    state.write(
        TaintToleration.PRE_SCORE_STATE_KEY,
        new NodeResourceLimits.PreScoreState(io.kubelab.apimachinery.resource.Resource.ZERO));

    StatusException e =
        catchThrowableOfType(
            StatusException.class,
            () -> new TaintToleration(h).score(state, Fixtures.pod("p").build(), "n"));
    assertThat(e.status().code()).isEqualTo(io.kubelab.scheduler.framework.Code.ERROR);
    assertThat(e.status().message()).endsWith(" convert to PreScoreState error");
  }

  @Test
  void aNominatedPodAddedBeforeFilterCountsForAntiAffinityUntilRemoved() {
    Node node = Fixtures.node("node1").build();
    FrameworkImpl h = handle(List.of(node), List.of());
    InterPodAffinity plugin = (InterPodAffinity) create(InterPodAffinity.NAME, h);
    Pod avoidsDb =
        Fixtures.pod("web")
            .label("app", "web")
            .requiredPodAntiAffinity(
                Fixtures.affinityTerm(Fixtures.LABEL_HOSTNAME, Fixtures.matchLabels("app", "db")))
            .build();
    Pod nominated = Fixtures.pod("db").label("app", "db").nodeName("node1").build();
    CycleState state = new CycleState();
    plugin.preFilter(state, avoidsDb);
    assertThat(plugin.filter(state, avoidsDb, nodeInfo(node))).isEqualTo(Status.SUCCESS);

    assertThat(plugin.preFilterExtensions().addPod(state, avoidsDb, nominated, nodeInfo(node)))
        .isEqualTo(Status.SUCCESS);
    assertThat(Status.codeOf(plugin.filter(state, avoidsDb, nodeInfo(node, nominated))))
        .isEqualTo(io.kubelab.scheduler.framework.Code.UNSCHEDULABLE);

    assertThat(plugin.preFilterExtensions().removePod(state, avoidsDb, nominated, nodeInfo(node)))
        .isEqualTo(Status.SUCCESS);
    assertThat(plugin.filter(state, avoidsDb, nodeInfo(node))).isEqualTo(Status.SUCCESS);
  }

  @Test
  void ignoredExtendedResourcesAreNotCheckedByNodeResourcesFit() {
    Node node = Fixtures.node("n").allocatable("2", "2Gi").build();
    Pod pod = Fixtures.pod("p").requests("1", "1Gi").request("example.com/foo", "1").build();
    JsonMapper json = JsonMapper.builder().build();

    for (PluginArgs args : List.of(PluginArgs.NONE, PluginArgs.of(json.readTree("{}"), "test"))) {
      NodeResourcesFit fit = new NodeResourcesFit(args);
      CycleState state = new CycleState();
      fit.preFilter(state, pod);
      assertThat(fit.filter(state, pod, nodeInfo(node)))
          .isEqualTo(Status.unschedulable("Insufficient example.com/foo"));
    }
    NodeResourcesFit ignoring =
        new NodeResourcesFit(
            PluginArgs.of(json.readTree("{\"ignoredResources\": [\"example.com/foo\"]}"), "test"));
    CycleState state = new CycleState();
    ignoring.preFilter(state, pod);
    assertThat(ignoring.filter(state, pod, nodeInfo(node))).isEqualTo(Status.SUCCESS);
  }
}
