package io.kubelab.scheduler.cache;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cache used as the scheduler uses it: a scheduling thread (assume, finish binding, forget,
 * snapshots), pod and node informer threads, and the cleanup timer (fired by a thread stepping the
 * {@link FakeClock}), all at once. Each thread owns its pods, so whatever the interleaving the end
 * state is known; the test checks it and every cache invariant. Interleavings differ from run to
 * run; the per-thread operation orders are fixed by the seed.
 */
class CacheConcurrencyTest {

  static final int NODES = 8;
  static final int PODS_PER_THREAD = 60;

  static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT =
      new java.util.concurrent.atomic.AtomicInteger(10_000);

  /** A pod with its own host port: two pods never share one on a node (the predicate's job). */
  static Pod podFor(String name, int node) {
    return pod(name)
        .requests("10m", "16Mi")
        .hostPort(NEXT_PORT.getAndIncrement())
        .nodeName("n" + node)
        .build();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void concurrentUseLeavesTheCacheConsistent(long seed) throws Exception {
    FakeClock clock = new FakeClock();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    Set<String> expectedAdded = java.util.concurrent.ConcurrentHashMap.newKeySet();
    CountDownLatch start = new CountDownLatch(1);
    // The scheduling thread's snapshot, updated incrementally while everything else runs.
    Snapshot snapshot = new Snapshot();
    List<Thread> threads = new ArrayList<>();
    try (SchedulerCache cache = new SchedulerCache(clock)) {
      for (int n = 0; n < NODES; n++) {
        cache.addNode(node("n" + n).allocatable("8", "32Gi").zone("z" + n % 3).build());
      }
      // Pod informers: add, update, and remove every other pod.
      for (int t = 0; t < 2; t++) {
        int id = t;
        threads.add(
            thread(
                "pod-informer-" + t,
                start,
                failures,
                () -> {
                  Random r = new Random(seed * 31 + id);
                  for (int i = 0; i < PODS_PER_THREAD; i++) {
                    Pod p = podFor("inf" + id + "-" + i, r.nextInt(NODES));
                    cache.addPod(p);
                    Pod p2 =
                        new PodBuilder(p)
                            .editMetadata()
                            .addToLabels("v", "2")
                            .endMetadata()
                            .build();
                    cache.updatePod(p, p2);
                    if (i % 2 == 0) {
                      cache.removePod(p2);
                    } else {
                      expectedAdded.add(p.getMetadata().getUid());
                    }
                  }
                }));
      }
      // The scheduling thread: assume, finish binding, then either the informer confirms (add)
      // or binding failed (forget). A slow confirmation may find the pod expired: add re-adds it.
      threads.add(
          thread(
              "scheduler",
              start,
              failures,
              () -> {
                Random r = new Random(seed);
                for (int i = 0; i < PODS_PER_THREAD; i++) {
                  Pod p = podFor("sched-" + i, r.nextInt(NODES));
                  cache.updateSnapshot(snapshot);
                  cache.assumePod(p);
                  cache.finishBinding(p);
                  if (i % 3 == 0) {
                    try {
                      cache.forgetPod(p);
                    } catch (Cache.CacheException e) {
                      // Expired between finishBinding and forget: already gone, as forget wants.
                      assertThat(e).hasMessageContaining("wasn't assumed");
                    }
                  } else {
                    cache.addPod(p);
                    expectedAdded.add(p.getMetadata().getUid());
                  }
                }
              }));
      // A node informer: updates (labels, allocatable) and a remove/re-add of one node.
      threads.add(
          thread(
              "node-informer",
              start,
              failures,
              () -> {
                Random r = new Random(seed + 7);
                for (int i = 0; i < 40; i++) {
                  int n = r.nextInt(NODES);
                  Node old = cache.dump().nodes().get("n" + n).node();
                  Node updated =
                      node("n" + n).allocatable(8 + i % 3 + "", "32Gi").zone("z" + i % 3).build();
                  if (old == null) {
                    cache.addNode(updated);
                  } else if (i % 10 == 0) {
                    cache.removeNode(old);
                    cache.addNode(updated);
                  } else {
                    cache.updateNode(old, updated);
                  }
                }
              }));
      // The cleanup timer's thread.
      threads.add(
          thread(
              "clock-stepper",
              start,
              failures,
              () -> {
                for (int i = 0; i < 100; i++) {
                  clock.step(Duration.ofMillis(700));
                }
              }));
      threads.forEach(Thread::start);
      start.countDown();
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(t.isAlive()).as(t.getName() + " finished").isFalse();
      }
      assertThat(failures).isEmpty();

      // Past every TTL: no assumed pod may remain, every added one must be there.
      clock.step(Duration.ofSeconds(40));
      CacheDump dump = cache.dump();
      assertThat(dump.assumedPods()).isEmpty();
      Set<String> cached = new HashSet<>();
      for (Map.Entry<String, NodeInfo> e : dump.nodes().entrySet()) {
        assertThat(e.getValue().node()).as(e.getKey()).isNotNull();
        CacheChecks.assertAggregatesMatchPods(e.getKey(), e.getValue());
        cached.addAll(CacheChecks.uids(e.getValue().pods()));
      }
      assertThat(cached).isEqualTo(expectedAdded);
      assertThat(cache.nodeCount()).isEqualTo(NODES);
      CacheChecks.assertListNewestFirst(cache);
      cache.updateSnapshot(snapshot);
      CacheChecks.assertSameSnapshot(snapshot, CacheChecks.fresh(cache));
      assertThat(snapshot.numNodes()).isEqualTo(NODES);
    }
  }

  static Thread thread(
      String name, CountDownLatch start, ConcurrentLinkedQueue<Throwable> failures, Runnable r) {
    Thread t =
        new Thread(
            () -> {
              try {
                start.await();
                r.run();
              } catch (Throwable e) {
                failures.add(e);
              }
            },
            name);
    t.setDaemon(true);
    return t;
  }
}
