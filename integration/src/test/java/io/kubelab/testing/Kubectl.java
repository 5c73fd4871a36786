package io.kubelab.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The kubectl on the PATH, run against a kubeconfig. Tests that use it are skipped where kubectl is
 * not installed, except under {@code CI=true}, where a missing kubectl fails (.ci/run installs
 * Debian's kubernetes-client).
 */
public final class Kubectl {

  private final String path;
  private final Path kubeconfig;

  private Kubectl(String path, Path kubeconfig) {
    this.path = path;
    this.kubeconfig = kubeconfig;
  }

  /** The kubectl on the PATH (the test is aborted, or failed under CI, where there is none). */
  public static String find() {
    for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(p, "kubectl");
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    if ("true".equals(System.getenv("CI"))) {
      fail("kubectl is not installed (CI=true): .ci/run installs Debian's kubernetes-client");
    }
    Assumptions.abort("kubectl is not installed");
    return null;
  }

  /** kubectl with {@code --kubeconfig kubeconfig}. */
  public static Kubectl with(Path kubeconfig) {
    return new Kubectl(find(), kubeconfig);
  }

  /** The command line for {@code args}, for a test that runs the process itself. */
  public List<String> command(String... args) {
    List<String> cmd = new ArrayList<>(List.of(path, "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Runs kubectl; returns stdout and stderr, and fails the test on a non-zero exit. */
  public String run(String... args) throws Exception {
    return run(0, args);
  }

  /** Runs kubectl (at most 60 s) and fails the test unless it exits with {@code wantExit}. */
  public String run(int wantExit, String... args) throws Exception {
    Process p = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
    String out;
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        fail("kubectl " + String.join(" ", args) + " did not finish within 60 s");
      }
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      p.destroyForcibly();
    }
    assertThat(p.exitValue())
        .as("kubectl %s:%n%s", String.join(" ", args), out)
        .isEqualTo(wantExit);
    return out;
  }
}
