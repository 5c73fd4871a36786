package io.kubelab.scheduler.framework.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.PluginArgs;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.framework.StatusException;
import io.kubelab.scheduler.spread.InMemoryListers;
import io.kubelab.scheduler.spread.SpreadListers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ServiceAffinity plugin (v1.18 {@code framework/plugins/serviceaffinity}): Filter only when it
 * has affinity labels, AddPod and RemovePod keeping the matching pods in step, and Score counting
 * the pods of the pod's first Service on the node.
 */
class ServiceAffinityPluginTest {

  private final Parallelizer parallelizer = new Parallelizer("service-affinity", 1);

  private final Node zoneA = Fixtures.node("na").label("zone", "a").build();
  private final Node zoneB = Fixtures.node("nb").label("zone", "b").build();

  @AfterEach
  void close() {
    parallelizer.close();
  }

  private FrameworkImpl handle(List<Pod> pods) {
    InMemoryListers l = new InMemoryListers();
    l.add(
        new ServiceBuilder()
            .withNewMetadata()
            .withNamespace("default")
            .withName("db")
            .endMetadata()
            .withNewSpec()
            .withSelector(Map.of("app", "db"))
            .endSpec()
            .build());
    return PluginHandles.builder(Snapshot.of(pods, List.of(zoneA, zoneB)), parallelizer)
        .component(SpreadListers.class, l.spreadListers())
        .build();
  }

  private static PluginArgs labels(String... labels) {
    return PluginArgs.of(
        JsonMapper.builder().build().valueToTree(Map.of("labels", List.of(labels))), "test");
  }

  private static NodeInfo nodeInfo(Node node, Pod... pods) {
    NodeInfo ni = new NodeInfo(pods);
    ni.setNode(node);
    return ni;
  }

  private static Pod db(String name, String node) {
    return Fixtures.pod(name).namespace("default").label("app", "db").nodeName(node).build();
  }

  @Test
  void withoutAffinityLabelsFilterPassesWithoutLookingAtTheNode() {
    ServiceAffinity p = new ServiceAffinity(PluginArgs.NONE, handle(List.of()));

    assertThat(p.filter(new CycleState(), db("p", null), new NodeInfo())).isEqualTo(Status.SUCCESS);
  }

  @Test
  void withAffinityLabelsFilterNeedsANode() {
    ServiceAffinity p = new ServiceAffinity(labels("zone"), handle(List.of()));
    CycleState state = new CycleState();
    p.preFilter(state, db("p", null));

    assertThat(p.filter(state, db("p", null), new NodeInfo()))
        .isEqualTo(Status.error("node not found"));
  }

  @Test
  void addedAndRemovedPodsMoveTheAffinity() {
    ServiceAffinity p = new ServiceAffinity(labels("zone"), handle(List.of()));
    Pod pod = db("p", null);
    CycleState state = new CycleState();
    assertThat(p.preFilter(state, pod)).isEqualTo(Status.SUCCESS);
    assertThat(p.filter(state, pod, nodeInfo(zoneB))).isEqualTo(Status.SUCCESS);

    Pod first = db("first", "na");
    assertThat(p.preFilterExtensions().addPod(state, pod, first, nodeInfo(zoneA)))
        .isEqualTo(Status.SUCCESS);
    assertThat(p.filter(state, pod, nodeInfo(zoneA))).isEqualTo(Status.SUCCESS);
    assertThat(Status.codeOf(p.filter(state, pod, nodeInfo(zoneB)))).isEqualTo(Code.UNSCHEDULABLE);

    // A pod that was never counted, or is another namespace's, changes nothing.
    Pod stranger = db("stranger", "na");
    Pod otherNamespace =
        Fixtures.pod("first").namespace("other").label("app", "db").nodeName("na").build();
    assertThat(p.preFilterExtensions().removePod(state, pod, stranger, nodeInfo(zoneA)))
        .isEqualTo(Status.SUCCESS);
    assertThat(p.preFilterExtensions().removePod(state, pod, otherNamespace, nodeInfo(zoneA)))
        .isEqualTo(Status.SUCCESS);
    assertThat(Status.codeOf(p.filter(state, pod, nodeInfo(zoneB)))).isEqualTo(Code.UNSCHEDULABLE);

    assertThat(p.preFilterExtensions().removePod(state, pod, first, nodeInfo(zoneA)))
        .isEqualTo(Status.SUCCESS);
    assertThat(p.filter(state, pod, nodeInfo(zoneB))).isEqualTo(Status.SUCCESS);
    // Removing from nothing is nothing.
    assertThat(p.preFilterExtensions().removePod(state, pod, first, nodeInfo(zoneA)))
        .isEqualTo(Status.SUCCESS);
  }

  @Test
  void podsOfOtherNamespacesOrLabelsAreNotAdded() {
    ServiceAffinity p = new ServiceAffinity(labels("zone"), handle(List.of()));
    Pod pod = db("p", null);
    CycleState state = new CycleState();
    p.preFilter(state, pod);

    Pod web = Fixtures.pod("web").namespace("default").label("app", "web").nodeName("na").build();
    Pod elsewhere = Fixtures.pod("db").namespace("other").label("app", "db").nodeName("na").build();
    assertThat(p.preFilterExtensions().addPod(state, pod, web, nodeInfo(zoneA)))
        .isEqualTo(Status.SUCCESS);
    assertThat(p.preFilterExtensions().addPod(state, pod, elsewhere, nodeInfo(zoneA)))
        .isEqualTo(Status.SUCCESS);

    assertThat(p.filter(state, pod, nodeInfo(zoneB))).isEqualTo(Status.SUCCESS);
  }

  @Test
  void scoreCountsThePodsOfThePodsFirstServiceOnTheNode() {
    Pod other = Fixtures.pod("x").namespace("other").label("app", "db").nodeName("na").build();
    Pod web = Fixtures.pod("w").namespace("default").label("app", "web").nodeName("na").build();
    List<Pod> pods = List.of(db("d1", "na"), db("d2", "na"), other, web, db("d3", "nb"));
    ServiceAffinity p = new ServiceAffinity(PluginArgs.NONE, handle(pods));

    assertThat(p.score(new CycleState(), db("p", null), "na")).isEqualTo(2);
    assertThat(p.score(new CycleState(), db("p", null), "nb")).isEqualTo(1);
    // A pod no Service selects has an empty selector: nothing counts.
    assertThat(p.score(new CycleState(), web, "na")).isZero();

    StatusException e =
        catchThrowableOfType(
            StatusException.class, () -> p.score(new CycleState(), db("p", null), new NodeInfo()));
    assertThat(e.status()).isEqualTo(Status.error("node not found"));
  }

  @Test
  void aFilteredNodeMissingFromTheSnapshotFailsOnlyItsOwnSpreadScore() {
    List<Pod> pods = List.of(db("d1", "na"), db("d2", "na"), db("d3", "nb"));
    FrameworkImpl h = handle(pods);
    DefaultPodTopologySpread p = new DefaultPodTopologySpread(h);
    Pod pod = db("p", null);
    Node ghost = Fixtures.node("ghost").build();
    CycleState state = new CycleState();

    assertThat(p.preScore(state, pod, List.of(zoneA, ghost, zoneB))).isEqualTo(Status.SUCCESS);
    assertThat(p.score(state, pod, "na")).isEqualTo(2);
    assertThat(p.score(state, pod, "nb")).isEqualTo(1);
    StatusException e =
        catchThrowableOfType(StatusException.class, () -> p.score(state, pod, "ghost"));
    assertThat(e.status().message()).startsWith("getting node \"ghost\" from Snapshot: ");
  }
}
