package io.kubelab.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Headless Chromium for tests of a page: the DOM after the page's scripts have run. */
public final class Chromium {

  private Chromium() {}

  /** Chromium on the PATH (the test is aborted, or failed under CI, where there is none). */
  public static String find() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        File f = new File(p, name);
        if (f.canExecute()) {
          return f.getPath();
        }
      }
    }
    if ("true".equals(System.getenv("CI"))) {
      fail("chromium is not installed (CI=true): .ci/run installs Debian's chromium");
    }
    Assumptions.abort("chromium is not installed");
    return null;
  }

  /**
   * The DOM of {@code url} once its scripts have had {@code virtualMillis} of (virtual) time, as
   * {@code chromium --headless --dump-dom} prints it. Fails the test if Chromium does not end
   * within 60 s or exits non-zero.
   */
  public static String dumpDom(String url, int virtualMillis, Path scratch) throws Exception {
    Path out = scratch.resolve("dom.html");
    Path err = scratch.resolve("chromium.err");
    Process p =
        new ProcessBuilder(
                find(),
                "--headless",
                "--no-sandbox", // as root in a container
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--user-data-dir=" + scratch.resolve("profile"),
                "--virtual-time-budget=" + virtualMillis,
                "--dump-dom",
                url)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("chromium did not end within 60 s: " + Files.readString(err));
    }
    if (p.exitValue() != 0) {
      fail("chromium exited " + p.exitValue() + ": " + Files.readString(err));
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
