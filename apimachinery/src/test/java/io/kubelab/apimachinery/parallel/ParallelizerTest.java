package io.kubelab.apimachinery.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.quicktheories.QuickTheory.qt;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.generators.Generate;

class ParallelizerTest {

  @Test
  void everyPieceRunsExactlyOnceUnderAnyWorkerCountAndChunkSize() {
    qt().withFixedSeed(16L)
        .withExamples(150)
        .forAll(Generate.range(1, 8), Generate.range(0, 400), Generate.range(1, 50))
        .checkAssert(
            (workers, pieces, chunk) -> {
              try (Parallelizer p = new Parallelizer("test-parallelizer", workers)) {
                AtomicIntegerArray counts = new AtomicIntegerArray(pieces);
                p.until(null, pieces, chunk, i -> counts.incrementAndGet(i));
                for (int i = 0; i < pieces; i++) {
                  assertThat(counts.get(i)).as("piece %d of %d", i, pieces).isEqualTo(1);
                }
                // and with the scheduler's own chunk size
                AtomicIntegerArray again = new AtomicIntegerArray(pieces);
                p.until(new Parallelizer.Stop(), pieces, i -> again.incrementAndGet(i));
                for (int i = 0; i < pieces; i++) {
                  assertThat(again.get(i)).isEqualTo(1);
                }
              }
            });
  }

  @Test
  void untilChunksHandsOutEachChunkOnceWithTheStopItChecks() {
    qt().withFixedSeed(18L)
        .withExamples(150)
        .forAll(Generate.range(1, 8), Generate.range(0, 400), Generate.range(1, 50))
        .checkAssert(
            (workers, pieces, chunk) -> {
              try (Parallelizer p = new Parallelizer("test-parallelizer", workers)) {
                Parallelizer.Stop stop = new Parallelizer.Stop();
                AtomicIntegerArray starts = new AtomicIntegerArray(pieces + 1);
                AtomicIntegerArray counts = new AtomicIntegerArray(pieces);
                AtomicBoolean otherStop = new AtomicBoolean();
                p.untilChunks(
                    stop,
                    pieces,
                    chunk,
                    (from, to, s) -> {
                      otherStop.compareAndSet(false, s != stop);
                      // Chunks start at multiples of the chunk size and end at the next one or at
                      // the last piece.
                      assertThat(from % chunk).isZero();
                      assertThat(to).isEqualTo(Math.min(pieces, from + chunk));
                      starts.incrementAndGet(from);
                      for (int i = from; i < to; i++) {
                        counts.incrementAndGet(i);
                      }
                    });
                assertThat(otherStop.get()).as("the caller's stop is the one handed out").isFalse();
                for (int i = 0; i < pieces; i++) {
                  assertThat(counts.get(i)).as("piece %d of %d", i, pieces).isEqualTo(1);
                  assertThat(starts.get(i)).isEqualTo(i % chunk == 0 ? 1 : 0);
                }
              }
            });
  }

  @Test
  void untilChunksUsesTheSchedulersChunkSizeAndHandsOutNoChunkOnceStopped() {
    try (Parallelizer p = Parallelizer.onCores("test-parallelizer", 16)) {
      // 1000 pieces for 16 workers: chunks of min(sqrt(1000), 1000 / 16 + 1) = 31.
      java.util.List<int[]> chunks =
          java.util.Collections.synchronizedList(new java.util.ArrayList<>());
      p.untilChunks(null, 1000, (from, to, s) -> chunks.add(new int[] {from, to}));
      assertThat(chunks).hasSize((1000 + 30) / 31);
      assertThat(chunks).allSatisfy(c -> assertThat(c[1] - c[0]).isBetween(1, 31));
    }
    try (Parallelizer one = new Parallelizer("test-parallelizer", 1)) {
      Parallelizer.Stop stop = new Parallelizer.Stop();
      AtomicInteger handedOut = new AtomicInteger();
      one.untilChunks(
          stop,
          100,
          10,
          (from, to, s) -> {
            handedOut.incrementAndGet();
            s.stop();
          });
      assertThat(handedOut.get()).as("no chunk after the first stopped the run").isEqualTo(1);
    }
  }

