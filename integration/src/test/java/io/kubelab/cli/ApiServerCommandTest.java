package io.kubelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubelab apiserver}: serves, preloads, writes a kubeconfig, stops cleanly. */
@Timeout(60)
class ApiServerCommandTest {

  @Test
  void servesTheFileWritesAKubeconfigAndStopsCleanly(@TempDir Path dir) throws Exception {
    Path kubeconfig = dir.resolve("kc/config");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    Kubelab k = new Kubelab(out);
    int[] code = {-1};
    Thread t =
        new Thread(
            () ->
                code[0] =
                    k.commandLine(System.err)
                        .execute(
                            "apiserver",
                            "-f",
                            "src/main/resources/io/kubelab/cli/" + Kubelab.DEMO_CLUSTER,
                            "--kubeconfig-out",
                            kubeconfig.toString()),
            "test-apiserver-command");
    t.start();
    Pattern url = Pattern.compile("serving the Kubernetes API on (http://127\\.0\\.0\\.1:\\d+)");
    Matcher m = url.matcher("");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!(m = url.matcher(buf.toString(StandardCharsets.UTF_8))).find()) {
      assertThat(System.nanoTime()).as("server did not start").isLessThan(deadline);
      Thread.sleep(20);
    }
    String base = m.group(1);
    assertThat(buf.toString(StandardCharsets.UTF_8)).contains("loaded 20 object(s)");
    assertThat(Files.readString(kubeconfig)).contains("server: " + base);
    HttpResponse<String> nodes =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base + "/api/v1/nodes")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(nodes.body()).contains("zone-a-gpu");
    // Ctrl-C runs the shutdown hook, which stops the command the same way
    ApiServerCommand.runningForTests().stop();
    t.join(20_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(code[0]).isZero();
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(
            th ->
                th.getName().startsWith("apiserver-http")
                    || th.getName().equals("garbage-collector"));
  }

  @Test
  void refusesANonLoopbackAddressUnlessAllowed() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new Kubelab(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .run(
                new String[] {"apiserver", "--address", "0.0.0.0"},
                new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("kubelab: refusing to listen on 0.0.0.0: not a loopback address");
  }
}
