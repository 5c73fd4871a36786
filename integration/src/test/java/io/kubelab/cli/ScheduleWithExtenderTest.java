package io.kubelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelab.scheduler.extender.ExtenderServer;
import io.kubelab.scheduler.extender.v1.ExtenderFilterResult;
import io.kubelab.scheduler.extender.v1.HostPriority;
import io.kubelab.scheduler.extender.v1.HostPriorityList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code kubelab schedule -f} with a KubeSchedulerConfiguration that names an extender: a real HTTP
 * extender (chapter 07's {@link ExtenderServer}) on 127.0.0.1 rejects node-a and scores node-c; the
 * explanation shows its verdicts among the filter results, its scores among the plugins' (×10 to
 * the 0-100 range, times its weight), and the node it favoured is chosen.
 */
@Timeout(60)
class ScheduleWithExtenderTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String ANNOTATION = "kube-scheduler-simulator.sigs.k8s.io/";

  @TempDir static Path dir;
  private static ExtenderServer server;
  private static final AtomicInteger filterCalls = new AtomicInteger();
  private static final AtomicInteger prioritizeCalls = new AtomicInteger();
  private static String cluster;
  private static String config;
  private static String url;

  @BeforeAll
  static void start() throws IOException {
    server =
        ExtenderServer.builder()
            .prefix("/ext")
            .filter(
                "filter",
                a -> {
                  filterCalls.incrementAndGet();
                  List<String> kept = new ArrayList<>();
                  Map<String, String> failed = new LinkedHashMap<>();
                  for (String n : a.nodeNames()) {
                    if (n.equals("node-a")) {
                      failed.put(n, "node-a is reserved for batch");
                    } else {
                      kept.add(n);
                    }
                  }
                  return new ExtenderFilterResult(null, kept, failed, "");
                })
            .prioritize(
                "prioritize",
                a -> {
                  prioritizeCalls.incrementAndGet();
                  List<HostPriority> l = new ArrayList<>();
                  for (String n : a.nodeNames()) {
                    l.add(new HostPriority(n, n.equals("node-c") ? 10 : 0));
                  }
                  return new HostPriorityList(l);
                })
            .start();
    url = server.urlPrefix().toString();
    cluster = dir.resolve("cluster.yaml").toString();
    StringBuilder c = new StringBuilder();
    for (String n : List.of("node-a", "node-b", "node-c")) {
      c.append(
          """
          apiVersion: v1
          kind: Node
          metadata: {name: %s}
          status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
          ---
          """
              .formatted(n));
    }
    c.append(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: shop}
        spec:
          containers: [{name: c, image: web:1, resources: {requests: {cpu: 500m, memory: 512Mi}}}]
        """);
    Files.writeString(Path.of(cluster), c.toString());
    config = dir.resolve("config.yaml").toString();
    Files.writeString(
        Path.of(config),
        """
        apiVersion: kubescheduler.config.k8s.io/v1alpha2
        kind: KubeSchedulerConfiguration
        extenders:
        - urlPrefix: %s
          filterVerb: filter
          prioritizeVerb: prioritize
          weight: 5
          nodeCacheCapable: true
        """
            .formatted(url));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Map<String, JsonNode> annotations(String out) {
    JsonNode pod = JSON.readTree(out).get("items").get(0);
    Map<String, JsonNode> m = new LinkedHashMap<>();
    pod.get("metadata")
        .get("annotations")
        .properties()
        .forEach(
            e ->
                m.put(
                    e.getKey().replace(ANNOTATION, ""),
                    e.getValue().asString().startsWith("{")
                        ? JSON.readTree(e.getValue().asString())
                        : e.getValue()));
    return m;
  }

  @Test
  void theExtendersVerdictsAndScoresAreInTheExplanationAndDecideTheNode() {
    int filtersBefore = filterCalls.get();
    KubelabDemoTest.Result r =
        KubelabDemoTest.run("schedule", "-f", cluster, "-o", "json", "--profile", config);

    assertThat(r.code()).as(r.err()).isZero();
    Map<String, JsonNode> a = annotations(r.out());
    JsonNode filter = a.get("filter-result");
    // node-a passes every plugin; the extender, called after them, rejects it with its message.
    assertThat(filter.get("node-a").get("NodeResourcesFit").asString()).isEqualTo("passed");
    assertThat(filter.get("node-a").get(url).asString()).isEqualTo("node-a is reserved for batch");
    assertThat(filter.get("node-b").get(url).asString()).isEqualTo("passed");
    assertThat(filter.get("node-c").get(url).asString()).isEqualTo("passed");
    assertThat(a.get("score-result").get("node-c").get(url).asString()).isEqualTo("10");
    assertThat(a.get("score-result").get("node-b").get(url).asString()).isEqualTo("0");
    // 10 × 10 (MaxNodeScore / MaxExtenderPriority) × 5 (weight).
    assertThat(a.get("finalscore-result").get("node-c").get(url).asString()).isEqualTo("500");
    assertThat(a.get("selected-node").asString()).isEqualTo("node-c");
    assertThat(a.get("finalscore-result").has("node-a")).isFalse();
    assertThat(filterCalls.get()).isGreaterThan(filtersBefore);
    assertThat(prioritizeCalls.get()).isPositive();
  }

  @Test
  void theTableShowsTheExtendersRejectionAsTheNodesReason() {
    KubelabDemoTest.Result r =
        KubelabDemoTest.run("schedule", "-f", cluster, "--profile", config, "--explain", "web");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("shop/web -> node-c")
        .contains("node-a       node-a is reserved for batch");
  }

  @Test
  void aConfigurationWithTwoBindersIsBadInput() throws IOException {
    Path bad = dir.resolve("two-binders.yaml");
    Files.writeString(
        bad,
        """
        apiVersion: kubescheduler.config.k8s.io/v1alpha2
        kind: KubeSchedulerConfiguration
        extenders:
        - {urlPrefix: "%1$s", bindVerb: bind}
        - {urlPrefix: "%1$s", bindVerb: bind}
        """
            .formatted(url));

    KubelabDemoTest.Result r =
        KubelabDemoTest.run("schedule", "-f", cluster, "--profile", bad.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip())
        .endsWith(
            "extenders: Invalid value: \"found 2 extenders implementing bind\": only one extender"
                + " can implement bind")
        .doesNotContain("\n");
  }
}
