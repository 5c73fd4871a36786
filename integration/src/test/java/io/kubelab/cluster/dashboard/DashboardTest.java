package io.kubelab.cluster.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubelab.cluster.LocalCluster;
import io.kubelab.cluster.apiserver.ApiServer;
import io.kubelab.scheduler.framework.profile.Profiles;
import io.kubelab.testing.Chromium;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard page: served next to the API, and, in a real browser, showing the cluster. */
@Timeout(120)
class DashboardTest {

  @TempDir Path dir;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static HttpResponse<String> send(String method, String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void thePageIsServedBesideTheApiOnlyWhenAskedFor() throws Exception {
    try (ApiServer with = ApiServer.builder().dashboard(true).build().start();
        ApiServer without = ApiServer.builder().build().start()) {
      for (String path : List.of("/dashboard/", "/dashboard")) {
        HttpResponse<String> r = send("GET", with.url() + path);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).contains("text/html; charset=utf-8");
        assertThat(r.body()).contains("<title>kubelab dashboard</title>", "/api/v1/pods");
      }
      assertThat(send("POST", with.url() + "/dashboard/").statusCode()).isEqualTo(405);
      // the API is still the API
      assertThat(send("GET", with.url() + "/api/v1/namespaces").statusCode()).isEqualTo(200);
      assertThat(send("GET", without.url() + "/dashboard/").statusCode()).isEqualTo(404);
    }
  }

  private static Node node(String name) {
    Map<String, Quantity> size =
        Map.of(
            "cpu", new Quantity("2"),
            "memory", new Quantity("4Gi"),
            "pods", new Quantity("10"),
            "ephemeral-storage", new Quantity("10Gi"));
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels("topology.kubernetes.io/zone", "zone-1")
        .endMetadata()
        .withNewStatus()
        .withCapacity(size)
        .withAllocatable(size)
        .endStatus()
        .build();
  }

  private static void eventually(String what, Supplier<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within 30 s");
      }
      Thread.sleep(20);
    }
  }

  @Test
  void aBrowserSeesTheNodesTheirPodsThePendingOnesAndTheEvents() throws Exception {
    Chromium.find();
    try (LocalCluster cluster =
            LocalCluster.start(
                ApiServer.builder().dashboard(true).build(),
                List.of(node("node-a"), node("node-b")),
                Profiles.default118(),
                1);
        KubernetesClient client =
            new KubernetesClientBuilder()
                .withConfig(
                    new ConfigBuilder(Config.empty())
                        .withMasterUrl(cluster.url())
                        .withNamespace("default")
                        .withHttp2Disable(true)
                        .build())
                .build()) {
      for (var p : List.of(List.of("web", "500m"), List.of("huge", "64"))) {
        client
            .pods()
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName(p.get(0))
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("app")
                    .withImage("nginx:1.19")
                    .withNewResources()
                    .addToRequests("cpu", new Quantity(p.get(1)))
                    .endResources()
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
      }
      eventually(
          "web Running",
          () -> "Running".equals(client.pods().withName("web").get().getStatus().getPhase()));
      eventually(
          "huge unschedulable",
          () ->
              client.pods().withName("huge").get().getStatus().getConditions().stream()
                  .anyMatch(c -> "Unschedulable".equals(c.getReason())));
      String node = client.pods().withName("web").get().getSpec().getNodeName();

      String dom = Chromium.dumpDom(cluster.url() + Dashboard.PATH, 3000, dir);

      assertThat(dom).contains("data-node=\"node-a\"", "data-node=\"node-b\"");
      // the running pod on its node's card, the one that fits nowhere among the pending, why
      assertThat(dom)
          .containsPattern(
              Pattern.compile(
                  "data-node=\"" + node + "\".*?data-pod=\"default/web\" data-phase=\"Running\"",
                  Pattern.DOTALL));
      assertThat(dom)
          .containsPattern(
              "data-pending=\"default/huge\"><b>default/huge</b> <span class=\"why\">0/2 nodes are"
                  + " available: 2 Insufficient cpu.</span>");
      assertThat(dom).contains("2 node(s), 2 active pod(s), 1 pending");
      assertThat(dom).contains("cpu 0.5 / 2", "pods 1 / 10");
      assertThat(dom)
          .contains("<td>Scheduled</td>", "Successfully assigned default/web to " + node);
    }
  }
}
