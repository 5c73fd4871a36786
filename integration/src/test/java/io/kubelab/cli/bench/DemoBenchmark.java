package io.kubelab.cli.bench;

import io.kubelab.apimachinery.manifest.Manifest;
import io.kubelab.apimachinery.manifest.Manifests;
import io.kubelab.cli.Kubelab;
import io.kubelab.cluster.Kubelets;
import io.kubelab.explain.FrameworkSimulation;
import io.kubelab.explain.PodResult;
import io.kubelab.explain.SchedulerProfile;
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
 * What {@code kubelab demo} runs, end to end and without printing: load the demo cluster, build
 * chapter 08's scheduler with the default-1.18 profile, place the 9 pending pods, then let each
 * node's kubelet start what was bound.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DemoBenchmark {

  private String yaml;

  @Setup
  public void setUp() {
    yaml = Kubelab.resource(Kubelab.DEMO_CLUSTER);
  }

  /** Parse the manifest, build cluster, cache and scheduler, schedule, run the kubelets. */
  @Benchmark
  public List<PodResult> loadScheduleAndStartTheDemoCluster() {
    Manifest m = Manifests.parse(yaml, Kubelab.DEMO_CLUSTER);
    List<PodResult> results;
    try (FrameworkSimulation sim = new FrameworkSimulation(m, SchedulerProfile.default118(), 1)) {
      results = sim.run();
    }
    try (Kubelets kubelets = new Kubelets(m.nodes())) {
      for (PodResult r : results) {
        kubelets.pending(r.pod());
        if (r.bound()) {
          kubelets.bind(r.pod(), r.node());
        }
      }
      kubelets.run();
    }
    return results;
  }
}
