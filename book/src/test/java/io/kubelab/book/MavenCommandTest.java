package io.kubelab.book;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MavenCommandTest {

  @TempDir Path dir;
  private SourceIndex index;

  @BeforeEach
  void repo() {
    index = new TestRepo(dir).index();
  }

  private List<String> check(String command) {
    return MavenCommand.parse(command).check(index, index.profiles());
  }

  @Test
  void aTestSelectionWithAlsoMakeNeedsTheLenientFlag() {
    assertThat(check("./mvnw -B -pl app -am test -Dtest=AppTest"))
        .singleElement()
        .asString()
        .contains("-Dsurefire.failIfNoSpecifiedTests=false");
    assertThat(
            check(
                "./mvnw -B -pl app -am test -Dtest=AppTest -Dsurefire.failIfNoSpecifiedTests=false"))
        .isEmpty();
    assertThat(check("./mvnw -B -pl core test -Dtest=QuantityTest")).isEmpty();
  }

  @Test
  void modulesTestsAndMethodsMustExistInTheNamedModule() {
    assertThat(check("./mvnw -B -pl nope test"))
        .singleElement()
        .asString()
        .contains("no such module");
    assertThat(check("./mvnw -B -pl app test -Dtest=QuantityTest"))
        .singleElement()
        .asString()
        .contains("no test class QuantityTest in [app]");
    assertThat(check("./mvnw -B -pl core test -Dtest='QuantityTest#roundsUp'"))
        .singleElement()
        .asString()
        .contains("has no test roundsUp");
    assertThat(
            check(
                "./mvnw -B -pl core test -Dtest='QuantityTest#roundsUpSoNothingBecomesZero+parsesEverySuffixForm'"))
        .isEmpty();
    assertThat(check("./mvnw -B -pl core test -Dtest='Quantity*'")).isEmpty();
    assertThat(check("./mvnw -B -pl core test -Dtest=QuantityTest#helper")).isNotEmpty();
  }

  @Test
  void anExercisesTestRunsOnlyWithTheExerciseProfileAndViceVersa() {
    assertThat(check("./mvnw -B -pl core test -Dtest=RoundingExerciseTest"))
        .singleElement()
        .asString()
        .contains("add -Pexercise");
    assertThat(check("./mvnw -B -pl core test -Pexercise -Dtest=RoundingExerciseTest")).isEmpty();
    assertThat(check("./mvnw -B -pl core test -Pexercise -Dtest=QuantityTest"))
        .singleElement()
        .asString()
        .contains("runs only tests tagged exercise");
  }

  @Test
  void benchmarksNamedInJmhArgsMustExist() {
    assertThat(check("./mvnw -B -pl core -Pbench -Djmh.args=\"-f 1 QuantityBenchmark\"")).isEmpty();
    assertThat(check("./mvnw -B -pl core -Pbench -Djmh.args=\"-f 1 QuantityBenchmark.parse\""))
        .isEmpty();
    assertThat(check("./mvnw -B -pl core -Pbench -Djmh.args=\"-f 1 QuantityBenchmark.format\""))
        .singleElement()
        .asString()
        .contains("has no benchmark format");
    assertThat(check("./mvnw -B -pl core -Pbench -Djmh.args=\"NoSuchBenchmark\"")).isNotEmpty();
  }

  @Test
  void unknownProfilesOptionsAndPhasesAreReported() {
    assertThat(check("./mvnw -B -pl core test -Pfast"))
        .singleElement()
        .asString()
        .contains("no such profile");
    assertThat(check("./mvnw -B -pl core --frobnicate test")).isNotEmpty();
    assertThat(check("./mvnw -B -pl core tset")).isNotEmpty();
    assertThat(check("./mvnw -B -pl core test | tail")).isNotEmpty();
  }

  @Test
  void alsoMakeBuildsTheDependenciesInReactorOrder() {
    assertThat(MavenCommand.parse("./mvnw -pl app -am test").builtModules(index))
        .extracting(Module::dir)
        .containsExactly("core", "app");
    assertThat(MavenCommand.parse("./mvnw -pl app test").builtModules(index))
        .extracting(Module::dir)
        .containsExactly("app");
  }
}
