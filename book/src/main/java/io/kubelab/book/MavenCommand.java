package io.kubelab.book;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code ./mvnw ...} command line as the book writes it, parsed, and checked against the reactor:
 * its modules exist, the tests it selects exist (in the modules it names), and it works as written
 * (with {@code -am}, a {@code -Dtest} selection needs {@code
 * -Dsurefire.failIfNoSpecifiedTests=false}; an exercise's test needs {@code -Pexercise}).
 */
public final class MavenCommand {

  private static final Set<String> FLAGS =
      Set.of(
          "-B",
          "--batch-mode",
          "-q",
          "--quiet",
          "-o",
          "--offline",
          "-e",
          "--errors",
          "-U",
          "-ntp",
          "--no-transfer-progress",
          "-am",
          "--also-make",
          "-N",
          "--non-recursive");
  private static final Set<String> PHASES =
      Set.of(
          "clean",
          "validate",
          "compile",
          "test-compile",
          "test",
          "package",
          "integration-test",
          "verify",
          "install");
  private static final Pattern BENCHMARK_NAME = Pattern.compile("[A-Z]\\w*Benchmark(\\.\\w+)?");

  private final String text;
  private final List<String> goals = new ArrayList<>();
  private final List<String> projects = new ArrayList<>();
  private final Set<String> profiles = new LinkedHashSet<>();
  private final Map<String, String> properties = new LinkedHashMap<>();
  private final List<String> syntaxProblems = new ArrayList<>();
  private boolean alsoMake;

  private MavenCommand(String text) {
    this.text = text;
  }

  /** Is this line a Maven wrapper command? */
  public static boolean isMaven(String line) {
    return line.trim().startsWith("./mvnw ") || line.trim().equals("./mvnw");
  }

  /** Parses {@code ./mvnw ARGS}; problems with the syntax are kept for {@link #check}. */
  public static MavenCommand parse(String line) {
    MavenCommand c = new MavenCommand(line.trim());
    if (Shell.isCompound(line)) {
      c.syntaxProblems.add("a ./mvnw command in the book is one simple command (no pipes)");
    }
    List<String> w;
    try {
      w = Shell.words(line);
    } catch (IllegalArgumentException e) {
      c.syntaxProblems.add(e.getMessage());
      return c;
    }
    for (int i = 1; i < w.size(); i++) {
      String a = w.get(i);
      if (FLAGS.contains(a)) {
        c.alsoMake |= a.equals("-am") || a.equals("--also-make");
      } else if (a.equals("-pl") || a.equals("--projects")) {
        if (i + 1 >= w.size()) {
          c.syntaxProblems.add(a + " needs a value");
        } else {
          for (String p : w.get(++i).split(",")) {
            c.projects.add(p.startsWith(":") ? p.substring(1) : p);
          }
        }
      } else if (a.equals("-P") || a.startsWith("-P")) {
        String v = a.equals("-P") ? (i + 1 < w.size() ? w.get(++i) : "") : a.substring(2);
        for (String p : v.split(",")) {
          c.profiles.add(p);
        }
      } else if (a.equals("-T")) {
        i++;
      } else if (a.startsWith("-D")) {
        String kv = a.equals("-D") ? (i + 1 < w.size() ? w.get(++i) : "") : a.substring(2);
        int eq = kv.indexOf('=');
        c.properties.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "true" : kv.substring(eq + 1));
      } else if (a.startsWith("-")) {
        c.syntaxProblems.add("option " + a + " is not one the book uses (see MavenCommand)");
      } else {
        c.goals.add(a);
      }
    }
    return c;
  }

  public String text() {
    return text;
  }

  public List<String> goals() {
    return goals;
  }

  public List<String> projects() {
    return projects;
  }

  public Set<String> profiles() {
    return profiles;
  }

  public Map<String, String> properties() {
    return properties;
  }

  public boolean alsoMake() {
    return alsoMake;
  }

  /** The {@code -Dtest} selection, one entry per comma-separated pattern. */
  public List<TestSelector> tests() {
    String t = properties.get("test");
    if (t == null || t.isBlank()) {
      return List.of();
    }
    List<TestSelector> out = new ArrayList<>();
    for (String entry : t.split(",")) {
      out.add(TestSelector.parse(entry.trim()));
    }
    return out;
  }

  /** Everything wrong with this command, checked against the reactor; empty when it is right. */
  public List<String> check(SourceIndex index, Set<String> knownProfiles) {
    List<String> problems = new ArrayList<>(syntaxProblems);
    List<Module> selected = new ArrayList<>();
    for (String p : projects) {
      Optional<Module> m = index.moduleByName(p);
      if (m.isEmpty()) {
        problems.add("-pl " + p + ": no such module in the reactor " + index.modules().keySet());
      } else {
        selected.add(m.get());
      }
    }
    for (String p : profiles) {
      if (!knownProfiles.contains(p)) {
        problems.add("-P" + p + ": no such profile in pom.xml " + knownProfiles);
      }
    }
    for (String g : goals) {
      if (!PHASES.contains(g) && !g.contains(":")) {
        problems.add(g + " is neither a lifecycle phase nor a plugin:goal");
      }
    }
    if (goals.isEmpty() && !profiles.contains("bench")) {
      problems.add("no goal (say which phase to run, e.g. test or verify)");
    }
    List<TestSelector> tests = tests();
    if (!tests.isEmpty()) {
      boolean lenient = "false".equals(properties.get("surefire.failIfNoSpecifiedTests"));
      if ((alsoMake || projects.size() != 1) && !lenient) {
        problems.add(
            "selects tests with -Dtest in more than one module (-am or several -pl): add"
                + " -Dsurefire.failIfNoSpecifiedTests=false or surefire fails in the first module"
                + " without such a test");
      }
      List<Module> scope = selected.isEmpty() ? List.copyOf(index.modules().values()) : selected;
      for (TestSelector s : tests) {
        List<TestClass> classes = s.classesIn(index, scope);
        if (classes.isEmpty()) {
          problems.add(
              "-Dtest=" + s.text() + ": no test class " + s.classPattern() + " in " + names(scope));
          continue;
        }
        for (String method : s.methods()) {
          if (!method.contains("*")
              && classes.stream().noneMatch(c -> c.testMethods().contains(method))) {
            problems.add("-Dtest=" + s.text() + ": " + s.classPattern() + " has no test " + method);
          }
        }
        boolean exercise = classes.stream().allMatch(TestClass::exercise);
        if (exercise && !profiles.contains("exercise")) {
          problems.add(
              "-Dtest=" + s.text() + " is an exercise's test (tagged exercise): add -Pexercise");
        }
        if (!exercise && profiles.contains("exercise")) {
          problems.add(
              "-Pexercise runs only tests tagged exercise; " + s.classPattern() + " is not one");
        }
      }
    } else if (profiles.contains("exercise")) {
      problems.add("-Pexercise without -Dtest=<the exercise's test>");
    }
    if (profiles.contains("bench")) {
      Matcher m = BENCHMARK_NAME.matcher(properties.getOrDefault("jmh.args", ""));
      while (m.find()) {
        String name = m.group();
        String cls = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        String method = name.contains(".") ? name.substring(name.indexOf('.') + 1) : null;
        List<TestClass> found =
            index.testClassesNamed(cls).stream()
                .filter(c -> !c.benchmarkMethods().isEmpty())
                .filter(c -> selected.isEmpty() || selected.contains(c.module()))
                .toList();
        if (found.isEmpty()) {
          problems.add("-Djmh.args names " + cls + ", which is no benchmark in " + names(selected));
        } else if (method != null
            && found.stream().noneMatch(c -> c.benchmarkMethods().contains(method))) {
          problems.add("-Djmh.args names " + name + ": " + cls + " has no benchmark " + method);
        }
      }
    }
    return problems;
  }

  /** The modules this command builds, in reactor order (with -am, their dependencies too). */
  public List<Module> builtModules(SourceIndex index) {
    List<Module> selected =
        projects.isEmpty()
            ? List.copyOf(index.modules().values())
            : projects.stream().flatMap(p -> index.moduleByName(p).stream()).toList();
    return alsoMake ? index.withDependencies(selected) : selected;
  }

  private static String names(List<Module> modules) {
    return modules.stream().map(Module::dir).toList().toString();
  }

  /** One entry of {@code -Dtest}: {@code Class}, {@code Class#method} or {@code Class#m1+m2}. */
  public record TestSelector(String text, String classPattern, List<String> methods) {

    static TestSelector parse(String entry) {
      int hash = entry.indexOf('#');
      String cls = hash < 0 ? entry : entry.substring(0, hash);
      List<String> methods = hash < 0 ? List.of() : List.of(entry.substring(hash + 1).split("\\+"));
      return new TestSelector(entry, cls, methods);
    }

    /** Does {@code c}'s simple name match the class pattern ({@code *} is a wildcard)? */
    public boolean matchesClass(TestClass c) {
      String p = classPattern.replace("**/", "").replaceFirst("\\.java$", "");
      return glob(p).matcher(c.simpleName()).matches() || glob(p).matcher(c.fqcn()).matches();
    }

    /** Does the test case (a report's {@code name}) belong to the selected methods? */
    public boolean matchesMethod(String testCaseName) {
      if (methods.isEmpty()) {
        return true;
      }
      int paren = testCaseName.indexOf('(');
      String m = paren < 0 ? testCaseName : testCaseName.substring(0, paren);
      return methods.stream().anyMatch(p -> glob(p).matcher(m).matches());
    }

    List<TestClass> classesIn(SourceIndex index, List<Module> modules) {
      return index.testClasses().stream()
          .filter(c -> modules.contains(c.module()))
          .filter(c -> c.fqcn().indexOf('$') < 0)
          .filter(this::matchesClass)
          .toList();
    }

    private static Pattern glob(String p) {
      StringBuilder re = new StringBuilder();
      for (char ch : p.toCharArray()) {
        re.append(ch == '*' ? ".*" : ch == '?' ? "." : Pattern.quote(String.valueOf(ch)));
      }
      return Pattern.compile(re.toString());
    }
  }
}
