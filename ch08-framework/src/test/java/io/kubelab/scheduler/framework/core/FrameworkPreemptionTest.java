package io.kubelab.scheduler.framework.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.profile.Profiles;
import io.kubelab.scheduler.preemption.PreemptionResult;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One scheduling decision and its preemption on the {@code default-1.18} profile: the FitError
 * carries each node's merged filter status, and preemption skips the nodes whose status is
 * UnschedulableAndUnresolvable.
 */
class FrameworkPreemptionTest {

  private final FakeClock clock = new FakeClock();
  private final Parallelizer parallelizer = new Parallelizer("framework-preemption", 2);
  private final SchedulerCache cache = new SchedulerCache(clock);
  private final Snapshot snapshot = new Snapshot();
  private final FrameworkImpl fwk =
      Profiles.newMap(
              Profiles.default118(),
              () ->
                  FrameworkImpl.builder(Profiles.registry())
                      .snapshot(snapshot)
                      .clock(clock)
                      .parallelizer(parallelizer))
          .get("default-scheduler");
  private final FrameworkGenericScheduler scheduler =
      new FrameworkGenericScheduler(cache, snapshot, parallelizer, null, 0, new Random(1));

  @AfterEach
  void close() {
    parallelizer.close();
    cache.close();
  }

  private static Pod low(String name, String node, String cpu, int priority) {
    return Fixtures.pod(name)
        .uid(name)
        .priority(priority)
        .requests(cpu, "1Gi")
        .nodeName(node)
        .build();
  }

  @Test
  void theFitErrorCountsReasonsAndPreemptionSkipsUnresolvableNodes() {
    cache.addNode(
        Fixtures.node("tainted").allocatable("4", "8Gi").taint("gpu", "yes", "NoSchedule").build());
    cache.addNode(Fixtures.node("full").allocatable("2", "8Gi").build());
    cache.addNode(Fixtures.node("cordoned").allocatable("2", "8Gi").unschedulable().build());
    cache.addPod(low("t1", "tainted", "1500m", 0));
    cache.addPod(low("f1", "full", "1", 5));
    cache.addPod(low("f2", "full", "500m", 0));
    cache.addPod(low("c1", "cordoned", "1500m", 0));
    Pod important =
        Fixtures.pod("important").uid("important").priority(1000).requests("1", "1Gi").build();
    CycleState state = new CycleState();

    FitError e =
        catchThrowableOfType(FitError.class, () -> scheduler.schedule(fwk, state, important));

    assertThat(e.getMessage())
        .isEqualTo(
            "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had taint {gpu: yes}, that the"
                + " pod didn't tolerate, 1 node(s) were unschedulable.");
    assertThat(e.filteredNodesStatuses().get("full").code()).isEqualTo(Code.UNSCHEDULABLE);
    assertThat(e.filteredNodesStatuses().get("tainted").code())
        .isEqualTo(Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
    assertThat(FrameworkPreemption.nodesWherePreemptionMightHelp(snapshot.list(), e))
        .extracting(ni -> ni.nodeName())
        .containsExactly("full");

    PreemptionResult r =
        new FrameworkPreemption(scheduler, snapshot, parallelizer, null, true)
            .preempt(fwk, state, important, e, List.of(), Instant.parse("2020-01-01T00:00:00Z"));

    // Both pods of "full" are removed, then the more important one (priority 5) comes back.
    assertThat(r.nodeName()).isEqualTo("full");
    assertThat(r.victims()).extracting(p -> p.getMetadata().getName()).containsExactly("f2");
  }

  @Test
  void aPodThatCannotComeBackIsAVictimAndTheRestAreReprieved() {
    cache.addNode(Fixtures.node("n").allocatable("2", "8Gi").build());
    cache.addPod(low("small", "n", "500m", 0));
    cache.addPod(low("big", "n", "1500m", 10));
    Pod important =
        Fixtures.pod("important").uid("important").priority(1000).requests("1", "1Gi").build();
    CycleState state = new CycleState();
    FitError e =
        catchThrowableOfType(FitError.class, () -> scheduler.schedule(fwk, state, important));

    PreemptionResult r =
        new FrameworkPreemption(scheduler, snapshot, parallelizer, null, true)
            .preempt(fwk, state, important, e, List.of(), Instant.parse("2020-01-01T00:00:00Z"));

    // "big" (priority 10) is re-added first and leaves no room: a victim; "small" fits back.
    assertThat(r.nodeName()).isEqualTo("n");
    assertThat(r.victims()).extracting(p -> p.getMetadata().getName()).containsExactly("big");
  }

  @Test
  void aPodNominatedWhereItsVictimIsStillTerminatingWaitsButOneNominatedToAGoneNodePreempts() {
    cache.addNode(Fixtures.node("n").allocatable("2", "8Gi").build());
    cache.addPod(low("small", "n", "500m", 0));
    Pod dying = low("dying", "n", "1500m", 0);
    dying.getMetadata().setDeletionTimestamp("2020-01-01T00:00:00Z");
    cache.addPod(dying);
    Pod important =
        Fixtures.pod("important").uid("important").priority(1000).requests("1", "1Gi").build();
    CycleState state = new CycleState();
    FitError e =
        catchThrowableOfType(FitError.class, () -> scheduler.schedule(fwk, state, important));
    FrameworkPreemption preemption =
        new FrameworkPreemption(scheduler, snapshot, parallelizer, null, true);
    Instant now = Instant.parse("2020-01-01T00:00:00Z");

    important.getStatus().setNominatedNodeName("n");
    assertThat(preemption.preempt(fwk, state, important, e, List.of(), now))
        .as("it preempted on n before: it waits for the victim to go")
        .isEqualTo(PreemptionResult.NONE);

    important.getStatus().setNominatedNodeName("gone");
    PreemptionResult r = preemption.preempt(fwk, state, important, e, List.of(), now);
    assertThat(r.nodeName()).isEqualTo("n");
    assertThat(r.victims()).extracting(p -> p.getMetadata().getName()).containsExactly("dying");
  }
}
