package io.kubelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code kubelab schedule -o json|yaml|table --profile --explain}: options and exit codes. */
class KubelabExplainTest {

  @TempDir static Path dir;
  static String cluster;
  static final JsonMapper JSON = JsonMapper.builder().build();

  static String resource(String name) {
    try (InputStream in = KubelabExplainTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @BeforeAll
  static void writeCluster() throws IOException {
    cluster = dir.resolve("cluster.yaml").toString();
    Files.writeString(Path.of(cluster), resource("/io/kubelab/explain/golden-cluster.yaml"));
  }

  @Test
  void jsonIsTheGoldenExplanation() {
    KubelabDemoTest.Result r = KubelabDemoTest.run("schedule", "-f", cluster, "-o", "json");

    assertThat(r.code()).isZero();
    assertThat(JSON.readTree(r.out()))
        .isEqualTo(JSON.readTree(resource("/io/kubelab/explain/golden-default-1.18.json")));
  }

  @Test
  void explainPrintsOnePodAndItsScoreTable() {
    KubelabDemoTest.Result r =
        KubelabDemoTest.run("schedule", "-f", cluster, "--explain", "shop/web");

    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("shop/web -> node-a")
        .contains("Scores for shop/web (normalised score per plugin; weight in brackets):")
        .contains("NodePreferAvoidPods(10000)")
        .doesNotContain("shop/cache ->");
    // The preemptor shop/api was retried at once (its nomination is a status update, which puts
    // a pod that is in no sub-queue into activeQ) and bound to node-b before shop/web's turn, so
    // node-a wins. node-a's row: BalancedAllocation 43, ImageLocality 0, InterPodAffinity 0,
    // LeastAllocated 40, NodeAffinity 0, NodePreferAvoidPods 100, DefaultPodTopologySpread 100,
    // TaintToleration 100, PodTopologySpread 0; the total.
    assertThat(r.out())
        .containsPattern(
            "\\*node-a\\s+43\\s+0\\s+0\\s+40\\s+0\\s+100\\s+100\\s+100\\s+0\\s+1000283")
        .containsPattern("node-b\\s+31\\s+0\\s+0\\s+46\\s+0\\s+100\\s+100\\s+100\\s+0\\s+1000277");
  }

  @Test
  void explainInJsonIsAListOfOnePod() {
    KubelabDemoTest.Result r =
        KubelabDemoTest.run("schedule", "-f", cluster, "-o", "json", "--explain", "shop/api");

    JsonNode items = JSON.readTree(r.out()).get("items");
    assertThat(items.size()).isEqualTo(1);
    assertThat(items.get(0).get("metadata").get("name").asString()).isEqualTo("api");
  }

  @Test
  void policyIsAnAliasOfProfileForAPolicyFile() throws IOException {
    Path policy = dir.resolve("policy.json");
    Files.writeString(policy, io.kubelab.scheduler.framework.profile.Profiles.LEGACY_117_POLICY);

    KubelabDemoTest.Result viaPolicy =
        KubelabDemoTest.run("schedule", "-f", cluster, "-o", "json", "--policy", policy.toString());
    KubelabDemoTest.Result viaProfile =
        KubelabDemoTest.run("schedule", "-f", cluster, "-o", "json", "--profile", "legacy-1.17");

    assertThat(viaPolicy.code()).isZero();
    assertThat(JSON.readTree(viaPolicy.out())).isEqualTo(JSON.readTree(viaProfile.out()));
  }

  @Test
  void aKubeSchedulerConfigurationFileIsAProfile() throws IOException {
    Path cfg = dir.resolve("config.yaml");
    Files.writeString(
        cfg,
        """
        apiVersion: kubescheduler.config.k8s.io/v1alpha2
        kind: KubeSchedulerConfiguration
        profiles:
        - schedulerName: default-scheduler
          plugins:
            score:
              disabled: [{name: NodeResourcesLeastAllocated}]
        """);

    KubelabDemoTest.Result r =
        KubelabDemoTest.run(
            "schedule",
            "-f",
            cluster,
            "-o",
            "json",
            "--profile",
            cfg.toString(),
            "--explain",
            "web");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("NodeResourcesBalancedAllocation")
        .doesNotContain("NodeResourcesLeastAllocated");
  }

  @Test
  void badValuesExitTwoWithOneLine() {
    KubelabDemoTest.Result xml = KubelabDemoTest.run("schedule", "-f", cluster, "-o", "xml");
    assertThat(xml.code()).isEqualTo(2);
    assertThat(xml.err()).isEqualTo("kubelab: --output \"xml\": must be json, yaml or table\n");

    KubelabDemoTest.Result missing =
        KubelabDemoTest.run("schedule", "-f", cluster, "--profile", "nowhere.yaml");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).isEqualTo("kubelab: nowhere.yaml: no such file\n");

    KubelabDemoTest.Result ghost =
        KubelabDemoTest.run("schedule", "-f", cluster, "--explain", "ghost");
    assertThat(ghost.code()).isEqualTo(2);
    assertThat(ghost.err())
        .isEqualTo("kubelab: --explain ghost: no pending pod of that name in the input\n");

    KubelabDemoTest.Result both =
        KubelabDemoTest.run(
            "schedule", "-f", cluster, "--profile", "legacy-1.17", "--policy", "p.json");
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err().lines().count()).isEqualTo(1);
  }
}
