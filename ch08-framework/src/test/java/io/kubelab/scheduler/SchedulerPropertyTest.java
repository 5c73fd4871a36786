package io.kubelab.scheduler;

import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Generators;
import io.kubelab.scheduler.cache.Cache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * The whole scheduler over generated clusters, checked against an independent oracle of the final
 * placement: no pod is bound twice or lost, no node holds more than it offers, and (for pods that
 * ask only for CPU and memory) a pod left pending fits on no node.
 */
@Timeout(120)
class SchedulerPropertyTest {

  /** Schedules every pod of {@code pods} onto {@code nodes}, with clock steps for the backoffs. */
  private static Result run(List<Node> nodes, List<Pod> pods) throws InterruptedException {
    Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    Harness.Options o = new Harness.Options();
    o.binder =
        cluster ->
            b -> {
              attempts
                  .computeIfAbsent(b.getMetadata().getUid(), k -> new AtomicInteger())
                  .incrementAndGet();
              cluster.bind(b);
            };
    try (Harness h = new Harness(o)) {
      nodes.forEach(h.cluster::createNode);
      pods.forEach(h.cluster::createPod);
      for (int round = 0; round < 3; round++) {
        h.settle();
        h.clock.step(Duration.ofSeconds(11)); // past the longest backoff
      }
      h.settle();
      Map<String, Boolean> assumed = new HashMap<>();
      for (Pod p : h.cluster.pods()) {
        boolean a;
        try {
          a = h.schedulerCache.isAssumedPod(p);
        } catch (Cache.CacheException e) {
          a = false;
        }
        assumed.put(p.getMetadata().getUid(), a);
      }
      return new Result(
          h.cluster.pods(), h.queue.pendingPods(), attempts, assumed, h.cluster, h.events);
    }
  }

  private record Result(
      List<Pod> pods,
      List<Pod> pending,
      Map<String, AtomicInteger> attempts,
      Map<String, Boolean> assumed,
      InMemoryCluster cluster,
      InMemoryEventRecorder events) {}

  private static void checkCommon(List<Node> nodes, Result r) {
    Map<String, long[]> used = new HashMap<>();
    List<String> unbound = new ArrayList<>();
    for (Pod p : r.pods()) {
      String uid = p.getMetadata().getUid();
      String node = p.getSpec().getNodeName();
      assertThat(r.assumed().get(uid)).as("assumed at the end: %s", uid).isFalse();
      if (node == null) {
        unbound.add(uid);
        assertThat(r.attempts().get(uid)).as("binding attempts of a pending pod").isNull();
        continue;
      }
      assertThat(r.attempts().get(uid).get()).as("binding attempts of %s", uid).isEqualTo(1);
      assertThat(r.cluster().bindingsAccepted(uid)).isEqualTo(1);
      long[] req = PlacementOracle.usage(p);
      long[] u = used.computeIfAbsent(node, k -> new long[3]);
      u[0] += req[0];
      u[1] += req[1];
      u[2]++;
    }
    for (Node n : nodes) {
      long[] u = used.getOrDefault(n.getMetadata().getName(), new long[3]);
      long[] a = PlacementOracle.allocatable(n);
      String on = describe(r.pods(), n.getMetadata().getName());
      assertThat(u[0])
          .as("milli-CPU on %s: %s", n.getMetadata().getName(), on)
          .isLessThanOrEqualTo(a[0]);
      assertThat(u[1]).as("memory on %s", n.getMetadata().getName()).isLessThanOrEqualTo(a[1]);
      assertThat(u[2]).as("pods on %s", n.getMetadata().getName()).isLessThanOrEqualTo(a[2]);
    }
    // Nothing lost: every pod still pending is in the queue, and nothing else is.
    assertThat(r.pending())
        .extracting(p -> p.getMetadata().getUid())
        .containsExactlyInAnyOrderElementsOf(unbound);
  }

