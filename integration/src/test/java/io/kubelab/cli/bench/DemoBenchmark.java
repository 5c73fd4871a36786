package io.kubelab.cli.bench;

import io.kubelab.apimachinery.manifest.Manifest;
import io.kubelab.apimachinery.manifest.Manifests;
import io.kubelab.cli.Kubelab;
import io.kubelab.cluster.Placement;
import io.kubelab.cluster.SchedulingSimulation;
import io.kubelab.scheduler.algorithm.policy.Policies;
import io.kubelab.scheduler.algorithm.policy.Policy;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The whole stack end to end: load the demo cluster, build the scheduler, place 9 pods. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DemoBenchmark {

  private String yaml;
  private Policy policy;

  @Setup
  public void setUp() {
    yaml = Kubelab.resource(Kubelab.DEMO_CLUSTER);
    policy = Policies.parse(Kubelab.resource(Kubelab.DEFAULT_POLICY));
  }

  /** Parse the manifest, build cache and scheduler, schedule every pending pod. */
  @Benchmark
  public List<Placement> loadAndScheduleDemoCluster() {
    Manifest m = Manifests.parse(yaml, Kubelab.DEMO_CLUSTER);
    try (SchedulingSimulation sim = new SchedulingSimulation(m, policy, 1)) {
      return sim.run();
    }
  }
}
