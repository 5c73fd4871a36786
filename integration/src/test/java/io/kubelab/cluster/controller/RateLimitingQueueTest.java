package io.kubelab.cluster.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelab.apimachinery.clock.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** client-go's work queue: each key once, never to two workers, delays and back-off on a clock. */
class RateLimitingQueueTest {

  private final FakeClock clock = new FakeClock();
  private final RateLimitingQueue<String> queue = new RateLimitingQueue<>(clock);

  @Test
  void aKeyAddedTwiceIsQueuedOnce() {
    queue.add("a");
    queue.add("b");
    queue.add("a");
    assertThat(queue.len()).isEqualTo(2);
    assertThat(queue.poll()).isEqualTo("a");
    assertThat(queue.poll()).isEqualTo("b");
    assertThat(queue.poll()).isNull();
  }

  @Test
  void aKeyAddedWhileItIsProcessedComesBackOnlyAfterDone() {
    queue.add("a");
    assertThat(queue.poll()).isEqualTo("a");
    queue.add("a"); // a second worker must not get it now
    queue.add("a");
    assertThat(queue.poll()).isNull();
    queue.done("a");
    assertThat(queue.poll()).isEqualTo("a");
    queue.done("a");
    assertThat(queue.poll()).isNull();
  }

  @Test
  void aDelayedKeyArrivesWhenItsTimeComesAndMovesOnlyEarlier() {
    queue.addAfter("a", Duration.ofSeconds(10));
    queue.addAfter("a", Duration.ofSeconds(20)); // later: ignored
    clock.step(Duration.ofSeconds(9));
    assertThat(queue.poll()).isNull();
    queue.addAfter("a", Duration.ofMillis(500)); // earlier: moved
    clock.step(Duration.ofMillis(500));
    assertThat(queue.poll()).isEqualTo("a");
    queue.done("a");
    clock.step(Duration.ofSeconds(30)); // the cancelled timers add nothing
    assertThat(queue.poll()).isNull();
    assertThat(queue.waitingCount()).isZero();
  }

  @Test
  void aLaterDelayNeverPostponesAnEarlierOne() {
    queue.addAfter("b", Duration.ofSeconds(10));
    queue.addAfter("b", Duration.ofSeconds(20));
    clock.step(Duration.ofSeconds(10));
    assertThat(queue.poll()).isEqualTo("b");
  }

  @Test
  void failuresBackOffExponentiallyFromFiveMillisecondsUpTo1000Seconds() {
    assertThat(queue.when("a")).isEqualTo(Duration.ofMillis(5));
    assertThat(queue.when("a")).isEqualTo(Duration.ofMillis(10));
    assertThat(queue.when("a")).isEqualTo(Duration.ofMillis(20));
    assertThat(queue.numRequeues("a")).isEqualTo(3);
    assertThat(queue.when("b")).isEqualTo(Duration.ofMillis(5)); // per key
    queue.forget("a");
    assertThat(queue.numRequeues("a")).isZero();
    assertThat(queue.when("a")).isEqualTo(Duration.ofMillis(5));
    assertThat(RateLimitingQueue.exponential(17)).isEqualTo(Duration.ofMillis(655_360));
    assertThat(RateLimitingQueue.exponential(18)).isEqualTo(Duration.ofSeconds(1000));
    assertThat(RateLimitingQueue.exponential(200)).isEqualTo(Duration.ofSeconds(1000));
  }

  @Test
  void theBucketAllowsABurstOf100ThenTenPerSecond() {
    for (int i = 0; i < 100; i++) {
      assertThat(queue.when("k" + i)).isEqualTo(Duration.ofMillis(5)); // the bucket is not empty
    }
    assertThat(queue.when("k100")).isEqualTo(Duration.ofMillis(100));
    assertThat(queue.when("k101")).isEqualTo(Duration.ofMillis(200));
    clock.step(Duration.ofMillis(200)); // two tokens back: the debt is paid
    assertThat(queue.when("k102")).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void aRateLimitedAddWaitsItsBackOff() {
    queue.addRateLimited("a");
    assertThat(queue.poll()).isNull();
    clock.step(Duration.ofMillis(5));
    assertThat(queue.poll()).isEqualTo("a");
  }

  @Test
  void shutDownDropsDelayedKeysRefusesNewOnesAndHandsOutWhatIsLeft() throws Exception {
    queue.add("a");
    queue.addAfter("b", Duration.ofSeconds(1));
    queue.shutDown();
    queue.add("c");
    clock.step(Duration.ofSeconds(2));
    assertThat(queue.get(Duration.ofSeconds(1))).isEqualTo("a");
    assertThat(queue.get(Duration.ofSeconds(1))).isNull();
    assertThat(queue.isShuttingDown()).isTrue();
  }

  @Test
  void getGivesUpAfterItsTimeout() throws Exception {
    assertThat(queue.get(Duration.ofMillis(1))).isNull();
    assertThat(queue.isShuttingDown()).isFalse();
  }
}
