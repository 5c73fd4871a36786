package io.kubelab.book;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code console check} blocks of a document and compares what the chapter shows with what
 * the commands print ({@link OutputMatcher}).
 *
 * <ul>
 *   <li>A {@code ./mvnw} command is not run (that would be a Maven build inside the Maven build,
 *       minutes each): it is checked as written ({@link MavenCommand#check}) and its output is
 *       rebuilt from the surefire reports the same build has just written ({@link MavenOutput}).
 *   <li>Every other command runs in {@code bash} from the repository root, stderr merged into
 *       stdout as a terminal shows them, with a time limit. {@code ./kubelab} starts no build:
 *       {@code KUBELAB_CLASSPATH} hands it this JVM's classpath.
 * </ul>
 */
public final class TryIt {

  /** What running one command gave: its output lines, or that it did not finish in time. */
  public record Result(List<String> lines, boolean timedOut) {}

  /** Runs a shell command from the repository root. */
  public interface Runner {
    Result run(String command);
  }

  /** A check that could not be made here (no reports yet), with the reason. */
  public record Skipped(String where, String reason) {}

  private final SourceIndex index;
  private final Set<String> profiles;
  private final Runner runner;
  private final boolean reportsRequired;
  private final List<Skipped> skipped = new ArrayList<>();

  /**
   * @param reportsRequired when true (CI), a Maven step whose surefire reports are missing is a
   *     finding; otherwise it is skipped and listed in {@link #skipped()}
   */
  public TryIt(SourceIndex index, Set<String> profiles, Runner runner, boolean reportsRequired) {
    this.index = index;
    this.profiles = profiles;
    this.runner = runner;
    this.reportsRequired = reportsRequired;
  }

  public List<Skipped> skipped() {
    return skipped;
  }

  /** Runs every checked block of {@code d}; returns what does not match. */
  public List<Finding> check(Doc d) {
    List<Finding> out = new ArrayList<>();
    for (Doc.Fence f : d.fences()) {
      if (!f.isCheckedConsole()) {
        continue;
      }
      ConsoleBlock block;
      try {
        block = ConsoleBlock.parse(f.body());
      } catch (IllegalArgumentException e) {
        out.add(new Finding(d.name(), f.line(), "try-it", e.getMessage()));
        continue;
      }
      if (block.steps().isEmpty()) {
        out.add(
            new Finding(
                d.name(), f.line(), "try-it", "a console check block has no \"$ \" command"));
      }
      for (ConsoleBlock.Step s : block.steps()) {
        int line = f.line() + 1 + s.offset();
        step(d, line, s).ifPresent(msg -> out.add(new Finding(d.name(), line, "try-it", msg)));
      }
    }
    return out;
  }

  private Optional<String> step(Doc d, int line, ConsoleBlock.Step s) {
    if (MavenCommand.isMaven(s.command())) {
      MavenCommand cmd = MavenCommand.parse(s.command());
      List<String> problems = cmd.check(index, profiles);
      if (!problems.isEmpty()) {
        return Optional.of(s.command() + ": " + String.join("; ", problems));
      }
      try {
        List<String> model = MavenOutput.expected(cmd, index);
        return OutputMatcher.mismatchInPart(s.shown(), model)
            .map(m -> s.command() + ": " + m + "\n  what the reports give:\n" + indent(model));
      } catch (MavenOutput.Unsupported e) {
        return Optional.of(s.command() + ": " + e.getMessage());
      } catch (MavenOutput.MissingReports e) {
        if (reportsRequired) {
          return Optional.of(s.command() + ": " + e.getMessage());
        }
        skipped.add(new Skipped(d.name() + ":" + line, e.getMessage()));
        return Optional.empty();
      }
    }
    Result r = runner.run(s.command());
    if (r.timedOut()) {
      return Optional.of(s.command() + ": did not finish in time");
    }
    return OutputMatcher.mismatch(s.shown(), r.lines())
        .map(m -> s.command() + ": " + m + "\n  the real output:\n" + indent(r.lines()));
  }

  private static String indent(List<String> lines) {
    StringBuilder sb = new StringBuilder();
    int n = 0;
    for (String l : lines) {
      if (n++ == 80) {
        sb.append("    ... (").append(lines.size() - 80).append(" more lines)\n");
        break;
      }
      sb.append("    ").append(l).append('\n');
    }
    return sb.toString();
  }

  /**
   * Runs commands with {@code bash -c} from {@code root}, with {@code env} added to the environment
   * and {@code javaHome/bin} first on the PATH.
   */
  public static Runner bash(
      Path root, Map<String, String> env, Path javaHome, long timeoutSeconds) {
    return command -> {
      try {
        Path out = Files.createTempFile("kubelab-try-it", ".out");
        try {
          ProcessBuilder pb =
              new ProcessBuilder("bash", "-c", command)
                  .directory(root.toFile())
                  .redirectErrorStream(true)
                  .redirectOutput(out.toFile())
                  .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
          pb.environment().putAll(env);
          pb.environment()
              .put(
                  "PATH",
                  javaHome.resolve("bin")
                      + java.io.File.pathSeparator
                      + pb.environment().getOrDefault("PATH", ""));
          Process p = pb.start();
          if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            return new Result(List.of(), true);
          }
          return new Result(Files.readString(out, StandardCharsets.UTF_8).lines().toList(), false);
        } finally {
          Files.deleteIfExists(out);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while running " + command, e);
      }
    };
  }
}
