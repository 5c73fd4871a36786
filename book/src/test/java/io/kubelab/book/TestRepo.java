package io.kubelab.book;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small repository on disk for the checker's own tests: a root pom, modules, files. */
final class TestRepo {

  final Path root;

  TestRepo(Path root) {
    this.root = root;
    write(
        "pom.xml",
        """
        <project>
          <artifactId>lab</artifactId>
          <version>1.0</version>
          <name>lab</name>
          <modules><module>core</module><module>app</module></modules>
          <profiles>
            <profile><id>exercise</id></profile>
            <profile><id>bench</id></profile>
          </profiles>
        </project>
        """);
    write(
        "core/pom.xml", "<project><artifactId>core</artifactId><name>lab :: core</name></project>");
    write(
        "app/pom.xml",
        """
        <project><artifactId>app</artifactId><name>lab :: app</name>
          <dependencies>
            <dependency><groupId>io.kubelab</groupId><artifactId>core</artifactId></dependency>
          </dependencies>
        </project>
        """);
    write(
        "core/src/main/java/lab/Quantity.java",
        "package lab; public final class Quantity { static long roundUpToWholeUnits(long v) { return v; } }");
    write(
        "core/src/test/java/lab/QuantityTest.java",
        """
        package lab;
        import org.junit.jupiter.api.Test;
        import org.junit.jupiter.params.ParameterizedTest;
        class QuantityTest {
          @Test void roundsUpSoNothingBecomesZero() {}
          @ParameterizedTest void parsesEverySuffixForm(String s) {}
          void helper() {}
        }
        """);
    write(
        "core/src/test/java/lab/bench/QuantityBenchmark.java",
        """
        package lab.bench;
        import org.openjdk.jmh.annotations.Benchmark;
        public class QuantityBenchmark { @Benchmark public long parse() { return 1; } }
        """);
    write(
        "core/src/test/java/lab/exercises/RoundingExerciseTest.java",
        """
        package lab.exercises;
        import org.junit.jupiter.api.Tag;
        import org.junit.jupiter.api.Test;
        @Tag("exercise")
        class RoundingExerciseTest { @Test void roundsLikeUpstream() {} }
        """);
    write(
        "core/src/test/java/lab/exercises/RoundingExercise.java",
        """
        package lab.exercises;
        final class RoundingExercise {
          static long round(long v) { throw new UnsupportedOperationException("exercise"); }
        }
        """);
    write(
        "app/src/test/java/lab/app/AppTest.java",
        "package lab.app; import org.junit.jupiter.api.Test; class AppTest { @Test void starts() {} }");
  }

  TestRepo write(String path, String text) {
    try {
      Path p = root.resolve(path);
      Files.createDirectories(p.getParent());
      Files.writeString(p, text);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  SourceIndex index() {
    return SourceIndex.read(root);
  }

  /** Writes {@code chapters/name} and parses it. */
  Doc doc(String name, String text) {
    write("chapters/" + name, text);
    return Doc.read(root, root.resolve("chapters/" + name));
  }

  /** A surefire report for {@code fqcn} in {@code module}, with these test case names. */
  TestRepo report(String module, String fqcn, String time, String... cases) {
    StringBuilder sb = new StringBuilder();
    sb.append("<testsuite name=\"").append(fqcn).append("\" time=\"").append(time).append("\">");
    for (String c : cases) {
      String name = c.replaceFirst("^(FAIL|SKIP) ", "");
      sb.append("<testcase name=\"")
          .append(name)
          .append("\" classname=\"")
          .append(fqcn)
          .append("\">");
      if (c.startsWith("FAIL ")) {
        sb.append("<failure/>");
      } else if (c.startsWith("SKIP ")) {
        sb.append("<skipped/>");
      }
      sb.append("</testcase>");
    }
    sb.append("</testsuite>");
    return write(module + "/target/surefire-reports/TEST-" + fqcn + ".xml", sb.toString());
  }
}
