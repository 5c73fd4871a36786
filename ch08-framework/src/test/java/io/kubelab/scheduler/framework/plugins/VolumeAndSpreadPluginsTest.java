package io.kubelab.scheduler.framework.plugins;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.PluginArgs;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.predicates.PredicateSettings;
import io.kubelab.scheduler.predicates.VolumeListers;
import io.kubelab.scheduler.spread.InMemoryListers;
import io.kubelab.scheduler.spread.SpreadListers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The plugins v1.18 added over chapters 03 and 05's rules: the cloud volume limits, VolumeBinding,
 * VolumeZone, DefaultPodTopologySpread, ServiceAffinity and PodTopologySpread's scoring, with
 * upstream's table cases ({@code framework/plugins/*}{@code _test.go}, v1.18) where it has them.
 */
class VolumeAndSpreadPluginsTest {

  private final Parallelizer parallelizer = new Parallelizer("v118-plugins", 1);

  @AfterEach
  void close() {
    parallelizer.close();
  }

  private FrameworkImpl handle(List<Node> nodes, List<Pod> pods, Map<Class<?>, Object> components) {
    FrameworkImpl.Builder b = PluginHandles.builder(Snapshot.of(pods, nodes), parallelizer);
    components.forEach((type, c) -> component(b, type, c));
    return b.build();
  }

  @SuppressWarnings("unchecked")
  private static <T> void component(FrameworkImpl.Builder b, Class<T> type, Object c) {
    b.component(type, (T) c);
  }

  private static NodeInfo nodeInfo(Node node, Pod... pods) {
    NodeInfo ni = new NodeInfo(pods);
    ni.setNode(node);
    return ni;
  }

  private static Pod on(String nodeName, Pod p) {
    return new PodBuilder(p).editSpec().withNodeName(nodeName).endSpec().build();
  }

  /** PreScore, Score on every candidate, NormalizeScore: what the framework runs. */
  private static NodeScoreList scores(
      FrameworkImpl h,
      Function<FrameworkImpl, ? extends io.kubelab.scheduler.framework.ScorePlugin> make,
      Pod pod,
      List<Node> candidates) {
    var plugin = make.apply(h);
    CycleState state = new CycleState();
    if (plugin instanceof io.kubelab.scheduler.framework.PreScorePlugin pre) {
      assertThat(pre.preScore(state, pod, candidates)).isEqualTo(Status.SUCCESS);
    }
    NodeScoreList list =
        new NodeScoreList(candidates.stream().map(n -> n.getMetadata().getName()).toList());
    for (int i = 0; i < candidates.size(); i++) {
      list.setScore(i, plugin.score(state, pod, list.name(i)));
    }
    assertThat(plugin.scoreExtensions().normalizeScore(state, pod, list)).isEqualTo(Status.SUCCESS);
    return list;
  }

