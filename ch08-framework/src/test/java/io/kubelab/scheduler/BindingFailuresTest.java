package io.kubelab.scheduler;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.Cache;
import io.kubelab.scheduler.cache.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Binding cycles run concurrently with the scheduling loop and the informer's deliveries; bindings
 * fail at random, before the server applied them (a conflict, a timeout) or after (a lost answer).
 * Whatever happens, every pod ends bound exactly once, the cache holds no assumed pod, the queue is
 * empty, and no pod is ever assumed while the cache already holds it.
 */
@Timeout(60)
class BindingFailuresTest {

  /** A cache that counts every assume of a pod the cache already holds. */
  private static final class CheckingCache implements Cache {
    private final Cache delegate;
    final AtomicInteger assumedTwice = new AtomicInteger();
    final AtomicInteger forgets = new AtomicInteger();

    CheckingCache(Cache delegate) {
      this.delegate = delegate;
    }

    @Override
    public void assumePod(Pod pod) {
      try {
        if (delegate.getPod(pod) != null) {
          assumedTwice.incrementAndGet();
        }
      } catch (CacheException e) {
        // Not in the cache: the expected case.
      }
      delegate.assumePod(pod);
    }

    @Override
    public void finishBinding(Pod pod) {
      delegate.finishBinding(pod);
    }

    @Override
    public void forgetPod(Pod pod) {
      forgets.incrementAndGet();
      delegate.forgetPod(pod);
    }

    @Override
    public void addPod(Pod pod) {
      delegate.addPod(pod);
    }

    @Override
    public void updatePod(Pod oldPod, Pod newPod) {
      delegate.updatePod(oldPod, newPod);
    }

    @Override
    public void removePod(Pod pod) {
      delegate.removePod(pod);
    }

    @Override
    public Pod getPod(Pod pod) {
      return delegate.getPod(pod);
    }

    @Override
    public boolean isAssumedPod(Pod pod) {
      return delegate.isAssumedPod(pod);
    }

    @Override
    public void addNode(Node node) {
      delegate.addNode(node);
    }

    @Override
    public void updateNode(Node oldNode, Node newNode) {
      delegate.updateNode(oldNode, newNode);
    }

    @Override
    public void removeNode(Node node) {
      delegate.removeNode(node);
    }

    @Override
    public void updateSnapshot(Snapshot snapshot) {
      delegate.updateSnapshot(snapshot);
    }

    @Override
    public int nodeCount() {
      return delegate.nodeCount();
    }
  }

  @Test
  void randomBindingFailuresLeaveCacheAndQueueConsistent() throws Exception {
    for (long seed = 1; seed <= 5; seed++) {
      check(seed);
    }
  }

  private static void check(long seed) throws Exception {
    Random random = new Random(seed);
    Map<String, String> faults = new ConcurrentHashMap<>();
    AtomicInteger[] counts = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
    CheckingCache[] checking = new CheckingCache[1];
    Harness.Options o = new Harness.Options();
    o.cache = c -> checking[0] = new CheckingCache(c);
    o.binder =
        cluster ->
            b -> {
              int dice;
              synchronized (random) {
                dice = random.nextInt(10);
              }
              String pod = b.getMetadata().getName();
              if (dice < 2) {
                counts[0].incrementAndGet();
                faults.merge(pod, "conflict ", String::concat);
                throw new InMemoryCluster.ApiException(
                    409, "Operation cannot be fulfilled on pods \"" + pod + "\": conflict");
              }
              if (dice == 2) {
                counts[1].incrementAndGet();
                faults.merge(pod, "timeout ", String::concat);
                throw new InMemoryCluster.ApiException(504, "Timeout: request did not complete");
              }
              cluster.bind(b);
              if (dice == 3) {
                counts[2].incrementAndGet();
                faults.merge(pod, "lost-answer ", String::concat);
                throw new InMemoryCluster.ApiException(504, "the server was unable to respond");
              }
            };
    try (Harness h = new Harness(o)) {
      for (int i = 0; i < 8; i++) {
        h.cluster.createNode(node("n" + i).allocatable("8", "16Gi").build());
      }
      int pods = 60;
      for (int i = 0; i < pods; i++) {
        h.cluster.createPod(pod("p" + i).requests("500m", "512Mi").build());
      }
      for (int round = 0; round < 12 && !allBound(h); round++) {
        h.settle();
        // Forgotten pods wait in unschedulableQ (60 s) or backoffQ (up to 10 s).
        h.clock.step(Duration.ofSeconds(31));
      }
      h.settle();

      assertThat(allBound(h)).as("seed %d, faults %s", seed, faults).isTrue();
      for (Pod p : h.cluster.pods()) {
        assertThat(h.cluster.bindingsAccepted(p.getMetadata().getUid())).isEqualTo(1);
        assertThat(h.schedulerCache.isAssumedPod(p)).isFalse();
        assertThat(h.schedulerCache.getPod(p).getSpec().getNodeName())
            .isEqualTo(p.getSpec().getNodeName());
      }
      assertThat(h.queue.pendingPods()).isEmpty();
      assertThat(checking[0].assumedTwice).hasValue(0);
      // Every failed binding forgot its pod (for a lost answer the forget finds the pod added).
      assertThat(checking[0].forgets.get())
          .isEqualTo(counts[0].get() + counts[1].get() + counts[2].get());
      assertThat(counts[0].get() + counts[1].get()).as("faults injected").isGreaterThan(5);
      assertThat(counts[2].get()).as("lost answers injected").isGreaterThan(0);
    }
  }

  private static boolean allBound(Harness h) {
    for (Pod p : h.cluster.pods()) {
      if (p.getSpec().getNodeName() == null) {
        return false;
      }
    }
    return true;
  }

  @Test
  void runSchedulesOnNamedThreadsAndCloseJoinsThem() throws Exception {
    CountDownLatch scheduled = new CountDownLatch(10);
    List<String> threads = new ArrayList<>();
    Harness.Options o = new Harness.Options();
    o.binder =
        cluster ->
            b -> {
              synchronized (threads) {
                threads.add(Thread.currentThread().getName());
              }
              cluster.bind(b);
              scheduled.countDown();
            };
    Harness h = new Harness(o);
    try {
      h.cluster.createNode(node("n1").allocatable("8", "16Gi").build());
      h.scheduler.run();
      for (int i = 0; i < 10; i++) {
        h.cluster.createPod(pod("p" + i).requests("100m", "64Mi").build());
      }
      assertThat(scheduled.await(20, TimeUnit.SECONDS)).isTrue();
    } finally {
      h.close();
    }
    assertThat(threads).allMatch(n -> n.startsWith("scheduler-binding-"));
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(
            t ->
                t.isAlive()
                    && (t.getName().equals("scheduler-loop")
                        || t.getName().startsWith("scheduler-binding-")));
  }
}
