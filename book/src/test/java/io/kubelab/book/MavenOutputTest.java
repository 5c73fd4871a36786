package io.kubelab.book;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MavenOutputTest {

  @TempDir Path dir;

  @Test
  void rebuildsWhatMavenPrintsAboutTheTestsFromTheReports() throws Exception {
    TestRepo repo =
        new TestRepo(dir)
            .report(
                "core",
                "lab.QuantityTest",
                "0.25",
                "roundsUpSoNothingBecomesZero",
                "parsesEverySuffixForm(String)[1]",
                "parsesEverySuffixForm(String)[2]")
            .report("app", "lab.app.AppTest", "1.5", "starts");
    SourceIndex index = repo.index();
    var lines =
        MavenOutput.expected(
            MavenCommand.parse(
                "./mvnw -B -pl app -am test -Dtest=QuantityTest -Dsurefire.failIfNoSpecifiedTests=false"),
            index);
    assertThat(lines.get(0)).matches("\\[INFO\\] Building lab 1\\.0 +\\[1/3\\]").hasSize(7 + 72);
    assertThat(lines.stream().map(l -> l.replaceAll(" {2,}", " ")))
        .containsSubsequence(
            "[INFO] Building lab :: core 1.0 [2/3]",
            "[INFO] Running lab.QuantityTest",
            "[INFO] Tests run: 3, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.25 s -- in lab.QuantityTest",
            "[INFO] Tests run: 3, Failures: 0, Errors: 0, Skipped: 0",
            "[INFO] Building lab :: app 1.0 [3/3]",
            "[INFO] BUILD SUCCESS")
        .noneMatch(l -> l.contains("AppTest"));
  }

  @Test
  void aMethodSelectionCountsOnlyItsCasesAndSkippedTestsWarn() throws Exception {
    TestRepo repo =
        new TestRepo(dir)
            .report(
                "core",
                "lab.QuantityTest",
                "0.25",
                "roundsUpSoNothingBecomesZero",
                "SKIP parsesEverySuffixForm(String)[1]",
                "parsesEverySuffixForm(String)[2]");
    var lines =
        MavenOutput.expected(
            MavenCommand.parse("./mvnw -B -pl core test -Dtest=QuantityTest#parsesEverySuffixForm"),
            repo.index());
    assertThat(lines).contains("[WARNING] Tests run: 2, Failures: 0, Errors: 0, Skipped: 1");
  }

  @Test
  void aFailedTestEndsTheBuild() throws Exception {
    TestRepo repo = new TestRepo(dir).report("app", "lab.app.AppTest", "1", "FAIL starts");
    var lines = MavenOutput.expected(MavenCommand.parse("./mvnw -B -pl app test"), repo.index());
    assertThat(lines)
        .contains("[ERROR] Tests run: 1, Failures: 1, Errors: 0, Skipped: 0")
        .endsWith("[INFO] BUILD FAILURE");
  }

  @Test
  void missingReportsAndRunsOtherThanTestsAreNotGuessed() {
    SourceIndex index = new TestRepo(dir).index();
    assertThatThrownBy(
            () -> MavenOutput.expected(MavenCommand.parse("./mvnw -B -pl app test"), index))
        .isInstanceOf(MavenOutput.MissingReports.class)
        .hasMessageContaining("lab.app.AppTest");
    assertThatThrownBy(
            () -> MavenOutput.expected(MavenCommand.parse("./mvnw -B -pl core -Pbench"), index))
        .isInstanceOf(MavenOutput.Unsupported.class);
  }
}
