package io.kubelab.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** port_allocator.go: random first probe, bounded scan, release, exhaustion. */
class PortAllocatorTest {

  @Test
  void emptyRangeAlwaysAsksTheKernel() throws Exception {
    PortAllocator a = PortAllocator.forRange(PortRange.EMPTY, new Random(1));
    assertThat(a).isInstanceOf(PortAllocator.RandomAllocator.class);
    assertThat(a.allocateNext()).isZero();
    assertThat(a.allocateNext()).isZero();
    a.release(0);
  }

  @Test
  void handsOutEveryPortOnceThenReportsExhaustion() throws Exception {
    PortRange range = PortRange.parse("30000-30099");
    PortAllocator a = PortAllocator.forRange(range, new Random(7));
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      int p = a.allocateNext();
      assertThat(range.contains(p)).as("port %d in %s", p, range).isTrue();
      assertThat(seen.add(p)).as("port %d handed out twice", p).isTrue();
    }
    assertThatThrownBy(a::allocateNext)
        .isInstanceOf(PortRangeExhaustedException.class)
        .hasMessage(
            "port allocation failed; there are no remaining ports left to allocate in the"
                + " accepted range 30000-30099");
    a.release(30042);
    assertThat(a.allocateNext()).isEqualTo(30042);
  }

  @Test
  void firstPortsAreRandomNotSequential() throws Exception {
    PortAllocator a = PortAllocator.forRange(new PortRange(40000, 10000), new Random(3));
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ports.add(a.allocateNext());
    }
    assertThat(ports).isNotEqualTo(List.of(40000, 40001, 40002, 40003, 40004));
    assertThat(new HashSet<>(ports)).hasSize(5);
  }

  @Test
  void releaseOutsideTheRangeIsIgnored() throws Exception {
    var a =
        (PortAllocator.RangeAllocator) PortAllocator.forRange(new PortRange(100, 2), new Random(1));
    a.allocateNext();
    a.release(99);
    a.release(102);
    a.release(0);
    assertThat(a.inUse()).isEqualTo(1);
  }

  @Test
  void nearlyFullLargeRangeStillFindsTheLastFreePortInOneScan() throws Exception {
    var a =
        (PortAllocator.RangeAllocator)
            PortAllocator.forRange(new PortRange(1024, 64512), new Random(5));
    for (int i = 0; i < 64512; i++) {
      a.allocateNext();
    }
    a.release(50000);
    assertThat(a.allocateNext()).isEqualTo(50000);
    assertThatThrownBy(a::allocateNext).isInstanceOf(PortRangeExhaustedException.class);
  }

  /** Model: the allocator's held set equals a plain set under any allocate/release sequence. */
  @Test
  void agreesWithASetOfHeldPorts() {
    qt().withFixedSeed(31337L)
        .withExamples(200)
        .forAll(
            integers().between(1, 50),
            lists().of(integers().between(0, 1000)).ofSizeBetween(1, 200),
            integers().all())
        .checkAssert(
            (size, ops, seed) -> {
              PortRange range = new PortRange(20000, size);
              var a =
                  (PortAllocator.RangeAllocator) PortAllocator.forRange(range, new Random(seed));
              Set<Integer> held = new HashSet<>();
              for (int op : ops) {
                if (op % 3 != 0) {
                  try {
                    int p = a.allocateNext();
                    assertThat(held.add(p)).as("%d already held", p).isTrue();
                    assertThat(range.contains(p)).isTrue();
                  } catch (PortRangeExhaustedException e) {
                    assertThat(held).hasSize(size);
                  }
                } else {
                  int p = 20000 + op % (size + 2) - 1; // sometimes just outside the range
                  a.release(p);
                  held.remove(p);
                }
                assertThat(a.inUse()).isEqualTo(held.size());
              }
            });
  }

  @Test
  void neverHandsOutAHeldPortUnderConcurrentUse() throws Exception {
    PortAllocator a = PortAllocator.forRange(new PortRange(30000, 64), new Random(11));
    Set<Integer> held = ConcurrentHashMap.newKeySet();
    int threads = 8;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool =
        Executors.newFixedThreadPool(threads, r -> new Thread(r, "port-allocator-test"));
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  Random rnd = new Random(id);
                  List<Integer> mine = new ArrayList<>();
                  int exhausted = 0;
                  for (int i = 0; i < 5_000; i++) {
                    if (mine.isEmpty() || (mine.size() < 12 && rnd.nextBoolean())) {
                      try {
                        int p = a.allocateNext();
                        if (!held.add(p)) {
                          throw new AssertionError("port " + p + " handed out while held");
                        }
                        mine.add(p);
                      } catch (PortRangeExhaustedException e) {
                        exhausted++;
                      }
                    } else {
                      int p = mine.remove(rnd.nextInt(mine.size()));
                      held.remove(p); // before release: another thread may get it right after
                      a.release(p);
                    }
                  }
                  return exhausted;
                }));
      }
      go.countDown();
      for (Future<Integer> f : results) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void zeroBaseGivesTheKernelAndARangeWithoutPortsIsRefused() throws Exception {
    assertThat(PortAllocator.forRange(PortRange.parse("0-0"), new Random(1)))
        .isInstanceOf(PortAllocator.RandomAllocator.class);
    assertThatThrownBy(() -> PortAllocator.forRange(new PortRange(30000, 0), new Random(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("illegal argument: may not specify an empty port range");
    PortAllocator single = PortAllocator.forRange(PortRange.parse("30000"), new Random(1));
    assertThat(single.allocateNext()).isEqualTo(30000);
    assertThatThrownBy(single::allocateNext).isInstanceOf(PortRangeExhaustedException.class);
  }

  @Test
  void aRangeAllocatorNeedsABaseAndPorts() {
    assertThatThrownBy(() -> new PortAllocator.RangeAllocator(new PortRange(0, 10), new Random(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("illegal argument: may not specify an empty port range");
  }
}
