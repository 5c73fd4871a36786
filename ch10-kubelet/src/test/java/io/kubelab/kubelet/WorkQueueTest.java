package io.kubelab.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelab.apimachinery.clock.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Upstream {@code work_queue_test.go}: {@code Enqueue} keeps a pod's latest time, {@code GetWork}.
 */
class WorkQueueTest {

  private final FakeClock clock = new FakeClock();
  private final WorkQueue queue = new WorkQueue(clock);

  @Test
  void getWorkReturnsAndRemovesExactlyThePodsWhoseTimeHasCome() {
    queue.enqueue("now", Duration.ZERO);
    queue.enqueue("in-1s", Duration.ofSeconds(1));
    queue.enqueue("in-2s", Duration.ofSeconds(2));
    assertThat(queue.getWork()).containsExactly("now");
    assertThat(queue.size()).isEqualTo(2);
    assertThat(queue.getWork()).isEmpty();

    clock.step(Duration.ofSeconds(1));
    assertThat(queue.getWork()).as("due at exactly its time").containsExactly("in-1s");
    clock.step(Duration.ofMillis(999));
    assertThat(queue.getWork()).isEmpty();
    clock.step(Duration.ofMillis(1));
    assertThat(queue.getWork()).containsExactly("in-2s");
    assertThat(queue.size()).isZero();
  }

  @Test
  void enqueueingAPodAgainReplacesItsTimeEvenWithAnEarlierOne() {
    queue.enqueue("a", Duration.ofSeconds(10));
    queue.enqueue("a", Duration.ofSeconds(60));
    assertThat(queue.size()).isEqualTo(1);
    clock.step(Duration.ofSeconds(59));
    assertThat(queue.getWork()).isEmpty();
    queue.enqueue("a", Duration.ZERO);
    assertThat(queue.getWork()).containsExactly("a");
  }
}
