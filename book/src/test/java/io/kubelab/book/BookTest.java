package io.kubelab.book;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * The book's own test: what can be checked mechanically over {@code README.md} and every {@code
 * chapters/*.md}. The rules are in {@link Rules}; this class applies them to the real book.
 *
 * <p><b>Every document</b> (README.md, chapters/README.md, chapters/answers.md, every chapter):
 *
 * <ul>
 *   <li>every relative link resolves: files, folders, {@code #anchors} into Markdown (GitHub's
 *       heading anchors) and {@code #L12} line anchors into code;
 *   <li>links into upstream's source are pinned to a tag ({@code /blob/v1.18.0/...});
 *   <li>every test, test method or benchmark a code span cites exists ({@link Rules#citedNames});
 *   <li>every {@code ./mvnw} command in a console or bash block works as written ({@link
 *       MavenCommand#check}: modules, profiles, tests and benchmarks exist; {@code -Dtest} with
 *       {@code -am} carries {@code -Dsurefire.failIfNoSpecifiedTests=false}; an exercise's test
 *       runs with {@code -Pexercise});
 *   <li>every Mermaid block starts with its diagram type and has no literal {@code \n};
 *   <li>the {@code console check} blocks run and print what the chapter shows ({@link TryIt},
 *       {@link OutputMatcher}): {@code $ } lines are commands run from the repository root (a
 *       trailing backslash continues one), the lines after them the output shown. Shown lines match
 *       real lines one to one and in order; a line {@code ...} stands for omitted lines (needed at
 *       the start and between lines that are not adjacent; the end may be cut without it); within a
 *       line, {@code ...} stands for omitted text and a line may be trimmed at either end. Keep
 *       timings and other figures that vary out of these blocks.
 * </ul>
 *
 * <p><b>Numbered chapters in the format</b> (all but those in {@link #NOT_YET_IN_FORMAT}), and
 * README.md and the index and answers for the talk rule: the sections of the format ({@link
 * Rules#sections}: chapter 13, the tour of the whole stack, may leave out "The problem", "Where we
 * differ from upstream" and "Benchmarks"; every other chapter, 00 and 11 included, has all seven);
 * the exercise format with a "Write it" exercise whose answer is in {@code chapters/answers.md}
 * ({@link Rules#exercises}); and no talk of how the book is made ({@link Rules#processTalk}).
 *
 * <p><b>Maven commands in "Try it" blocks are not run.</b> A nested Maven build per command would
 * take half a minute or more each and rebuild the modules the outer build has just built. The
 * checker parses the command, checks it against the reactor, and rebuilds the lines Maven prints
 * about the tests it runs from the surefire reports the same build wrote ({@link MavenOutput}):
 * this module comes last in the reactor, so {@code ./mvnw -B verify} (and {@code ./mvnw -B -pl book
 * -am verify}) have run every module's tests by then. Under {@code CI=true} missing reports fail
 * the test; elsewhere (e.g. {@code ./mvnw -pl book test} alone) those steps are skipped and listed.
 * {@code ./kubelab} runs for real, from this module's test classpath, with no build.
 *
 * <p><b>Diagrams are rendered outside the build.</b> Whether every Mermaid block parses needs a
 * browser: {@code book/check-mermaid} (Debian's chromium and mermaid-cli from npm, installed on
 * first use) renders every block of the book and fails on the first that does not parse. It is not
 * part of CI: it would add a browser and a Node toolchain to a build that needs only a JDK, and
 * several minutes, for files that change only with the chapters.
 */
class BookTest {

  /**
   * Chapters not yet in the book's format, by number. They are checked by every rule but the
   * format's (sections, exercises, talk). Take a chapter off when it is converted; a chapter on the
   * list that keeps every format rule fails {@link #theAllowListNamesOnlyChaptersNotInTheFormat}.
   */
  static final Set<String> NOT_YET_IN_FORMAT = Set.of();

  /**
   * Upstream-only names that chapters not yet in the format cite without linking them to upstream
   * (the format's way of saying "this name is Go's"). Goes when those chapters are converted.
   */
  static final Set<String> UNLINKED_UPSTREAM_NAMES = Set.of();

  private static Book book;
  private static SourceIndex index;

  @BeforeAll
  static void read() {
    Path root = root();
    book = Book.read(root);
    index = SourceIndex.read(root);
  }

  static Path root() {
    String r = System.getProperty("kubelab.root");
    Path p = r != null ? Path.of(r) : Path.of("").toAbsolutePath().getParent();
    return p.toAbsolutePath().normalize();
  }

  private static boolean inFormat(Doc d) {
    return d.chapterNumber() == null || !NOT_YET_IN_FORMAT.contains(d.chapterNumber());
  }

