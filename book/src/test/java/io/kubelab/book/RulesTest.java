package io.kubelab.book;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker's rules on small documents, each rule seen to pass and to fail. */
class RulesTest {

  @TempDir Path dir;
  private TestRepo repo;

  @BeforeEach
  void repo() {
    repo = new TestRepo(dir);
  }

  private static List<String> messages(List<Finding> f) {
    return f.stream().map(Finding::message).toList();
  }

  @Test
  void linksResolveToFilesHeadingsAndLines() {
    repo.write("chapters/other.md", "# Other\n\n## Where we differ from upstream\n");
    Doc d =
        repo.doc(
            "a.md",
            """
            # A

            ## Why `Quantity`?

            [ok](other.md#where-we-differ-from-upstream) [self](#why-quantity)
            [code](../core/src/main/java/lab/Quantity.java#L1) [dir](../core)
            [web](https://example.com/x)

            [gone](missing.md) [bad anchor](other.md#nope) [bad line](../core/pom.xml#L99)
            """);
    assertThat(messages(Rules.links(d, dir)))
        .hasSize(3)
        .anyMatch(m -> m.contains("missing.md: no such file"))
        .anyMatch(m -> m.contains("no heading with anchor #nope"))
        .anyMatch(m -> m.contains("the file has 1 lines"));
  }

  @Test
  void upstreamLinksNameATag() {
    Doc d =
        repo.doc(
            "a.md",
            """
            [pinned](https://github.com/kubernetes/kubernetes/blob/v1.18.0/pkg/scheduler/core/generic_scheduler.go)
            [moving](https://github.com/kubernetes/kubernetes/blob/master/pkg/scheduler/core/generic_scheduler.go)
            [a pull request](https://github.com/kubernetes/kubernetes/pull/12345)
            """);
    assertThat(messages(Rules.upstreamPins(d))).singleElement().asString().contains("not master");
  }

  @Test
  void citedTestsBenchmarksAndLongNamesMustExist() {
    Doc d =
        repo.doc(
            "a.md",
            """
            `QuantityTest`, `QuantityTest.roundsUpSoNothingBecomesZero`, `QuantityBenchmark`,
            `roundsUpSoNothingBecomesZero`, `roundUpToWholeUnits()`, `shortName`, `GetNonzeroRequests`,
            [`podPassesBasicChecks`](https://github.com/kubernetes/kubernetes/blob/v1.17.0/pkg/scheduler/core/generic_scheduler.go).

            `MissingTest`, `QuantityTest.roundsDown`, `roundsDownWhenItShouldNot`, `FormatBenchmark`.
            """);
    assertThat(messages(Rules.citedNames(d, repo.index())))
        .hasSize(4)
        .anyMatch(m -> m.startsWith("`MissingTest`"))
        .anyMatch(m -> m.contains("has no method roundsDown"))
        .anyMatch(m -> m.startsWith("`roundsDownWhenItShouldNot`"))
        .anyMatch(m -> m.startsWith("`FormatBenchmark`"));
  }

  private static final String COMPLETE =
      """
      # 07 The extender

      What it is, modelled on [extender.go](https://github.com/kubernetes/kubernetes/blob/v1.17.0/pkg/scheduler/core/extender.go).

      ## The problem

      Why.

      ## How it works

      ## Where we differ from upstream

      ## Try it

      ```console check
      $ echo hi
      hi
      ```

      ## Benchmarks

      On 2 cores: 12.0 ± 0.4 µs/op.

      ## Summary

      - one

      ## What's next

      Chapter 08.

      ## Exercises

      1. **Break it.**
         **Change:** the line. **Run:** `./mvnw -B -pl core test -Dtest=QuantityTest`
         **Fails:** `QuantityTest.roundsUpSoNothingBecomesZero` **Expected:** `expected: 1L but was: 0L`
      2. **Write it: rounding.**
         **Change:** [`RoundingExercise`](../core/src/test/java/lab/exercises/RoundingExercise.java).
         **Run:** `./mvnw -B -pl core test -Pexercise -Dtest=RoundingExerciseTest`
         **Fails:** `RoundingExerciseTest` **Expected:** `UnsupportedOperationException: exercise`
      """;

  private Doc answers(String section) {
    return repo.doc("answers.md", "# Answers\n\n## 07 The extender\n\n" + section + "\n");
  }

  @Test
  void aCompleteChapterKeepsTheFormat() {
    Doc d = repo.doc("07-extender.md", COMPLETE);
    assertThat(Rules.sections(d)).isEmpty();
    assertThat(
            Rules.exercises(
                d,
                repo.index(),
                answers("Write `RoundingExercise.round` so."),
                repo.index().profiles()))
        .isEmpty();
  }

  @Test
  void missingOrMisplacedSectionsAreReported() {
    Doc d =
        repo.doc(
            "07-extender.md",
            COMPLETE
                .replace("## Summary\n\n- one\n", "")
                .replace("## The problem\n\nWhy.\n", "")
                .replace("## Where we differ from upstream\n", "")
                .replace("## Benchmarks", "## Where we differ from upstream\n\n## Benchmarks")
                .replace("```console check", "```console")
                .replace("On 2 cores: 12.0 ± 0.4", "Fast"));
    assertThat(messages(Rules.sections(d)))
        .contains(
            "missing section \"## The problem\"",
            "missing section \"## Summary\"",
            "\"## Try it\" has no ```console check block",
            "\"## Benchmarks\" names the machine's size (\"2 cores\")",
            "\"## Benchmarks\" quotes figures with their error (±)")
        .anyMatch(m -> m.contains("out of order"));
    Doc thirteen =
        repo.doc(
            "13-the-stack.md",
            COMPLETE
                .replace("# 07 The extender", "# 13 The stack")
                .replace("## The problem\n", ""));
    assertThat(Rules.sections(thirteen)).isEmpty();
  }

