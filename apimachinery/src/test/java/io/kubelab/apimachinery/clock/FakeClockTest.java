package io.kubelab.apimachinery.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeClockTest {

  @Test
  void stepFiresDueTimersInTimeOrderAndPeriodicOnesAsOftenAsTheyFit() {
    FakeClock clock = new FakeClock();
    List<String> fired = new ArrayList<>();
    clock.schedule(
        Duration.ofSeconds(3),
        () -> fired.add("once@" + clock.since(FakeClock.DEFAULT_START).toSeconds()));
    clock.every(
        Duration.ofSeconds(2),
        () -> fired.add("tick@" + clock.since(FakeClock.DEFAULT_START).toSeconds()));

    clock.step(Duration.ofSeconds(7));

    assertThat(fired).containsExactly("tick@2", "once@3", "tick@4", "tick@6");
    assertThat(clock.now()).isEqualTo(FakeClock.DEFAULT_START.plusSeconds(7));
  }

  @Test
  void closedTimerNeverFires() {
    FakeClock clock = new FakeClock();
    List<Integer> fired = new ArrayList<>();
    Clock.Timer t = clock.every(Duration.ofSeconds(1), () -> fired.add(1));
    clock.step(Duration.ofSeconds(2));
    t.close();
    clock.step(Duration.ofSeconds(5));
    assertThat(fired).hasSize(2);
    assertThat(t.isCancelled()).isTrue();
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void negativeStepIsRejected() {
    assertThatThrownBy(() -> new FakeClock().step(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("step must not be negative");
  }
}
