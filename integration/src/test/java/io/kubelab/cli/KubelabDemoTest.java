package io.kubelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelab.apimachinery.manifest.Manifests;
import io.kubelab.explain.FrameworkSimulation;
import io.kubelab.explain.PodResult;
import io.kubelab.explain.SchedulerProfile;
import io.kubelab.scheduler.framework.profile.Profiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo is the book's front door: what it shows is pinned here, for every seed we try. */
class KubelabDemoTest {

  /** What {@code kubelab demo} runs: chapter 08's scheduler with the default-1.18 profile. */
  private static List<PodResult> runDemo(long seed) {
    try (FrameworkSimulation sim =
        new FrameworkSimulation(
            Manifests.parse(Kubelab.resource(Kubelab.DEMO_CLUSTER), Kubelab.DEMO_CLUSTER),
            SchedulerProfile.default118(),
            seed)) {
      return sim.run();
    }
  }

  private static Map<String, PodResult> byName(List<PodResult> ps) {
    Map<String, PodResult> m = new HashMap<>();
    for (PodResult p : ps) {
      m.put(p.pod().getMetadata().getName(), p);
    }
    return m;
  }

  @Test
  void demoPlacesEachPendingPodWhereThePredicatesAllowAndThePrioritiesPrefer() {
    Set<String> firstWebNodes = new HashSet<>();
    for (long seed = 1; seed <= 20; seed++) {
      List<PodResult> ps = runDemo(seed);
      Map<String, PodResult> m = byName(ps);
      assertThat(ps).hasSize(9);
      // The critical ingress is scheduled first and avoids the nodes whose port 80 is taken,
      // which leaves zone-b-1 (batch-old holds 2 CPUs and 2Gi) and the empty zone-c-1. With the
      // ingress added (500m, 256Mi) on 4 CPUs and 8Gi, by hand:
      //   zone-b-1: NodeResourcesLeastAllocated (37 + 71) / 2 = 54,
      //             NodeResourcesBalancedAllocation (1 - |0.625 - 0.28125|) * 100 = 65;
      //   zone-c-1: NodeResourcesLeastAllocated (87 + 96) / 2 = 91,
      //             NodeResourcesBalancedAllocation 90.
      // Every other plugin scores both nodes alike (DefaultPodTopologySpread gives every node
      // 100: no Service or controller of the demo selects its pods), so zone-c-1 wins for every
      // seed.
      assertThat(ps.get(0).pod().getMetadata().getName()).isEqualTo("ingress-b");
      assertThat(m.get("ingress-b").node()).isEqualTo("zone-c-1");
      // Required zone anti-affinity: three web pods, three zones, and no room for a fourth.
      Set<String> zones = new HashSet<>();
      for (String web : List.of("web-1", "web-2", "web-3")) {
        assertThat(m.get(web).bound()).as(web + " seed " + seed).isTrue();
        zones.add(m.get(web).node().substring(0, "zone-x".length()));
      }
      assertThat(zones).hasSize(3);
      // A web pod (1 CPU, 1Gi) scores 73 + 78 = 151 on zone-a-1, zone-c-1 and zone-c-2 (one
      // ingress each) and 43 + 62 = 105 on zone-b-1, so web-1 and web-2 take the emptier zones,
      // picked among equals by the seeded tie-break, and web-3 gets what is left: zone-b-1.
      assertThat(m.get("web-1").node()).isIn("zone-a-1", "zone-c-1", "zone-c-2");
      assertThat(m.get("web-2").node()).isIn("zone-a-1", "zone-c-1", "zone-c-2");
      assertThat(m.get("web-3").node()).isEqualTo("zone-b-1");
      firstWebNodes.add(m.get("web-1").node());
      assertThat(m.get("web-4").bound()).isFalse();
      assertThat(m.get("web-4").message())
          .startsWith("0/6 nodes are available: ")
          .contains("node(s) didn't match pod affinity/anti-affinity");
      // Only the tainted GPU node has GPUs, and the trainer tolerates its taint.
      assertThat(m.get("trainer").node()).isEqualTo("zone-a-gpu");
      // Only the GPU node (tainted) and the cordoned node have 6 free CPUs.
      assertThat(m.get("render-farm").bound()).isFalse();
      assertThat(m.get("render-farm").message())
          .contains("Insufficient cpu")
          .contains("1 node(s) were unschedulable")
          .contains("1 node(s) had taint {dedicated: gpu}, that the pod didn't tolerate");
      assertThat(m.get("eu-north-only").message())
          .isEqualTo(
              "0/6 nodes are available: 1 node(s) were unschedulable,"
                  + " 5 node(s) didn't match node selector.");
      assertThat(m.get("postgres").node()).isEqualTo("zone-c-1");
    }
    // Ties are still broken at random: over twenty seeds web-1 does not always land on the same
    // one of its equals.
    assertThat(firstWebNodes).hasSizeGreaterThan(1);
  }

