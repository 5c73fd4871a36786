package io.kubelab.book;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OutputMatcherTest {

  private static final List<String> REAL =
      List.of(
          "",
          "header",
          "POD  NODE  RESULT",
          "web  n1    1 of 2 fit",
          "db   n2    2 of 2 fit",
          "",
          "2 scheduled.");

  @Test
  void theSameLinesMatchAndTheTailMayBeLeftOut() {
    assertThat(OutputMatcher.mismatch(List.of("header", "POD  NODE  RESULT"), REAL)).isEmpty();
  }

  @Test
  void omittingLinesNeedsAnEllipsisLine() {
    assertThat(OutputMatcher.mismatch(List.of("header", "2 scheduled."), REAL))
        .get()
        .asString()
        .contains("put a ... line between them");
    assertThat(OutputMatcher.mismatch(List.of("header", "...", "2 scheduled."), REAL)).isEmpty();
    assertThat(OutputMatcher.mismatch(List.of("POD  NODE  RESULT"), REAL))
        .get()
        .asString()
        .contains("start the block's output with ...");
    assertThat(OutputMatcher.mismatch(List.of("...", "db   n2    2 of 2 fit"), REAL)).isEmpty();
  }

  @Test
  void linesMustAppearInOrder() {
    assertThat(
            OutputMatcher.mismatch(
                List.of("...", "db   n2    2 of 2 fit", "...", "web  n1    1 of 2 fit"), REAL))
        .isPresent();
  }

  @Test
  void aLineMayBeTrimmedOrElidedWithinButNotEdited() {
    assertThat(OutputMatcher.lineMatches("web  n1", "web  n1    1 of 2 fit")).isTrue();
    assertThat(OutputMatcher.lineMatches("web ... 1 of 2 fit", "web  n1    1 of 2 fit")).isTrue();
    assertThat(OutputMatcher.lineMatches("web  n1    3 of 2 fit", "web  n1    1 of 2 fit"))
        .isFalse();
    assertThat(OutputMatcher.lineMatches("fit ... web", "web  n1    1 of 2 fit")).isFalse();
    assertThat(OutputMatcher.lineMatches("", "web")).isFalse();
  }

  @Test
  void aShownLineThatNeverAppearsIsReported() {
    assertThat(OutputMatcher.mismatch(List.of("...", "3 scheduled."), REAL))
        .get()
        .asString()
        .contains("\"3 scheduled.\" does not appear");
  }

  @Test
  void aPartialModelAllowsGapsButNotDisorder() {
    List<String> model =
        List.of(
            "[INFO] Running a.BTest", "[INFO] Tests run: 2, Failures: 0", "[INFO] BUILD SUCCESS");
    assertThat(
            OutputMatcher.mismatchInPart(
                List.of("[INFO] Running a.BTest", "[INFO] BUILD SUCCESS"), model))
        .isEmpty();
    assertThat(
            OutputMatcher.mismatchInPart(
                List.of("[INFO] BUILD SUCCESS", "[INFO] Running a.BTest"), model))
        .isPresent();
    assertThat(OutputMatcher.mismatchInPart(List.of("[INFO] Reactor Summary"), model)).isPresent();
  }
}
