package io.kubelab.scheduler.cache;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
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

  @Test
  void aDiffOrResultIsEmptyOnlyWhenNothingIsMissedOrRedundant() {
    CacheComparer.Diff none = new CacheComparer.Diff(List.of(), List.of());
    CacheComparer.Diff missed = new CacheComparer.Diff(List.of("x"), List.of());
    CacheComparer.Diff redundant = new CacheComparer.Diff(List.of(), List.of("x"));
    assertThat(none.isEmpty()).isTrue();
    assertThat(missed.isEmpty()).isFalse();
    assertThat(redundant.isEmpty()).isFalse();
    assertThat(new CacheComparer.Result(none, none).isEmpty()).isTrue();
    assertThat(new CacheComparer.Result(missed, none).isEmpty()).isFalse();
    assertThat(new CacheComparer.Result(none, redundant).isEmpty()).isFalse();
  }

  @Test
  void compareStringsReportsWhatIsLeftOfActualOnceCachedRunsOut() {
    CacheComparer.Diff d = CacheComparer.compareStrings(List.of("z", "a", "m"), List.of("a"));
    assertThat(d.missed()).containsExactly("m", "z");
    assertThat(d.redundant()).isEmpty();
  }

  @Test
  void aPodWithoutAUidOrMetadataIsComparedAsTheEmptyUid() {
    Pod noUid = pod("no-uid").uid(null).build();
    Pod noMeta = pod("no-meta").build();
    noMeta.setMetadata(null);
    CacheComparer.Diff d = CacheComparer.comparePods(List.of(noUid, noMeta), List.of(), Map.of());
    assertThat(d.missed()).containsExactly("", "");
    assertThat(d.redundant()).isEmpty();
  }

  @Test
  void compareLogsEachMismatchAsAWarning() {
    Logger log = Logger.getLogger(CacheComparer.class.getName());
    List<LogRecord> records = new ArrayList<>();
    Handler h =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            records.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    // The tests' logging.properties silences this package; listen at WARNING, quietly.
    Level level = log.getLevel();
    boolean useParent = log.getUseParentHandlers();
    log.setLevel(Level.WARNING);
    log.setUseParentHandlers(false);
    log.addHandler(h);
    try (SchedulerCache cache = new SchedulerCache(new FakeClock())) {
      Node n1 = node("n1").build();
      CacheComparer.Result r =
          new CacheComparer(() -> List.of(n1), List::of, cache, List::of).compare();
      assertThat(records).extracting(LogRecord::getLevel).containsExactly(Level.WARNING);
      assertThat(records)
          .extracting(LogRecord::getMessage)
          .containsExactly("cache mismatch: missed nodes: [n1]; redundant nodes: []");
      assertThat(r.messages()).hasSize(1);
    } finally {
      log.removeHandler(h);
      log.setUseParentHandlers(useParent);
      log.setLevel(level);
    }
  }

  @Test
  void dumperListsNominatedPodsUnderTheirNodeAndPrintsAPodWithoutStatusWithEmptyFields() {
    try (SchedulerCache cache = new SchedulerCache(new FakeClock())) {
      cache.addNode(node("n1").build());
      cache.addNode(node("n2").build());
      Pod nominated = pod("nom").build();
      nominated.getStatus().setNominatedNodeName("n1");
      Pod noStatus = pod("bare").build();
      noStatus.setStatus(null);
      CacheDumper d =
          new CacheDumper(
              cache, () -> List.of(noStatus), n -> n.equals("n1") ? List.of(nominated) : List.of());
      String text = d.dumpAll();
      assertThat(text)
          .contains(
              "Scheduled Pods(number: 0):\nNominated Pods(number: 1):\nname: nom, namespace:"
                  + " default, uid: "
                  + nominated.getMetadata().getUid()
                  + ", phase: Pending, nominated node: n1\n")
          .contains(
              "Dump of scheduling queue:\nname: bare, namespace: default, uid: "
                  + noStatus.getMetadata().getUid()
                  + ", phase: , nominated node: \n")
          .doesNotContain("Nominated Pods(number: 0)");
      assertThat(text.indexOf("Nominated Pods")).isEqualTo(text.lastIndexOf("Nominated Pods"));
    }
  }
}
