package io.kubelab.kubelet.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.core.Gen;

/** The runtime cache's rules, pinned one by one and then against a reference model. */
class CacheTest {

  private static final Instant T0 = Instant.parse("2020-01-01T00:00:00Z");

  private static Instant t(int seconds) {
    return T0.plusSeconds(seconds);
  }

  private static PodStatus status(String uid, String tag) {
    return new PodStatus(uid, tag, "default", List.of(), List.of(), List.of());
  }

  @Test
  void missReturnsEmptyStatusWithoutError() {
    Cache cache = new Cache();
    Cache.Snapshot s = cache.get("p1");
    assertThat(s.status()).isEqualTo(PodStatus.empty("p1"));
    assertThat(s.error()).isNull();
  }

  @Test
  void cachesInspectionErrorsToo() {
    Cache cache = new Cache();
    ContainerRuntimeException boom = new ContainerRuntimeException("boom");
    cache.set("p1", PodStatus.empty("p1"), boom, t(1));
    assertThat(cache.get("p1").error()).isSameAs(boom);
  }

  @Test
  void entryModifiedStrictlyAfterMinTimeIsServedAtOnce() {
    Cache cache = new Cache();
    cache.set("p1", status("p1", "v1"), null, t(5));
    assertThat(cache.subscribe("p1", t(4)))
        .isCompletedWithValueMatching(s -> s.status().name().equals("v1"));
    assertThat(cache.subscribe("p1", t(5))).isNotDone();
  }

  @Test
  void setAtExactlyMinTimeWakesTheReader() {
    // The immediate check wants strictly newer data, but notification fires at >= minTime.
    Cache cache = new Cache();
    CompletableFuture<Cache.Snapshot> reader = cache.subscribe("p1", t(5));
    cache.set("p1", status("p1", "v1"), null, t(4));
    assertThat(reader).isNotDone();
    cache.set("p1", status("p1", "v2"), null, t(5));
    assertThat(reader).isCompletedWithValueMatching(s -> s.status().name().equals("v2"));
    assertThat(cache.subscriberCount("p1")).isZero();
  }

  @Test
  void updateTimeWakesReadersOfPodsWithoutEntriesWithEmptyStatus() {
    Cache cache = new Cache();
    CompletableFuture<Cache.Snapshot> reader = cache.subscribe("gone", t(3));
    cache.updateTime(t(2));
    assertThat(reader).isNotDone();
    cache.updateTime(t(3));
    assertThat(reader).isCompletedWithValue(new Cache.Snapshot(PodStatus.empty("gone"), null));
  }

  @Test
  void beforeTheFirstRelistAMissBlocks() {
    Cache cache = new Cache();
    assertThat(cache.subscribe("p1", T0.minusSeconds(100))).isNotDone();
    cache.updateTime(T0);
    assertThat(cache.subscribe("p2", T0.minusSeconds(100))).isDone();
  }

  @Test
  void globalTimestampServesAnOlderEntry() {
    Cache cache = new Cache();
    cache.set("p1", status("p1", "old"), null, t(1));
    cache.updateTime(t(10));
    assertThat(cache.subscribe("p1", t(5)))
        .isCompletedWithValueMatching(s -> s.status().name().equals("old"));
  }

  @Test
  void deleteWakesNobody() {
    Cache cache = new Cache();
    cache.set("p1", status("p1", "v1"), null, t(1));
    CompletableFuture<Cache.Snapshot> reader = cache.subscribe("p1", t(1));
    cache.delete("p1");
    assertThat(reader).isNotDone();
    cache.updateTime(t(1));
    assertThat(reader).isCompletedWithValue(new Cache.Snapshot(PodStatus.empty("p1"), null));
  }

  @Test
  @Timeout(30)
  void aWokenReaderRunsAfterTheCacheReleasedItsLock() throws Exception {
    // A pod worker continues on the writer's thread; another thread must be able to read then.
    Cache cache = new Cache();
    AtomicReference<Boolean> otherThreadCouldRead = new AtomicReference<>();
    cache
        .subscribe("p1", t(1))
        .thenRun(
            () -> {
              Thread other = new Thread(() -> cache.get("p2"), "cache-test-other-reader");
              other.start();
              try {
                other.join(10_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              otherThreadCouldRead.set(!other.isAlive());
            });
    cache.updateTime(t(2));
    assertThat(otherThreadCouldRead.get()).isTrue();
  }

  @Test
  @Timeout(30)
  void blockedReaderThreadWakesOnSet() throws Exception {
    Cache cache = new Cache();
    AtomicReference<Cache.Snapshot> got = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    Thread reader =
        new Thread(
            () -> {
              try {
                got.set(cache.getNewerThan("p1", t(1)));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              done.countDown();
            },
            "cache-test-reader");
    reader.start();
    // Wait until the reader has subscribed; a condition, not a sleep (bounded by @Timeout).
    while (cache.subscriberCount("p1") == 0) {
      Thread.onSpinWait();
    }
    assertThat(done.getCount()).isEqualTo(1);
    cache.set("p1", status("p1", "v1"), null, t(2));
    assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
    reader.join(20_000);
    assertThat(reader.isAlive()).isFalse();
    assertThat(got.get().status().name()).isEqualTo("v1");
  }

  @Test
  @Timeout(30)
  void interruptedReaderWithdrawsItsSubscription() throws Exception {
    Cache cache = new Cache();
    Thread reader =
        new Thread(
            () -> {
              try {
                cache.getNewerThan("p1", t(1));
              } catch (InterruptedException e) {
                // expected
              }
            },
            "cache-test-interrupted-reader");
    reader.start();
    while (cache.subscriberCount("p1") == 0) {
      Thread.onSpinWait();
    }
    reader.interrupt();
    reader.join(20_000);
    assertThat(reader.isAlive()).isFalse();
    assertThat(cache.subscriberCount("p1")).isZero();
  }

  @Test
  @Timeout(30)
  void anInterruptedReaderWithdrawsOnlyItsOwnSubscription() throws Exception {
    Cache cache = new Cache();
    CompletableFuture<Cache.Snapshot> other = cache.subscribe("p1", t(1));
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                cache.getNewerThan("p1", t(1));
              } catch (InterruptedException | RuntimeException e) {
                outcome.set(e);
              }
            },
            "cache-test-interrupted-reader-2");
    reader.start();
    while (cache.subscriberCount("p1") < 2) {
      Thread.onSpinWait();
    }
    reader.interrupt();
    reader.join(20_000);
    assertThat(reader.isAlive()).isFalse();
    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    assertThat(cache.subscriberCount("p1")).as("the other reader still waits").isEqualTo(1);
    cache.set("p1", status("p1", "v1"), null, t(1));
    assertThat(other).isCompletedWithValueMatching(s -> s.status().name().equals("v1"));
  }