  @Test
  void sameSeedSamePlacements() {
    List<String> a = runDemo(7).stream().map(p -> p.key() + "@" + p.node()).toList();
    List<String> b = runDemo(7).stream().map(p -> p.key() + "@" + p.node()).toList();
    assertThat(a).isEqualTo(b);
  }

  @Test
  void demoCommandPrintsTheTableAndEveryNodesVerdict() {
    Result r = run();
    int code = r.code();
    String out = r.out();
    assertThat(code).isZero();
    assertThat(out)
        .contains("Scheduling 9 pending pod(s) onto 6 node(s) with profile " + Profiles.DEFAULT_118)
        .contains("ml/trainer")
        .contains("zone-b-2     node(s) were unschedulable")
        .contains("6 scheduled, 3 unschedulable.");
  }

  @Test
  void demoCommandShowsWhatEachKubeletStartedAndEveryPodsPhase() {
    Result r = run("demo", "--brief");
    int code = r.code();
    String out = r.out();
    assertThat(code).isZero();
    assertThat(out)
        .contains("Kubelets, after 5 s of virtual time")
        .contains(
            "zone-a-gpu   started 1 pod(s) (1 container(s)); PLEG: 2 event(s) (2 ContainerStarted)")
        .contains("zone-b-2     started 0 pod(s) (0 container(s)); PLEG: 0 event(s)")
        .containsPattern("ml/trainer +zone-a-gpu +Running")
        .containsPattern("shop/web-4 +<none> +Pending")
        .doesNotContain("Failed");
  }

  @Test
  void scheduleReadsAKubectlStyleFileAndNamesTheFieldOfBadInput(@TempDir Path dir)
      throws Exception {
    Path good = dir.resolve("cluster.yaml");
    Files.writeString(
        good,
        """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Node
          metadata: {name: n1, uid: u-n1}
          status: {allocatable: {cpu: "1", memory: 1Gi, pods: "10"}}
        - apiVersion: v1
          kind: Pod
          metadata: {name: p1, namespace: default, uid: u-p1}
          spec:
            containers:
            - {name: c, image: busybox, resources: {requests: {cpu: 600m}}}
        - apiVersion: v1
          kind: Pod
          metadata: {name: p2, namespace: default, uid: u-p2}
          spec:
            containers:
            - {name: c, image: busybox, resources: {requests: {cpu: 600m}}}
        """);
    Result ok = run("schedule", "-f", good.toString(), "--brief");
    assertThat(ok.code()).isZero();
    assertThat(ok.out())
        .contains("default/p1  n1")
        .contains("default/p2  <none>        0/1 nodes are available: 1 Insufficient cpu.")
        .contains("1 scheduled, 1 unschedulable.");

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, Files.readString(good).replaceFirst("cpu: 600m", "cpu: lots"));
    Result r = run("schedule", "-f", bad.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("kubelab: ")
        .contains("Pod default/p1")
        .contains("spec.containers[0].resources.requests.cpu")
        .contains("lots")
        .hasLineCount(1);
  }

