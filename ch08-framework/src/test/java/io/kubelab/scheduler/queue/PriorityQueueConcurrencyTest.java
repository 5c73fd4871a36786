package io.kubelab.scheduler.queue;

import static io.kubelab.scheduler.queue.QueuePods.medPriorityPod;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.scheduler.framework.PodInfo;
import io.kubelab.scheduler.framework.plugins.PrioritySort;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Pop} waiting on another thread (upstream's TestPriorityQueue_Pop and
 * TestSchedulingQueue_Close): it wakes on an add and on close. Every wait is bounded and every
 * thread is joined before the assertions.
 */
@Timeout(20)
class PriorityQueueConcurrencyTest {

  private final PriorityQueue q = new PriorityQueue(new PrioritySort()::less, new FakeClock());

  @AfterEach
  void close() {
    q.close();
  }

  /** A thread blocked in pop, with what it returned or threw. */
  private static final class Popper {
    final AtomicReference<PodInfo> result = new AtomicReference<>();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final Thread thread;

    Popper(PriorityQueue q, Duration timeout) {
      thread =
          new Thread(
              () -> {
                try {
                  result.set(q.pop(timeout));
                } catch (Throwable t) {
                  failure.set(t);
                }
              },
              "queue-popper");
      thread.start();
      // Wait (bounded by @Timeout) until it is parked inside pop.
      while (thread.getState() != Thread.State.TIMED_WAITING && thread.isAlive()) {
        Thread.onSpinWait();
      }
    }

    void join() throws InterruptedException {
      thread.join(10_000);
      assertThat(thread.isAlive()).as("popper finished").isFalse();
    }
  }

  @Test
  void aWaitingPopWakesWhenAPodIsAdded() throws InterruptedException {
    Popper popper = new Popper(q, Duration.ofSeconds(15));
    q.add(medPriorityPod());
    popper.join();
    assertThat(popper.failure.get()).isNull();
    assertThat(popper.result.get().pod()).isEqualTo(medPriorityPod());
    assertThat(popper.result.get().attempts()).isEqualTo(1);
    assertThat(q.nominatedPodsForNode("node1")).hasSize(1);
    assertThat(q.schedulingCycle()).isEqualTo(1);
  }

  @Test
  void aWaitingPopReturnsNullWhenTheQueueCloses() throws InterruptedException {
    Popper popper = new Popper(q, Duration.ofSeconds(15));
    q.close();
    popper.join();
    assertThat(popper.failure.get()).isNull();
    assertThat(popper.result.get()).isNull();
    assertThat(q.schedulingCycle()).isZero();
  }

  @Test
  void aWaitingPopWakesWhenAMoveBringsAPodToActiveQ() throws InterruptedException {
    FakeClock clock = new FakeClock();
    PriorityQueue moving = new PriorityQueue(new PrioritySort()::less, clock);
    moving.addUnschedulableIfNotPresent(PodInfo.of(medPriorityPod(), clock.now()), 0);
    clock.step(Duration.ofSeconds(1));
    Popper popper = new Popper(moving, Duration.ofSeconds(15));
    moving.moveAllToActiveOrBackoffQueue(QueueEvents.NODE_ADD);
    popper.join();
    assertThat(popper.result.get().pod()).isEqualTo(medPriorityPod());
    moving.close();
  }

  @Test
  void aPopThatTimesOutReturnsNull() throws InterruptedException {
    assertThat(q.pop(Duration.ofMillis(20))).isNull();
    assertThat(q.schedulingCycle()).isZero();
  }

  @Test
  void anInterruptedPopThrows() throws InterruptedException {
    Popper popper = new Popper(q, Duration.ofSeconds(15));
    popper.thread.interrupt();
    popper.join();
    assertThat(popper.failure.get()).isInstanceOf(InterruptedException.class);
  }
}
