package io.kubelab.scheduler.queue;

import static io.kubelab.scheduler.queue.QueuePods.medPriorityPod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.framework.PodInfo;
import io.kubelab.scheduler.framework.plugins.PrioritySort;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
  void aWaitingPopWakesWhenTheBackoffFlushMovesAPod() throws InterruptedException {
    FakeClock clock = new FakeClock();
    PriorityQueue flushing = new PriorityQueue(new PrioritySort()::less, clock);
    flushing.run();
    flushing.addUnschedulableIfNotPresent(PodInfo.of(medPriorityPod(), clock.now()), -1);
    Popper popper = new Popper(flushing, Duration.ofSeconds(15));
    clock.step(Duration.ofSeconds(1));
    popper.join();
    assertThat(popper.result.get().pod()).isEqualTo(medPriorityPod());
    flushing.close();
  }

  @Test
  void aWaitingPopWakesWhenAnUpdateMovesAPod() throws InterruptedException {
    FakeClock clock = new FakeClock();
    PriorityQueue updating = new PriorityQueue(new PrioritySort()::less, clock);
    Pod backingOff = QueuePods.highPriorityPod();
    Pod unschedulable = QueuePods.unschedulablePod();
    updating.addUnschedulableIfNotPresent(PodInfo.of(backingOff, clock.now()), -1);
    updating.addUnschedulableIfNotPresent(PodInfo.of(unschedulable, clock.now()), 0);

    Popper first = new Popper(updating, Duration.ofSeconds(15));
    updating.update(backingOff, backingOff);
    first.join();
    assertThat(first.result.get().pod()).isEqualTo(backingOff);

    Popper second = new Popper(updating, Duration.ofSeconds(15));
    Pod relabelled =
        new PodBuilder(unschedulable).editMetadata().addToLabels("x", "y").endMetadata().build();
    updating.update(unschedulable, relabelled);
    second.join();
    assertThat(second.result.get().pod()).isEqualTo(relabelled);
    updating.close();
  }

  /**
   * Every operation lets go of the lock: another thread can read the queue right after it. (A lock
   * held by mistake on this thread would not show here, as the lock is reentrant.)
   */
  @Test
  void everyOperationReleasesTheLock() throws Exception {
    FakeClock clock = new FakeClock();
    PriorityQueue shared = new PriorityQueue(new PrioritySort()::less, clock);
    ExecutorService other =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "queue-lock-probe");
              t.setDaemon(true);
              return t;
            });
    Pod pod = medPriorityPod();
    Pod bound = Fixtures.pod("bound").namespace("ns2").nodeName("n1").build();
    List<Runnable> ops =
        List.of(
            () -> shared.add(pod),
            () -> shared.update(pod, pod),
            () -> shared.updateNominatedPodForNode(pod, "n1"),
            () -> shared.deleteNominatedPodIfExists(pod),
            () -> shared.delete(pod),
            () -> shared.addUnschedulableIfNotPresent(PodInfo.of(pod, clock.now()), 0),
            () -> shared.assignedPodAdded(bound),
            () -> shared.assignedPodUpdated(bound),
            () -> shared.moveAllToActiveOrBackoffQueue(QueueEvents.NODE_ADD),
            shared::flushBackoffQCompleted,
            shared::flushUnschedulableQLeftover,
            shared::pendingPods,
            () -> shared.nominatedPodsForNode("n1"));
    try {
      for (int i = 0; i < ops.size(); i++) {
        ops.get(i).run();
        Future<Long> probe = other.submit(shared::schedulingCycle);
        assertThat(probe.get(10, TimeUnit.SECONDS)).as("operation %d", i).isZero();
        Future<Integer> write =
            other.submit(
                () -> {
                  shared.updateNominatedPodForNode(bound, "n9");
                  return shared.numUnschedulablePods();
                });
        assertThat(write.get(10, TimeUnit.SECONDS)).as("operation %d", i).isNotNegative();
      }
    } finally {
      other.shutdownNow();
      assertThat(other.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      shared.close();
    }
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

  /**
   * The filters read a node's nominated pods without the queue's lock while informer updates of a
   * nominated pod rewrite its entry: the reader must find the pod every time, as it would holding
   * the read lock, never a list (or a count) from the middle of the update.
   */
  @Test
  void aReaderWithoutTheLockNeverMissesAPodWhoseNominationIsBeingUpdated() throws Exception {
    Pod mpp = medPriorityPod();
    q.add(mpp); // nominated to node1 by its status
    q.add(QueuePods.unschedulablePod()); // a second pod on node1
    String uid = mpp.getMetadata().getUid();
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try {
      Future<?> updates =
          writer.submit(
              () -> {
                Pod old = mpp;
                for (int i = 0; i < 20_000; i++) {
                  Pod next =
                      new PodBuilder(old)
                          .editMetadata()
                          .withResourceVersion(Integer.toString(i))
                          .endMetadata()
                          .build();
                  q.update(old, next);
                  old = next;
                }
              });
      long reads = 0;
      while (!updates.isDone()) {
        List<Pod> onNode1 = q.nominatedPodsForNode("node1");
        assertThat(onNode1)
            .as("read %d", reads)
            .extracting(p -> p.getMetadata().getUid())
            .contains(uid, "upns1");
        reads++;
      }
      updates.get(10, TimeUnit.SECONDS);
      assertThat(q.nominatedPodsForNode("node1")).hasSize(2);
    } finally {
      writer.shutdownNow();
      assertThat(writer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
