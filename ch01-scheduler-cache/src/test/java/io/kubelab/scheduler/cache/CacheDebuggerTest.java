package io.kubelab.scheduler.cache;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dumper and comparer of upstream's internal/cache/debugger. */
class CacheDebuggerTest {

  @Test
  void compareStringsReportsMissedAndRedundantLikeUpstream() {
    // Cases from upstream's comparer_test.go TestCompareStrings style: a sorted merge.
    CacheComparer.Diff d =
        CacheComparer.compareStrings(List.of("c", "a", "b", "b"), List.of("b", "d", "a"));
    assertThat(d.missed()).containsExactly("b", "c");
    assertThat(d.redundant()).containsExactly("d");
    assertThat(CacheComparer.compareStrings(List.of(), List.of()).isEmpty()).isTrue();
  }

  @Test
  void comparerFindsMissedAndRedundantNodesAndPods() {
    try (SchedulerCache cache = new SchedulerCache(new FakeClock())) {
      Node n1 = node("n1").build();
      Node n2 = node("n2").build();
      Node n3 = node("n3").build();
      Pod a = pod("a").nodeName("n1").build();
      Pod b = pod("b").nodeName("n1").build();
      Pod pending = pod("pending").build();
      Pod stale = pod("stale").nodeName("n3").build();
      cache.addNode(n1);
      cache.addNode(n3);
      cache.addPod(a);
      cache.addPod(stale);
      cache.removeNode(n3); // n3 stays as a ghost: redundant for the informer
      CacheComparer c =
          new CacheComparer(
              () -> List.of(n1, n2), () -> List.of(a, b, pending), cache, () -> List.of(pending));
      CacheComparer.Result r = c.compare();
      assertThat(r.nodes().missed()).containsExactly("n2");
      assertThat(r.nodes().redundant()).containsExactly("n3");
      assertThat(r.pods().missed()).containsExactly(b.getMetadata().getUid());
      assertThat(r.pods().redundant()).containsExactly(stale.getMetadata().getUid());
      assertThat(r.messages())
          .containsExactly(
              "cache mismatch: missed nodes: [n2]; redundant nodes: [n3]",
              "cache mismatch: missed pods: ["
                  + b.getMetadata().getUid()
                  + "]; redundant pods: ["
                  + stale.getMetadata().getUid()
                  + "]");
    }
  }

  @Test
  void aConsistentCacheComparesClean() {
    try (SchedulerCache cache = new SchedulerCache(new FakeClock())) {
      Node n1 = node("n1").build();
      Pod a = pod("a").nodeName("n1").build();
      cache.addNode(n1);
      cache.addPod(a);
      CacheComparer.Result r =
          new CacheComparer(() -> List.of(n1), () -> List.of(a), cache, List::of).compare();
      assertThat(r.isEmpty()).isTrue();
      assertThat(r.messages()).isEmpty();
    }
  }

  @Test
  void dumperPrintsNodesGhostsAndTheQueue() {
    try (SchedulerCache cache = new SchedulerCache(new FakeClock())) {
      cache.addNode(node("n1").allocatable("4", "8Gi").build());
      Pod a = pod("a").requests("1", "1Gi").nodeName("n1").build();
      cache.addPod(a);
      cache.addPod(pod("lost").nodeName("gone").build());
      Pod queued = pod("q").build();
      CacheDumper d = new CacheDumper(cache, () -> List.of(queued), n -> List.of());
      String text = d.dumpAll();
      assertThat(text)
          .startsWith("Dump of cached NodeInfo\n")
          .contains("\nNode name: gone\nDeleted: true\n")
          .contains("\nNode name: n1\nDeleted: false\nRequested Resources: {cpu=1000m")
          .contains("Scheduled Pods(number: 1):\nname: a, namespace: default, uid: ")
          .contains("Dump of scheduling queue:\nname: q, namespace: default, uid: ")
          .contains("phase: Pending, nominated node: \n");
    }
  }
}
