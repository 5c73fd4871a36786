package io.kubelab.cluster.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelab.apimachinery.clock.FakeClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A controller acts only when the informer has shown it what it did last, or after 5 minutes. */
class ControllerExpectationsTest {

  private final FakeClock clock = new FakeClock();
  private final ControllerExpectations exp = new ControllerExpectations(clock);

  @Test
  void withoutARecordTheControllerMayAct() {
    assertThat(exp.satisfiedExpectations("ns/rs")).isTrue();
  }

  @Test
  void creationsAreSatisfiedWhenEveryPodWasSeen() {
    exp.expectCreations("ns/rs", 2);
    assertThat(exp.satisfiedExpectations("ns/rs")).isFalse();
    exp.creationObserved("ns/rs");
    assertThat(exp.satisfiedExpectations("ns/rs")).isFalse();
    exp.creationObserved("ns/rs");
    assertThat(exp.satisfiedExpectations("ns/rs")).isTrue();
    assertThat(exp.get("ns/rs").add()).isZero();
  }

  @Test
  void onlyTheExpectedPodsDeletionsCountAndEachOnce() {
    exp.expectDeletions("ns/rs", List.of("ns/a", "ns/b"));
    exp.deletionObserved("ns/rs", "ns/other");
    exp.deletionObserved("ns/rs", "ns/a");
    exp.deletionObserved("ns/rs", "ns/a"); // the update with a deletionTimestamp, then the delete
    assertThat(exp.get("ns/rs").del()).isEqualTo(1);
    assertThat(exp.satisfiedExpectations("ns/rs")).isFalse();
    exp.deletionObserved("ns/rs", "ns/b");
    assertThat(exp.satisfiedExpectations("ns/rs")).isTrue();
  }

  @Test
  void expectationsExpireAfterFiveMinutes() {
    exp.expectCreations("ns/rs", 1);
    clock.step(Duration.ofMinutes(5));
    assertThat(exp.satisfiedExpectations("ns/rs")).isFalse(); // not yet: strictly more
    clock.step(Duration.ofMillis(1));
    assertThat(exp.satisfiedExpectations("ns/rs")).isTrue();
  }

  @Test
  void settingExpectationsReplacesTheRecordAndItsTimestamp() {
    exp.expectCreations("ns/rs", 3);
    clock.step(Duration.ofMinutes(4));
    exp.expectCreations("ns/rs", 1);
    assertThat(exp.get("ns/rs").add()).isEqualTo(1);
    clock.step(Duration.ofMinutes(2));
    assertThat(exp.satisfiedExpectations("ns/rs")).isFalse();
  }

  @Test
  void deletedExpectationsAreForgotten() {
    exp.expectDeletions("ns/rs", List.of("ns/a"));
    exp.deleteExpectations("ns/rs");
    assertThat(exp.get("ns/rs")).isNull();
    exp.deletionObserved("ns/rs", "ns/a");
    assertThat(exp.satisfiedExpectations("ns/rs")).isTrue();
    exp.creationObserved("ns/rs"); // no record: nothing to lower
    assertThat(exp.get("ns/rs")).isNull();
  }
}
