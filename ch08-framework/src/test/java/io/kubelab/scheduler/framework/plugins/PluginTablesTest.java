package io.kubelab.scheduler.framework.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.PluginArgs;
import io.kubelab.scheduler.framework.PodInfo;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.framework.StatusException;
import io.kubelab.scheduler.framework.config.ExtensionPoint;
import io.kubelab.scheduler.framework.config.Plugin;
import io.kubelab.scheduler.framework.config.PluginSet;
import io.kubelab.scheduler.framework.config.Plugins;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Upstream's table cases for the plugins (v1.18 {@code framework/plugins/*_test.go}), run against
 * the adapters: the verdicts and scores come from chapters 03 and 04, the codes and messages from
 * the plugins.
 */
class PluginTablesTest {

  private final Parallelizer parallelizer = new Parallelizer("plugin-tables", 1);

  @AfterEach
  void close() {
    parallelizer.close();
  }

  private static NodeInfo nodeInfo(Node node, Pod... pods) {
    NodeInfo ni = new NodeInfo(pods);
    ni.setNode(node);
    return ni;
  }

  private FrameworkImpl handle(List<Node> nodes, List<Pod> pods) {
    Snapshot snapshot = Snapshot.of(pods, nodes);
    return PluginHandles.builder(snapshot, parallelizer).build();
  }

  // ---- TaintToleration: TestTaintTolerationFilter ------------------------------------------

