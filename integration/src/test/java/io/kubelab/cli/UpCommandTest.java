package io.kubelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubelab up}: the demo cluster served, scheduled and run; Ctrl-C stops all of it. */
@Timeout(120)
class UpCommandTest {

  private static void eventually(String what, Supplier<Boolean> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within 60 s");
      }
      Thread.sleep(50);
    }
  }

  private static String state(Pod p) {
    String phase = p.getStatus().getPhase();
    if ("Running".equals(phase)) {
      return "Running";
    } else if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      return "finished";
    } else if (p.getStatus().getConditions().stream()
        .anyMatch(c -> "Unschedulable".equals(c.getReason()))) {
      return "unschedulable";
    }
    return "other";
  }

  @Test
  void theDemoClusterRunsItsPodsAndStopsCleanly(@TempDir Path dir) throws Exception {
    Path kubeconfig = dir.resolve("kubeconfig");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    int[] code = {-1};
    Thread t =
        new Thread(
            () ->
                code[0] =
                    new Kubelab(out)
                        .commandLine(System.err)
                        .execute("up", "--kubeconfig-out", kubeconfig.toString()),
            "test-up-command");
    t.start();
    eventually("the cluster is up", () -> buf.toString(StandardCharsets.UTF_8).contains("Ctrl-C"));
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertThat(printed)
        .contains("kubelab up: loaded 20 object(s) from the demo cluster")
        .containsPattern("API server on http://127\\.0\\.0\\.1:\\d+")
        .containsPattern("dashboard on http://127\\.0\\.0\\.1:\\d+/dashboard/")
        .contains(
            "scheduler [default-scheduler]; controllers [deployment, replicaset]; kubelets on 6 node(s):"
                + " zone-a-1, zone-a-gpu,"
                + " zone-b-1, zone-b-2, zone-c-1, zone-c-2");

    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
            .build()) {
      // Every pod settles: Running on its node, finished, or Pending with the scheduler's reason.
      Supplier<List<Pod>> pods = () -> client.pods().inAnyNamespace().list().getItems();
      eventually(
          "every pod Running, finished or unschedulable",
          () -> pods.get().stream().allMatch(p -> !state(p).equals("other")));
      Map<String, String> states =
          pods.get().stream()
              .collect(
                  Collectors.toMap(
                      p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(),
                      UpCommandTest::state));
      assertThat(states)
          .hasSize(13)
          .containsEntry("shop/web-1", "Running")
          .containsEntry("shop/postgres", "Running")
          .containsEntry("ml/trainer", "Running")
          .containsEntry("default/done-job", "finished")
          // more CPU than any node without a taint has; a zone no node is in
          .containsEntry("media/render-farm", "unschedulable")
          .containsEntry("default/eu-north-only", "unschedulable");
      assertThat(pods.get())
          .filteredOn(p -> state(p).equals("Running"))
          .allSatisfy(
              p -> {
                assertThat(p.getSpec().getNodeName()).isNotNull();
                assertThat(p.getStatus().getPodIP()).isNotNull();
              });
    }

    // Ctrl-C runs the shutdown hook, which stops the command the same way
    UpCommand.runningForTests().stop();
    t.join(30_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(code[0]).isZero();
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(
            th ->
                th.isAlive()
                    && (th.getName().startsWith("kubelet-")
                        || th.getName().startsWith("apiserver-http")));
  }

  @Test
  void aMissingFileIsBadInput() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new Kubelab(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .commandLine(new PrintStream(err, true, StandardCharsets.UTF_8))
            .execute("up", "-f", "no-such-cluster.yaml");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no-such-cluster.yaml: no such file");
  }
}
