package io.kubelab.apimachinery.testing;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.generators.Generate;

/**
 * QuickTheories generators for the objects every chapter's property tests need: quantities, label
 * sets and selectors, taints and tolerations, containers, pods, nodes and whole clusters.
 *
 * <p>Upstream counterpart: none; upstream's scheduler tests are table-driven, and these generators
 * produce the shapes those tables use (requests with and without CPU or memory, init containers,
 * priorities, tolerations, affinity, zone and region labels). Values come from small pools so that
 * generated selectors and tolerations actually meet matching labels and taints. Every generator is
 * a function of QuickTheories' randomness source only, so a fixed seed ({@code withFixedSeed})
 * reproduces a case exactly.
 */
public final class Generators {

  /** Label keys the generators draw from; small, so selectors and labels collide often. */
  public static final List<String> LABEL_KEYS = List.of("app", "tier", "env", "team", "rank");

  /**
   * Label values; numeric and non-numeric, so {@code Gt}/{@code Lt} see both ({@code 007} parses as
   * 7). All valid label values: a label cannot be negative, as {@code -3} does not start with an
   * alphanumeric character.
   */
  public static final List<String> LABEL_VALUES =
      List.of("web", "db", "prod", "dev", "1", "7", "42", "007", "x1", "");

  /**
   * Values the API server accepts in a node selector expression but the scheduler cannot build a
   * requirement from: not label values ({@code NewRequirement} rejects them), so the term they are
   * in matches no node.
   */
  public static final List<String> UNBUILDABLE_VALUES = List.of("s s d", "-3", "a".repeat(64));

  public static final List<String> ZONES = List.of("zone-a", "zone-b", "zone-c");
  public static final List<String> REGIONS = List.of("region-1", "region-2");
  public static final List<String> NAMESPACES = List.of("default", "prod", "kube-system");
  public static final List<String> TAINT_KEYS =
      List.of("dedicated", "gpu", "", "node.kubernetes.io/unreachable");
  public static final List<String> EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");

  /** Images nodes may hold, with sizes spanning upstream ImageLocality's 23 MB..1000 MB band. */
  public static final Map<String, Long> IMAGES =
      Map.of(
          "registry.k8s.io/pause:3.2", 683_000L,
          "nginx:1.19", 133_000_000L,
          "redis:6", 104_000_000L,
          "postgres:13", 314_000_000L,
          "tensorflow/tensorflow:2.3.0-gpu", 2_900_000_000L);

  private Generators() {}

  /** One draw of {@code gen}: lets the composite generators below read as plain code. */
  private static <T> T draw(Gen<T> gen, RandomnessSource in) {
    return gen.generate(in);
  }

  private static int between(RandomnessSource in, int lo, int hi) {
    return draw(Generate.range(lo, hi), in);
  }

  private static boolean percent(RandomnessSource in, int p) {
    return between(in, 1, 100) <= p;
  }

  private static <T> T pick(RandomnessSource in, List<T> from) {
    return draw(Generate.pick(from), in);
  }

  // ---- quantities ----------------------------------------------------------------------------

  /** CPU quantity strings in the forms manifests use: {@code 250m}, {@code 2}, {@code 1.5}. */
  public static Gen<String> cpuQuantityStrings() {
    return in ->
        switch (between(in, 0, 3)) {
          case 0 -> between(in, 0, 4000) + "m";
          case 1 -> String.valueOf(between(in, 0, 8));
          case 2 -> between(in, 0, 3) + "." + between(in, 0, 9);
          default -> "0." + between(in, 0, 999);
        };
  }

  /**
   * Memory quantity strings: {@code 512Mi}, {@code 2Gi}, {@code 64Ki}, {@code 1G}, bytes, {@code
   * 1e9}.
   */
  public static Gen<String> memoryQuantityStrings() {
    return in ->
        switch (between(in, 0, 6)) {
          case 0 -> between(in, 0, 4096) + "Mi";
          case 1 -> between(in, 0, 64) + "Gi";
          case 2 -> between(in, 0, 1 << 20) + "Ki";
          case 3 -> between(in, 0, 64) + "G";
          case 4 -> between(in, 0, 4000) + "M";
          case 5 -> String.valueOf(draw(Generate.longRange(0, 1L << 36), in));
          default -> between(in, 0, 99) + "e" + between(in, 0, 9);
        };
  }