  static Stream<Arguments> taintFilterTable() {
    String no = "node(s) had taint {%s}, that the pod didn't tolerate";
    return Stream.of(
        Arguments.of(
            "no tolerations, NoSchedule taint",
            List.of(),
            List.of(Fixtures.taint("dedicated", "user1", "NoSchedule")),
            Status.unschedulableAndUnresolvable(String.format(no, "dedicated: user1"))),
        Arguments.of(
            "tolerates the dedicated taint",
            List.of(Fixtures.toleration("dedicated", null, "user1", "NoSchedule")),
            List.of(Fixtures.taint("dedicated", "user1", "NoSchedule")),
            Status.SUCCESS),
        Arguments.of(
            "toleration for user2 on a user1 node",
            List.of(Fixtures.toleration("dedicated", "Equal", "user2", "NoSchedule")),
            List.of(Fixtures.taint("dedicated", "user1", "NoSchedule")),
            Status.unschedulableAndUnresolvable(String.format(no, "dedicated: user1"))),
        Arguments.of(
            "Exists tolerates any value",
            List.of(Fixtures.toleration("foo", "Exists", null, "NoSchedule")),
            List.of(Fixtures.taint("foo", "bar", "NoSchedule")),
            Status.SUCCESS),
        Arguments.of(
            "every taint tolerated",
            List.of(
                Fixtures.toleration("dedicated", "Equal", "user2", "NoSchedule"),
                Fixtures.toleration("foo", "Exists", null, "NoSchedule")),
            List.of(
                Fixtures.taint("dedicated", "user2", "NoSchedule"),
                Fixtures.taint("foo", "bar", "NoSchedule")),
            Status.SUCCESS),
        Arguments.of(
            "key and value match, effect does not",
            List.of(Fixtures.toleration("foo", "Equal", "bar", "PreferNoSchedule")),
            List.of(Fixtures.taint("foo", "bar", "NoSchedule")),
            Status.unschedulableAndUnresolvable(String.format(no, "foo: bar"))),
        Arguments.of(
            "an empty toleration effect tolerates every effect",
            List.of(Fixtures.toleration("foo", "Equal", "bar", null)),
            List.of(Fixtures.taint("foo", "bar", "NoSchedule")),
            Status.SUCCESS),
        Arguments.of(
            "PreferNoSchedule taints do not filter",
            List.of(Fixtures.toleration("dedicated", "Equal", "user2", "NoSchedule")),
            List.of(Fixtures.taint("dedicated", "user1", "PreferNoSchedule")),
            Status.SUCCESS),
        Arguments.of(
            "no toleration, PreferNoSchedule taint",
            List.of(),
            List.of(Fixtures.taint("dedicated", "user1", "PreferNoSchedule")),
            Status.SUCCESS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("taintFilterTable")
  void taintTolerationFilter(
      String name,
      List<io.fabric8.kubernetes.api.model.Toleration> tolerations,
      List<io.fabric8.kubernetes.api.model.Taint> taints,
      Status want) {
    Fixtures.PodFixture pf = Fixtures.pod("pod1");
    tolerations.forEach(pf::toleration);
    Fixtures.NodeFixture nf = Fixtures.node("nodeA");
    taints.forEach(t -> nf.taint(t.getKey(), t.getValue(), t.getEffect()));
    TaintToleration p = new TaintToleration(null);

    assertThat(p.filter(new CycleState(), pf.build(), nodeInfo(nf.build()))).isEqualTo(want);
  }

  // ---- TaintToleration: TestTaintTolerationScore -------------------------------------------

  @Test
  void taintTolerationScoreTable() {
    // "the more intolerable taints a node has, the lower score it gets"
    Pod pod = Fixtures.pod("pod1").toleration("foo", "Equal", "bar", "PreferNoSchedule").build();
    List<Node> nodes =
        List.of(
            Fixtures.node("nodeA").build(),
            Fixtures.node("nodeB").taint("cpu-type", "arm64", "PreferNoSchedule").build(),
            Fixtures.node("nodeC")
                .taint("cpu-type", "arm64", "PreferNoSchedule")
                .taint("disk-type", "ssd", "PreferNoSchedule")
                .build());
    assertThat(scores(TaintToleration.NAME, pod, nodes)).containsExactly(100, 50, 0);

    // "only taints and tolerations that have effect PreferNoSchedule are checked"
    Pod noSchedule =
        Fixtures.pod("pod1")
            .toleration("cpu-type", "Equal", "arm64", "NoSchedule")
            .toleration("disk-type", "Equal", "ssd", "NoSchedule")
            .build();
    List<Node> mixed =
        List.of(
            Fixtures.node("nodeA").build(),
            Fixtures.node("nodeB").taint("cpu-type", "arm64", "NoSchedule").build(),
            Fixtures.node("nodeC")
                .taint("cpu-type", "arm64", "PreferNoSchedule")
                .taint("disk-type", "ssd", "PreferNoSchedule")
                .build());
    assertThat(scores(TaintToleration.NAME, noSchedule, mixed)).containsExactly(100, 100, 0);

    // "node with taints tolerated by the pod gets a higher score"
    List<Node> two =
        List.of(
            Fixtures.node("nodeA").taint("foo", "bar", "PreferNoSchedule").build(),
            Fixtures.node("nodeB").taint("foo", "blah", "PreferNoSchedule").build());
    assertThat(scores(TaintToleration.NAME, pod, two)).containsExactly(100, 0);
  }

  /** PreScore, Score on every node, NormalizeScore: upstream's test loop. */
  private long[] scores(String plugin, Pod pod, List<Node> nodes) {
    FrameworkImpl h = handle(nodes, List.of());
    var p =
        (io.kubelab.scheduler.framework.ScorePlugin)
            InTreeRegistry.create().factory(plugin).create(PluginArgs.NONE, h);
    CycleState state = new CycleState();
    if (p instanceof io.kubelab.scheduler.framework.PreScorePlugin ps) {
      assertThat(ps.preScore(state, pod, nodes)).isEqualTo(Status.SUCCESS);
    }
    List<String> names = new ArrayList<>();
    nodes.forEach(n -> names.add(n.getMetadata().getName()));
    NodeScoreList list = new NodeScoreList(names);
    for (int i = 0; i < nodes.size(); i++) {
      list.setScore(i, p.score(state, pod, names.get(i)));
    }
    if (p.scoreExtensions() != null) {
      assertThat(p.scoreExtensions().normalizeScore(state, pod, list)).isEqualTo(Status.SUCCESS);
    }
    return list.scores();
  }

  // ---- NodeUnschedulable: TestNodeUnschedulable ---------------------------------------------

  @Test
  void nodeUnschedulableTable() {
    NodeUnschedulable p = new NodeUnschedulable();
    Pod plain = Fixtures.pod("pod1").build();
    Pod tolerant =
        Fixtures.pod("pod1")
            .toleration("node.kubernetes.io/unschedulable", "Exists", null, "NoSchedule")
            .build();
    Node cordoned = Fixtures.node("n").unschedulable().build();
    Node open = Fixtures.node("n").build();

    assertThat(p.filter(null, plain, nodeInfo(open))).isEqualTo(Status.SUCCESS);
    assertThat(p.filter(null, plain, nodeInfo(cordoned)))
        .isEqualTo(Status.unschedulableAndUnresolvable("node(s) were unschedulable"));
    assertThat(p.filter(null, tolerant, nodeInfo(cordoned))).isEqualTo(Status.SUCCESS);
    assertThat(p.filter(null, plain, new NodeInfo()))
        .isEqualTo(Status.unschedulableAndUnresolvable("node(s) had unknown conditions"));
  }

  // ---- NodeName: TestNodeName ---------------------------------------------------------------

  @Test
  void nodeNameTable() {
    NodeName p = new NodeName();
    Node foo = Fixtures.node("foo").build();

    assertThat(p.filter(null, Fixtures.pod("p").build(), nodeInfo(foo))).isEqualTo(Status.SUCCESS);
    assertThat(p.filter(null, Fixtures.pod("p").nodeName("foo").build(), nodeInfo(foo)))
        .isEqualTo(Status.SUCCESS);
    assertThat(p.filter(null, Fixtures.pod("p").nodeName("bar").build(), nodeInfo(foo)))
        .isEqualTo(
            Status.unschedulableAndUnresolvable("node(s) didn't match the requested hostname"));
  }

  // ---- NodePorts: TestNodePorts (a selection) -----------------------------------------------

  @Test
  void nodePortsTable() {
    NodePorts p = new NodePorts();
    Status conflict =
        Status.unschedulable("node(s) didn't have free ports for the requested pod ports");
    Node n = Fixtures.node("n").build();
    Pod existing = Fixtures.pod("e").hostPort(8080, "TCP", "127.0.0.1").nodeName("n").build();
    Object[][] table = {
      {Fixtures.pod("p").build(), Status.SUCCESS},
      {Fixtures.pod("p").hostPort(8080, "UDP", "127.0.0.1").build(), Status.SUCCESS},
      {Fixtures.pod("p").hostPort(8080, "TCP", "127.0.0.1").build(), conflict},
      {Fixtures.pod("p").hostPort(8080, "TCP", "127.0.0.2").build(), Status.SUCCESS},
      {Fixtures.pod("p").hostPort(8080, "TCP", "0.0.0.0").build(), conflict},
    };
    for (Object[] row : table) {
      Pod pod = (Pod) row[0];
      CycleState state = new CycleState();
      assertThat(p.preFilter(state, pod)).isEqualTo(Status.SUCCESS);
      assertThat(p.filter(state, pod, nodeInfo(n, existing)))
          .as(pod.getSpec().getContainers().toString())
          .isEqualTo(row[1]);
    }
  }

  @Test
  void aFilterWhosePreFilterDidNotRunIsAnError() {
    // The plugin throws its status; the framework turns it into the node's Error.
    StatusException e =
        catchThrowableOfType(
            StatusException.class,
            () ->
                new NodePorts()
                    .filter(
                        new CycleState(),
                        Fixtures.pod("p").build(),
                        nodeInfo(Fixtures.node("n").build())));
    assertThat(e.status())
        .isEqualTo(Status.error("error reading \"PreFilterNodePorts\" from cycleState: not found"));
  }

  // ---- NodeResourcesFit: TestEnoughRequests (a selection) ----------------------------------

  @Test
  void nodeResourcesFitGivesOneReasonPerShortResource() {
    NodeResourcesFit p = new NodeResourcesFit(PluginArgs.NONE);
    Node n = Fixtures.node("n").allocatable("10m", "20").pods(32).build();
    Pod used = Fixtures.pod("u").requests("5m", "19").nodeName("n").build();
    Object[][] table = {
      {Fixtures.pod("p").build(), List.of()},
      {Fixtures.pod("p").requests("1m", "1").build(), List.of()},
      {Fixtures.pod("p").requests("8m", "1").build(), List.of("Insufficient cpu")},
      {Fixtures.pod("p").requests("1m", "2").build(), List.of("Insufficient memory")},
      {
        Fixtures.pod("p").requests("6m", "2").build(),
        List.of("Insufficient cpu", "Insufficient memory")
      },
    };
    for (Object[] row : table) {
      Pod pod = (Pod) row[0];
      CycleState state = new CycleState();
      p.preFilter(state, pod);
      Status s = p.filter(state, pod, nodeInfo(n, used));
      @SuppressWarnings("unchecked")
      List<String> want = (List<String>) row[1];
      assertThat(s)
          .isEqualTo(
              want.isEmpty()
                  ? Status.SUCCESS
                  : Status.of(io.kubelab.scheduler.framework.Code.UNSCHEDULABLE, want));
    }
  }

  // ---- PrioritySort: TestLess -----------------------------------------------------------------

  @Test
  void prioritySortTable() {
    PrioritySort p = new PrioritySort();
    Instant t1 = Instant.parse("2020-01-01T00:00:00Z");
    Instant t2 = t1.plusSeconds(1);
    PodInfo high = PodInfo.of(Fixtures.pod("a").priority(100).build(), t2);
    PodInfo low = PodInfo.of(Fixtures.pod("b").priority(50).build(), t1);
    PodInfo sameEarly = PodInfo.of(Fixtures.pod("c").priority(100).build(), t1);

    assertThat(p.less(high, low)).as("p1.prio greater than p2.prio").isTrue();
    assertThat(p.less(low, high)).as("p1.prio less than p2.prio").isFalse();
    assertThat(p.less(sameEarly, high)).as("equal prio, p1 is added earlier").isTrue();
    assertThat(p.less(high, sameEarly)).as("equal prio, p2 is added earlier").isFalse();
  }

  // ---- DefaultBinder: TestDefaultBinder -----------------------------------------------------

  @Test
  void defaultBinderPostsTheBindingAndReportsFailures() {
    List<Binding> posted = new ArrayList<>();
    Pod pod = Fixtures.pod("foo").namespace("ns").uid("foo").build();
    FrameworkImpl ok =
        FrameworkImpl.builder(InTreeRegistry.create())
            .plugins(
                Plugins.empty()
                    .with(
                        ExtensionPoint.QUEUE_SORT, PluginSet.enabled(Plugin.of(PrioritySort.NAME)))
                    .with(ExtensionPoint.BIND, PluginSet.enabled(Plugin.of(DefaultBinder.NAME))))
            .clock(new FakeClock())
            .parallelizer(parallelizer)
            .component(PodBinder.class, posted::add)
            .build();

    assertThat(ok.runBindPlugins(new CycleState(), pod, "foohost")).isEqualTo(Status.SUCCESS);
    assertThat(posted).hasSize(1);
    Binding b = posted.get(0);
    assertThat(b.getMetadata().getName()).isEqualTo("foo");
    assertThat(b.getMetadata().getNamespace()).isEqualTo("ns");
    assertThat(b.getMetadata().getUid()).isEqualTo("foo");
    assertThat(b.getTarget().getKind()).isEqualTo("Node");
    assertThat(b.getTarget().getName()).isEqualTo("foohost");

    DefaultBinder failing =
        new DefaultBinder(
            FrameworkImpl.builder(InTreeRegistry.create())
                .plugins(
                    Plugins.empty()
                        .with(
                            ExtensionPoint.QUEUE_SORT,
                            PluginSet.enabled(Plugin.of(PrioritySort.NAME)))
                        .with(
                            ExtensionPoint.BIND, PluginSet.enabled(Plugin.of(DefaultBinder.NAME))))
                .clock(new FakeClock())
                .parallelizer(parallelizer)
                .component(
                    PodBinder.class,
                    x -> {
                      throw new IllegalStateException("binding rejected");
                    })
                .build());
    assertThat(failing.bind(new CycleState(), pod, "foohost"))
        .isEqualTo(Status.error("binding rejected"));
  }

  // ---- InterPodAffinity: the code depends on the reason --------------------------------------

  @Test
  void ownAffinityUnmetIsUnresolvableButAntiAffinityIsNot() {
    Node n = Fixtures.node("n").zone("z1").build();
    Pod existing = Fixtures.pod("db").labels("app", "db").nodeName("n").build();
    Pod wantsCache =
        Fixtures.pod("p")
            .requiredPodAffinity(
                Fixtures.affinityTerm(Fixtures.LABEL_ZONE, Fixtures.matchLabels("app", "cache")))
            .build();
    Pod avoidsDb =
        Fixtures.pod("p")
            .requiredPodAntiAffinity(
                Fixtures.affinityTerm(Fixtures.LABEL_ZONE, Fixtures.matchLabels("app", "db")))
            .build();
    FrameworkImpl h = handle(List.of(n), List.of(existing));
    InterPodAffinity p = new InterPodAffinity(PluginArgs.NONE, h);

    CycleState s1 = new CycleState();
    p.preFilter(s1, wantsCache);
    assertThat(p.filter(s1, wantsCache, h.snapshotSharedLister().get("n")))
        .isEqualTo(
            Status.unschedulableAndUnresolvable(
                "node(s) didn't match pod affinity/anti-affinity",
                "node(s) didn't match pod affinity rules"));
    CycleState s2 = new CycleState();
    p.preFilter(s2, avoidsDb);
    assertThat(p.filter(s2, avoidsDb, h.snapshotSharedLister().get("n")))
        .isEqualTo(
            Status.unschedulable(
                "node(s) didn't match pod affinity/anti-affinity",
                "node(s) didn't match pod anti-affinity rules"));

    // RemovePod through the extension: without the db pod the anti-affinity is met.
    CycleState s3 = s2.clone();
    NodeInfo without = h.snapshotSharedLister().get("n").clone();
    without.removePod(existing);
    assertThat(p.preFilterExtensions().removePod(s3, avoidsDb, existing, without))
        .isEqualTo(Status.SUCCESS);
    assertThat(p.filter(s3, avoidsDb, without)).isEqualTo(Status.SUCCESS);
    // The original state is untouched by the clone's update.
    assertThat(p.filter(s2, avoidsDb, h.snapshotSharedLister().get("n")).isSuccess()).isFalse();
  }
}
