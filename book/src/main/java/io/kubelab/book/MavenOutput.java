package io.kubelab.book;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What {@code ./mvnw ... test} (or {@code verify}) prints about the tests it runs, rebuilt from the
 * surefire reports the same reactor build has just written, so that a chapter's "Try it" block can
 * show a Maven run without the checker starting a Maven build inside the Maven build.
 *
 * <p>The lines it knows, in Maven 3.9 and surefire 3.5's format: {@code Building <module> <version>
 * [i/n]}, {@code T E S T S}, {@code Running <class>}, the per-class {@code Tests run: ...} line
 * (its time is the report's), {@code Results:}, the module's totals, the reactor summary's {@code
 * <module> .... SUCCESS} (without the time, which no report records) and {@code BUILD SUCCESS}.
 * Anything else a chapter shows from a Maven run must be elided with {@code ...}.
 */
public final class MavenOutput {

  private static final int LINE = 72;
  private static final int SUMMARY_WIDTH = 52;

  /** The reports the output would be rebuilt from are not there (or not all of them). */
  public static final class MissingReports extends Exception {
    private static final long serialVersionUID = 1L;

    MissingReports(String message) {
      super(message);
    }
  }

  /** The command is not one whose output can be rebuilt from reports. */
  public static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported(String message) {
      super(message);
    }
  }

  private MavenOutput() {}

  /** The lines {@code cmd} prints about its tests, from the modules' surefire reports. */
  public static List<String> expected(MavenCommand cmd, SourceIndex index)
      throws MissingReports, Unsupported {
    if (cmd.goals().stream()
            .noneMatch(g -> List.of("test", "package", "verify", "install").contains(g))
        || cmd.profiles().stream()
            .anyMatch(p -> List.of("bench", "exercise", "mutation").contains(p))
        || "true".equals(cmd.properties().get("skipTests"))
        || cmd.properties().containsKey("maven.test.skip")) {
      throw new Unsupported(
          "only test, verify, package and install runs of the normal tests are checked; show"
              + " other Maven runs in a plain console block");
    }
    List<Module> built = cmd.builtModules(index);
    boolean withRoot = cmd.alsoMake() || cmd.projects().isEmpty();
    int total = built.size() + (withRoot ? 1 : 0);
    String version = index.version();
    List<String> out = new ArrayList<>();
    int i = 0;
    if (withRoot) {
      out.add(building(index.rootDisplayName(), version, ++i, total));
    }
    List<MavenCommand.TestSelector> selectors = cmd.tests();
    for (Module m : built) {
      out.add(building(m.displayName(), version, ++i, total));
      List<TestClass> classes =
          index.testClasses().stream()
              .filter(c -> c.module().equals(m) && c.fqcn().indexOf('$') < 0 && !c.exercise())
              .filter(
                  c ->
                      selectors.isEmpty()
                          ? c.surefireIncludesByDefault()
                          : selectors.stream().anyMatch(s -> s.matchesClass(c)))
              .toList();
      if (classes.isEmpty()) {
        continue;
      }
      out.add("[INFO]  T E S T S");
      int[] sum = new int[4];
      for (TestClass c : classes) {
        int[] r = counts(m, c, selectors);
        Path report = report(m, c);
        String time = xml(report).getAttribute("time");
        out.add("[INFO] Running " + c.fqcn());
        out.add(
            level(r)
                + " Tests run: "
                + r[0]
                + ", Failures: "
                + r[1]
                + ", Errors: "
                + r[2]
                + ", Skipped: "
                + r[3]
                + ", Time elapsed: "
                + time
                + " s"
                + (r[1] + r[2] > 0 ? " <<< FAILURE!" : "")
                + " -- in "
                + c.fqcn());
        for (int k = 0; k < 4; k++) {
          sum[k] += r[k];
        }
      }
      out.add("[INFO] Results:");
      out.add(
          level(sum)
              + " Tests run: "
              + sum[0]
              + ", Failures: "
              + sum[1]
              + ", Errors: "
              + sum[2]
              + ", Skipped: "
              + sum[3]);
      if (sum[1] + sum[2] > 0) {
        out.add("[INFO] BUILD FAILURE");
        return out;
      }
    }
    if (total > 1) {
      out.add("[INFO] Reactor Summary for " + index.rootDisplayName() + " " + version + ":");
      if (withRoot) {
        out.add(summary(index.rootDisplayName()));
      }
      for (Module m : built) {
        out.add(summary(m.displayName()));
      }
    }
    out.add("[INFO] BUILD SUCCESS");
    return out;
  }

  private static String building(String name, String version, int i, int total) {
    String head = "Building " + name + " " + version;
    String progress = "[" + i + "/" + total + "]";
    int pad = Math.max(1, LINE - head.length() - progress.length());
    return "[INFO] " + head + " ".repeat(pad) + progress;
  }

  private static String summary(String name) {
    int dots = Math.max(2, SUMMARY_WIDTH - name.length() - 1);
    return "[INFO] " + name + " " + ".".repeat(dots) + " SUCCESS [";
  }

  private static String level(int[] r) {
    return r[1] + r[2] > 0 ? "[ERROR]" : r[3] > 0 ? "[WARNING]" : "[INFO]";
  }

  private static Path report(Module m, TestClass c) throws MissingReports {
    Path report = m.path().resolve("target/surefire-reports").resolve("TEST-" + c.fqcn() + ".xml");
    if (!Files.isRegularFile(report)) {
      throw new MissingReports(
          "no surefire report for "
              + c.fqcn()
              + " (run the module's tests first: ./mvnw -B -pl book -am verify)");
    }
    return report;
  }

  /** Tests run, failures, errors, skipped for the selected test cases of class {@code c}. */
  private static int[] counts(Module m, TestClass c, List<MavenCommand.TestSelector> selectors)
      throws MissingReports {
    Element suite = xml(report(m, c));
    NodeList cases = suite.getElementsByTagName("testcase");
    int[] r = new int[4];
    for (int k = 0; k < cases.getLength(); k++) {
      Element tc = (Element) cases.item(k);
      String name = tc.getAttribute("name");
      boolean selected =
          selectors.isEmpty()
              || selectors.stream().anyMatch(s -> s.matchesClass(c) && s.matchesMethod(name));
      if (!selected) {
        continue;
      }
      r[0]++;
      if (tc.getElementsByTagName("failure").getLength() > 0) {
        r[1]++;
      } else if (tc.getElementsByTagName("error").getLength() > 0) {
        r[2]++;
      } else if (tc.getElementsByTagName("skipped").getLength() > 0) {
        r[3]++;
      }
    }
    return r;
  }

  private static Element xml(Path file) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return f.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
    } catch (Exception e) {
      throw new IllegalStateException(file + ": cannot be read as XML: " + e.getMessage(), e);
    }
  }
}