  @Test
  void stoppingEndsTheRunAfterAtMostOneInFlightPiecePerOtherWorker() {
    qt().withFixedSeed(17L)
        .withExamples(100)
        .forAll(Generate.range(1, 8), Generate.range(1, 400), Generate.range(1, 20))
        .checkAssert(
            (workers, pieces, chunk) -> {
              int stopAt = pieces / 3;
              try (Parallelizer p = new Parallelizer("test-parallelizer", workers)) {
                Parallelizer.Stop stop = new Parallelizer.Stop();
                AtomicBoolean stopped = new AtomicBoolean();
                AtomicInteger calls = new AtomicInteger();
                AtomicInteger late = new AtomicInteger();
                p.until(
                    stop,
                    pieces,
                    chunk,
                    i -> {
                      if (stopped.get()) {
                        late.incrementAndGet();
                      }
                      calls.incrementAndGet();
                      if (i == stopAt) {
                        stop.stop();
                        stopped.set(true);
                      }
                    });
                assertThat(late.get()).isLessThanOrEqualTo(workers - 1);
                if (workers == 1) {
                  assertThat(calls.get()).isEqualTo(stopAt + 1);
                }
              }
            });
  }

  @Test
  void chunkSizeForFollowsTheSchedulersFormula() {
    // sqrt(n), at most n/parallelism + 1, at least 1
    assertThat(Parallelizer.chunkSizeFor(0, 16)).isEqualTo(1);
    assertThat(Parallelizer.chunkSizeFor(1, 16)).isEqualTo(1);
    assertThat(Parallelizer.chunkSizeFor(100, 16)).isEqualTo(7);
    assertThat(Parallelizer.chunkSizeFor(5000, 16)).isEqualTo(70);
    assertThat(Parallelizer.chunkSizeFor(100, 1)).isEqualTo(10);
  }

  @Test
  void aFailingPieceStopsTheOthersAndIsRethrownToTheCaller() {
    try (Parallelizer p = new Parallelizer("test-parallelizer", 4)) {
      AtomicInteger calls = new AtomicInteger();
      Parallelizer.Stop stop = new Parallelizer.Stop();
      assertThatThrownBy(
              () ->
                  p.until(
                      stop,
                      10_000,
                      1,
                      i -> {
                        calls.incrementAndGet();
                        if (i == 10) {
                          throw new IllegalStateException("piece 10 failed");
                        }
                        if (i > 10) {
                          // Hold later pieces until the failure has stopped the run, so the
                          // bound below does not depend on how the threads are scheduled.
                          long deadline = System.nanoTime() + 10_000_000_000L;
                          while (!stop.isStopped() && System.nanoTime() < deadline) {
                            Thread.onSpinWait();
                          }
                        }
                      }))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("piece 10 failed");
      assertThat(stop.isStopped()).isTrue();
      // Pieces 0..10, plus at most one piece in flight on each of the other three workers.
      assertThat(calls.get()).isBetween(11, 14);
    }
  }

