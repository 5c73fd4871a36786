package io.kubelab.scheduler.cache;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static io.kubelab.scheduler.cache.CacheChecks.assertAggregatesMatchPods;
import static io.kubelab.scheduler.cache.CacheChecks.assertListNewestFirst;
import static io.kubelab.scheduler.cache.CacheChecks.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.resource.Resource;
import io.kubelab.apimachinery.testing.Fixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pod state machine and the node operations, one rule per test, with upstream's messages. Each
 * rejection also checks that the cache is unchanged ({@link #unchanged}).
 */
class SchedulerCacheTest {

  final FakeClock clock = new FakeClock();
  final SchedulerCache cache = new SchedulerCache(clock);

  @AfterEach
  void close() {
    cache.close();
  }

  static Pod podOn(String name, String node) {
    return pod(name).requests("100m", "500Mi").nodeName(node).build();
  }

  static Pod withNode(Pod p, String node) {
    return new PodBuilder(p).editSpec().withNodeName(node).endSpec().build();
  }

  static Node n(String name) {
    return node(name).allocatable("4", "8Gi").build();
  }

  String dumpText() {
    return new CacheDumper(cache).dumpNodes() + cache.dump().assumedPods();
  }

  /** Runs {@code r}, expects a CacheException with {@code message}, and an unchanged cache. */
  void rejects(Runnable r, String message) {
    String before = dumpText();
    List<Long> gens = cache.generationsFromHead();
    assertThatThrownBy(r::run).isInstanceOf(Cache.CacheException.class).hasMessage(message);
    assertThat(dumpText()).isEqualTo(before);
    assertThat(cache.generationsFromHead()).isEqualTo(gens);
  }

  NodeInfo info(String node) {
    return cache.dump().nodes().get(node);
  }

  // ------------------------------------------------------------------ assume / finish / expire

  @Test
  void assumedPodCountsOnItsNodeAtOnce() {
    cache.addNode(n("n1"));
    Pod p = podOn("web-1", "n1");
    cache.assumePod(p);
    assertThat(cache.isAssumedPod(p)).isTrue();
    assertThat(cache.getPod(p)).isSameAs(p);
    assertThat(info("n1").requestedResource()).isEqualTo(Resource.of(100, 500L << 20));
    assertThat(cache.dump().assumedPods()).containsExactly(p.getMetadata().getUid());
  }

  @Test
  void assumingTwiceIsRejected() {
    Pod p = podOn("web-1", "n1");
    cache.assumePod(p);
    rejects(
        () -> cache.assumePod(p),
        "pod " + p.getMetadata().getUid() + " is in the cache, so can't be assumed");
  }

  @Test
  void assumingAnAddedPodIsRejected() {
    Pod p = podOn("web-1", "n1");
    cache.addPod(p);
    rejects(
        () -> cache.assumePod(p),
        "pod " + p.getMetadata().getUid() + " is in the cache, so can't be assumed");
  }

  @Test
  void assumedPodExpiresOnlyAfterBindingFinished() {
    Pod p = podOn("web-1", "n1");
    cache.assumePod(p);
    clock.step(Duration.ofMinutes(10));
    assertThat(cache.isAssumedPod(p)).as("binding still in progress: never expires").isTrue();

    cache.finishBinding(p);
    clock.step(Duration.ofSeconds(30));
    assertThat(cache.isAssumedPod(p)).as("deadline reached but not passed").isTrue();
    clock.step(Duration.ofSeconds(1));
    assertThat(cache.isAssumedPod(p)).isFalse();
    assertThatThrownBy(() -> cache.getPod(p))
        .hasMessage("pod " + p.getMetadata().getUid() + " does not exist in scheduler cache");
    assertThat(cache.dump().nodes())
        .as("the ghost NodeInfo of n1 went with its last pod")
        .isEmpty();
  }

  @Test
  void cleanupRunsEverySecondOnTheInjectedClock() {
    Pod p = podOn("web-1", "n1");
    cache.assumePod(p);
    cache.finishBinding(p);
    clock.step(Duration.ofMillis(30_500));
    assertThat(cache.isAssumedPod(p)).as("no tick yet after the deadline").isTrue();
    clock.step(Duration.ofMillis(500));
    assertThat(cache.isAssumedPod(p)).as("the tick at 31 s expired it").isFalse();
  }

  @Test
  void finishBindingAgainRestartsTheTtl() {
    Pod p = podOn("web-1", "n1");
    cache.assumePod(p);
    cache.finishBinding(p);
    clock.step(Duration.ofSeconds(20));
    cache.finishBinding(p);
    clock.step(Duration.ofSeconds(20));
    assertThat(cache.isAssumedPod(p)).isTrue();
  }

  @Test
  void finishBindingOfAnUnknownOrAddedPodIsIgnored() {
    Pod p = podOn("web-1", "n1");
    cache.finishBinding(p);
    cache.addPod(p);
    cache.finishBinding(p);
    clock.step(Duration.ofMinutes(5));
    assertThat(cache.getPod(p)).isSameAs(p);
  }

  @Test
  void cleanupWithAnExplicitTimeExpiresOnlyPastDeadlines() {
    Pod a = podOn("a", "n1");
    Pod b = podOn("b", "n1");
    cache.assumePod(a);
    cache.assumePod(b);
    cache.finishBinding(a, FakeClock.DEFAULT_START);
    cache.finishBinding(b, FakeClock.DEFAULT_START.plusSeconds(10));
    cache.cleanupAssumedPods(FakeClock.DEFAULT_START.plusSeconds(35));
    assertThat(cache.isAssumedPod(a)).isFalse();
    assertThat(cache.isAssumedPod(b)).isTrue();
  }

  // ------------------------------------------------------------------ forget

  @Test
  void forgettingAnAssumedPodRemovesIt() {
    cache.addNode(n("n1"));
    Pod p = podOn("web-1", "n1");
    cache.assumePod(p);
    cache.forgetPod(p);
    assertThat(cache.isAssumedPod(p)).isFalse();
    assertThat(info("n1").pods()).isEmpty();
    assertThat(info("n1").requestedResource()).isEqualTo(Resource.ZERO);
  }

  @Test
  void forgettingOnAnotherNodeIsRejected() {
    Pod p = podOn("web-1", "n1");
    cache.assumePod(p);
    rejects(
        () -> cache.forgetPod(withNode(p, "n2")),
        "pod " + p.getMetadata().getUid() + " was assumed on n2 but assigned to n1");
  }

  @Test
  void forgettingAnAddedPodIsRejected() {
    Pod p = podOn("web-1", "n1");
    cache.addPod(p);
    rejects(
        () -> cache.forgetPod(p),
        "pod " + p.getMetadata().getUid() + " wasn't assumed so cannot be forgotten");
  }

  @Test
  void forgettingAnUnknownPodIsRejected() {
    Pod p = podOn("web-1", "n1");
    rejects(
        () -> cache.forgetPod(p),
        "pod " + p.getMetadata().getUid() + " wasn't assumed so cannot be forgotten");
  }

  // ------------------------------------------------------------------ add

  @Test
  void addingAnAssumedPodConfirmsIt() {
    Pod p = podOn("web-1", "n1");
    cache.assumePod(p);
    cache.finishBinding(p);
    Pod bound = new PodBuilder(p).editStatus().withPhase("Running").endStatus().build();
    cache.addPod(bound);
    assertThat(cache.isAssumedPod(p)).isFalse();
    assertThat(cache.getPod(p)).isSameAs(bound);
    clock.step(Duration.ofMinutes(5));
    assertThat(cache.getPod(p)).as("an added pod never expires").isSameAs(bound);
    // Upstream keeps the assumed object in the NodeInfo when the node did not change.
    assertThat(info("n1").pods()).containsExactly(p);
  }

  @Test
  void addingAnAssumedPodOnAnotherNodeMovesIt() {
    cache.addNode(n("n1"));
    cache.addNode(n("n2"));
    Pod p = podOn("web-1", "n1");
    cache.assumePod(p);
    Pod elsewhere = withNode(p, "n2");
    cache.addPod(elsewhere);
    assertThat(info("n1").pods()).isEmpty();
    assertThat(info("n2").pods()).containsExactly(elsewhere);
    assertThat(info("n1").requestedResource()).isEqualTo(Resource.ZERO);
    assertThat(cache.isAssumedPod(p)).isFalse();
  }

  @Test
  void addingAnExpiredPodAddsItBack() {
    Pod p = podOn("web-1", "n1");
    cache.assumePod(p);
    cache.finishBinding(p);
    clock.step(Duration.ofSeconds(31));
    assertThat(cache.podCount()).isZero();
    cache.addPod(p);
    assertThat(cache.getPod(p)).isSameAs(p);
    assertThat(cache.isAssumedPod(p)).isFalse();
    assertThat(info("n1").pods()).containsExactly(p);
  }

  @Test
  void addingAPodNeverAssumedAddsIt() {
    cache.addNode(n("n1"));
    Pod p = podOn("web-1", "n1");
    cache.addPod(p);
    assertThat(info("n1").pods()).containsExactly(p);
    assertThat(cache.isAssumedPod(p)).isFalse();
  }

  @Test
  void addingTwiceIsRejected() {
    Pod p = podOn("web-1", "n1");
    cache.addPod(p);
    rejects(
        () -> cache.addPod(p), "pod " + p.getMetadata().getUid() + " was already in added state");
  }

  // ------------------------------------------------------------------ update

  @Test
  void updatingReplacesThePodOnItsNode() {
    cache.addNode(n("n1"));
    Pod p = podOn("web-1", "n1");
    cache.addPod(p);
    Pod p2 =
        new PodBuilder(p)
            .editMetadata()
            .addToLabels("version", "2")
            .endMetadata()
            .editSpec()
            .editFirstContainer()
            .addNewPort()
            .withContainerPort(80)
            .withHostPort(8080)
            .endPort()
            .endContainer()
            .endSpec()
            .build();
    cache.updatePod(p, p2);
    assertThat(cache.getPod(p)).isSameAs(p2);
    assertThat(info("n1").pods()).containsExactly(p2);
    assertThat(info("n1").usedPorts().checkConflict("10.0.0.1", "TCP", 8080)).isTrue();
    assertAggregatesMatchPods("n1", info("n1"));
  }

  @Test
  void updatingAnAssumedPodIsRejected() {
    Pod p = podOn("web-1", "n1");
    cache.assumePod(p);
    rejects(
        () -> cache.updatePod(p, p),
        "pod "
            + p.getMetadata().getUid()
            + " is not added to scheduler cache, so cannot be updated");
  }

  @Test
  void updatingAnUnknownPodIsRejected() {
    Pod p = podOn("web-1", "n1");
    rejects(
        () -> cache.updatePod(p, p),
        "pod "
            + p.getMetadata().getUid()
            + " is not added to scheduler cache, so cannot be updated");
  }

  @Test
  void updatingOntoAnotherNodeIsRejected() {
    Pod p = podOn("web-1", "n1");
    cache.addPod(p);
    rejects(
        () -> cache.updatePod(p, withNode(p, "n2")),
        "Pod "
            + p.getMetadata().getUid()
            + " updated on a different node than previously added to. "
            + "Schedulercache is corrupted and can badly affect scheduling decisions");
  }

  // ------------------------------------------------------------------ remove

  @Test
  void removingAnAddedPodRemovesItFromItsNode() {
    cache.addNode(n("n1"));
    Pod p = podOn("web-1", "n1");
    cache.addPod(p);
    cache.removePod(p);
    assertThat(info("n1").pods()).isEmpty();
    assertThatThrownBy(() -> cache.getPod(p)).isInstanceOf(Cache.CacheException.class);
  }

  @Test
  void removingAnAssumedPodIsRejected() {
    Pod p = podOn("web-1", "n1");
    cache.assumePod(p);
    rejects(
        () -> cache.removePod(p),
        "pod "
            + p.getMetadata().getUid()
            + " is not found in scheduler cache, so cannot be removed from it");
  }

  @Test
  void removingAnUnknownPodIsRejected() {
    Pod p = podOn("web-1", "n1");
    rejects(
        () -> cache.removePod(p),
        "pod "
            + p.getMetadata().getUid()
            + " is not found in scheduler cache, so cannot be removed from it");
  }

  @Test
  void removingFromAnotherNodeIsRejected() {
    Pod p = podOn("web-1", "n1");
    cache.addPod(p);
    rejects(
        () -> cache.removePod(withNode(p, "n2")),
        "Pod "
            + p.getMetadata().getUid()
            + " was assumed to be on n2 but got added to n1. "
            + "Schedulercache is corrupted and can badly affect scheduling decisions");
  }

  // ------------------------------------------------------------------ bad input

  @Test
  void aPodWithoutUidIsRejected() {
    Pod p = pod("web-1").uid("").nodeName("n1").build();
    assertThatThrownBy(() -> cache.assumePod(p))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot get cache key for pod with empty UID");
    assertThatThrownBy(() -> cache.isAssumedPod(p)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMalformedPodIsRejectedNamingTheFieldAndChangesNothing() {
    cache.addNode(n("n1"));
    Pod bad = pod("web-1").requests("abc", null).nodeName("n1").build();
    String before = dumpText();
    assertThatThrownBy(() -> cache.assumePod(bad))
        .hasMessageContaining("Pod default/web-1")
        .hasMessageContaining("spec.containers[0].resources.requests.cpu");
    assertThatThrownBy(() -> cache.addPod(bad)).hasMessageContaining("requests.cpu");
    assertThat(dumpText()).isEqualTo(before);
    assertThat(cache.isAssumedPod(bad)).isFalse();
  }

  @Test
  void aMalformedInitContainerIsRejectedThoughInitContainersDoNotCount() {
    cache.addNode(n("n1"));
    Pod bad = pod("web-1").initContainer("init").requests("abc", null).nodeName("n1").build();
    String before = dumpText();
    assertThatThrownBy(() -> cache.addPod(bad))
        .hasMessageContaining("spec.initContainers[0].resources.requests.cpu");
    assertThat(dumpText()).isEqualTo(before);
  }

  @Test
  void aMalformedUpdateChangesNothing() {
    Pod p = podOn("web-1", "n1");
    cache.addPod(p);
    Pod bad = pod("web-1").requests("1", "lots").nodeName("n1").build();
    String before = dumpText();
    assertThatThrownBy(() -> cache.updatePod(p, bad)).hasMessageContaining("requests.memory");
    assertThat(dumpText()).isEqualTo(before);
    assertThat(cache.getPod(p)).isSameAs(p);
  }

  @Test
  void aMalformedNodeIsRejectedNamingTheFieldAndChangesNothing() {
    Node bad = node("n1").allocatable("x", "8Gi").build();
    assertThatThrownBy(() -> cache.addNode(bad))
        .hasMessageContaining("Node n1: status.allocatable.cpu");
    assertThat(cache.dump().nodes()).isEmpty();
    assertThat(cache.nodeCount()).isZero();
  }

  // ------------------------------------------------------------------ nodes and ghosts

  @Test
  void addUpdateAndRemoveNode() {
    Node n1 = n("n1");
    cache.addNode(n1);
    assertThat(cache.nodeCount()).isEqualTo(1);
    assertThat(info("n1").allocatableResource().milliCpu()).isEqualTo(4000);
    Node n1b = node("n1").allocatable("8", "8Gi").taint("k", "v", "NoSchedule").build();
    cache.updateNode(n1, n1b);
    assertThat(info("n1").allocatableResource().milliCpu()).isEqualTo(8000);
    assertThat(info("n1").taints()).hasSize(1);
    cache.removeNode(n1b);
    assertThat(cache.nodeCount()).isZero();
    assertThat(cache.dump().nodes()).isEmpty();
  }

  @Test
  void removingAnUnknownNodeIsRejected() {
    rejects(() -> cache.removeNode(n("n9")), "node n9 is not found");
  }

  @Test
  void removingAGhostAgainIsRejectedByTheTree() {
    cache.addNode(n("n1"));
    cache.addPod(podOn("web-1", "n1"));
    cache.removeNode(n("n1"));
    rejects(() -> cache.removeNode(n("n1")), "node \"n1\" in group \"\" was not found");
  }

  @Test
  void aRemovedNodeWithPodsStaysAsAGhostUntilItsLastPodLeaves() {
    cache.addNode(n("n1"));
    Pod a = podOn("a", "n1");
    Pod b = podOn("b", "n1");
    cache.addPod(a);
    cache.addPod(b);
    cache.removeNode(n("n1"));
    assertThat(cache.nodeCount()).isZero();
    assertThat(info("n1").node()).isNull();
    assertThat(info("n1").pods()).hasSize(2);
    Snapshot s = CacheChecks.fresh(cache);
    assertThat(s.list()).as("ghosts are never in a snapshot").isEmpty();
    assertThatThrownBy(() -> s.get("n1")).hasMessage("nodeinfo not found for node name \"n1\"");

    cache.removePod(a);
    assertThat(info("n1")).isNotNull();
    cache.removePod(b);
    assertThat(info("n1")).as("gone with its last pod").isNull();
  }

  @Test
  void aPodOfAnUnknownNodeGetsAGhostThatTheNodeLaterFills() {
    Pod p = podOn("web-1", "n1");
    cache.addPod(p);
    assertThat(info("n1").node()).isNull();
    cache.addNode(n("n1"));
    assertThat(info("n1").node()).isNotNull();
    assertThat(info("n1").pods()).containsExactly(p);
    assertThat(names(CacheChecks.fresh(cache).list())).containsExactly("n1");
  }

  @Test
  void everyChangeMovesTheNodeToTheHeadOfTheList() {
    cache.addNode(n("n1"));
    cache.addNode(n("n2"));
    cache.addNode(n("n3"));
    cache.addPod(podOn("a", "n1"));
    List<Long> g = cache.generationsFromHead();
    assertThat(g.get(0)).isEqualTo(info("n1").generation());
    assertListNewestFirst(cache);
  }

  @Test
  void nodeConditionsAreCached() {
    cache.addNode(node("n1").condition("MemoryPressure", "True").build());
    assertThat(info("n1").memoryPressureCondition()).isEqualTo("True");
    assertThat(info("n1").diskPressureCondition()).isEmpty();
  }

  // ------------------------------------------------------------------ images

  @Test
  void imageStatesCountNodesAndShrinkWithThem() {
    Node n1 = node("n1").image(100, "nginx:1.17", "nginx@sha256:aa").build();
    Node n2 = node("n2").image(100, "nginx:1.17").image(50, "redis:5").build();
    cache.addNode(n1);
    cache.addNode(n2);
    assertThat(cache.imageStates())
        .containsOnlyKeys("nginx:1.17", "nginx@sha256:aa", "redis:5")
        .containsEntry("nginx:1.17", Map.entry(100L, java.util.Set.of("n1", "n2")));
    assertThat(info("n2").imageStates())
        .containsEntry("nginx:1.17", new ImageStateSummary(100, 2))
        .containsEntry("redis:5", new ImageStateSummary(50, 1));
    // A copied value: n1's summary still says one node until n1 itself is updated.
    assertThat(info("n1").imageStates()).containsEntry("nginx:1.17", new ImageStateSummary(100, 1));
    cache.updateNode(n1, n1);
    assertThat(info("n1").imageStates()).containsEntry("nginx:1.17", new ImageStateSummary(100, 2));

    cache.removeNode(n2);
    assertThat(cache.imageStates())
        .containsOnlyKeys("nginx:1.17", "nginx@sha256:aa")
        .containsEntry("nginx:1.17", Map.entry(100L, java.util.Set.of("n1")));
  }

  // ------------------------------------------------------------------ snapshots

  @Test
  void updateSnapshotCopiesOnlyChangedNodesInPlace() {
    cache.addNode(n("n1"));
    cache.addNode(n("n2"));
    Snapshot s = new Snapshot();
    cache.updateSnapshot(s);
    NodeInfo s1 = s.get("n1");
    NodeInfo s2 = s.get("n2");
    List<NodeInfo> list = s.nodeInfoList;
    long g2 = s2.generation();

    Pod p = podOn("web-1", "n1");
    cache.addPod(p);
    assertThat(s1.pods()).as("a snapshot never sees later changes").isEmpty();
    cache.updateSnapshot(s);
    assertThat(s.get("n1")).as("overwritten in place").isSameAs(s1);
    assertThat(s1.pods()).containsExactly(p);
    assertThat(s.get("n2")).isSameAs(s2);
    assertThat(s2.generation()).as("n2 was not copied").isEqualTo(g2);
    assertThat(s.nodeInfoList).as("no node came or went: the list is kept").isSameAs(list);
    CacheChecks.assertSameSnapshot(s, CacheChecks.fresh(cache));
  }

  @Test
  void theSnapshotLogsTheNodesEachUpdateChangedSoAnIndexCanFollowIt() {
    Snapshot s = new Snapshot();
    assertThat(s.changePosition()).isZero();
    cache.addNode(n("n1"));
    cache.addNode(n("n2"));
    cache.updateSnapshot(s);
    assertThat(replay(s, 0)).containsExactlyInAnyOrder("n1", "n2");
    long read = s.changePosition();
    assertThat(read).isEqualTo(2);

    cache.updateSnapshot(s);
    assertThat(replay(s, read)).as("nothing changed").isEmpty();
    cache.addPod(podOn("web-1", "n2"));
    cache.updateSnapshot(s);
    assertThat(replay(s, read)).as("only the node the pod joined").containsExactly("n2");
    read = s.changePosition();

    cache.removeNode(n("n1"));
    cache.updateSnapshot(s);
    assertThat(replay(s, read)).as("a node gone from the snapshot").containsExactly("n1");
    assertThat(replay(s, 0))
        .as("newest node first within one update")
        .containsExactly("n2", "n1", "n2", "n1");
    assertThat(s.changesSince(s.changePosition() + 1, name -> {}))
        .as("a position the snapshot never reached")
        .isFalse();
  }

  @Test
  void aReaderTooFarBehindTheSnapshotsLogIsToldToReadItAll() {
    Snapshot s = new Snapshot();
    cache.addNode(n("n1"));
    cache.updateSnapshot(s);
    for (int i = 0; i < Snapshot.CHANGE_LOG_LIMIT; i++) {
      Pod p = podOn("web-" + i, "n1");
      cache.addPod(p);
      cache.updateSnapshot(s);
    }
    assertThat(s.changePosition()).isEqualTo(Snapshot.CHANGE_LOG_LIMIT + 1L);
    List<String> seen = new java.util.ArrayList<>();
    assertThat(s.changesSince(0, seen::add)).as("the oldest change has expired").isFalse();
    assertThat(seen).as("nothing replayed").isEmpty();
    assertThat(s.changesSince(Snapshot.CHANGE_LOG_LIMIT - 1, seen::add))
        .as("a full log starts over: what came before it expires")
        .isFalse();
    assertThat(replay(s, Snapshot.CHANGE_LOG_LIMIT)).containsExactly("n1");
  }

  private static List<String> replay(Snapshot s, long from) {
    List<String> names = new java.util.ArrayList<>();
    assertThat(s.changesSince(from, names::add)).as("the log reaches back to %d", from).isTrue();
    return names;
  }

  @Test
  void aNegativeTtlIsRejected() {
    assertThatThrownBy(
            () -> new SchedulerCache(clock, Duration.ofSeconds(-1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("ttl must not be negative");
  }

  @Test
  void anAssumedPodAddedOnAnotherNodeWithAMalformedRequestIsRejectedBeforeAnyChange() {
    cache.addNode(n("n1"));
    cache.addNode(n("n2"));
    Pod p = podOn("web-1", "n1");
    cache.assumePod(p);
    Pod malformed = podOn("web-1", "n2");
    malformed
        .getSpec()
        .getContainers()
        .get(0)
        .getResources()
        .setRequests(Map.of("cpu", new Quantity("1.2.3")));
    String before = dumpText();
    assertThatThrownBy(() -> cache.addPod(malformed)).isInstanceOf(IllegalArgumentException.class);
    assertThat(dumpText()).isEqualTo(before);
    assertThat(cache.isAssumedPod(p)).isTrue();
    assertThat(info("n1").pods()).containsExactly(p);
  }

  @Test
  void podCountCountsEveryCachedPodGhostsIncluded() {
    cache.addNode(n("n1"));
    cache.addPod(podOn("a", "n1"));
    cache.addPod(podOn("b", "n1"));
    cache.addPod(podOn("c", "gone"));
    assertThat(cache.podCount()).isEqualTo(3);
  }

  @Test
  void nodeNameOfReadsAnUnsetNodeNameAsEmptyAndRejectsAPodWithoutSpec() {
    assertThat(SchedulerCache.nodeNameOf(pod("p").build())).isEmpty();
    Pod noSpec = pod("p").build();
    noSpec.setSpec(null);
    assertThatThrownBy(() -> SchedulerCache.nodeNameOf(noSpec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Pod default/p: spec is missing");
  }

  @Test
  void aNodeListingOneImageNameTwiceCountsItOnceAndRemovingTheNodeForgetsIt() {
    // Upstream: the first listing's size wins, and a second removal of the name finds nothing.
    Node twice = node("n1").image(10, "img:1").image(20, "img:1").build();
    cache.addNode(twice);
    assertThat(cache.imageStates())
        .containsExactly(Map.entry("img:1", Map.entry(10L, Set.of("n1"))));
    cache.removeNode(twice);
    assertThat(cache.imageStates()).isEmpty();
  }

  @Test
  void aSnapshotsGenerationIsThatOfTheLastChangedNodeInfoItCopied() {
    cache.addNode(n("n1"));
    cache.addNode(n("n2"));
    cache.addPod(podOn("web-1", "n1"));
    Snapshot s = new Snapshot();
    cache.updateSnapshot(s);
    assertThat(s.generation())
        .isEqualTo(s.get("n1").generation())
        .isGreaterThan(s.get("n2").generation());
  }

  @Test
  void updateSnapshotDropsRemovedNodesAndRebuildsTheList() {
    cache.addNode(n("n1"));
    cache.addNode(n("n2"));
    Snapshot s = CacheChecks.fresh(cache);
    cache.removeNode(n("n1"));
    cache.updateSnapshot(s);
    assertThat(names(s.list())).containsExactly("n2");
    assertThat(s.nodeInfoMap).containsOnlyKeys("n2");
  }

  @Test
  void updateSnapshotTracksNodesWithAffinityPods() {
    cache.addNode(n("n1"));
    Snapshot s = CacheChecks.fresh(cache);
    Pod anti =
        pod("anti")
            .nodeName("n1")
            .requiredPodAntiAffinity(
                Fixtures.affinityTerm("kubernetes.io/hostname", Fixtures.matchLabels("a", "b")))
            .build();
    cache.addPod(anti);
    cache.updateSnapshot(s);
    assertThat(names(s.havePodsWithAffinityList())).containsExactly("n1");
    assertThat(names(s.havePodsWithRequiredAntiAffinityList())).containsExactly("n1");
    cache.removePod(anti);
    cache.updateSnapshot(s);
    assertThat(s.havePodsWithAffinityList()).isEmpty();
    assertThat(s.havePodsWithRequiredAntiAffinityList()).isEmpty();
  }

  @Test
  void snapshotListFollowsZoneRoundRobin() {
    cache.addNode(node("a1").zone("a").build());
    cache.addNode(node("a2").zone("a").build());
    cache.addNode(node("b1").zone("b").build());
    assertThat(names(CacheChecks.fresh(cache).list())).containsExactly("a1", "b1", "a2");
  }

  @Test
  void aZoneChangeReordersTheSnapshotList() {
    Node b1 = node("b1").zone("b").build();
    cache.addNode(node("a1").zone("a").build());
    cache.addNode(node("a2").zone("a").build());
    cache.addNode(b1);
    Snapshot s = CacheChecks.fresh(cache);
    cache.updateNode(b1, node("b1").zone("a").build());
    cache.updateSnapshot(s);
    // v1.18 would keep [a1, b1, a2] here; we rebuild from the tree (see the chapter).
    assertThat(names(s.list())).containsExactly("a1", "a2", "b1");
    CacheChecks.assertSameSnapshot(s, CacheChecks.fresh(cache));
  }

  @Test
  void anInconsistentSnapshotFailsTheCycleAndRecovers() {
    cache.addNode(n("n1"));
    cache.addNode(n("n2"));
    Snapshot s = CacheChecks.fresh(cache);
    s.nodeInfoList = new java.util.ArrayList<>(s.nodeInfoList.subList(0, 1));
    assertThatThrownBy(() -> cache.updateSnapshot(s))
        .isInstanceOf(Cache.CacheException.class)
        .hasMessage(
            "snapshot state is not consistent, length of NodeInfoList=1 not equal to length of"
                + " nodes in tree=2 , length of NodeInfoMap=2, length of nodes in cache=2, trying"
                + " to recover");
    cache.updateSnapshot(s);
    assertThat(names(s.list())).containsExactlyInAnyOrder("n1", "n2");
  }

  // ------------------------------------------------------------------ lifecycle

  @Test
  void closeStopsTheCleanupTimer() {
    FakeClock c = new FakeClock();
    SchedulerCache sc = new SchedulerCache(c);
    assertThat(c.pendingTimers()).isEqualTo(1);
    assertThat(c.nextDue()).isEqualTo(FakeClock.DEFAULT_START.plusSeconds(1));
    sc.close();
    assertThat(c.pendingTimers()).isZero();
  }
}
