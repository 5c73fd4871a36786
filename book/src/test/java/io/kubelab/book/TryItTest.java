package io.kubelab.book;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TryItTest {

  @TempDir Path dir;

  @Test
  void runsEachCommandFromTheRootAndComparesItsOutput() {
    TestRepo repo = new TestRepo(dir).write("hello.txt", "one\ntwo\nthree\n");
    SourceIndex index = repo.index();
    TryIt tryIt =
        new TryIt(
            index,
            index.profiles(),
            TryIt.bash(dir, Map.of(), Path.of(System.getProperty("java.home")), 30),
            true);
    Doc good =
        repo.doc(
            "a.md",
            "```console check\n$ cat hello.txt\none\n...\nthree\n$ echo \"$((6 * 7))\" \\\n  done\n42 done\n```\n");
    assertThat(tryIt.check(good)).isEmpty();
    Doc bad = repo.doc("b.md", "```console check\n$ cat hello.txt\none\nthree\n```\n");
    assertThat(tryIt.check(bad))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .contains("does not match output line 2: \"two\"")
        .contains("the real output:");
  }

  @Test
  void mavenStepsAreCheckedAgainstTheReportsOrSkippedWithoutThem() {
    TestRepo repo = new TestRepo(dir);
    SourceIndex index = repo.index();
    String block =
        "```console check\n$ ./mvnw -B -pl app test\n...\n[INFO] Tests run: 1, Failures: 0, Errors: 0, Skipped: 0\n...\n[INFO] BUILD SUCCESS\n```\n";
    Doc d = repo.doc("a.md", block);
    TryIt.Runner neverRun =
        c -> {
          throw new AssertionError("ran " + c);
        };
    TryIt local = new TryIt(index, index.profiles(), neverRun, false);
    assertThat(local.check(d)).isEmpty();
    assertThat(local.skipped())
        .singleElement()
        .extracting(TryIt.Skipped::reason)
        .asString()
        .contains("no surefire report");
    TryIt ci = new TryIt(index, index.profiles(), neverRun, true);
    assertThat(ci.check(d))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .contains("no surefire report");
    repo.report("app", "lab.app.AppTest", "0.1", "starts");
    assertThat(ci.check(d)).isEmpty();
    Doc wrong = repo.doc("b.md", block.replace("Tests run: 1,", "Tests run: 2,"));
    assertThat(ci.check(wrong))
        .singleElement()
        .extracting(Finding::message)
        .asString()
        .contains("what the reports give");
  }

  @Test
  void aBlockStartsWithACommand() {
    assertThat(ConsoleBlock.parse("$ a\nout\n$ b \\\n  c\n").steps())
        .extracting(ConsoleBlock.Step::command, ConsoleBlock.Step::shown)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", List.of("out")),
            org.assertj.core.groups.Tuple.tuple("b c", List.of()));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ConsoleBlock.parse("output first\n$ a\n"))
        .hasMessageContaining("before any \"$ \" command");
  }
}
