package io.kubelab.apimachinery.bench;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.apimachinery.resource.Resource;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Pod-request computation: what every cache update and every predicate pays per pod. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ResourceBenchmark {

  private final Pod pod =
      new PodBuilder()
          .withNewMetadata()
          .withName("web-1")
          .withNamespace("default")
          .endMetadata()
          .withNewSpec()
          .withContainers(
              new ContainerBuilder()
                  .withName("app")
                  .withNewResources()
                  .withRequests(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("1Gi")))
                  .endResources()
                  .build(),
              new ContainerBuilder()
                  .withName("sidecar")
                  .withNewResources()
                  .withRequests(Map.of("cpu", new Quantity("100m")))
                  .endResources()
                  .build())
          .withInitContainers(
              new ContainerBuilder()
                  .withName("init")
                  .withNewResources()
                  .withRequests(Map.of("cpu", new Quantity("1")))
                  .endResources()
                  .build())
          .endSpec()
          .build();

  @Benchmark
  public Resource podRequests() {
    return PodRequests.of(pod);
  }
}
