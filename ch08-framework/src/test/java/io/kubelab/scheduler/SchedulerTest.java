package io.kubelab.scheduler;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static io.kubelab.scheduler.Harness.scheduledCondition;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.kubelab.scheduler.InMemoryEventRecorder.Event;
import io.kubelab.scheduler.framework.PermitPlugin;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.queue.PriorityQueue;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scheduling cycle and the binding cycle, one rule per test, on the default-1.18 profile with
 * an in-memory cluster: what a pod goes through, what the scheduler writes back (events, the
 * PodScheduled condition, the binding), and what the cache and the queue hold afterwards.
 */
@Timeout(30)
class SchedulerTest {

  private static Event event(
      String regarding, String type, String reason, String action, String note) {
    return new Event(regarding, null, type, reason, action, note);
  }

  @Test
  void aPodThatFitsIsBoundOnceWithAScheduledEvent() throws Exception {
    try (Harness h = new Harness()) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("web").requests("1", "1Gi").build());

      h.settle();

      Pod bound = h.pod("default", "web");
      assertThat(bound.getSpec().getNodeName()).isEqualTo("n1");
      assertThat(h.cluster.bindingsAccepted(bound.getMetadata().getUid())).isEqualTo(1);
      assertThat(h.events.events())
          .containsExactly(
              event(
                  "default/web",
                  "Normal",
                  "Scheduled",
                  "Binding",
                  "Successfully assigned default/web to n1"));
      // The informer's add of the bound pod turned the assumed pod into an added one.
      assertThat(h.schedulerCache.isAssumedPod(bound)).isFalse();
      assertThat(h.schedulerCache.getPod(bound).getSpec().getNodeName()).isEqualTo("n1");
      assertThat(h.queue.pendingPods()).isEmpty();
    }
  }

  @Test
  void aPodThatFitsNowhereGetsFailedSchedulingAndPodScheduledFalse() throws Exception {
    try (Harness h = new Harness()) {
      h.cluster.createNode(node("n1").allocatable("1", "4Gi").build());
      h.cluster.createPod(pod("big").requests("2", "1Gi").build());

      h.settle();

      String message = "0/1 nodes are available: 1 Insufficient cpu.";
      assertThat(h.events.events())
          .containsExactly(
              event("default/big", "Warning", "FailedScheduling", "Scheduling", message));
      PodCondition c = scheduledCondition(h.pod("default", "big"));
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("Unschedulable");
      assertThat(c.getMessage()).isEqualTo(message);
      assertThat(c.getLastTransitionTime()).isEqualTo("2020-01-01T00:00:00Z");
      assertThat(h.queue.numUnschedulablePods()).isEqualTo(1);
    }
  }

  @Test
  void withoutNodesThePodIsUnschedulableWithUpstreamsMessage() throws Exception {
    try (Harness h = new Harness()) {
      h.cluster.createPod(pod("p").build());

      h.settle();

      assertThat(h.events.events())
          .containsExactly(
              event(
                  "default/p",
                  "Warning",
                  "FailedScheduling",
                  "Scheduling",
                  "no nodes available to schedule pods"));
      assertThat(scheduledCondition(h.pod("default", "p")).getReason()).isEqualTo("Unschedulable");
      assertThat(h.queue.numUnschedulablePods()).isEqualTo(1);
    }
  }

  @Test
  void anUnschedulablePodIsRetriedWhenANodeIsAdded() throws Exception {
    try (Harness h = new Harness()) {
      h.cluster.createNode(node("small").allocatable("1", "4Gi").build());
      h.cluster.createPod(pod("big").requests("2", "1Gi").build());
      h.settle();
      assertThat(h.queue.numUnschedulablePods()).isEqualTo(1);

      h.cluster.createNode(node("large").allocatable("4", "8Gi").build());
      // NodeAdd moved it, to the backoff queue: its one attempt earns it 1 s of backoff.
      Pod big = h.pod("default", "big");
      assertThat(h.priorityQueue().queueOf(big)).contains(PriorityQueue.SubQueue.BACKOFF);
      h.settle();
      assertThat(h.nodeOf("default", "big")).isNull();

      h.clock.step(Duration.ofSeconds(1));
      assertThat(h.priorityQueue().queueOf(big)).contains(PriorityQueue.SubQueue.ACTIVE);
      h.settle();

      assertThat(h.nodeOf("default", "big")).isEqualTo("large");
      assertThat(h.queue.pendingPods()).isEmpty();
    }
  }

  @Test
  void aPodBeingDeletedIsSkippedWithAnEvent() throws Exception {
    try (Harness h = new Harness()) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      Pod p = pod("leaving").build();
      p.getMetadata().setDeletionTimestamp("2020-01-01T00:00:00Z");
      h.cluster.createPod(p);

      h.settle();

      assertThat(h.nodeOf("default", "leaving")).isNull();
      assertThat(h.events.events())
          .containsExactly(
              event(
                  "default/leaving",
                  "Warning",
                  "FailedScheduling",
                  "Scheduling",
                  "skip schedule deleting pod: default/leaving"));
      // Not re-queued: the deletion will remove it.
      assertThat(h.queue.pendingPods()).isEmpty();
    }
  }

  @Test
  void podsOfAnotherSchedulerAreNotQueued() throws Exception {
    try (Harness h = new Harness()) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("theirs").schedulerName("other-scheduler").build());

      assertThat(h.queue.pendingPods()).isEmpty();
      h.settle();
      assertThat(h.nodeOf("default", "theirs")).isNull();
      assertThat(h.events.events()).isEmpty();
    }
  }

  @Test
  void aFailedReserveIsASchedulerErrorAndThePodIsNotAssumed() throws Exception {
    TestPlugin plugin = new TestPlugin();
    plugin.reserve = Status.error("boom");
    try (Harness h = new Harness(plugin.options())) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").build());

      h.scheduler.scheduleOne(Duration.ZERO);

      String message = "error while running \"TestPlugin\" reserve plugin for pod \"p\": boom";
      assertThat(h.events.events())
          .containsExactly(
              event("default/p", "Warning", "FailedScheduling", "Scheduling", message));
      PodCondition c = scheduledCondition(h.pod("default", "p"));
      assertThat(c.getReason()).isEqualTo("SchedulerError");
      assertThat(c.getMessage()).isEqualTo(message);
      assertThat(h.inCache(h.pod("default", "p"))).isFalse();
      // Upstream v1.18 runs Reserve before assume and does not unreserve after a failed Reserve.
      assertThat(plugin.calls).containsExactly("reserve:p@n1");
      assertThat(h.queue.numUnschedulablePods()).isEqualTo(1);
    }
  }

  @Test
  void aPermitRejectionForgetsThePodAndUnreserves() throws Exception {
    TestPlugin plugin = new TestPlugin();
    plugin.permit = new PermitPlugin.Result(Status.unschedulable("not now"), Duration.ZERO);
    try (Harness h = new Harness(plugin.options())) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").build());

      h.scheduler.scheduleOne(Duration.ZERO);

      Pod p = h.pod("default", "p");
      assertThat(h.inCache(p)).isFalse();
      assertThat(plugin.calls).containsExactly("reserve:p@n1", "permit:p@n1", "unreserve:p@n1");
      // The framework names the plugin (upstream's RunPermitPlugins message).
      String rejected = "rejected pod \"p\" by permit plugin \"TestPlugin\": not now";
      PodCondition c = scheduledCondition(p);
      assertThat(c.getReason()).isEqualTo("Unschedulable");
      assertThat(c.getMessage()).isEqualTo(rejected);
      assertThat(h.events.events())
          .containsExactly(
              event("default/p", "Warning", "FailedScheduling", "Scheduling", rejected));
    }
  }

  @Test
  void aPodWaitingAtPermitIsBoundOnceAllowed() throws Exception {
    TestPlugin plugin = TestPlugin.waitingAtPermit(Duration.ofSeconds(10));
    try (Harness h = new Harness(plugin.options())) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").build());

      h.scheduler.scheduleOne(Duration.ZERO);
      Pod p = h.pod("default", "p");
      // Assumed, waiting, not bound: the next pods can be scheduled meanwhile.
      assertThat(h.schedulerCache.isAssumedPod(p)).isTrue();
      assertThat(h.scheduler.awaitBindings(Duration.ofMillis(50))).isFalse();
      assertThat(h.nodeOf("default", "p")).isNull();

      h.waitingPod(p).allow(TestPlugin.NAME);

      h.awaitBindings();
      assertThat(h.nodeOf("default", "p")).isEqualTo("n1");
      assertThat(plugin.calls)
          .containsExactly("reserve:p@n1", "permit:p@n1", "preBind:p@n1", "postBind:p@n1");
    }
  }

  @Test
  void aPodWaitingAtPermitIsRejectedWhenTheWaitTimesOut() throws Exception {
    TestPlugin plugin = TestPlugin.waitingAtPermit(Duration.ofSeconds(10));
    try (Harness h = new Harness(plugin.options())) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").build());
      h.scheduler.scheduleOne(Duration.ZERO);

      h.clock.step(Duration.ofSeconds(10));

      h.awaitBindings();
      Pod p = h.pod("default", "p");
      assertThat(p.getSpec().getNodeName()).isNull();
      assertThat(h.inCache(p)).isFalse();
      assertThat(plugin.calls).containsExactly("reserve:p@n1", "permit:p@n1", "unreserve:p@n1");
      PodCondition c = scheduledCondition(p);
      assertThat(c.getReason()).isEqualTo("Unschedulable");
      assertThat(c.getMessage())
          .isEqualTo(
              "pod \"p\" rejected while waiting on permit: rejected due to timeout after waiting"
                  + " 10s at plugin TestPlugin");
      assertThat(h.queue.numUnschedulablePods()).isEqualTo(1);
    }
  }

  @Test
  void deletingAPodWaitingAtPermitRejectsIt() throws Exception {
    TestPlugin plugin = TestPlugin.waitingAtPermit(Duration.ofSeconds(10));
    try (Harness h = new Harness(plugin.options())) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").build());
      h.scheduler.scheduleOne(Duration.ZERO);
      Pod assumed = h.schedulerCache.getPod(h.pod("default", "p"));

      h.cluster.deletePod("default", "p");

      h.awaitBindings();
      assertThat(h.inCache(assumed)).isFalse();
      assertThat(plugin.calls).containsExactly("reserve:p@n1", "permit:p@n1", "unreserve:p@n1");
      assertThat(h.queue.pendingPods()).isEmpty();
    }
  }

  @Test
  void aFailedPreBindForgetsThePodAndUnreserves() throws Exception {
    TestPlugin plugin = new TestPlugin();
    plugin.preBind = Status.error("volume not ready");
    try (Harness h = new Harness(plugin.options())) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").build());

      h.scheduler.scheduleOne(Duration.ZERO);
      h.awaitBindings();

      Pod p = h.pod("default", "p");
      assertThat(h.inCache(p)).isFalse();
      assertThat(plugin.calls)
          .containsExactly("reserve:p@n1", "permit:p@n1", "preBind:p@n1", "unreserve:p@n1");
      String message =
          "error while running \"TestPlugin\" prebind plugin for pod \"p\": volume not ready";
      assertThat(scheduledCondition(p).getMessage()).isEqualTo(message);
      assertThat(scheduledCondition(p).getReason()).isEqualTo("SchedulerError");
      assertThat(h.events.events())
          .containsExactly(
              event("default/p", "Warning", "FailedScheduling", "Scheduling", message));
    }
  }

  @Test
  void aRefusedBindingForgetsThePodAndRequeuesIt() throws Exception {
    Harness.Options o = new Harness.Options();
    o.binder =
        c ->
            b -> {
              throw new InMemoryCluster.ApiException(500, "etcdserver: request timed out");
            };
    try (Harness h = new Harness(o)) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").build());

      h.scheduler.scheduleOne(Duration.ZERO);
      h.awaitBindings();

      Pod p = h.pod("default", "p");
      assertThat(h.inCache(p)).isFalse();
      String err =
          "plugin \"DefaultBinder\" failed to bind pod \"default/p\": etcdserver: request timed out";
      assertThat(h.events.events())
          .containsExactly(
              event(
                  "default/p",
                  "Warning",
                  "FailedScheduling",
                  "Scheduling",
                  "Binding rejected: " + err));
      assertThat(scheduledCondition(p).getReason()).isEqualTo("SchedulerError");
      assertThat(scheduledCondition(p).getMessage()).isEqualTo(err);
      assertThat(h.queue.numUnschedulablePods()).isEqualTo(1);
    }
  }

  @Test
  void aPodBoundBySomeoneElseMeanwhileIsNotRequeued() throws Exception {
    Harness.Options o = new Harness.Options();
    // The binding reaches the server, the answer is lost: the pod is bound, the scheduler sees an
    // error.
    o.binder =
        c ->
            b -> {
              c.bind(b);
              throw new InMemoryCluster.ApiException(
                  504, "the server was unable to return a response");
            };
    try (Harness h = new Harness(o)) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").build());

      h.settle();

      Pod p = h.pod("default", "p");
      assertThat(p.getSpec().getNodeName()).isEqualTo("n1");
      assertThat(h.cluster.bindingsAccepted(p.getMetadata().getUid())).isEqualTo(1);
      // The informer's add won over the forget: the cache holds the pod as bound, not assumed.
      assertThat(h.schedulerCache.isAssumedPod(p)).isFalse();
      assertThat(h.schedulerCache.getPod(p).getSpec().getNodeName()).isEqualTo("n1");
      assertThat(h.queue.pendingPods()).isEmpty();
    }
  }

  @Test
  void theNominationIsRecordedAndTheVictimDeletedThenThePreemptorIsBound() throws Exception {
    try (Harness h = new Harness()) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("low").priority(0).requests("2", "1Gi").nodeName("n1").build());
      h.cluster.createPod(pod("high").priority(1000).requests("2", "1Gi").build());

      h.scheduler.scheduleOne(Duration.ZERO);

      assertThat(h.cluster.pod("default", "low")).isEmpty();
      Pod high = h.pod("default", "high");
      assertThat(high.getStatus().getNominatedNodeName()).isEqualTo("n1");
      assertThat(h.queue.nominatedPodsForNode("n1"))
          .extracting(p -> p.getMetadata().getName())
          .containsExactly("high");
      assertThat(h.events.events())
          .containsExactly(
              new Event(
                  "default/low",
                  "default/high",
                  "Normal",
                  "Preempted",
                  "Preempting",
                  "Preempted by default/high on node n1"),
              event(
                  "default/high",
                  "Warning",
                  "FailedScheduling",
                  "Scheduling",
                  "0/1 nodes are available: 1 Insufficient cpu."));

      h.settle();

      assertThat(h.nodeOf("default", "high")).isEqualTo("n1");
      assertThat(h.queue.nominatedPodsForNode("n1")).isEmpty();
    }
  }

  @Test
  void withPreemptionDisabledNothingIsDeleted() throws Exception {
    Harness.Options o = new Harness.Options();
    o.builder = b -> b.disablePreemption(true);
    try (Harness h = new Harness(o)) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("low").priority(0).requests("2", "1Gi").nodeName("n1").build());
      h.cluster.createPod(pod("high").priority(1000).requests("2", "1Gi").build());

      h.settle();

      assertThat(h.cluster.pod("default", "low")).isPresent();
      assertThat(h.pod("default", "high").getStatus().getNominatedNodeName()).isNull();
      assertThat(h.queue.numUnschedulablePods()).isEqualTo(1);
    }
  }

  @Test
  void longMessagesAreCutForEventsButNotForTheCondition() {
    String longMessage = "x".repeat(2000);
    String cut = Scheduler.truncate(longMessage);
    assertThat(cut).hasSize(1024).endsWith("x ...");
    assertThat(Scheduler.truncate("x".repeat(1024))).isEqualTo("x".repeat(1024));
    assertThat(Scheduler.truncate("short")).isEqualTo("short");
  }

  @Test
  void anUpdateOfAnAssumedPodIsSkippedOnlyWhenIrrelevantFieldsChanged() throws Exception {
    TestPlugin plugin = TestPlugin.waitingAtPermit(Duration.ofSeconds(10));
    try (Harness h = new Harness(plugin.options())) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").label("app", "web").build());
      h.scheduler.scheduleOne(Duration.ZERO);
      Pod p = h.pod("default", "p");
      assertThat(h.schedulerCache.isAssumedPod(p)).isTrue();

      List<Pod> skipped =
          List.of(
              new PodBuilder(p).editMetadata().withResourceVersion("9").endMetadata().build(),
              new PodBuilder(p).editMetadata().addToAnnotations("a", "b").endMetadata().build(),
              new PodBuilder(p).editMetadata().addToFinalizers("f").endMetadata().build(),
              new PodBuilder(p).editSpec().withNodeName("n1").endSpec().build(),
              new PodBuilder(p)
                  .editOrNewStatus()
                  .addNewCondition()
                  .withType("Ready")
                  .withStatus("False")
                  .endCondition()
                  .endStatus()
                  .build());
      for (Pod update : skipped) {
        assertThat(EventHandlers.skipPodUpdate(h.schedulerCache, update))
            .as(update.toString())
            .isTrue();
      }
      Pod relabelled =
          new PodBuilder(p).editMetadata().addToLabels("app", "db").endMetadata().build();
      assertThat(EventHandlers.skipPodUpdate(h.schedulerCache, relabelled)).isFalse();
      Pod other = pod("q").build();
      assertThat(EventHandlers.skipPodUpdate(h.schedulerCache, other)).isFalse();

      // The relevant update reaches the queue; the skipped one does not.
      h.cluster.updatePod(skipped.get(1));
      assertThat(h.queue.pendingPods()).isEmpty();
      h.cluster.updatePod(relabelled);
      assertThat(h.queue.pendingPods())
          .extracting(q -> q.getMetadata().getName())
          .containsExactly("p");
      h.rejectWaitingPod(p);
      h.awaitBindings();
    }
  }

  @Test
  void theAssumedPodHoldsItsNodeAndLosesItsNomination() throws Exception {
    TestPlugin plugin = TestPlugin.waitingAtPermit(Duration.ofSeconds(10));
    try (Harness h = new Harness(plugin.options())) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      Pod nominated = pod("p").requests("2", "1Gi").build();
      nominated.getStatus().setNominatedNodeName("n1");
      h.cluster.createPod(nominated);
      assertThat(h.queue.nominatedPodsForNode("n1")).hasSize(1);

      h.scheduler.scheduleOne(Duration.ZERO);

      Pod p = h.pod("default", "p");
      assertThat(h.schedulerCache.isAssumedPod(p)).isTrue();
      assertThat(h.schedulerCache.getPod(p).getSpec().getNodeName()).isEqualTo("n1");
      assertThat(h.queue.nominatedPodsForNode("n1")).isEmpty();
      // The cache counts the assumed pod on its node: the next pod no longer fits there.
      h.cluster.createPod(pod("q").requests("1", "1Gi").build());
      h.scheduler.scheduleOne(Duration.ZERO);
      assertThat(h.events.regarding("default/q"))
          .extracting(Event::note)
          .containsExactly("0/1 nodes are available: 1 Insufficient cpu.");
      h.rejectWaitingPod(p);
      h.awaitBindings();
    }
  }

  @Test
  void aFailedBindingUnreservesAndSkipsPostBind() throws Exception {
    TestPlugin plugin = new TestPlugin();
    Harness.Options o = plugin.options();
    o.binder =
        c ->
            b -> {
              throw new InMemoryCluster.ApiException(409, "conflict");
            };
    try (Harness h = new Harness(o)) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").build());

      h.scheduler.scheduleOne(Duration.ZERO);
      h.awaitBindings();

      assertThat(plugin.calls)
          .containsExactly("reserve:p@n1", "permit:p@n1", "preBind:p@n1", "unreserve:p@n1");
    }
  }

  @Test
  void anAssumedPodWhoseBindingNeverShowsUpExpiresAfterTheTtl() throws Exception {
    Harness.Options o = new Harness.Options();
    // The binding is accepted but the informer never hears of it.
    o.binder = c -> b -> {};
    try (Harness h = new Harness(o)) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").build());
      h.scheduler.scheduleOne(Duration.ZERO);
      h.awaitBindings();
      Pod p = h.pod("default", "p");
      assertThat(h.schedulerCache.isAssumedPod(p)).isTrue();

      // FinishBinding started the 30 s TTL; the cache's cleanup runs every second.
      h.clock.step(Duration.ofSeconds(29));
      assertThat(h.inCache(p)).isTrue();
      h.clock.step(Duration.ofSeconds(2));
      assertThat(h.inCache(p)).isFalse();
    }
  }

  @Test
  void theNominationIsInTheQueueBeforeTheApiServerHearsOfIt() throws Exception {
    Harness[] self = new Harness[1];
    List<String> seen = new java.util.ArrayList<>();
    Harness.Options o = new Harness.Options();
    o.builder =
        b ->
            b.podPreemptor(
                new io.kubelab.scheduler.preemption.PodPreemptor() {
                  @Override
                  public Pod getUpdatedPod(Pod pod) {
                    return self[0].cluster.getUpdatedPod(pod);
                  }

                  @Override
                  public void deletePod(Pod pod) {
                    self[0].cluster.deletePod(pod);
                  }

                  @Override
                  public void setNominatedNodeName(Pod pod, String nodeName) {
                    for (Pod q : self[0].queue.nominatedPodsForNode(nodeName)) {
                      seen.add(q.getMetadata().getName() + "@" + nodeName);
                    }
                    self[0].cluster.setNominatedNodeName(pod, nodeName);
                  }
                });
    try (Harness h = new Harness(o)) {
      self[0] = h;
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("low").priority(0).requests("2", "1Gi").nodeName("n1").build());
      h.cluster.createPod(pod("high").priority(1000).requests("2", "1Gi").build());

      h.scheduler.scheduleOne(Duration.ZERO);

      assertThat(seen).containsExactly("high@n1");
      assertThat(h.pod("default", "high").getStatus().getNominatedNodeName()).isEqualTo("n1");
    }
  }

  @Test
  void aWaitingVictimIsRejectedAndAStaleNominationCleared() throws Exception {
    TestPlugin plugin = TestPlugin.waitingAtPermit(Duration.ofSeconds(10));
    try (Harness h = new Harness(plugin.options())) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("low").priority(0).requests("2", "1Gi").build());
      h.scheduler.scheduleOne(Duration.ZERO); // "low" is assumed and waits at Permit
      plugin.permit = PermitPlugin.Result.ALLOW;
      h.cluster.createPod(pod("high").priority(1000).requests("2", "1Gi").build());

      h.scheduler.scheduleOne(Duration.ZERO);

      // The victim was deleted and its wait rejected: its binding cycle ends, unreserved.
      h.awaitBindings();
      assertThat(h.cluster.pod("default", "low")).isEmpty();
      assertThat(plugin.calls).contains("unreserve:low@n1");
      assertThat(h.pod("default", "high").getStatus().getNominatedNodeName()).isEqualTo("n1");
    }
  }
}
