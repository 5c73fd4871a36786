package io.kubelab.scheduler.framework.plugins;

import static io.kubelab.apimachinery.testing.Fixtures.affinityTerm;
import static io.kubelab.apimachinery.testing.Fixtures.expr;
import static io.kubelab.apimachinery.testing.Fixtures.matchLabels;
import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static io.kubelab.apimachinery.testing.Fixtures.term;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FilterPlugin;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.PluginArgs;
import io.kubelab.scheduler.framework.PreFilterPlugin;
import io.kubelab.scheduler.framework.PreScorePlugin;
import io.kubelab.scheduler.framework.ScorePlugin;
import io.kubelab.scheduler.spread.InMemoryListers;
import io.kubelab.scheduler.spread.SpreadListers;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The promises plugins make so that the framework need not call them on each node: a Filter that
 * passes every node for the pod ({@code filterPassesEveryNode}), a Score that PreScore has settled
 * ({@code sameScoreOnEveryNode}). Each promise is checked both ways (made for the usual pod, not
 * made for a pod with the feature), and a promise made is checked against the plugin's own answers
 * on nodes that differ.
 */
class PluginShortcutsTest {

  private final Parallelizer parallelizer = new Parallelizer("plugin-shortcuts", 1);

  @AfterEach
  void close() {
    parallelizer.close();
  }

  /** Nodes that differ in what the filters look at: labels, taints, pods, ports. */
  private final List<Node> nodes =
      List.of(
          node("a").zone("zone-a").label("disk", "ssd").allocatable("4", "8Gi").build(),
          node("b").zone("zone-b").allocatable("1", "1Gi").build());

  private final List<Pod> placed =
      List.of(
          pod("web-1").labels("app", "web").nodeName("a").hostPort(80).build(),
          pod("db-1").labels("app", "db").nodeName("b").build());

  private FrameworkImpl handle() {
    InMemoryListers listers = new InMemoryListers();
    listers.add(
        new ServiceBuilder()
            .withNewMetadata()
            .withNamespace("default")
            .withName("web")
            .endMetadata()
            .withNewSpec()
            .withSelector(Map.of("app", "web"))
            .endSpec()
            .build());
    return PluginHandles.builder(Snapshot.of(placed, nodes), parallelizer)
        .component(SpreadListers.class, listers.spreadListers())
        .build();
  }

  private final FrameworkImpl h = handle();

  private Object plugin(String name) {
    return InTreeRegistry.create().factory(name).create(PluginArgs.NONE, h);
  }

  /**
   * The promise of Filter plugin {@code name} for {@code pod}, after its PreFilter if it has one.
   */
  private boolean passesEveryNode(String name, Pod pod) {
    Object p = plugin(name);
    CycleState state = new CycleState();
    if (p instanceof PreFilterPlugin pf) {
      pf.preFilter(state, pod);
    }
    FilterPlugin f = (FilterPlugin) p;
    boolean promised = f.filterPassesEveryNode(state, pod);
    if (promised) {
      for (NodeInfo ni : h.snapshotSharedLister().list()) {
        assertThat(f.filter(state, pod, ni))
            .as("%s promised to pass %s on %s", name, pod.getMetadata().getName(), ni.nodeName())
            .satisfies(s -> assertThat(s == null || s.isSuccess()).isTrue());
      }
    }
    return promised;
  }

  /** The score Score plugin {@code name} settles for {@code pod} after its PreScore, if any. */
  private OptionalLong sameScore(String name, Pod pod) {
    Object p = plugin(name);
    CycleState state = new CycleState();
    if (p instanceof PreScorePlugin ps) {
      assertThat(ps.preScore(state, pod, nodes).isSuccess()).isTrue();
    }
    ScorePlugin s = (ScorePlugin) p;
    OptionalLong same = s.sameScoreOnEveryNode(state, pod);
    if (same.isPresent()) {
      for (NodeInfo ni : h.snapshotSharedLister().list()) {
        assertThat(s.score(state, pod, ni))
            .as("%s settled %s on %s", name, same, ni.nodeName())
            .isEqualTo(same.getAsLong());
      }
    }
    return same;
  }

  private static Pod plain() {
    return pod("plain").build();
  }

  /** A web pod with one zone spread constraint over the web pods, hard or soft. */
  private static Pod spreadingWeb(String name, String whenUnsatisfiable) {
    return pod(name)
        .labels("app", "web")
        .spreadConstraint(1, "zone", whenUnsatisfiable, matchLabels("app", "web"))
        .build();
  }