  @Test
  void scheduleRunsTheWholeSchedulerPreemptionIncludedThenTheKubeletsStartWhatWasBound(
      @TempDir Path dir) throws Exception {
    Path file = dir.resolve("preempt.yaml");
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: scheduling.k8s.io/v1
          kind: PriorityClass
          metadata: {name: high}
          value: 1000
        - apiVersion: v1
          kind: Node
          metadata: {name: n1, uid: u-n1}
          status: {allocatable: {cpu: "2", memory: 2Gi, pods: "10"}}
        - apiVersion: v1
          kind: Pod
          metadata: {name: low, namespace: default, uid: u-low}
          spec:
            nodeName: n1
            containers:
            - {name: c, image: busybox, resources: {requests: {cpu: "2"}}}
        - apiVersion: v1
          kind: Pod
          metadata: {name: urgent, namespace: default, uid: u-urgent}
          spec:
            priorityClassName: high
            containers:
            - {name: c, image: busybox, resources: {requests: {cpu: "1"}}}
        """);
    Result r = run("schedule", "-f", file.toString(), "--brief");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        // No options: chapter 08's scheduler with the default profile, queue and preemption.
        .contains("with profile " + Profiles.DEFAULT_118)
        .contains("default/low was preempted by default/urgent.")
        .containsPattern("default/urgent +n1 ")
        // The preemptor's node's kubelet starts it; the victim was running before the run.
        .contains("n1           started 1 pod(s) (1 container(s))")
        .containsPattern("default/urgent +n1 +Running")
        .contains("1 scheduled, 0 unschedulable.");
  }

  @Test
  void badCommandLinesAreOneReadableErrorWithExitStatus2() {
    assertThat(run("schedule").err())
        .isEqualTo("kubelab: Missing required option: '--filename=FILE' (try: kubelab help)\n");
    assertThat(run("demo", "--seed", "x").err())
        .isEqualTo(
            "kubelab: Invalid value for option '--seed': --seed \"x\" is not an integer (try:"
                + " kubelab help)\n");
    assertThat(run("frobnicate").err())
        .isEqualTo("kubelab: unknown command \"frobnicate\" (try: kubelab help)\n");
    assertThat(run("schedule", "-f", "/nonexistent.yaml").err())
        .isEqualTo("kubelab: /nonexistent.yaml: no such file\n");
    for (String[] args :
        List.of(
            new String[] {"schedule"},
            new String[] {"demo", "--seed", "x"},
            new String[] {"frobnicate"},
            new String[] {"demo", "--no-such-option"},
            new String[] {"schedule", "-f", "/nonexistent.yaml"},
            new String[] {"apiserver", "--port", "70000"})) {
      assertThat(run(args).code()).as(String.join(" ", args)).isEqualTo(2);
    }
  }

  @Test
  void everyCommandHasHelpAndTheCompletionScriptNamesThem() {
    for (String cmd : List.of("demo", "schedule", "apiserver", "completion")) {
      Result r = run(cmd, "--help");
      assertThat(r.code()).as(cmd).isZero();
      assertThat(r.out()).as(cmd).startsWith("Usage: kubelab " + cmd);
    }
    assertThat(run("help").out()).contains("schedule").contains("apiserver").contains("demo");
    Result c = run("completion");
    assertThat(c.code()).isZero();
    assertThat(c.out()).contains("complete -F").contains("apiserver").contains("--kubeconfig-out");
  }

  @Test
  void aQuantityOutOfRangeIsBadInputNamingTheDocumentAndField(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("huge.yaml");
    Files.writeString(
        f,
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: p1, namespace: default}
        spec:
          containers:
          - {name: c, image: busybox, resources: {requests: {cpu: 1e30}}}
        """);
    Result r = run("schedule", "-f", f.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).doesNotContain("unschedulable");
    assertThat(r.err())
        .startsWith("kubelab: " + f + ": Pod default/p1: ")
        .contains("spec.containers[0].resources.requests.cpu")
        .contains("out of range")
        .hasLineCount(1);
  }

  @Test
  void aJsonSyntaxErrorNamesLineAndColumnWithoutLibraryNoise(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("bad.json");
    Files.writeString(
        f, "{\"apiVersion\": \"v1\", \"kind\": \"Pod\",\n \"metadata\": {\"name\": \"x\"\n");
    Result r = run("schedule", "-f", f.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("kubelab: " + f + ": document 0: malformed JSON at line 3, column 1: ")
        .doesNotContain("Source")
        .doesNotContain("REDACTED")
        .doesNotContain("tools.jackson")
        .hasLineCount(1);
  }

  /** What one command line printed and returned. */
  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new Kubelab(new PrintStream(out, true, StandardCharsets.UTF_8))
            .run(args, new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