  @Test
  void writesWithoutATimestampAreRefused() {
    Cache cache = new Cache();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> cache.set("p1", status("p1", "v1"), null, null))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> cache.updateTime(null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(cache.get("p1").status()).isEqualTo(PodStatus.empty("p1"));
  }

  // ---- model-based property test -------------------------------------------------------------

  /** kind: 0 set, 1 updateTime, 2 delete, 3 subscribe. */
  record Op(int kind, int pod, int time) {
    @Override
    public String toString() {
      return switch (kind) {
        case 0 -> "set(p" + pod + ", " + time + ")";
        case 1 -> "updateTime(" + time + ")";
        case 2 -> "delete(p" + pod + ")";
        default -> "getNewerThan(p" + pod + ", " + time + ")";
      };
    }
  }

  /** The upstream rule, written as plainly as possible. */
  static final class Model {
    final Map<String, Integer> modified = new HashMap<>();
    final Map<String, String> tags = new HashMap<>();
    Integer timestamp;
    final List<Object[]> waiting = new ArrayList<>(); // {pod, minTime, index}
    final Map<Integer, String> delivered = new HashMap<>();

    String view(String pod) {
      return tags.getOrDefault(pod, "");
    }

    boolean newer(String pod, int min) {
      boolean global = timestamp != null && timestamp > min;
      Integer m = modified.get(pod);
      return m == null ? global : (m > min || global);
    }

    void wake(String pod, int ts) {
      waiting.removeIf(
          w -> {
            if (w[0].equals(pod) && ts >= (int) w[1]) {
              delivered.put((Integer) w[2], view(pod));
              return true;
            }
            return false;
          });
    }
  }

  private static final Gen<Op> OPS =
      integers().between(0, 3).zip(integers().between(0, 2), integers().between(0, 8), Op::new);

  @Test
  void getNewerThanMatchesTheReferenceUnderRandomInterleavings() {
    qt().withFixedSeed(20200101L)
        .withExamples(400)
        .forAll(lists().of(OPS).ofSizeBetween(1, 40))
        .checkAssert(
            ops -> {
              Cache cache = new Cache();
              Model model = new Model();
              List<CompletableFuture<Cache.Snapshot>> readers = new ArrayList<>();
              int version = 0;
              for (Op op : ops) {
                String pod = "p" + op.pod();
                switch (op.kind()) {
                  case 0 -> {
                    String tag = "v" + version++;
                    cache.set(pod, status(pod, tag), null, t(op.time()));
                    model.modified.put(pod, op.time());
                    model.tags.put(pod, tag);
                    model.wake(pod, op.time());
                  }
                  case 1 -> {
                    cache.updateTime(t(op.time()));
                    model.timestamp = op.time();
                    for (String p : List.of("p0", "p1", "p2")) {
                      model.wake(p, op.time());
                    }
                  }
                  case 2 -> {
                    cache.delete(pod);
                    model.modified.remove(pod);
                    model.tags.remove(pod);
                  }
                  default -> {
                    int index = readers.size();
                    readers.add(cache.subscribe(pod, t(op.time())));
                    if (model.newer(pod, op.time())) {
                      model.delivered.put(index, model.view(pod));
                    } else {
                      model.waiting.add(new Object[] {pod, op.time(), index});
                    }
                  }
                }
                for (int i = 0; i < readers.size(); i++) {
                  CompletableFuture<Cache.Snapshot> r = readers.get(i);
                  String expected = model.delivered.get(i);
                  if (expected == null) {
                    assertThat(r).as("reader %d after %s", i, ops).isNotDone();
                  } else {
                    assertThat(r).as("reader %d after %s", i, ops).isDone();
                    assertThat(r.getNow(null).status().name())
                        .as("reader %d after %s", i, ops)
                        .isEqualTo(expected);
                  }
                }
              }
            });
  }
}