  @Test
  void nestedCallsOnABusyPoolDoNotDeadlock() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          try (Parallelizer p = new Parallelizer("test-parallelizer", 2)) {
            AtomicInteger inner = new AtomicInteger();
            for (int round = 0; round < 200; round++) {
              p.until(null, 4, 1, i -> p.until(null, 4, 1, j -> inner.incrementAndGet()));
            }
            assertThat(inner.get()).isEqualTo(200 * 16);
          }
        });
  }

  @Test
  @Timeout(30)
  void forEachRunsOnTheCallerWithoutWorkersAndOnTheWorkersWithThem() {
    Thread caller = Thread.currentThread();
    java.util.List<Integer> order = new java.util.ArrayList<>();
    Parallelizer.forEach(
        null,
        4,
        i -> {
          assertThat(Thread.currentThread()).isSameAs(caller);
          order.add(i);
        });
    assertThat(order).containsExactly(0, 1, 2, 3);
    try (Parallelizer p = new Parallelizer("for-each", 2)) {
      AtomicIntegerArray seen = new AtomicIntegerArray(100);
      Parallelizer.forEach(p, 100, seen::incrementAndGet);
      for (int i = 0; i < 100; i++) {
        assertThat(seen.get(i)).isEqualTo(1);
      }
      Parallelizer.forEach(
          p, 1, i -> assertThat(Thread.currentThread()).as("one piece").isSameAs(caller));
      Parallelizer.forEach(p, 0, i -> order.add(-1));
      assertThat(order).doesNotContain(-1);
    }
  }

  @Test
  @Timeout(30)
  void onCoresChunksForUpstreamsParallelismButRunsOnAtMostOneThreadPerProcessor() {
    int cores = Runtime.getRuntime().availableProcessors();
    try (Parallelizer p = Parallelizer.onCores("on-cores", 16)) {
      assertThat(p.parallelism()).isEqualTo(16);
      assertThat(p.workers()).isEqualTo(Math.min(16, cores));
      // Every piece once, on no more threads than there are processors.
      AtomicIntegerArray seen = new AtomicIntegerArray(5000);
      java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
      p.until(
          null,
          5000,
          i -> {
            seen.incrementAndGet(i);
            threads.add(Thread.currentThread().getName());
          });
      for (int i = 0; i < 5000; i++) {
        assertThat(seen.get(i)).as("piece %d", i).isEqualTo(1);
      }
      assertThat(threads.size()).isLessThanOrEqualTo(Math.min(16, cores));
    }
    try (Parallelizer one = Parallelizer.onCores("one", 1)) {
      assertThat(one.workers()).isEqualTo(1);
    }
    assertThatThrownBy(() -> Parallelizer.onCores("none", 0))
        .hasMessage("Parallelizer none: parallelism must be >= 1, got 0");
  }

  @Test
  @Timeout(30)
  void badArgumentsAreRejectedAndCloseJoinsTheThreads() throws InterruptedException {
    assertThatThrownBy(() -> new Parallelizer("p", 0)).hasMessageContaining("workers must be >= 1");
    Parallelizer p = new Parallelizer("leak-check", 3);
    // Hold every piece until both helpers have joined in, so that both threads exist.
    java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(3);
    p.until(
        null,
        3,
        1,
        i -> {
          all.countDown();
          try {
            all.await(10, java.util.concurrent.TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    java.util.List<Thread> workers =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("leak-check-"))
            .toList();
    assertThat(workers).hasSize(2);
    p.close();
    // close() has joined them: no waiting here, they are gone when it returns.
    assertThat(workers).noneMatch(Thread::isAlive);
    try (Parallelizer q = new Parallelizer("p", 2)) {
      assertThatThrownBy(() -> q.until(null, -1, 1, i -> {})).hasMessageContaining("pieces");
      assertThatThrownBy(() -> q.until(null, 1, 0, i -> {})).hasMessageContaining("chunkSize");
    }
  }

  @Test
  @Timeout(30)
  void anIdleWorkerTakesWhatIsThereAtOnceAndParksWhenNothingComes() throws Exception {
    Parallelizer.SpinThenParkQueue q = new Parallelizer.SpinThenParkQueue();
    Runnable a = () -> {};
    q.offer(a);
    assertThat(q.take()).isSameAs(a);

    // Nothing comes: after its spin the taker parks (WAITING) until something does.
    java.util.concurrent.atomic.AtomicReference<Runnable> got =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread taker =
        new Thread(
            () -> {
              try {
                got.set(q.take());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "spin-then-park-taker");
    taker.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (taker.getState() != Thread.State.WAITING) {
      assertThat(System.nanoTime()).as("the taker parks").isLessThan(deadline);
      Thread.onSpinWait();
    }
    Runnable b = () -> {};
    q.offer(b);
    taker.join(20_000);
    assertThat(got.get()).isSameAs(b);
  }
}