  @Test
  void nodeNamePassesEveryNodeUnlessThePodNamesOne() {
    assertThat(passesEveryNode(NodeName.NAME, plain())).isTrue();
    assertThat(passesEveryNode(NodeName.NAME, pod("pinned").nodeName("b").build())).isFalse();
  }

  @Test
  void nodePortsPassesEveryNodeUnlessThePodWantsAHostPort() {
    assertThat(passesEveryNode(NodePorts.NAME, plain())).isTrue();
    assertThat(passesEveryNode(NodePorts.NAME, pod("web-2").hostPort(80).build())).isFalse();
    // Without its PreFilter's state nothing is promised: Filter reports the missing state.
    assertThat(
            ((FilterPlugin) plugin(NodePorts.NAME))
                .filterPassesEveryNode(new CycleState(), plain()))
        .isFalse();
  }

  @Test
  void nodeAffinityPassesEveryNodeUnlessThePodSelectsNodes() {
    assertThat(passesEveryNode(NodeAffinity.NAME, plain())).isTrue();
    Pod preferring =
        pod("preferring").preferredNodeAffinity(5, term(expr("disk", "In", "ssd"))).build();
    assertThat(passesEveryNode(NodeAffinity.NAME, preferring)).isTrue();
    assertThat(passesEveryNode(NodeAffinity.NAME, pod("s").nodeSelector("disk", "ssd").build()))
        .isFalse();
    Pod requiring = pod("r").requiredNodeAffinity(term(expr("disk", "In", "ssd"))).build();
    assertThat(passesEveryNode(NodeAffinity.NAME, requiring)).isFalse();
  }

  @Test
  void everyVolumeFilterPassesEveryNodeForAPodWithoutVolumes() {
    Pod withVolume = pod("v").emptyDirVolume("scratch").build();
    for (String name :
        List.of(
            VolumeRestrictions.NAME,
            VolumeBinding.NAME,
            VolumeZone.NAME,
            NodeVolumeLimits.NAME,
            NonCsiLimits.EBS_NAME,
            NonCsiLimits.GCE_PD_NAME,
            NonCsiLimits.AZURE_DISK_NAME,
            NonCsiLimits.CINDER_NAME)) {
      assertThat(passesEveryNode(name, plain())).as(name).isTrue();
      assertThat(passesEveryNode(name, withVolume)).as(name).isFalse();
    }
  }

  @Test
  void podTopologySpreadPassesEveryNodeWithoutHardConstraints() {
    assertThat(passesEveryNode(PodTopologySpread.NAME, plain())).isTrue();
    Pod soft = spreadingWeb("soft", "ScheduleAnyway");
    assertThat(passesEveryNode(PodTopologySpread.NAME, soft)).isTrue();
    Pod hard = spreadingWeb("hard", "DoNotSchedule");
    assertThat(passesEveryNode(PodTopologySpread.NAME, hard)).isFalse();
    // Without its PreFilter's state nothing is promised: Filter reports the missing state.
    assertThat(
            ((FilterPlugin) plugin(PodTopologySpread.NAME))
                .filterPassesEveryNode(new CycleState(), plain()))
        .isFalse();
  }

  @Test
  void filtersThatLookAtTheNodeAlwaysRun() {
    for (String name :
        List.of(
            NodeUnschedulable.NAME,
            NodeResourcesFit.NAME,
            TaintToleration.NAME,
            InterPodAffinity.NAME)) {
      assertThat(passesEveryNode(name, plain())).as(name).isFalse();
    }
  }

  @Test
  void nodeAffinityScoresZeroEverywhereWithoutPreferredTerms() {
    assertThat(sameScore(NodeAffinity.NAME, plain())).hasValue(0);
    Pod preferring =
        pod("preferring").preferredNodeAffinity(5, term(expr("disk", "In", "ssd"))).build();
    assertThat(sameScore(NodeAffinity.NAME, preferring)).isEmpty();
  }

  @Test
  void nodePreferAvoidPodsScoresTheMaximumEverywhereUnlessAReplicaSetOrRcOwnsThePod() {
    assertThat(sameScore(NodePreferAvoidPods.NAME, plain())).hasValue(NodeScoreList.MAX_NODE_SCORE);
    Pod ofAStatefulSet = pod("s-0").ownedBy("StatefulSet", "s").build();
    assertThat(sameScore(NodePreferAvoidPods.NAME, ofAStatefulSet))
        .hasValue(NodeScoreList.MAX_NODE_SCORE);
    assertThat(sameScore(NodePreferAvoidPods.NAME, pod("rs-x").ownedBy("ReplicaSet", "rs").build()))
        .isEmpty();
    assertThat(
            sameScore(
                NodePreferAvoidPods.NAME,
                pod("rc-x").ownedBy("ReplicationController", "rc").build()))
        .isEmpty();
  }

