package io.kubelab.apimachinery.bench;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.apimachinery.resource.Quantities;
import io.kubelab.apimachinery.resource.Resource;
import io.kubelab.apimachinery.testing.Fixtures;
import java.math.BigDecimal;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Pod-request computation, what every cache update and every predicate pays per pod, and the
 * quantity parsing under it: the int64 fast path against the exact BigDecimal path. Only the two
 * parsing benchmarks take a quantity, from {@link Input}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ResourceBenchmark {

  /** The quantity the parsing benchmarks read. */
  @State(Scope.Benchmark)
  public static class Input {
    /** A typical quantity of each form: milli-CPU, whole cores, binary SI, fractional. */
    @Param({"500m", "2", "512Mi", "1.5"})
    public String quantity;
  }

  private Pod pod;
  private Pod gpuPod;

  @Setup
  public void setUp() {
    pod =
        Fixtures.pod("web-1")
            .container("app")
            .requests("500m", "1Gi")
            .container("sidecar")
            .requests("100m", null)
            .initContainer("init")
            .requests("1", null)
            .build();
    gpuPod =
        Fixtures.pod("train-1")
            .container("trainer")
            .requests("4", "16Gi")
            .request("nvidia.com/gpu", "2")
            .request("ephemeral-storage", "20Gi")
            .overhead("250m", "120Mi")
            .build();
  }

  @Benchmark
  public Resource podRequests() {
    return PodRequests.of(pod);
  }

  @Benchmark
  public Resource podRequestsWithScalarsAndOverhead() {
    return PodRequests.of(gpuPod);
  }

  @Benchmark
  public Resource nonZeroRequests() {
    Resource sum = Resource.ZERO;
    for (Container c : pod.getSpec().getContainers()) {
      sum = sum.add(PodRequests.containerNonZero(c, "Pod default/web-1", "container"));
    }
    return sum;
  }

  @Benchmark
  public long milliValue(Input in) {
    return Quantities.milliValue(in.quantity, "bench");
  }

  @Benchmark
  public BigDecimal parseExact(Input in) {
    return Quantities.parse(in.quantity, "bench");
  }
}