  /**
   * Quantity strings in every suffix form of the grammar, signed, with fractions: binary SI,
   * decimal SI ({@code n u m k M G T P E}) and decimal exponents.
   */
  public static Gen<String> quantityStrings() {
    List<String> suffixes =
        List.of(
            "", "n", "u", "m", "k", "M", "G", "T", "P", "Ki", "Mi", "Gi", "Ti", "Pi", "e3", "E-2",
            "e+1", "e0");
    return in -> {
      String sign = pick(in, List.of("", "", "", "+", "-"));
      String number =
          switch (between(in, 0, 3)) {
            case 0 -> String.valueOf(between(in, 0, 100_000));
            case 1 -> between(in, 0, 999) + "." + between(in, 0, 999_999);
            case 2 -> "." + between(in, 0, 999);
            default -> between(in, 0, 99) + ".";
          };
      return sign + number + pick(in, suffixes);
    };
  }

  public static Gen<Quantity> cpuQuantities() {
    return cpuQuantityStrings().map((String s) -> new Quantity(s));
  }

  public static Gen<Quantity> memoryQuantities() {
    return memoryQuantityStrings().map((String s) -> new Quantity(s));
  }

  // ---- labels and selectors ------------------------------------------------------------------

  /** Label sets of 0..4 labels over {@link #LABEL_KEYS} and {@link #LABEL_VALUES}. */
  public static Gen<Map<String, String>> labelSets() {
    return in -> {
      Map<String, String> m = new LinkedHashMap<>();
      int n = between(in, 0, 4);
      for (int i = 0; i < n; i++) {
        m.put(pick(in, LABEL_KEYS), pick(in, LABEL_VALUES));
      }
      return m;
    };
  }

  /** A well-formed label selector requirement (In, NotIn, Exists, DoesNotExist). */
  public static Gen<LabelSelectorRequirement> labelSelectorRequirements() {
    return in -> {
      String key = pick(in, LABEL_KEYS);
      String op = pick(in, List.of("In", "NotIn", "Exists", "DoesNotExist"));
      List<String> values = new ArrayList<>();
      if (op.equals("In") || op.equals("NotIn")) {
        int n = between(in, 1, 3);
        for (int i = 0; i < n; i++) {
          values.add(pick(in, LABEL_VALUES));
        }
      }
      return Fixtures.labelExpr(key, op, values.toArray(String[]::new));
    };
  }

  /** Well-formed label selectors, sometimes empty (which selects everything). */
  public static Gen<LabelSelector> labelSelectors() {
    return in -> {
      LabelSelector s = new LabelSelector();
      s.setMatchLabels(new LinkedHashMap<>());
      int n = between(in, 0, 2);
      for (int i = 0; i < n; i++) {
        s.getMatchLabels().put(pick(in, LABEL_KEYS), pick(in, LABEL_VALUES));
      }
      List<LabelSelectorRequirement> exprs = new ArrayList<>();
      int m = between(in, 0, 3);
      for (int i = 0; i < m; i++) {
        exprs.add(draw(labelSelectorRequirements(), in));
      }
      s.setMatchExpressions(exprs);
      return s;
    };
  }

  /**
   * A node selector requirement over labels, including {@code Gt} and {@code Lt}; about one in
   * twelve carries a value the scheduler cannot build a requirement from ({@link
   * #UNBUILDABLE_VALUES}, or a negative {@code Gt}/{@code Lt} bound, which is not a label value).
   */
  public static Gen<NodeSelectorRequirement> nodeSelectorRequirements() {
    return in -> {
      String key = pick(in, LABEL_KEYS);
      String op = pick(in, List.of("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"));
      return switch (op) {
        case "In", "NotIn" ->
            Fixtures.expr(
                key,
                op,
                pick(in, LABEL_VALUES),
                percent(in, 8) ? pick(in, UNBUILDABLE_VALUES) : pick(in, LABEL_VALUES));
        case "Gt", "Lt" -> Fixtures.expr(key, op, String.valueOf(between(in, -5, 50)));
        default -> Fixtures.expr(key, op);
      };
    };
  }

  /** Node selector terms of 0..2 label requirements, sometimes a {@code metadata.name} field. */
  public static Gen<NodeSelectorTerm> nodeSelectorTerms(List<String> nodeNames) {
    return in -> {
      List<NodeSelectorRequirement> exprs = new ArrayList<>();
      int n = between(in, 0, 2);
      for (int i = 0; i < n; i++) {
        exprs.add(draw(nodeSelectorRequirements(), in));
      }
      NodeSelectorTerm t = Fixtures.term(exprs.toArray(NodeSelectorRequirement[]::new));
      if (!nodeNames.isEmpty() && percent(in, 25)) {
        t.getMatchFields()
            .add(
                Fixtures.expr(
                    "metadata.name", pick(in, List.of("In", "NotIn")), pick(in, nodeNames)));
      }
      return t;
    };
  }

  // ---- taints and tolerations ----------------------------------------------------------------

