package io.kubelab.kubelet.bench;

import io.kubelab.kubelet.container.Cache;
import io.kubelab.kubelet.container.PodStatus;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The pod worker's read of the runtime cache when the data is already newer than its last sync: the
 * fast path that takes the write lock, finds fresh data and returns without waiting.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RuntimeCacheBenchmark {

  private static final Instant T0 = Instant.parse("2020-01-01T00:00:00Z");

  private Cache cache;

  @Setup
  public void setUp() {
    cache = new Cache();
    for (int i = 0; i < 110; i++) {
      String uid = "pod-" + i;
      cache.set(
          uid,
          new PodStatus(uid, "web", "default", List.of(), List.of(), List.of()),
          null,
          T0.plusSeconds(10));
    }
    cache.updateTime(T0.plusSeconds(20));
  }

  @Benchmark
  public Cache.Snapshot getNewerThan() throws InterruptedException {
    return cache.getNewerThan("pod-42", T0.plusSeconds(5));
  }

  @Benchmark
  public Cache.Snapshot getNewerThanViaGlobalTimestamp() throws InterruptedException {
    // The entry (t+10) is older than minTime (t+15); the global timestamp (t+20) vouches for it.
    return cache.getNewerThan("pod-42", T0.plusSeconds(15));
  }

  @Benchmark
  public Cache.Snapshot get() {
    return cache.get("pod-42");
  }
}
