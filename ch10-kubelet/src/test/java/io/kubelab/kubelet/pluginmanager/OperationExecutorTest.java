package io.kubelab.kubelet.pluginmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.kubelet.util.ManualExecutor;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One operation per socket at a time, and upstream's exponential back-off after failures. */
class OperationExecutorTest {

  private final FakeClock clock = new FakeClock();
  private final ManualExecutor executor = new ManualExecutor();
  private final OperationExecutor ops = new OperationExecutor(clock, executor);
  private final AtomicInteger runs = new AtomicInteger();

  private Void fail() throws Exception {
    runs.incrementAndGet();
    throw new Exception("boom");
  }

  @Test
  void aSecondOperationOnTheSameSocketIsRefusedWhileOneRuns() throws Exception {
    ops.run("/a.sock", () -> null);
    assertThat(ops.isRunning("/a.sock")).isTrue();
    assertThatThrownBy(() -> ops.run("/a.sock", () -> null))
        .isInstanceOf(OperationExecutor.RefusedException.class)
        .hasMessage(
            "Failed to create operation with name \"/a.sock\". An operation with that name is"
                + " already executing.");
    ops.run("/b.sock", () -> null); // another socket is independent
    assertThat(executor.runAll()).isEqualTo(2);
    assertThat(ops.isRunning("/a.sock")).isFalse();
    ops.run("/a.sock", () -> null); // a success leaves no back-off
    assertThat(ops.durationBeforeRetry("/a.sock")).isZero();
  }

  @Test
  void failuresBackOffFrom500msDoublingUpTo2m2s() throws Exception {
    Duration expected = Duration.ofMillis(500);
    for (int i = 0; i < 12; i++) {
      ops.run("/a.sock", this::fail);
      executor.runAll();
      assertThat(ops.durationBeforeRetry("/a.sock")).isEqualTo(expected);
      clock.step(expected.minusMillis(1));
      assertThatThrownBy(() -> ops.run("/a.sock", this::fail))
          .isInstanceOf(OperationExecutor.RefusedException.class)
          .hasMessageContaining("No retries permitted until");
      clock.step(Duration.ofMillis(1));
      expected = expected.multipliedBy(2);
      if (expected.compareTo(Duration.ofSeconds(122)) > 0) {
        expected = Duration.ofSeconds(122);
      }
    }
    assertThat(runs.get()).isEqualTo(12);
    assertThat(ops.durationBeforeRetry("/a.sock")).isEqualTo(Duration.ofMinutes(2).plusSeconds(2));
    // A success clears the back-off.
    ops.run("/a.sock", () -> null);
    executor.runAll();
    assertThat(ops.durationBeforeRetry("/a.sock")).isZero();
  }
}
