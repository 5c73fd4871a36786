package io.kubelab.book;

import java.nio.file.Path;
import java.util.Set;

/**
 * A class in a module's test sources: its methods, which of them are tests or benchmarks, and
 * whether it is tagged {@code exercise} (left out of normal builds).
 */
public record TestClass(
    Module module,
    String fqcn,
    String simpleName,
    Path file,
    Set<String> methods,
    Set<String> testMethods,
    Set<String> benchmarkMethods,
    boolean exercise) {

  /** Does surefire pick this class up by default (Test*, *Test, *Tests, *TestCase)? */
  public boolean surefireIncludesByDefault() {
    String f = file.getFileName().toString().replaceFirst("\\.java$", "");
    boolean named =
        f.startsWith("Test") || f.endsWith("Test") || f.endsWith("Tests") || f.endsWith("TestCase");
    return named && fqcn.indexOf('$') < 0 && !testMethods.isEmpty();
  }
}