  @Test
  void exercisesNeedTheirFourPartsAWriteItAndItsAnswer() {
    Doc d =
        repo.doc(
            "07-extender.md",
            COMPLETE
                .replace("**Expected:** `expected: 1L but was: 0L`", "")
                .replace("-Dtest=RoundingExerciseTest", "-Dtest=RoundingExerciseTest -Dx=1")
                .replace(
                    "**Fails:** `QuantityTest.roundsUpSoNothingBecomesZero`",
                    "**Fails:** `QuantityTest.nothing`"));
    assertThat(
            messages(
                Rules.exercises(d, repo.index(), answers("Nothing yet."), repo.index().profiles())))
        .containsExactlyInAnyOrder(
            "\"Break it.\" has no **Expected:**",
            "chapters/answers.md, \"## 07 The extender\": no answer naming RoundingExercise");
    Doc noWriteIt = repo.doc("07-extender.md", COMPLETE.replace("Write it: rounding", "Rounding"));
    assertThat(
            messages(
                Rules.exercises(noWriteIt, repo.index(), answers("x"), repo.index().profiles())))
        .contains("at least one exercise is a \"Write it\" exercise");
    Doc badCommand =
        repo.doc(
            "07-extender.md",
            COMPLETE.replace(
                "-Pexercise -Dtest=RoundingExerciseTest", "-Dtest=RoundingExerciseTest"));
    assertThat(
            messages(
                Rules.exercises(
                    badCommand,
                    repo.index(),
                    answers("RoundingExercise"),
                    repo.index().profiles())))
        .anyMatch(m -> m.contains("add -Pexercise"))
        .anyMatch(m -> m.contains("a Write it exercise runs its test with -Pexercise"));
  }

  @Test
  void processTalkIsFoundButKubernetesWordsAreNot() {
    Doc d =
        repo.doc(
            "a.md",
            """
            The issue's goal was met on a quiet machine, as the lead re-ran it on 2026-11-25.
            See the fact sheet; other engineers' builds shared the box.

            Session affinity keeps a client's session on one pod. The kubelet issues a probe. A Java
            engineer reads `upstream-notes/kubelet-proxy.md`.

            ```console
            2026-11-25 the review said
            ```
            """);
    assertThat(messages(Rules.processTalk(d)))
        .anyMatch(m -> m.startsWith("\"issue's\""))
        .anyMatch(m -> m.startsWith("\"quiet machine\""))
        .anyMatch(m -> m.startsWith("\"the lead\""))
        .anyMatch(m -> m.startsWith("\"2026-11-25\""))
        .anyMatch(m -> m.startsWith("\"fact sheet\""))
        .anyMatch(m -> m.startsWith("\"other engineers\""))
        .anyMatch(m -> m.startsWith("\"upstream-notes\""))
        .noneMatch(m -> m.toLowerCase().contains("session"))
        .noneMatch(m -> m.contains("issues a"))
        .noneMatch(m -> m.contains("review"));
  }

  @Test
  void diagramsStartWithTheirTypeAndBreakLinesWithBr() {
    Doc d =
        repo.doc(
            "a.md",
            "```mermaid\nflowchart LR\n  a --> b\n```\n\n```mermaid\nA --> B\n```\n\n```mermaid\nclassDiagram\n  note for A \"x\\ny\"\n```\n");
    assertThat(messages(Rules.mermaidShape(d)))
        .hasSize(2)
        .anyMatch(m -> m.contains("starts with its type"))
        .anyMatch(m -> m.contains("use <br/>"));
  }

  @Test
  void mavenCommandsInShellBlocksAreChecked() {
    Doc d =
        repo.doc(
            "a.md",
            "```bash\n./mvnw -B -pl app -am test -Dtest=AppTest   # one class\n```\n\n```console\n$ ./mvnw -B -pl core test\n```\n");
    assertThat(messages(Rules.commands(d, repo.index(), repo.index().profiles())))
        .singleElement()
        .asString()
        .contains("failIfNoSpecifiedTests");
  }

  @Test
  void theIndexesListEveryChapterAndModule() {
    repo.write(
        "pom.xml",
        repo.root.resolve("pom.xml").toFile().exists()
            ? read("pom.xml")
                .replace("<module>app</module>", "<module>app</module><module>ch01-cache</module>")
            : "");
    repo.write("ch01-cache/pom.xml", "<project><artifactId>ch01-cache</artifactId></project>");
    Doc chapter = repo.doc("01-cache.md", "# 01 The cache\n");
    Doc readme =
        Doc.read(
            dir,
            repo.write("README.md", "[01](chapters/01-cache.md) `ch01-cache`")
                .root
                .resolve("README.md"));
    Doc index = repo.doc("README.md", "Nothing yet.");
    assertThat(messages(Rules.index(readme, index, List.of(chapter), repo.index())))
        .containsExactlyInAnyOrder(
            "the reading order does not link 01-cache.md",
            "the reading order does not list module `ch01-cache`");
  }

  private String read(String path) {
    try {
      return java.nio.file.Files.readString(dir.resolve(path));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