  private static void assertNone(List<Finding> findings) {
    assertThat(findings)
        .as(
            "%d finding(s):%n%s",
            findings.size(),
            findings.stream().map(Finding::toString).collect(Collectors.joining("\n")))
        .isEmpty();
  }

  private static List<Finding> over(List<Doc> docs, Function<Doc, List<Finding>> rule) {
    List<Finding> out = new ArrayList<>();
    docs.forEach(d -> out.addAll(rule.apply(d)));
    return out;
  }

  @Test
  void everyRelativeLinkResolves() {
    assertNone(over(book.all(), d -> Rules.links(d, book.root())));
  }

  @Test
  void upstreamLinksArePinnedToATag() {
    assertNone(over(book.all(), Rules::upstreamPins));
  }

  @Test
  void everyCitedTestOrBenchmarkExists() {
    assertNone(
        over(book.all(), d -> Rules.citedNames(d, index)).stream()
            .filter(
                f ->
                    UNLINKED_UPSTREAM_NAMES.stream()
                        .noneMatch(
                            n ->
                                n.equals(
                                    f.file()
                                        + " "
                                        + f.message().replaceFirst("(`[^`]*`).*", "$1"))))
            .toList());
  }

  @Test
  void everyMavenCommandWorksAsWritten() {
    assertNone(over(book.all(), d -> Rules.commands(d, index, index.profiles())));
  }

  @Test
  void everyMermaidBlockStartsWithItsTypeAndHasNoLiteralNewline() {
    assertNone(over(book.all(), Rules::mermaidShape));
  }

  @Test
  void theReadmeAndTheIndexListEveryChapterAndModule() {
    assertNone(Rules.index(book.readme(), book.index(), book.chapters(), index));
  }

  @Test
  void chaptersHaveTheSectionsOfTheFormat() {
    assertNone(over(book.numbered().stream().filter(BookTest::inFormat).toList(), Rules::sections));
  }

  @Test
  void exercisesFollowTheFormatWithAWriteItExerciseAndItsAnswer() {
    assertThat(book.answers()).as("chapters/answers.md").isNotNull();
    assertNone(
        over(
            book.numbered().stream().filter(BookTest::inFormat).toList(),
            d -> Rules.exercises(d, index, book.answers(), index.profiles())));
  }

  @Test
  void theBookSpeaksOfKubernetesAndKubelabOnly() {
    assertNone(over(book.all().stream().filter(BookTest::inFormat).toList(), Rules::processTalk));
  }

  private static List<Finding> formatFindings(Doc d) {
    List<Finding> f = new ArrayList<>();
    f.addAll(Rules.sections(d));
    f.addAll(Rules.exercises(d, index, book.answers(), index.profiles()));
    f.addAll(Rules.processTalk(d));
    return f;
  }

  /**
   * The allow-list names only chapters that still break a format rule. What each breaks is printed,
   * so the list's owners see what is left.
   */
  @Test
  void theAllowListNamesOnlyChaptersNotInTheFormat() {
    List<String> done = new ArrayList<>();
    for (Doc d : book.numbered()) {
      if (inFormat(d)) {
        continue;
      }
      List<Finding> f = formatFindings(d);
      System.out.printf("%s, not yet in the format: %d finding(s)%n", d.name(), f.size());
      f.forEach(x -> System.out.println("  " + x));
      if (f.isEmpty()) {
        done.add(d.chapterNumber());
      }
    }
    assertThat(done).as("chapters in the format: take them off NOT_YET_IN_FORMAT").isEmpty();
  }

  @TestFactory
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  Stream<DynamicTest> tryItBlocksPrintWhatTheChaptersShow() {
    boolean ci = "true".equals(System.getenv("CI"));
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    TryIt.Runner bash =
        TryIt.bash(
            book.root(),
            Map.of("KUBELAB_CLASSPATH", classpath),
            Path.of(System.getProperty("java.home")),
            300);
    TryIt tryIt = new TryIt(index, index.profiles(), bash, ci);
    return book.all().stream()
        .filter(d -> d.fences().stream().anyMatch(Doc.Fence::isCheckedConsole))
        .map(
            d ->
                DynamicTest.dynamicTest(
                    d.name(),
                    () -> {
                      List<Finding> findings = tryIt.check(d);
                      List<TryIt.Skipped> skipped = List.copyOf(tryIt.skipped());
                      tryIt.skipped().clear();
                      assertNone(findings);
                      Assumptions.assumeTrue(
                          skipped.isEmpty(),
                          () ->
                              "not checked (no surefire reports): "
                                  + skipped.stream()
                                      .map(s -> s.where() + " " + s.reason())
                                      .collect(Collectors.joining("; ")));
                    }));
  }
}
