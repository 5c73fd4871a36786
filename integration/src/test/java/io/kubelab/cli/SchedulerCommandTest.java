package io.kubelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubelab.cluster.apiserver.ApiServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubelab scheduler}: binds a pending pod through the server, then stops when told. */
@Timeout(120)
class SchedulerCommandTest {

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

  @Test
  void bindsAPendingPodAndStopsCleanly(@TempDir Path dir) throws Exception {
    Map<String, Quantity> size = Map.of("cpu", new Quantity("2"), "pods", new Quantity("10"));
    try (ApiServer server = ApiServer.builder().build()) {
      server.load(
          List.of(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName("node-a")
                  .endMetadata()
                  .withNewStatus()
                  .withCapacity(size)
                  .withAllocatable(size)
                  .endStatus()
                  .build()));
      server.start();
      Path kubeconfig = dir.resolve("kubeconfig");
      server.writeKubeconfig(kubeconfig);

      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
      int[] code = {-1};
      Thread t =
          new Thread(
              () ->
                  code[0] =
                      new Kubelab(out)
                          .commandLine(System.err)
                          .execute("scheduler", "--kubeconfig", kubeconfig.toString()),
              "test-scheduler-command");
      t.start();
      eventually(
          "the scheduler runs", () -> buf.toString(StandardCharsets.UTF_8).contains("Ctrl-C"));
      assertThat(buf.toString(StandardCharsets.UTF_8))
          .contains(
              "kubelab scheduler: scheduling pods for [default-scheduler] on " + server.url());

      try (KubernetesClient client =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
              .build()) {
        client
            .pods()
            .inNamespace("default")
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName("web")
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("app")
                    .withImage("nginx")
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
        eventually(
            "web bound",
            () -> {
              Pod p = client.pods().inNamespace("default").withName("web").get();
              return "node-a".equals(p.getSpec().getNodeName());
            });
      }

      SchedulerCommand.runningForTests().stop();
      t.join(30_000);
      assertThat(t.isAlive()).isFalse();
      assertThat(code[0]).isZero();
    }
  }
}