  @Test
  void podTopologySpreadScoresZeroEverywhereWithoutSoftConstraints() {
    assertThat(sameScore(PodTopologySpread.NAME, plain())).hasValue(0);
    Pod soft = spreadingWeb("soft", "ScheduleAnyway");
    assertThat(sameScore(PodTopologySpread.NAME, soft)).isEmpty();
    assertThat(
            ((ScorePlugin) plugin(PodTopologySpread.NAME))
                .sameScoreOnEveryNode(new CycleState(), plain()))
        .isEmpty();
  }

  @Test
  void interPodAffinityScoresZeroEverywhereWhenNoTermCounts() {
    assertThat(sameScore(InterPodAffinity.NAME, plain())).hasValue(0);
    // Near the web pods by disk type: node a (disk=ssd) runs one.
    Pod near =
        pod("near")
            .preferredPodAffinity(10, affinityTerm("disk", matchLabels("app", "web")))
            .build();
    assertThat(sameScore(InterPodAffinity.NAME, near)).isEmpty();
  }

  @Test
  void defaultPodTopologySpreadScoresZeroEverywhereWhenNothingSelectsThePod() {
    assertThat(sameScore(DefaultPodTopologySpread.NAME, plain())).hasValue(0);
    assertThat(sameScore(DefaultPodTopologySpread.NAME, pod("web-2").labels("app", "web").build()))
        .isEmpty();
  }

  @Test
  void scoresThatLookAtTheNodeAreNeverSettled() {
    for (String name : List.of(ImageLocality.NAME, TaintToleration.NAME)) {
      assertThat(sameScore(name, plain())).as(name).isEmpty();
    }
  }

  @Test
  void theEdgesOfThePodFieldsCountAsAbsent() {
    // nodeName "" and absent; a container port without a host port, or with host port 0;
    // volumes absent altogether.
    Pod emptyNodeName = pod("e").build();
    emptyNodeName.getSpec().setNodeName("");
    Pod noNodeName = pod("n").build();
    noNodeName.getSpec().setNodeName(null);
    assertThat(passesEveryNode(NodeName.NAME, emptyNodeName)).isTrue();
    assertThat(passesEveryNode(NodeName.NAME, noNodeName)).isTrue();

    Pod containerPortOnly = pod("c").build();
    io.fabric8.kubernetes.api.model.ContainerPort p =
        new io.fabric8.kubernetes.api.model.ContainerPort();
    p.setContainerPort(8080);
    containerPortOnly
        .getSpec()
        .getContainers()
        .get(0)
        .setPorts(new java.util.ArrayList<>(List.of(p)));
    assertThat(passesEveryNode(NodePorts.NAME, containerPortOnly)).isTrue();
    p.setHostPort(0);
    assertThat(passesEveryNode(NodePorts.NAME, containerPortOnly)).isTrue();
    p.setHostPort(1);
    assertThat(passesEveryNode(NodePorts.NAME, containerPortOnly)).isFalse();

    Pod noVolumes = pod("v").build();
    noVolumes.getSpec().setVolumes(null);
    assertThat(passesEveryNode(VolumeRestrictions.NAME, noVolumes)).isTrue();
  }

  @Test
  void anotherPluginsDataUnderTheKeyPromisesNothing() {
    io.kubelab.scheduler.framework.StateData foreign = () -> null;
    CycleState state = new CycleState();
    state.write(PodTopologySpread.PRE_FILTER_STATE_KEY, foreign);
    state.write(PodTopologySpread.PRE_SCORE_STATE_KEY, foreign);
    state.write(InterPodAffinity.PRE_SCORE_STATE_KEY, foreign);
    state.write(DefaultPodTopologySpread.PRE_SCORE_STATE_KEY, foreign);
    state.write(NodePorts.PRE_FILTER_STATE_KEY, foreign);
    Pod p = plain();
    assertThat(((FilterPlugin) plugin(PodTopologySpread.NAME)).filterPassesEveryNode(state, p))
        .isFalse();
    assertThat(((FilterPlugin) plugin(NodePorts.NAME)).filterPassesEveryNode(state, p)).isFalse();
    for (String name :
        List.of(PodTopologySpread.NAME, InterPodAffinity.NAME, DefaultPodTopologySpread.NAME)) {
      assertThat(((ScorePlugin) plugin(name)).sameScoreOnEveryNode(state, p)).as(name).isEmpty();
      assertThat(((ScorePlugin) plugin(name)).sameScoreOnEveryNode(new CycleState(), p))
          .as(name)
          .isEmpty();
    }
  }
}
