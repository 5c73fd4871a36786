package io.kubelab.cluster.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubelab.testing.Kubectl;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubectl against the server, through the kubeconfig it writes. Skipped where kubectl is not
 * installed, except under {@code CI=true}, where a missing kubectl fails (.ci/run installs it).
 */
@Timeout(120)
class KubectlTest {

  @TempDir Path dir;
  private ApiServer server;
  private KubernetesClient client;
  private Path kubeconfig;
  private Kubectl kubectl;

  @BeforeAll
  static void findKubectl() {
    Kubectl.find();
  }

  @BeforeEach
  void start() throws IOException {
    server = ApiServer.builder().build().start();
    client = Servers.client(server);
    kubeconfig = dir.resolve("kubeconfig");
    server.writeKubeconfig(kubeconfig);
    kubectl = Kubectl.with(kubeconfig);
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  /** Runs kubectl; returns stdout + stderr, and fails the test on a non-zero exit. */
  private String k(String... args) throws Exception {
    return kubectl.run(args);
  }

  private String run(int wantExit, String... args) throws Exception {
    return kubectl.run(wantExit, args);
  }

  private Path file(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  private static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
            - {name: nginx, image: nginx:1.19, ports: [{containerPort: 80}]}
      """;

  @Test
  void getShowsServerSideTableColumns() throws Exception {
    client
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName("n1")
                .addToLabels("node-role.kubernetes.io/worker", "")
                .endMetadata()
                .build())
        .create();
    String out = k("get", "nodes");
    assertThat(out)
        .startsWith("NAME")
        .contains("STATUS")
        .contains("ROLES")
        .contains("n1")
        .contains("worker");
    assertThat(k("get", "namespaces")).contains("kube-system").contains("Active");
  }

  @Test
  void createGetAndDelete() throws Exception {
    Path pod =
        file(
            "pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - {name: c, image: nginx}\n");
    assertThat(k("create", "-f", pod.toString())).isEqualTo("pod/web created\n");
    assertThat(k("get", "pod", "web")).contains("web").contains("Pending");
    assertThat(run(1, "create", "-f", pod.toString()))
        .contains("AlreadyExists")
        .contains("pods \"web\" already exists");
    assertThat(k("delete", "pod", "web")).isEqualTo("pod \"web\" deleted\n");
    assertThat(run(1, "get", "pod", "web")).contains("NotFound");
    assertThat(client.pods().withName("web").get()).isNull();
  }

  @Test
  void applyTwiceIsANoOpTheSecondTimeAndScaleChangesReplicas() throws Exception {
    Path f = file("dep.yaml", DEPLOYMENT);
    assertThat(k("apply", "-f", f.toString())).isEqualTo("deployment.apps/web created\n");
    String rv =
        client.apps().deployments().withName("web").get().getMetadata().getResourceVersion();
    assertThat(k("apply", "-f", f.toString())).isEqualTo("deployment.apps/web unchanged\n");
    assertThat(client.apps().deployments().withName("web").get().getMetadata().getResourceVersion())
        .isEqualTo(rv);
    assertThat(k("scale", "deployment", "web", "--replicas=3"))
        .isEqualTo("deployment.apps/web scaled\n");
    assertThat(client.apps().deployments().withName("web").get().getSpec().getReplicas())
        .isEqualTo(3);
    Files.writeString(f, DEPLOYMENT.replace("nginx:1.19", "nginx:1.20"));
    assertThat(k("apply", "-f", f.toString())).isEqualTo("deployment.apps/web configured\n");
    var d = client.apps().deployments().withName("web").get();
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("nginx:1.20");
    assertThat(d.getSpec().getReplicas()).isEqualTo(2); // apply brings back what the file says
    assertThat(d.getMetadata().getGeneration()).isEqualTo(3L);
  }

  @Test
  void getWatchSeesEvents() throws Exception {
    client.pods().resource(Fabric8ClientTest.pod("first")).create();
    List<String> cmd = kubectl.command("get", "pods", "-w", "--no-headers");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                  lines.add(l);
                }
              } catch (IOException e) {
                lines.add("ERROR " + e);
              }
            },
            "test-kubectl-watch");
    reader.start();
    try {
      assertThat(lines.poll(60, TimeUnit.SECONDS)).startsWith("first");
      client.pods().resource(Fabric8ClientTest.pod("second")).create();
      assertThat(lines.poll(60, TimeUnit.SECONDS)).startsWith("second").contains("Pending");
    } finally {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
      reader.join(30_000);
    }
  }

  @Test
  void describePodShowsItsEvents() throws Exception {
    Pod pod = client.pods().resource(Fabric8ClientTest.pod("d")).create();
    client
        .v1()
        .events()
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName("d.1")
                .endMetadata()
                .withNewInvolvedObject()
                .withKind("Pod")
                .withName("d")
                .withNamespace("default")
                .withUid(pod.getMetadata().getUid())
                .withApiVersion("v1")
                .endInvolvedObject()
                .withReason("Scheduled")
                .withMessage("Successfully assigned default/d to n1")
                .withType("Normal")
                .withNewSource()
                .withComponent("default-scheduler")
                .endSource()
                .withCount(1)
                .build())
        .create();
    String out = k("describe", "pod", "d");
    assertThat(out)
        .contains("Name:")
        .contains("Events:")
        .contains("Scheduled")
        .contains("Successfully assigned default/d to n1");
  }
}