  private static Map<String, Long> asMap(NodeScoreList l) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < l.size(); i++) {
      m.put(l.name(i), l.score(i));
    }
    return m;
  }

  // ---- PodTopologySpread scoring: TestPodTopologySpreadScore -----------------------------------

  private static Pod fooPod(String name, String nodeName, String... labels) {
    return on(nodeName, pod(name).labels(labels).build());
  }

  private static Node labelled(String name, String... labels) {
    return node(name).withoutLabel(Fixtures.LABEL_HOSTNAME).labels(labels).build();
  }

  private static Pod softSpread(String... keysAndSelectorKeys) {
    Fixtures.PodFixture f = pod("p").label("foo", "");
    for (int i = 0; i < keysAndSelectorKeys.length; i += 2) {
      f.spreadConstraint(
          1,
          keysAndSelectorKeys[i],
          "ScheduleAnyway",
          Fixtures.matchExpressions(Fixtures.labelExpr(keysAndSelectorKeys[i + 1], "Exists")));
    }
    return f.build();
  }

  static Stream<Arguments> podTopologySpreadScoreTable() {
    Node a = labelled("node-a", "node", "node-a");
    Node b = labelled("node-b", "node", "node-b");
    Node c = labelled("node-c", "node", "node-c");
    Node d = labelled("node-d", "node", "node-d");
    Node x = labelled("node-x", "node", "node-x");
    Node y = labelled("node-y", "node", "node-y");
    Node za = labelled("node-a", "zone", "zone1", "node", "node-a");
    Node zb = labelled("node-b", "zone", "zone1", "node", "node-b");
    Node zx = labelled("node-x", "zone", "zone2", "node", "node-x");
    Node zy = labelled("node-y", "zone", "zone2", "node", "node-y");
    List<Pod> fourTwoOneThree =
        List.of(
            fooPod("p-a1", "node-a", "foo", ""),
            fooPod("p-a2", "node-a", "foo", ""),
            fooPod("p-a3", "node-a", "foo", ""),
            fooPod("p-a4", "node-a", "foo", ""),
            fooPod("p-b1", "node-b", "foo", ""),
            fooPod("p-b2", "node-b", "foo", ""),
            fooPod("p-x1", "node-x", "foo", ""),
            fooPod("p-y1", "node-y", "foo", ""),
            fooPod("p-y2", "node-y", "foo", ""),
            fooPod("p-y3", "node-y", "foo", ""));
    return Stream.of(
        Arguments.of(
            "one constraint on node, no existing pods",
            softSpread("node", "foo"),
            List.of(),
            List.of(a, b),
            List.of(),
            Map.of("node-a", 100L, "node-b", 100L)),
        Arguments.of(
            "one constraint on node, only one node is candidate",
            softSpread("node", "foo"),
            List.of(
                fooPod("p-a1", "node-a", "foo", ""),
                fooPod("p-a2", "node-a", "foo", ""),
                fooPod("p-b1", "node-b", "foo", "")),
            List.of(a),
            List.of(b),
            Map.of("node-a", 100L)),
        Arguments.of(
            "one constraint on node, all nodes have the same number of matching pods",
            softSpread("node", "foo"),
            List.of(fooPod("p-a1", "node-a", "foo", ""), fooPod("p-b1", "node-b", "foo", "")),
            List.of(a, b),
            List.of(),
            Map.of("node-a", 100L, "node-b", 100L)),
        Arguments.of(
            "one constraint on node, all 4 nodes are candidates",
            softSpread("node", "foo"),
            List.of(
                fooPod("p-a1", "node-a", "foo", ""),
                fooPod("p-a2", "node-a", "foo", ""),
                fooPod("p-b1", "node-b", "foo", ""),
                fooPod("p-d1", "node-d", "foo", ""),
                fooPod("p-d2", "node-d", "foo", ""),
                fooPod("p-d3", "node-d", "foo", "")),
            List.of(a, b, c, d),
            List.of(),
            Map.of("node-a", 66L, "node-b", 83L, "node-c", 100L, "node-d", 50L)),
        Arguments.of(
            "one constraint on node, 3 out of 4 nodes are candidates",
            softSpread("node", "foo"),
            fourTwoOneThree,
            List.of(a, b, x),
            List.of(y),
            Map.of("node-a", 50L, "node-b", 83L, "node-x", 100L)),
        Arguments.of(
            "one constraint on node, 3 out of 4 nodes are candidates, one without the key",
            softSpread("node", "foo"),
            fourTwoOneThree,
            List.of(a, labelled("node-b", "n", "node-b"), x),
            List.of(y),
            Map.of("node-a", 25L, "node-b", 0L, "node-x", 100L)),
        Arguments.of(
            "one constraint on zone, 3 out of 4 nodes are candidates",
            softSpread("zone", "foo"),
            fourTwoOneThree,
            List.of(za, zb, zx),
            List.of(zy),
            Map.of("node-a", 83L, "node-b", 83L, "node-x", 100L)),
        Arguments.of(
            "two constraints on zone and node, 2 out of 4 nodes are candidates",
            softSpread("zone", "foo", "node", "foo"),
            List.of(
                fooPod("p-a1", "node-a", "foo", ""),
                fooPod("p-a2", "node-a", "foo", ""),
                fooPod("p-b1", "node-b", "foo", ""),
                fooPod("p-x1", "node-x", "foo", ""),
                fooPod("p-x2", "node-x", "foo", ""),
                fooPod("p-y1", "node-y", "foo", ""),
                fooPod("p-y2", "node-y", "foo", ""),
                fooPod("p-y3", "node-y", "foo", ""),
                fooPod("p-y4", "node-y", "foo", "")),
            List.of(za, zx),
            List.of(zb, zy),
            Map.of("node-a", 100L, "node-x", 62L)),
        Arguments.of(
            "two constraints on zone and node, with different labelSelectors",
            softSpread("zone", "foo", "node", "bar"),
            List.of(
                fooPod("p-a1", "node-a", "foo", ""),
                fooPod("p-b1", "node-b", "foo", "", "bar", ""),
                fooPod("p-y1", "node-y", "foo", ""),
                fooPod("p-y2", "node-y", "bar", "")),
            List.of(za, zb, zx, zy),
            List.of(),
            Map.of("node-a", 85L, "node-b", 71L, "node-x", 100L, "node-y", 85L)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("podTopologySpreadScoreTable")
  void podTopologySpreadScore(
      String name,
      Pod pod,
      List<Pod> existing,
      List<Node> candidates,
      List<Node> failed,
      Map<String, Long> want) {
    List<Node> all = new ArrayList<>(candidates);
    all.addAll(failed);
    FrameworkImpl h = handle(all, existing, Map.of());

    assertThat(asMap(scores(h, PodTopologySpread::new, pod, candidates)))
        .containsExactlyInAnyOrderEntriesOf(want);
  }

  @Test
  void podTopologySpreadCountsOnlyLivePodsOfThePodsNamespace() {
    // v1.18 (#87621): a terminating pod, and pods of other namespaces, are not counted.
    Pod terminating =
        new PodBuilder(fooPod("p-a1", "node-a", "foo", ""))
            .editMetadata()
            .withDeletionTimestamp(Instant.EPOCH.toString())
            .endMetadata()
            .build();
    Pod otherNamespace = on("node-a", pod("p-a2").namespace("prod").label("foo", "").build());
    Pod counted = fooPod("p-b1", "node-b", "foo", "");
    List<Node> nodes =
        List.of(labelled("node-a", "node", "node-a"), labelled("node-b", "node", "node-b"));
    FrameworkImpl h = handle(nodes, List.of(terminating, otherNamespace, counted), Map.of());

    // Counts 0/1, total 1, min 0: node-a 100 × 1/1, node-b 100 × 0/1.
    assertThat(asMap(scores(h, PodTopologySpread::new, softSpread("node", "foo"), nodes)))
        .containsExactlyInAnyOrderEntriesOf(Map.of("node-a", 100L, "node-b", 0L));
  }

  @Test
  void aPodWithoutSoftConstraintsScoresZeroEverywhere() {
    List<Node> nodes =
        List.of(labelled("node-a", "node", "node-a"), labelled("node-b", "node", "node-b"));
    FrameworkImpl h = handle(nodes, List.of(fooPod("p-a1", "node-a", "foo", "")), Map.of());

    assertThat(asMap(scores(h, PodTopologySpread::new, pod("p").label("foo", "").build(), nodes)))
        .containsExactlyInAnyOrderEntriesOf(Map.of("node-a", 0L, "node-b", 0L));
  }

  // ---- DefaultPodTopologySpread: TestDefaultPodTopologySpreadScore ----------------------------

  private static final Map<String, String> LABELS1 = Map.of("foo", "bar", "baz", "blah");
  private static final Map<String, String> LABELS2 = Map.of("bar", "foo", "baz", "blah");

  private static Service service(String namespace, Map<String, String> selector) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName("s-" + Math.abs(selector.hashCode()))
        .endMetadata()
        .withNewSpec()
        .withSelector(selector)
        .endSpec()
        .build();
  }

  private static SpreadListers services(Service... services) {
    InMemoryListers l = new InMemoryListers();
    for (Service s : services) {
      l.add(s);
    }
    return l.spreadListers();
  }

  private static Pod labelled(String name, String nodeName, Map<String, String> labels) {
    return on(nodeName, pod(name).labels(labels).build());
  }

  static Stream<Arguments> defaultPodTopologySpreadTable() {
    return Stream.of(
        Arguments.of(
            "nothing scheduled",
            List.<Pod>of(),
            List.<Service>of(),
            Map.of("machine1", 100L, "machine2", 100L)),
        Arguments.of(
            "no services",
            List.of(labelled("e1", "machine1", LABELS1)),
            List.<Service>of(),
            Map.of("machine1", 100L, "machine2", 100L)),
        Arguments.of(
            "different services",
            List.of(labelled("e1", "machine1", LABELS2)),
            List.of(service("default", Map.of("key", "value"))),
            Map.of("machine1", 100L, "machine2", 100L)),
        Arguments.of(
            "two pods, one service pod",
            List.of(labelled("e1", "machine1", LABELS2), labelled("e2", "machine2", LABELS1)),
            List.of(service("default", LABELS1)),
            Map.of("machine1", 100L, "machine2", 0L)),
        Arguments.of(
            "three pods, two service pods on different machines",
            List.of(
                labelled("e1", "machine1", LABELS2),
                labelled("e2", "machine1", LABELS1),
                labelled("e3", "machine2", LABELS1)),
            List.of(service("default", LABELS1)),
            Map.of("machine1", 0L, "machine2", 0L)),
        Arguments.of(
            "four pods, three service pods",
            List.of(
                labelled("e1", "machine1", LABELS2),
                labelled("e2", "machine1", LABELS1),
                labelled("e3", "machine2", LABELS1),
                labelled("e4", "machine2", LABELS1)),
            List.of(service("default", LABELS1)),
            Map.of("machine1", 50L, "machine2", 0L)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("defaultPodTopologySpreadTable")
  void defaultPodTopologySpreadScore(
      String name, List<Pod> existing, List<Service> svcs, Map<String, Long> want) {
    List<Node> nodes = List.of(labelled("machine1"), labelled("machine2"));
    FrameworkImpl h =
        handle(
            nodes, existing, Map.of(SpreadListers.class, services(svcs.toArray(Service[]::new))));

    assertThat(
            asMap(
                scores(h, DefaultPodTopologySpread::new, pod("p").labels(LABELS1).build(), nodes)))
        .containsExactlyInAnyOrderEntriesOf(want);
  }

  @Test
  void defaultPodTopologySpreadGivesTwoThirdsOfAZonedNodesScoreToItsZone() {
    // One matching pod on m1 (zone-a). Node counts 1/0/0: node scores 0, 100, 100. Zone counts
    // zone-a 1, zone-b 0: zone scores 0 and 100. m1 = 0; m2 = 100/3 + 2/3 × 0 = 33; m3 = 100.
    List<Node> nodes =
        List.of(
            node("m1").zone("zone-a").build(),
            node("m2").zone("zone-a").build(),
            node("m3").zone("zone-b").build());
    FrameworkImpl h =
        handle(
            nodes,
            List.of(labelled("e1", "m1", LABELS1)),
            Map.of(SpreadListers.class, services(service("default", LABELS1))));

    assertThat(
            asMap(
                scores(h, DefaultPodTopologySpread::new, pod("p").labels(LABELS1).build(), nodes)))
        .containsExactlyInAnyOrderEntriesOf(Map.of("m1", 0L, "m2", 33L, "m3", 100L));
  }

  // ---- ServiceAffinity: TestServiceAffinity, TestServiceAffinityScore ---------------------------

  private static final String[] R1Z11 = {"region", "r1", "zone", "z11"};
  private static final String[] R1Z12 = {"region", "r1", "zone", "z12"};
  private static final String[] R2Z21 = {"region", "r2", "zone", "z21"};
  private static final String[] R2Z22 = {"region", "r2", "zone", "z22"};

  private static List<Node> serviceAffinityNodes() {
    return List.of(
        labelled("machine1", R1Z11),
        labelled("machine2", R1Z12),
        labelled("machine3", R2Z21),
        labelled("machine4", R2Z22),
        labelled("machine5", R2Z22));
  }

  private static PluginArgs args(String json) {
    return PluginArgs.of(JsonMapper.builder().build().readTree(json), "test");
  }

  private static Pod fooBar(String name, String namespace, String nodeName) {
    return on(nodeName, pod(name).namespace(namespace).label("foo", "bar").build());
  }

  static Stream<Arguments> serviceAffinityTable() {
    Pod plain = pod("p").build();
    Pod selected = pod("p").label("foo", "bar").build();
    Pod selectedNs1 = pod("p").namespace("ns1").label("foo", "bar").build();
    Service svc = service("default", Map.of("foo", "bar"));
    return Stream.of(
        Arguments.of("nothing scheduled", plain, List.of(), List.of(), "machine1", "region", true),
        Arguments.of(
            "pod with region label match",
            pod("p").nodeSelector("region", "r1").build(),
            List.of(),
            List.of(),
            "machine1",
            "region",
            true),
        Arguments.of(
            "pod with region label mismatch",
            pod("p").nodeSelector("region", "r2").build(),
            List.of(),
            List.of(),
            "machine1",
            "region",
            false),
        Arguments.of(
            "service pod on same node",
            selected,
            List.of(fooBar("e", "default", "machine1")),
            List.of(svc),
            "machine1",
            "region",
            true),
        Arguments.of(
            "service pod on different node, region match",
            selected,
            List.of(fooBar("e", "default", "machine2")),
            List.of(svc),
            "machine1",
            "region",
            true),
        Arguments.of(
            "service pod on different node, region mismatch",
            selected,
            List.of(fooBar("e", "default", "machine3")),
            List.of(svc),
            "machine1",
            "region",
            false),
        Arguments.of(
            "service in different namespace, region mismatch",
            selectedNs1,
            List.of(fooBar("e", "ns1", "machine3")),
            List.of(service("ns2", Map.of("foo", "bar"))),
            "machine1",
            "region",
            true),
        Arguments.of(
            "pod in different namespace, region mismatch",
            selectedNs1,
            List.of(fooBar("e", "ns2", "machine3")),
            List.of(service("ns1", Map.of("foo", "bar"))),
            "machine1",
            "region",
            true),
        Arguments.of(
            "service and pod in same namespace, region mismatch",
            selectedNs1,
            List.of(fooBar("e", "ns1", "machine3")),
            List.of(service("ns1", Map.of("foo", "bar"))),
            "machine1",
            "region",
            false),
        Arguments.of(
            "service pod on different node, multiple labels, not all match",
            selected,
            List.of(fooBar("e", "default", "machine2")),
            List.of(svc),
            "machine1",
            "region\",\"zone",
            false),
        Arguments.of(
            "service pod on different node, multiple labels, all match",
            selected,
            List.of(fooBar("e", "default", "machine5")),
            List.of(svc),
            "machine4",
            "region\",\"zone",
            true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("serviceAffinityTable")
  void serviceAffinityFilter(
      String name,
      Pod pod,
      List<Pod> existing,
      List<Service> svcs,
      String nodeName,
      String labels,
      boolean fits) {
    List<Node> nodes = serviceAffinityNodes();
    FrameworkImpl h =
        handle(
            nodes, existing, Map.of(SpreadListers.class, services(svcs.toArray(Service[]::new))));
    ServiceAffinity p = new ServiceAffinity(args("{\"labels\": [\"" + labels + "\"]}"), h);
    CycleState state = new CycleState();
    assertThat(p.preFilter(state, pod)).isEqualTo(Status.SUCCESS);
    Node node =
        nodes.stream().filter(n -> n.getMetadata().getName().equals(nodeName)).findFirst().get();
    Pod[] onNode =
        existing.stream()
            .filter(e -> nodeName.equals(e.getSpec().getNodeName()))
            .toArray(Pod[]::new);

    assertThat(p.filter(state, pod, nodeInfo(node, onNode)))
        .isEqualTo(
            fits ? Status.SUCCESS : Status.unschedulable("node(s) didn't match service affinity"));
  }

  @Test
  void serviceAffinityPreFilterExtensionsAddAndRemoveMatchingPods() {
    List<Node> nodes = serviceAffinityNodes();
    Pod elsewhere = fooBar("e", "default", "machine3");
    FrameworkImpl h =
        handle(
            nodes,
            List.of(),
            Map.of(SpreadListers.class, services(service("default", Map.of("foo", "bar")))));
    ServiceAffinity p = new ServiceAffinity(args("{\"labels\": [\"region\"]}"), h);
    Pod pod = pod("p").label("foo", "bar").build();
    CycleState state = new CycleState();
    p.preFilter(state, pod);
    NodeInfo machine1 = nodeInfo(nodes.get(0));
    assertThat(p.filter(state, pod, machine1)).isEqualTo(Status.SUCCESS);

    // A nominated service pod in region r2 now pins the Service there...
    p.preFilterExtensions().addPod(state, pod, elsewhere, nodeInfo(nodes.get(2)));
    assertThat(p.filter(state, pod, machine1))
        .isEqualTo(Status.unschedulable("node(s) didn't match service affinity"));
    // ...and evicting it frees it again; a pod of another namespace changes nothing.
    p.preFilterExtensions()
        .addPod(state, pod, fooBar("o", "other", "machine3"), nodeInfo(nodes.get(2)));
    p.preFilterExtensions().removePod(state, pod, elsewhere, nodeInfo(nodes.get(2)));
    assertThat(p.filter(state, pod, machine1)).isEqualTo(Status.SUCCESS);
  }

  @Test
  void serviceAffinityExtensionsMatchByNamespaceLabelsAndName() {
    List<Node> nodes = serviceAffinityNodes();
    FrameworkImpl h =
        handle(
            nodes,
            List.of(),
            Map.of(SpreadListers.class, services(service("default", Map.of("foo", "bar")))));
    ServiceAffinity p = new ServiceAffinity(args("{\"labels\": [\"region\"]}"), h);
    Pod pod = pod("p").label("foo", "bar").build();
    NodeInfo machine1 = nodeInfo(nodes.get(0));
    NodeInfo machine3 = nodeInfo(nodes.get(2));
    Status mismatch = Status.unschedulable("node(s) didn't match service affinity");
    CycleState state = new CycleState();
    p.preFilter(state, pod);

    // Not matching the pod's labels: not added.
    p.preFilterExtensions()
        .addPod(state, pod, on("machine3", pod("x").label("foo", "baz").build()), machine3);
    assertThat(p.filter(state, pod, machine1)).isEqualTo(Status.SUCCESS);
    // Matching: added, and returned as a success.
    assertThat(
            p.preFilterExtensions()
                .addPod(state, pod, fooBar("e", "default", "machine3"), machine3))
        .isEqualTo(Status.SUCCESS);
    assertThat(p.filter(state, pod, machine1)).isEqualTo(mismatch);
    // A pod of the same name in another namespace is not the one to remove.
    assertThat(
            p.preFilterExtensions()
                .removePod(state, pod, fooBar("e", "other", "machine3"), machine3))
        .isEqualTo(Status.SUCCESS);
    assertThat(p.filter(state, pod, machine1)).isEqualTo(mismatch);
    // Nor is another pod of the same namespace.
    p.preFilterExtensions().removePod(state, pod, fooBar("f", "default", "machine3"), machine3);
    assertThat(p.filter(state, pod, machine1)).isEqualTo(mismatch);
    p.preFilterExtensions().removePod(state, pod, fooBar("e", "default", "machine3"), machine3);
    assertThat(p.filter(state, pod, machine1)).isEqualTo(Status.SUCCESS);
  }

  @Test
  void serviceAffinityFilterAndScoreNeedANode() {
    FrameworkImpl h = handle(serviceAffinityNodes(), List.of(), Map.of());
    ServiceAffinity p = new ServiceAffinity(args("{\"labels\": [\"region\"]}"), h);
    Pod pod = pod("p").build();
    CycleState state = new CycleState();
    p.preFilter(state, pod);

    assertThat(p.filter(state, pod, new NodeInfo())).isEqualTo(Status.error("node not found"));
  }

  @Test
  void serviceAffinityWithoutAntiAffinityLabelsScoresZeroEvenWhereServicePodsRun() {
    List<Node> nodes = List.of(labelled("m1", "zone", "z1"), labelled("m2", "zone", "z2"));
    FrameworkImpl h =
        handle(
            nodes,
            List.of(fooBar("e1", "default", "m1")),
            Map.of(SpreadListers.class, services(service("default", Map.of("foo", "bar")))));
    ServiceAffinity p = new ServiceAffinity(args("{\"labels\": [\"zone\"]}"), h);

    assertThat(asMap(scores(h, x -> p, pod("p").label("foo", "bar").build(), nodes)))
        .containsExactlyInAnyOrderEntriesOf(Map.of("m1", 0L, "m2", 0L));
  }

  @Test
  void volumeZoneLooksAtTheNodeOnlyForAPodWithVolumes() {
    VolumeZone p = new VolumeZone(handle(List.of(), List.of(), Map.of(VolumeListers.class, ZONED)));

    assertThat(p.filter(new CycleState(), pod("p").build(), new NodeInfo()))
        .isEqualTo(Status.SUCCESS);
    assertThat(p.filter(new CycleState(), zonedPod("PVC_1"), new NodeInfo()))
        .isEqualTo(Status.error("node not found"));
  }

  @Test
  void eachPluginKeepsItsOwnCountsAndTheExtensionsChangeOnlyTheClonedState() {
    Pod existing = on("n1", pod("e").label("app", "web").build());
    List<Node> nodes =
        List.of(node("n1").zone("zone-a").build(), node("n2").zone("zone-b").build());
    FrameworkImpl h = handle(nodes, List.of(existing), Map.of());
    Pod pod =
        pod("p")
            .label("app", "web")
            .spreadConstraint(
                1, Fixtures.LABEL_ZONE, "DoNotSchedule", Fixtures.matchLabels("app", "web"))
            .requiredPodAntiAffinity(
                Fixtures.affinityTerm(Fixtures.LABEL_ZONE, Fixtures.matchLabels("app", "web")))
            .build();
    CycleState state = new CycleState();
    InterPodAffinity affinity = new InterPodAffinity(PluginArgs.NONE, h);
    PodTopologySpread spread = new PodTopologySpread(h);
    affinity.preFilter(state, pod);
    spread.preFilter(state, pod);
    Status antiAffinityFails =
        Status.of(
            Code.UNSCHEDULABLE,
            List.of(
                "node(s) didn't match pod affinity/anti-affinity",
                "node(s) didn't match pod anti-affinity rules"));
    Status spreadFails =
        Status.of(Code.UNSCHEDULABLE, "node(s) didn't match pod topology spread constraints");
    assertThat(affinity.filter(state, pod, nodeInfo(nodes.get(0)))).isEqualTo(antiAffinityFails);
    assertThat(affinity.filter(state, pod, nodeInfo(nodes.get(1)))).isEqualTo(Status.SUCCESS);
    assertThat(spread.filter(state, pod, nodeInfo(nodes.get(0)))).isEqualTo(spreadFails);
    assertThat(spread.filter(state, pod, nodeInfo(nodes.get(1)))).isEqualTo(Status.SUCCESS);

    // A nominated web pod on n2, added through InterPodAffinity's extension on a clone: zone-b
    // now holds a pod the anti-affinity term matches, in the clone only, and only for that plugin.
    CycleState clone = state.clone();
    Pod nominated = on("n2", pod("q").label("app", "web").build());
    affinity.addPod(clone, pod, nominated, nodeInfo(nodes.get(1)));
    assertThat(affinity.filter(clone, pod, nodeInfo(nodes.get(1)))).isEqualTo(antiAffinityFails);
    assertThat(affinity.filter(state, pod, nodeInfo(nodes.get(1)))).isEqualTo(Status.SUCCESS);
    assertThat(spread.filter(clone, pod, nodeInfo(nodes.get(0)))).isEqualTo(spreadFails);
    // Through PodTopologySpread's extension too: both zones hold one web pod, both now pass.
    spread.addPod(clone, pod, nominated, nodeInfo(nodes.get(1)));
    assertThat(spread.filter(clone, pod, nodeInfo(nodes.get(0)))).isEqualTo(Status.SUCCESS);
    assertThat(spread.filter(state, pod, nodeInfo(nodes.get(0)))).isEqualTo(spreadFails);
    // Removing it again restores the counts the clone started from.
    affinity.removePod(clone, pod, nominated, nodeInfo(nodes.get(1)));
    spread.removePod(clone, pod, nominated, nodeInfo(nodes.get(1)));
    assertThat(affinity.filter(clone, pod, nodeInfo(nodes.get(1)))).isEqualTo(Status.SUCCESS);
    assertThat(spread.filter(clone, pod, nodeInfo(nodes.get(0)))).isEqualTo(spreadFails);
  }

  @Test
  void aTerminatingPodIsNotCountedByTheHardConstraintsAsV118LeavesItOut() {
    // v1.18's calPreFilterState bypasses pods with a deletionTimestamp (kubernetes#87621);
    // chapter 03's v1.17 predicate still counts them.
    Pod leaving = on("n1", pod("e").label("app", "web").build());
    leaving.getMetadata().setDeletionTimestamp("2020-01-01T00:00:00Z");
    List<Node> nodes =
        List.of(node("n1").zone("zone-a").build(), node("n2").zone("zone-b").build());
    FrameworkImpl h = handle(nodes, List.of(leaving), Map.of());
    Pod pod =
        pod("p")
            .label("app", "web")
            .spreadConstraint(
                1, Fixtures.LABEL_ZONE, "DoNotSchedule", Fixtures.matchLabels("app", "web"))
            .build();
    CycleState state = new CycleState();
    PodTopologySpread spread = new PodTopologySpread(h);
    assertThat(spread.preFilter(state, pod)).isEqualTo(Status.SUCCESS);
    assertThat(spread.filter(state, pod, nodeInfo(nodes.get(0))))
        .as("zone-a holds only a terminating web pod: 0 + 1 - 0 <= 1")
        .isEqualTo(Status.SUCCESS);
    // The same pod alive makes zone-a one pod ahead: 1 + 1 - 0 > 1.
    Pod alive = on("n1", pod("e").label("app", "web").build());
    FrameworkImpl withAlive = handle(nodes, List.of(alive), Map.of());
    CycleState live = new CycleState();
    PodTopologySpread counted = new PodTopologySpread(withAlive);
    counted.preFilter(live, pod);
    assertThat(counted.filter(live, pod, nodeInfo(nodes.get(0))))
        .isEqualTo(
            Status.of(Code.UNSCHEDULABLE, "node(s) didn't match pod topology spread constraints"));
  }

  @Test
  void aPodWithoutSpreadConstraintsKeepsNoCountsThroughClonesAndExtensions() {
    List<Node> nodes = List.of(node("n1").zone("zone-a").build());
    FrameworkImpl h = handle(nodes, List.of(), Map.of());
    PodTopologySpread spread = new PodTopologySpread(h);
    Pod pod = pod("p").label("app", "web").build();
    CycleState state = new CycleState();
    assertThat(spread.preFilter(state, pod)).isEqualTo(Status.SUCCESS);
    CycleState clone = state.clone();
    Pod nominated = on("n1", pod("q").label("app", "web").build());
    assertThat(spread.addPod(clone, pod, nominated, nodeInfo(nodes.get(0))))
        .isEqualTo(Status.SUCCESS);
    assertThat(spread.removePod(clone, pod, nominated, nodeInfo(nodes.get(0))))
        .isEqualTo(Status.SUCCESS);
    assertThat(spread.filter(clone, pod, nodeInfo(nodes.get(0)))).isEqualTo(Status.SUCCESS);
  }

  @Test
  void malformedSelectorsFailPreFilterWithAnErrorNamingTheField() {
    List<Node> nodes = List.of(node("n1").zone("zone-a").build());
    FrameworkImpl h = handle(nodes, List.of(), Map.of());
    var bad =
        new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
            .addNewMatchExpression()
            .withKey("app")
            .withOperator("Bogus")
            .endMatchExpression()
            .build();
    Pod affine =
        pod("p").requiredPodAntiAffinity(Fixtures.affinityTerm(Fixtures.LABEL_ZONE, bad)).build();
    Status a = new InterPodAffinity(PluginArgs.NONE, h).preFilter(new CycleState(), affine);
    assertThat(a.code()).isEqualTo(Code.ERROR);
    assertThat(a.message())
        .startsWith("calculating preFilterState: ")
        .contains(
            "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]");
    // An existing pod's malformed anti-affinity fails the PreFilter of every pod that has to be
    // checked against it, as v1.18 compiles it in every cycle.
    Pod running = on("n1", affine);
    FrameworkImpl withRunning = handle(nodes, List.of(running), Map.of());
    Status e =
        new InterPodAffinity(PluginArgs.NONE, withRunning)
            .preFilter(new CycleState(), pod("plain").build());
    assertThat(e.code()).isEqualTo(Code.ERROR);
    assertThat(e.message())
        .startsWith("calculating preFilterState: ")
        .contains(
            "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]");
    Pod spreading = pod("s").spreadConstraint(1, Fixtures.LABEL_ZONE, "DoNotSchedule", bad).build();
    Status s = new PodTopologySpread(h).preFilter(new CycleState(), spreading);
    assertThat(s.code()).isEqualTo(Code.ERROR);
    assertThat(s.message())
        .startsWith("obtaining pod's hard topology spread constraints: ")
        .contains("spec.topologySpreadConstraints[0].labelSelector");
  }

  @Test
  void serviceAffinityWithoutLabelsPassesEveryNodeAndScoresZero() {
    List<Node> nodes = serviceAffinityNodes();
    FrameworkImpl h = handle(nodes, List.of(), Map.of());
    ServiceAffinity p = new ServiceAffinity(PluginArgs.NONE, h);
    Pod pod = pod("p").nodeSelector("region", "r2").build();
    CycleState state = new CycleState();
    p.preFilter(state, pod);

    assertThat(p.filter(state, pod, nodeInfo(nodes.get(0)))).isEqualTo(Status.SUCCESS);
    assertThat(asMap(scores(h, x -> p, pod, nodes)).values()).containsOnly(0L);
  }

  @Test
  void serviceAffinityScoreSpreadsAServiceOverTheLabelsValues() {
    // Service pods: 2 on m1 (zone z1), 1 on m3 (zone z2); m4 has no zone label.
    // Total 3; z1 holds 2, z2 holds 1: z1 nodes 100 × 1/3 = 33, z2 nodes 100 × 2/3 = 66, m4 0.
    List<Node> nodes =
        List.of(
            labelled("m1", "zone", "z1"),
            labelled("m2", "zone", "z1"),
            labelled("m3", "zone", "z2"),
            labelled("m4"));
    FrameworkImpl h =
        handle(
            nodes,
            List.of(
                fooBar("e1", "default", "m1"),
                fooBar("e2", "default", "m1"),
                fooBar("e3", "default", "m3")),
            Map.of(SpreadListers.class, services(service("default", Map.of("foo", "bar")))));
    ServiceAffinity p =
        new ServiceAffinity(args("{\"antiAffinityLabelsPreference\": [\"zone\"]}"), h);

    assertThat(asMap(scores(h, x -> p, pod("p").label("foo", "bar").build(), nodes)))
        .containsExactlyInAnyOrderEntriesOf(Map.of("m1", 33L, "m2", 33L, "m3", 66L, "m4", 0L));
  }

  // ---- EBSLimits and friends: TestEBSLimits ----------------------------------------------------

  private static Pod ebsPod(String name, String... volumeIds) {
    Fixtures.PodFixture f = pod(name);
    for (String id : volumeIds) {
      f.volume(
          new VolumeBuilder()
              .withName("v-" + id)
              .withNewAwsElasticBlockStore()
              .withVolumeID(id)
              .endAwsElasticBlockStore()
              .build());
    }
    return f.build();
  }

  private static Node ebsNode(int limit) {
    return node("node-for-max-pd-test").scalar("attachable-volumes-aws-ebs", "" + limit).build();
  }

  static Stream<Arguments> ebsLimitsTable() {
    Pod oneVol = ebsPod("one", "ovp");
    Pod twoVol = ebsPod("two", "tvp1", "tvp2");
    Pod split =
        pod("split")
            .emptyDirVolume("scratch")
            .volume(
                new VolumeBuilder()
                    .withName("v-svp")
                    .withNewAwsElasticBlockStore()
                    .withVolumeID("svp")
                    .endAwsElasticBlockStore()
                    .build())
            .build();
    return Stream.of(
        Arguments.of(
            "fits when node capacity >= new pod's EBS volumes", oneVol, List.of(twoVol), 4, true),
        Arguments.of(
            "doesn't fit when node capacity < new pod's EBS volumes",
            twoVol,
            List.of(oneVol),
            2,
            false),
        Arguments.of("new pod's count ignores non-EBS volumes", split, List.of(twoVol), 3, true),
        Arguments.of(
            "existing pods' counts ignore non-EBS volumes", twoVol, List.of(split), 3, true),
        Arguments.of(
            "already-mounted EBS volumes are always ok to allow",
            twoVol,
            List.of(twoVol),
            2,
            true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ebsLimitsTable")
  void ebsLimits(String name, Pod pod, List<Pod> existing, int limit, boolean fits) {
    FrameworkImpl h = handle(List.of(), List.of(), Map.of());
    NonCsiLimits p =
        new NonCsiLimits(
            NonCsiLimits.EBS_NAME,
            io.kubelab.scheduler.predicates.MaxPDVolumeCountChecker.VolumeFilter.EBS,
            h);

    assertThat(
            p.filter(new CycleState(), pod, nodeInfo(ebsNode(limit), existing.toArray(Pod[]::new))))
        .isEqualTo(fits ? Status.SUCCESS : Status.unschedulable("node(s) exceed max volume count"));
  }

  @Test
  void eachCloudLimitCountsOnlyItsOwnDisksAndReadsKubeMaxPdVols() {
    Pod twoEbs = ebsPod("two", "tvp1", "tvp2");
    Pod twoGce =
        pod("gce")
            .gcePersistentDisk("a", "pd-a", false)
            .gcePersistentDisk("b", "pd-b", false)
            .build();
    FrameworkImpl h =
        handle(
            List.of(),
            List.of(),
            Map.of(PredicateSettings.class, new PredicateSettings(false, "1")));
    NonCsiLimits gce =
        new NonCsiLimits(
            NonCsiLimits.GCE_PD_NAME,
            io.kubelab.scheduler.predicates.MaxPDVolumeCountChecker.VolumeFilter.GCE_PD,
            h);
    NonCsiLimits azure =
        new NonCsiLimits(
            NonCsiLimits.AZURE_DISK_NAME,
            io.kubelab.scheduler.predicates.MaxPDVolumeCountChecker.VolumeFilter.AZURE_DISK,
            h);
    NodeInfo empty = nodeInfo(node("n").build());

    assertThat(gce.name()).isEqualTo("GCEPDLimits");
    assertThat(gce.filter(new CycleState(), twoEbs, empty)).isEqualTo(Status.SUCCESS);
    assertThat(gce.filter(new CycleState(), twoGce, empty))
        .isEqualTo(Status.unschedulable("node(s) exceed max volume count"));
    assertThat(azure.filter(new CycleState(), twoGce, empty)).isEqualTo(Status.SUCCESS);
  }

  // ---- VolumeZone: TestSingleZone ---------------------------------------------------------------

  private static final String ZONE = "failure-domain.beta.kubernetes.io/zone";
  private static final String REGION = "failure-domain.beta.kubernetes.io/region";

  private static PersistentVolumeClaim claim(String name, String volumeName, String className) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withNamespace("default")
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withVolumeName(volumeName)
        .withStorageClassName(className)
        .endSpec()
        .build();
  }

  private static PersistentVolume volume(String name, String... labels) {
    Map<String, String> l = new LinkedHashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      l.put(labels[i], labels[i + 1]);
    }
    return new PersistentVolumeBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(l)
        .endMetadata()
        .withNewSpec()
        .endSpec()
        .build();
  }

  private static final VolumeListers ZONED =
      VolumeListers.of(
          List.of(
              claim("PVC_1", "Vol_1", null),
              claim("PVC_2", "Vol_2", null),
              claim("PVC_4", "Vol_not_exist", null)),
          List.of(
              volume("Vol_1", ZONE, "us-west1-a"),
              volume("Vol_2", REGION, "us-west1-b", "uselessLabel", "none")),
          List.of());

  static Stream<Arguments> volumeZoneTable() {
    String conflict = "node(s) had no available volume zone";
    return Stream.of(
        Arguments.of(
            "pod without volume",
            pod("pod_1").build(),
            node("host1").zone("us-west1-a").build(),
            Status.SUCCESS),
        Arguments.of("node without labels", zonedPod("PVC_1"), labelled("host1"), Status.SUCCESS),
        Arguments.of(
            "label zone failure domain matched",
            zonedPod("PVC_1"),
            labelled("host1", ZONE, "us-west1-a", "uselessLabel", "none"),
            Status.SUCCESS),
        Arguments.of(
            "label zone region matched",
            zonedPod("PVC_2"),
            labelled("host1", REGION, "us-west1-b", "uselessLabel", "none"),
            Status.SUCCESS),
        Arguments.of(
            "label zone region failed match",
            zonedPod("PVC_2"),
            labelled("host1", REGION, "no_us-west1-b", "uselessLabel", "none"),
            Status.of(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, conflict)),
        Arguments.of(
            "label zone failure domain failed match",
            zonedPod("PVC_1"),
            labelled("host1", ZONE, "no_us-west1-a", "uselessLabel", "none"),
            Status.of(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, conflict)));
  }

  private static Pod zonedPod(String claim) {
    return pod("pod_1").pvcVolume("vol_1", claim).build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("volumeZoneTable")
  void volumeZone(String name, Pod pod, Node node, Status want) {
    VolumeZone p = new VolumeZone(handle(List.of(), List.of(), Map.of(VolumeListers.class, ZONED)));

    assertThat(p.filter(new CycleState(), pod, nodeInfo(node))).isEqualTo(want);
  }

  @Test
  void volumeZoneNamesAMissingVolume() {
    VolumeZone p = new VolumeZone(handle(List.of(), List.of(), Map.of(VolumeListers.class, ZONED)));

    assertThatThrownBy(
            () ->
                p.filter(
                    new CycleState(),
                    zonedPod("PVC_4"),
                    nodeInfo(labelled("host1", ZONE, "us-west1-a"))))
        .hasMessage("persistentvolume \"Vol_not_exist\" not found");
  }

  // ---- VolumeBinding: TestVolumeBinding ---------------------------------------------------------

  private static StorageClass waitClass() {
    return new StorageClassBuilder()
        .withNewMetadata()
        .withName("wait")
        .endMetadata()
        .withProvisioner("kubernetes.io/no-provisioner")
        .withVolumeBindingMode("WaitForFirstConsumer")
        .build();
  }

  private static PersistentVolume localVolume(String name, String hostname, String claimName) {
    PersistentVolumeBuilder b =
        new PersistentVolumeBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .withCapacity(Map.of("storage", new Quantity("1Gi")))
            .withStorageClassName("wait")
            .withVolumeMode("Filesystem")
            .withNewNodeAffinity()
            .withNewRequired()
            .addNewNodeSelectorTerm()
            .withMatchExpressions(
                new NodeSelectorRequirementBuilder()
                    .withKey("kubernetes.io/hostname")
                    .withOperator("In")
                    .withValues(hostname)
                    .build())
            .endNodeSelectorTerm()
            .endRequired()
            .endNodeAffinity()
            .endSpec();
    if (claimName != null) {
      b.editSpec()
          .withNewClaimRef()
          .withNamespace("default")
          .withName(claimName)
          .endClaimRef()
          .endSpec();
    }
    return b.build();
  }

  private static PersistentVolumeClaim bindingClaim(String name, String volumeName) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withNamespace("default")
        .withName(name)
        .withAnnotations(
            volumeName == null ? Map.of() : Map.of("pv.kubernetes.io/bind-completed", "yes"))
        .endMetadata()
        .withNewSpec()
        .withVolumeName(volumeName)
        .withStorageClassName("wait")
        .withVolumeMode("Filesystem")
        .withNewResources()
        .withRequests(Map.of("storage", new Quantity("1Gi")))
        .endResources()
        .endSpec()
        .build();
  }

  static Stream<Arguments> volumeBindingTable() {
    String nodeConflict = "node(s) had volume node affinity conflict";
    String bindConflict = "node(s) didn't find available persistent volumes to bind";
    return Stream.of(
        Arguments.of("nothing", pod("p").build(), Status.SUCCESS),
        Arguments.of("all bound", pod("p").pvcVolume("v", "bound-here").build(), Status.SUCCESS),
        Arguments.of(
            "bound volume on another node",
            pod("p").pvcVolume("v", "bound-elsewhere").build(),
            Status.of(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, nodeConflict)),
        Arguments.of(
            "unbound/no matches",
            pod("p").pvcVolume("v", "unbound").build(),
            Status.of(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, bindConflict)),
        Arguments.of(
            "bound and unbound unsatisfied",
            pod("p").pvcVolume("a", "bound-elsewhere").pvcVolume("b", "unbound").build(),
            Status.of(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, nodeConflict, bindConflict)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("volumeBindingTable")
  void volumeBinding(String name, Pod pod, Status want) {
    VolumeListers listers =
        VolumeListers.of(
            List.of(
                bindingClaim("bound-here", "pv-here"),
                bindingClaim("bound-elsewhere", "pv-elsewhere"),
                bindingClaim("unbound", null)),
            List.of(
                localVolume("pv-here", "node1", "bound-here"),
                localVolume("pv-elsewhere", "node2", "bound-elsewhere")),
            List.of(waitClass()));
    VolumeBinding p =
        new VolumeBinding(handle(List.of(), List.of(), Map.of(VolumeListers.class, listers)));

    assertThat(p.filter(new CycleState(), pod, nodeInfo(node("node1").build()))).isEqualTo(want);
  }

  @Test
  void volumeBindingWithoutANodeIsAnError() {
    VolumeBinding p = new VolumeBinding(handle(List.of(), List.of(), Map.of()));

    assertThat(p.filter(new CycleState(), pod("p").build(), new NodeInfo()))
        .isEqualTo(Status.error("node not found"));
  }
}