  /** The pods on a node with the oracle's requests, for failure messages. */
  private static String describe(List<Pod> pods, String node) {
    StringBuilder sb = new StringBuilder();
    for (Pod p : pods) {
      if (node.equals(p.getSpec().getNodeName())) {
        long[] req = PlacementOracle.usage(p);
        sb.append(p.getMetadata().getName())
            .append("=")
            .append(req[0])
            .append("m/")
            .append(req[1])
            .append("B ");
      }
    }
    return sb.toString();
  }

  @Test
  void generatedPodsAreBoundAtMostOnceAndNoNodeIsOvercommitted() {
    int[] seen = new int[2];
    qt().withFixedSeed(0x5c4ed_118L)
        .withExamples(40)
        .withShrinkCycles(5)
        .forAll(Generators.clusters(1, 6, 1, 24))
        .checkAssert(
            c -> {
              // Every generated pod starts pending: all placements are the scheduler's.
              List<Pod> pods = new ArrayList<>();
              for (Pod p : c.pods()) {
                Pod pending = new io.fabric8.kubernetes.api.model.PodBuilder(p).build();
                pending.getSpec().setNodeName(null);
                pending.getStatus().setPhase("Pending");
                pods.add(pending);
              }
              Result r;
              try {
                r = run(c.nodes(), pods);
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
              checkCommon(c.nodes(), r);
              for (Pod p : r.pods()) {
                seen[p.getSpec().getNodeName() == null ? 1 : 0]++;
              }
            });
    // The generator must exercise both outcomes.
    assertThat(seen[0]).isGreaterThan(100);
    assertThat(seen[1]).isGreaterThan(20);
  }

  /** Plain pods: only CPU and memory requests, no tolerations, selectors or affinity. */
  private static Gen<List<long[]>> plainPods() {
    Gen<long[]> one =
        Generate.longRange(0, 4000)
            .zip(Generate.longRange(0, 8192), (cpu, mem) -> new long[] {cpu, mem});
    return SourceDSL.lists().of(one).ofSizeBetween(1, 30);
  }

  @Test
  void aPlainPodLeftPendingFitsOnNoNode() {
    int[] seen = new int[2];
    qt().withFixedSeed(0x9e4d_118L)
        .withExamples(40)
        .withShrinkCycles(5)
        .forAll(Generators.clusters(1, 5, 0, 0), plainPods())
        .checkAssert(
            (c, requests) -> {
              List<Pod> pods = new ArrayList<>();
              for (int i = 0; i < requests.size(); i++) {
                long[] r = requests.get(i);
                pods.add(pod("plain-" + i).requests(r[0] + "m", r[1] + "Mi").build());
              }
              Result r;
              try {
                r = run(c.nodes(), pods);
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
              checkCommon(c.nodes(), r);
              Map<String, long[]> free = new HashMap<>();
              for (Node n : c.nodes()) {
                free.put(n.getMetadata().getName(), PlacementOracle.allocatable(n));
              }
              for (Pod p : r.pods()) {
                if (p.getSpec().getNodeName() != null) {
                  long[] f = free.get(p.getSpec().getNodeName());
                  long[] req = PlacementOracle.usage(p);
                  f[0] -= req[0];
                  f[1] -= req[1];
                  f[2]--;
                }
              }
              for (Pod p : r.pods()) {
                if (p.getSpec().getNodeName() != null) {
                  seen[0]++;
                  continue;
                }
                seen[1]++;
                long[] req = PlacementOracle.request(p);
                for (Node n : c.nodes()) {
                  long[] f = free.get(n.getMetadata().getName());
                  boolean fits =
                      PlacementOracle.openToPlainPods(n)
                          && (req[0] == 0 || req[0] <= f[0])
                          && (req[1] == 0 || req[1] <= f[1])
                          && f[2] >= 1;
                  assertThat(fits)
                      .as(
                          "pending %s would fit on %s",
                          p.getMetadata().getName(), n.getMetadata().getName())
                      .isFalse();
                }
              }
            });
    assertThat(seen[0]).isGreaterThan(100);
    assertThat(seen[1]).isGreaterThan(20);
  }
}
