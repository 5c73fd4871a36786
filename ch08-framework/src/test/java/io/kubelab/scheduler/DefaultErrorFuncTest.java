package io.kubelab.scheduler;

import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.scheduler.framework.PodInfo;
import io.kubelab.scheduler.framework.plugins.PrioritySort;
import io.kubelab.scheduler.queue.PriorityQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The error func: a failed pod goes back to the queue only if it still exists and has no node, with
 * the scheduling cycle read when it failed; a failed read is retried with doubling backoff.
 */
class DefaultErrorFuncTest {

  private final FakeClock clock = new FakeClock();
  private final PriorityQueue queue = new PriorityQueue(new PrioritySort()::less, clock);
  private final AtomicReference<Optional<Pod>> server = new AtomicReference<>(Optional.empty());
  private final List<Instant> reads = new ArrayList<>();
  private int failuresLeft;

  private final DefaultErrorFunc errorFunc =
      new DefaultErrorFunc(
          (ns, name) -> {
            reads.add(clock.now());
            if (failuresLeft > 0) {
              failuresLeft--;
              throw new IllegalStateException("connection refused");
            }
            return server.get();
          },
          queue,
          clock,
          Runnable::run);

  private static final Pod POD = pod("p").build();
  private static final PodInfo INFO =
      new PodInfo(
          POD, Instant.parse("2019-12-31T23:59:00Z"), 3, Instant.parse("2019-12-31T23:00:00Z"));

  @Test
  void aPodThatStillWaitsGoesBackWithItsAttemptsAndTheFreshObject() {
    Pod fresh = new PodBuilder(POD).editMetadata().withResourceVersion("12").endMetadata().build();
    server.set(Optional.of(fresh));

    errorFunc.handle(INFO, new IllegalStateException("x"));

    assertThat(queue.queueOf(fresh)).contains(PriorityQueue.SubQueue.UNSCHEDULABLE);
    assertThat(queue.pendingPods()).containsExactly(fresh);
    assertThat(queue.podInfoOf(fresh).orElseThrow().attempts()).isEqualTo(3);
  }

  @Test
  void aMoveRequestDuringTheCycleSendsThePodToTheBackoffQueue() throws Exception {
    server.set(Optional.of(POD));
    queue.add(pod("other").build());
    queue.pop(Duration.ZERO); // cycle 1
    queue.moveAllToActiveOrBackoffQueue("NodeAdd"); // moveRequestCycle = 1

    errorFunc.handle(INFO, new IllegalStateException("x"));

    // Still backing off (3 attempts: 4 s from now), so backoffQ rather than unschedulableQ.
    assertThat(queue.queueOf(POD)).contains(PriorityQueue.SubQueue.BACKOFF);
  }

  @Test
  void aDeletedPodIsDropped() {
    server.set(Optional.empty());

    errorFunc.handle(INFO, new IllegalStateException("x"));

    assertThat(queue.pendingPods()).isEmpty();
  }

  @Test
  void aPodBoundMeanwhileIsLeftAlone() {
    server.set(Optional.of(new PodBuilder(POD).editSpec().withNodeName("n1").endSpec().build()));

    errorFunc.handle(INFO, new IllegalStateException("x"));

    assertThat(queue.pendingPods()).isEmpty();
  }

  @Test
  void aFailedReadIsRetriedAfter200Then400Milliseconds() {
    server.set(Optional.of(POD));
    failuresLeft = 2;

    errorFunc.handle(INFO, new IllegalStateException("x"));
    clock.step(Duration.ofMillis(199));
    assertThat(reads).hasSize(1);
    clock.step(Duration.ofMillis(1));
    assertThat(reads).hasSize(2);
    clock.step(Duration.ofMillis(399));
    assertThat(queue.pendingPods()).isEmpty();
    clock.step(Duration.ofMillis(1));

    assertThat(reads)
        .containsExactly(
            FakeClock.DEFAULT_START,
            FakeClock.DEFAULT_START.plusMillis(200),
            FakeClock.DEFAULT_START.plusMillis(600));
    assertThat(queue.pendingPods()).containsExactly(POD);
  }

  @Test
  void theBackoffBetweenReadsStopsGrowingAtAMinute() {
    server.set(Optional.of(POD));
    failuresLeft = 12;

    errorFunc.handle(INFO, new IllegalStateException("x"));
    clock.step(Duration.ofMinutes(10));

    List<Duration> gaps = new ArrayList<>();
    for (int i = 1; i < reads.size(); i++) {
      gaps.add(Duration.between(reads.get(i - 1), reads.get(i)));
    }
    assertThat(gaps)
        .startsWith(
            Duration.ofMillis(200),
            Duration.ofMillis(400),
            Duration.ofMillis(800),
            Duration.ofMillis(1600));
    assertThat(gaps.subList(9, gaps.size())).containsOnly(Duration.ofMinutes(1));
    assertThat(queue.pendingPods()).containsExactly(POD);
  }

  @Test
  void closingCancelsPendingRetries() {
    server.set(Optional.of(POD));
    failuresLeft = 1;
    errorFunc.handle(INFO, new IllegalStateException("x"));

    errorFunc.close();
    clock.step(Duration.ofMinutes(1));

    assertThat(reads).hasSize(1);
    assertThat(queue.pendingPods()).isEmpty();
  }

  @Test
  void aReadThatFailsAfterCloseIsNotRetried() {
    failuresLeft = 5;
    errorFunc.close();

    errorFunc.handle(INFO, new IllegalStateException("x"));
    clock.step(Duration.ofMinutes(5));

    assertThat(reads).hasSize(1);
    assertThat(queue.pendingPods()).isEmpty();
  }
}
