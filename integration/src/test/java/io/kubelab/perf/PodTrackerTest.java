package io.kubelab.perf;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the measurement counts of the pod events it is fed. */
class PodTrackerTest {

  private static Pod pod(String ns, String name, String node) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .endSpec()
        .build();
  }

  @Test
  void aPodIsBoundOnlyWithANonEmptyNodeName() {
    assertThat(PodTracker.bound(pod("ns", "a", "node-1"))).isTrue();
    assertThat(PodTracker.bound(pod("ns", "a", null))).isFalse();
    assertThat(PodTracker.bound(pod("ns", "a", ""))).isFalse();
    Pod noSpec = new PodBuilder().withNewMetadata().withName("a").endMetadata().build();
    assertThat(PodTracker.bound(noSpec)).isFalse();
    assertThat(PodTracker.key(pod("ns", "a", null))).isEqualTo("ns/a");
  }

  @Test
  void addsAndBindingUpdatesCountPerNamespaceAndDeletesOfBoundPodsUncount() {
    PodTracker t = new PodTracker();
    t.onAdd(pod("a", "p1", "n1"));
    t.onAdd(pod("a", "p2", null)); // pending: not counted
    t.onAdd(pod("b", "p3", "n1"));
    assertThat(t.scheduled(List.of("a"))).isEqualTo(1);
    assertThat(t.scheduled(List.of("a", "b"))).isEqualTo(2);
    assertThat(t.scheduled(List.of("c"))).isZero();

    t.onUpdate(pod("a", "p2", null), pod("a", "p2", "n2")); // bound now
    assertThat(t.scheduled(List.of("a"))).isEqualTo(2);
    t.onUpdate(pod("a", "p2", "n2"), pod("a", "p2", "n2")); // already bound: no change
    t.onUpdate(pod("a", "p4", null), pod("a", "p4", null)); // still pending
    assertThat(t.scheduled(List.of("a"))).isEqualTo(2);

    t.onDelete(pod("a", "p1", "n1")); // a victim of preemption
    t.onDelete(pod("a", "p5", null)); // deleted before it was bound
    assertThat(t.scheduled(List.of("a"))).isEqualTo(1);
    assertThat(t.scheduled(List.of("b"))).isEqualTo(1);
    assertThat(t.deleted()).isEqualTo(2);
  }

  @Test
  void aLatencyIsRecordedOncePerCreatedPodWhenItIsBound() {
    PodTracker t = new PodTracker();
    long before = System.nanoTime();
    t.creating("a/p1", before);
    t.creating("a/p2", before);
    t.creating("b/p3", before);
    t.onAdd(pod("a", "p1", "n1"));
    t.onUpdate(pod("a", "p2", null), pod("a", "p2", "n1"));
    t.onAdd(pod("a", "other", "n1")); // not created by the workload: no latency
    t.onAdd(pod("a", "p1", "n1")); // the same pod seen again: its time was taken
    long elapsedMs = (System.nanoTime() - before) / 1_000_000 + 1;

    assertThat(t.latenciesMs("a"))
        .hasSize(2)
        .allSatisfy(ms -> assertThat(ms).isBetween(0.0, (double) elapsedMs));
    assertThat(t.latenciesMs("b")).isEmpty();
    assertThat(t.latenciesMs("c")).isEmpty();
  }

  @Test
  void aLatencyIsTheTimeSinceCreationInMilliseconds() {
    PodTracker t = new PodTracker();
    long tenSecondsAgo = System.nanoTime() - 10_000_000_000L;
    t.creating("a/p1", tenSecondsAgo);
    long before = System.nanoTime();
    t.onAdd(pod("a", "p1", "n1"));
    long after = System.nanoTime();
    assertThat(t.latenciesMs("a"))
        .singleElement()
        .satisfies(
            ms ->
                assertThat(ms)
                    .isBetween(
                        (before - tenSecondsAgo) / 1e6, (after - tenSecondsAgo) / 1e6 + 1e-6));
  }

  @Test
  void awaitReturnsAtOnceWhenEnoughAreBoundOrTheDeadlinePassed() throws InterruptedException {
    PodTracker t = new PodTracker();
    t.onAdd(pod("a", "p1", "n1"));
    t.onAdd(pod("a", "p2", "n1"));
    long far = System.nanoTime() + 60_000_000_000L;
    assertThat(t.await("a", 2, far)).isEqualTo(2);
    assertThat(t.await("a", 1, far)).isEqualTo(2);
    // not enough, and the deadline is already behind us: the count so far
    assertThat(t.await("a", 3, System.nanoTime() - 1)).isEqualTo(2);
    assertThat(t.await("b", 1, System.nanoTime() - 1)).isZero();
  }

  /** Runs {@code await} on its own thread; returns once that thread is parked waiting. */
  private static final class Awaiter extends Thread {
    final PodTracker tracker;
    final long deadline = System.nanoTime() + 60_000_000_000L;
    volatile int got = -1;

    Awaiter(PodTracker tracker) {
      this.tracker = tracker;
      setDaemon(true); // a failed test must not leave it waiting out its deadline
    }

    @Override
    public void run() {
      try {
        got = tracker.await("a", 1, deadline);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    Awaiter startedAndParked() {
      start();
      long giveUp = System.nanoTime() + 10_000_000_000L;
      while (getState() != State.TIMED_WAITING) {
        if (System.nanoTime() > giveUp) {
          throw new AssertionError("the awaiting thread never parked: " + getState());
        }
        Thread.onSpinWait();
      }
      return this;
    }
  }

  @Test
  void aParkedAwaitWakesWhenAnAddedPodIsBound() throws InterruptedException {
    PodTracker t = new PodTracker();
    Awaiter w = new Awaiter(t).startedAndParked();
    t.onAdd(pod("a", "p1", "n1"));
    w.join(10_000);
    assertThat(w.isAlive()).as("woken by the binding, long before its deadline").isFalse();
    assertThat(w.got).isEqualTo(1);
  }

  @Test
  void aParkedAwaitWakesWhenAnUpdateBindsAPod() throws InterruptedException {
    PodTracker t = new PodTracker();
    t.onAdd(pod("a", "p1", null));
    Awaiter w = new Awaiter(t).startedAndParked();
    t.onUpdate(pod("a", "p1", null), pod("a", "p1", "n1"));
    w.join(10_000);
    assertThat(w.isAlive()).as("woken by the binding, long before its deadline").isFalse();
    assertThat(w.got).isEqualTo(1);
  }
}