  public static Gen<Taint> taints() {
    return in -> {
      String key = pick(in, TAINT_KEYS.subList(0, 2));
      String value = pick(in, Arrays.asList("true", "web", null));
      return Fixtures.taint(key, value, pick(in, EFFECTS));
    };
  }

  /** Tolerations with every field possibly empty, the shapes upstream's table covers. */
  public static Gen<Toleration> tolerations() {
    return in -> {
      String key = pick(in, TAINT_KEYS);
      String op = pick(in, Arrays.asList("Equal", "Exists", "", null));
      String value = "Exists".equals(op) ? null : pick(in, Arrays.asList("true", "web", "", null));
      String effect =
          pick(in, Arrays.asList("NoSchedule", "PreferNoSchedule", "NoExecute", "", null));
      return Fixtures.toleration(key, op, value, effect);
    };
  }

  // ---- containers, pods, nodes ---------------------------------------------------------------

  /** A container named {@code name}: requests and limits each possibly partial or absent. */
  public static Gen<Container> containers(String name) {
    return in -> {
      Fixtures.PodFixture f = Fixtures.pod("c").container(name);
      fillContainer(f, in);
      return f.build().getSpec().getContainers().get(0);
    };
  }

  private static void fillContainer(Fixtures.PodFixture f, RandomnessSource in) {
    if (percent(in, 80)) {
      f.request("cpu", draw(cpuQuantityStrings(), in));
    }
    if (percent(in, 75)) {
      f.request("memory", draw(memoryQuantityStrings(), in));
    }
    if (percent(in, 10)) {
      f.request("ephemeral-storage", between(in, 0, 20) + "Gi");
    }
    if (percent(in, 10)) {
      f.request("example.com/gpu", String.valueOf(between(in, 0, 4)));
    }
    if (percent(in, 5)) {
      f.request("hugepages-2Mi", between(in, 0, 8) * 2 + "Mi");
    }
    if (percent(in, 30)) {
      f.limits(draw(cpuQuantityStrings(), in), draw(memoryQuantityStrings(), in));
    }
  }

  /** Pods with unique-enough random names; use {@link #clusters()} for guaranteed uniqueness. */
  public static Gen<Pod> pods() {
    return in -> pod(in, "pod-" + between(in, 0, 999_999), List.of());
  }

  /** Nodes with random names; use {@link #clusters()} for guaranteed uniqueness. */
  public static Gen<Node> nodes() {
    return in -> node(in, "node-" + between(in, 0, 999_999));
  }

  /** A generated pod named {@code name}; affinity terms may name {@code nodeNames}. */
  public static Pod pod(RandomnessSource in, String name, List<String> nodeNames) {
    Fixtures.PodFixture f = Fixtures.pod(name).namespace(pick(in, NAMESPACES));
    f.labels(draw(labelSets(), in));
    int containers = between(in, 1, 3);
    for (int i = 0; i < containers; i++) {
      f.container("c" + i);
      fillContainer(f, in);
      if (percent(in, 5)) {
        f.hostPort(pick(in, List.of(80, 443, 8080)));
      }
    }
    int inits =
        draw(
            Generate.frequency(Pair.of(6, Generate.constant(0)), Pair.of(4, Generate.range(1, 2))),
            in);
    for (int i = 0; i < inits; i++) {
      f.initContainer("init" + i);
      fillContainer(f, in);
    }
    if (percent(in, 10)) {
      f.overhead(between(in, 0, 250) + "m", between(in, 0, 128) + "Mi");
    }
    if (percent(in, 60)) {
      f.priority(pick(in, List.of(-10, 0, 100, 1000, 1_000_000, 2_000_000_000)));
    }
    int tolerations = between(in, 0, 2);
    for (int i = 0; i < tolerations; i++) {
      f.toleration(draw(tolerations(), in));
    }
    if (percent(in, 15)) {
      f.nodeSelector(pick(in, LABEL_KEYS), pick(in, LABEL_VALUES));
    }
    if (percent(in, 15)) {
      f.requiredNodeAffinity(draw(nodeSelectorTerms(nodeNames), in));
    }
    if (percent(in, 10)) {
      f.preferredNodeAffinity(
          between(in, 1, 100),
          Fixtures.term(Fixtures.expr(Fixtures.LABEL_ZONE, "In", pick(in, ZONES))));
    }
    if (percent(in, 10)) {
      f.requiredPodAffinity(Fixtures.affinityTerm(Fixtures.LABEL_ZONE, draw(labelSelectors(), in)));
    }
    if (percent(in, 10)) {
      f.preferredPodAntiAffinity(
          between(in, 1, 100),
          Fixtures.affinityTerm(Fixtures.LABEL_HOSTNAME, draw(labelSelectors(), in)));
    }
    if (percent(in, 30)) {
      f.ownedByReplicaSet(name.replaceAll("-\\d+$", "") + "-rs");
    }
    return f.build();
  }

