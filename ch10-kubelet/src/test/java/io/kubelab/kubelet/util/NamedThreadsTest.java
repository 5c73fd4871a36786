package io.kubelab.kubelet.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The threads a component runs on when it runs on real threads: daemon threads named after the
 * component, at most {@code maxThreads} at once, all ended when the pool is closed.
 */
@Timeout(30)
class NamedThreadsTest {

  @Test
  void tasksRunOnNamedDaemonThreadsAtMostMaxAtOnceAndCloseEndsThem() throws Exception {
    List<Thread> seen = new CopyOnWriteArrayList<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    CountDownLatch twoStarted = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch allDone = new CountDownLatch(3);
    NamedThreads pool = new NamedThreads("prober", 2);
    try {
      for (int i = 0; i < 3; i++) {
        pool.execute(
            () -> {
              seen.add(Thread.currentThread());
              mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
              twoStarted.countDown();
              try {
                release.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              running.decrementAndGet();
              allDone.countDown();
            });
      }
      assertThat(twoStarted.await(10, TimeUnit.SECONDS)).isTrue();
      // The third task waits in the queue while two threads are busy.
      assertThat(seen).hasSize(2);
      release.countDown();
      assertThat(allDone.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.close();
    }
    assertThat(mostAtOnce.get()).isEqualTo(2);
    assertThat(seen)
        .allSatisfy(
            t -> {
              assertThat(t.getName()).matches("prober-[12]");
              // Daemon threads never keep the JVM alive after the kubelet stops.
              assertThat(t.isDaemon()).isTrue();
              assertThat(t.isAlive()).as("joined by close").isFalse();
            });
    assertThat(pool).hasToString("NamedThreads[prober]");
  }

  @Test
  void aPoolWithoutThreadsIsRefused() {
    assertThatThrownBy(() -> new NamedThreads("sync", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("NamedThreads sync: maxThreads must be >= 1");
    new NamedThreads("one", 1).close();
  }
}
