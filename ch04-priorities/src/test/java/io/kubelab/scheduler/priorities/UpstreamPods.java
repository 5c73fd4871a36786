package io.kubelab.scheduler.priorities;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pod specs upstream's resource priority tables share ({@code least_requested_test.go}, {@code
 * most_requested_test.go}, {@code balanced_resource_allocation_test.go}), each with a fresh name. A
 * null node name makes the incoming pod.
 */
final class UpstreamPods {

  private UpstreamPods() {}

  private static final AtomicInteger SEQ = new AtomicInteger();

  private static Fixtures.PodFixture pod(String node) {
    Fixtures.PodFixture f = Fixtures.pod("p" + SEQ.incrementAndGet());
    if (node != null) {
      f.nodeName(node);
    }
    return f;
  }

  /** {@code noResources}: no containers at all, so no non-zero defaults either. */
  static Pod noResources(String node) {
    return pod(node).noContainers().build();
  }

  /** {@code cpuOnly}: 1000m and 2000m CPU, memory explicitly 0 (which stays 0). */
  static Pod cpuOnly(String node) {
    return pod(node)
        .container("c1")
        .requests("1000m", "0")
        .container("c2")
        .requests("2000m", "0")
        .build();
  }

  /** {@code cpuAndMemory}: 1000m + 2000m CPU, 2000 + 3000 bytes of memory. */
  static Pod cpuAndMemory(String node) {
    return pod(node)
        .container("c1")
        .requests("1000m", "2000")
        .container("c2")
        .requests("2000m", "3000")
        .build();
  }

  /** {@code bigCPUAndMemory}: 2000m + 3000m CPU, 4000 + 5000 bytes. */
  static Pod bigCpuAndMemory(String node) {
    return pod(node)
        .container("c1")
        .requests("2000m", "4000")
        .container("c2")
        .requests("3000m", "5000")
        .build();
  }

  /** One container requesting {@code cpu} millis and {@code memory} bytes. */
  static Pod requesting(String node, long cpu, long memory) {
    return pod(node).requests(cpu + "m", String.valueOf(memory)).build();
  }
}