  /** A generated node named {@code name}. */
  public static Node node(RandomnessSource in, String name) {
    Fixtures.NodeFixture f = Fixtures.node(name);
    int cores = pick(in, List.of(1, 2, 4, 8, 16, 32, 64));
    int memGi = pick(in, List.of(2, 4, 8, 16, 32, 64, 256));
    int reservedMilli = between(in, 0, 500);
    int reservedMi = between(in, 0, 1024);
    long allocMilli = Math.max(0, cores * 1000L - reservedMilli);
    long allocMi = Math.max(0, memGi * 1024L - reservedMi);
    f.allocatable(allocMilli + "m", allocMi + "Mi");
    f.capacity(String.valueOf(cores), memGi + "Gi");
    f.pods(pick(in, List.of(110, 110, 32, 250)));
    if (percent(in, 30)) {
      f.ephemeralStorage(between(in, 10, 200) + "Gi");
    }
    if (percent(in, 15)) {
      f.scalar("example.com/gpu", String.valueOf(between(in, 1, 8)));
    }
    if (percent(in, 85)) {
      f.zone(pick(in, ZONES));
    }
    if (percent(in, 85)) {
      f.region(pick(in, REGIONS));
    }
    draw(labelSets(), in).forEach(f::label);
    int taints =
        draw(
            Generate.frequency(Pair.of(7, Generate.constant(0)), Pair.of(3, Generate.range(1, 2))),
            in);
    for (int i = 0; i < taints; i++) {
      Taint t = draw(taints(), in);
      f.taint(t.getKey(), t.getValue(), t.getEffect());
    }
    if (percent(in, 5)) {
      f.unschedulable();
    }
    List<String> imageNames = IMAGES.keySet().stream().sorted().collect(Collectors.toList());
    for (String image : imageNames) {
      if (percent(in, 30)) {
        f.image(IMAGES.get(image), image);
      }
    }
    return f.build();
  }

  /**
   * A cluster: nodes and pods, each pod bound to one of the nodes or pending; the node and pod
   * lists upstream's scheduler tests build by hand ({@code pkg/scheduler/core} tables).
   */
  public record Cluster(List<Node> nodes, List<Pod> pods) {
    public Cluster {
      nodes = List.copyOf(nodes);
      pods = List.copyOf(pods);
    }

    /** The pods bound to {@code nodeName}. */
    public List<Pod> podsOn(String nodeName) {
      return pods.stream().filter(p -> nodeName.equals(p.getSpec().getNodeName())).toList();
    }

    /** The pods not bound to any node. */
    public List<Pod> pending() {
      return pods.stream().filter(p -> p.getSpec().getNodeName() == null).toList();
    }

    @Override
    public String toString() {
      return "Cluster["
          + nodes.size()
          + " nodes "
          + nodes.stream().map(n -> n.getMetadata().getName()).toList()
          + ", "
          + pods.size()
          + " pods "
          + pods.stream()
              .map(p -> p.getMetadata().getName() + "@" + p.getSpec().getNodeName())
              .toList()
          + "]";
    }
  }

  /** Clusters of 1..8 nodes and 0..24 pods. */
  public static Gen<Cluster> clusters() {
    return clusters(1, 8, 0, 24);
  }

  /**
   * Clusters with node and pod counts in the given ranges. Names are unique within a cluster
   * ({@code node-0..}, {@code pod-0..}); about two thirds of the pods are bound to a node.
   */
  public static Gen<Cluster> clusters(int minNodes, int maxNodes, int minPods, int maxPods) {
    Gen<Cluster> g =
        in -> {
          int nodeCount = between(in, minNodes, maxNodes);
          int podCount = between(in, minPods, maxPods);
          List<Node> nodes = new ArrayList<>();
          List<String> names = new ArrayList<>();
          for (int i = 0; i < nodeCount; i++) {
            nodes.add(node(in, "node-" + i));
            names.add("node-" + i);
          }
          List<Pod> pods = new ArrayList<>();
          for (int i = 0; i < podCount; i++) {
            Pod p = pod(in, "pod-" + i, names);
            if (!names.isEmpty() && percent(in, 66)) {
              p.getSpec().setNodeName(pick(in, names));
              p.getStatus().setPhase("Running");
            }
            pods.add(p);
          }
          return new Cluster(nodes, pods);
        };
    return g.describedAs(Cluster::toString);
  }
}
