package io.kubelab.scheduler.queue;

import static io.kubelab.scheduler.queue.QueuePods.HIGH_PRIORITY;
import static io.kubelab.scheduler.queue.QueuePods.MEDIUM_PRIORITY;
import static io.kubelab.scheduler.queue.QueuePods.MID_PRIORITY;
import static io.kubelab.scheduler.queue.QueuePods.highPriNominatedPod;
import static io.kubelab.scheduler.queue.QueuePods.highPriorityPod;
import static io.kubelab.scheduler.queue.QueuePods.medPriorityPod;
import static io.kubelab.scheduler.queue.QueuePods.pod;
import static io.kubelab.scheduler.queue.QueuePods.unschedulable;
import static io.kubelab.scheduler.queue.QueuePods.unschedulablePod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.framework.PodInfo;
import io.kubelab.scheduler.framework.plugins.PrioritySort;
import io.kubelab.scheduler.queue.PriorityQueue.SubQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduling queue's rules, one behaviour per test: upstream's {@code scheduling_queue_test.go}
 * (v1.18) ported case by case (the upstream test name in each Javadoc), on a {@link FakeClock}.
 */
class PriorityQueueTest {

  private final FakeClock clock = new FakeClock();
  private final PriorityQueue q = new PriorityQueue(new PrioritySort()::less, clock);

  @AfterEach
  void close() {
    q.close();
  }

  private PodInfo pop() throws InterruptedException {
    PodInfo p = q.pop(Duration.ZERO);
    assertThat(p).as("a pod in activeQ").isNotNull();
    return p;
  }

  private Optional<SubQueue> where(Pod pod) {
    return q.queueOf(pod);
  }

  private static List<String> names(List<Pod> pods) {
    List<String> out = new ArrayList<>();
    for (Pod p : pods) {
      out.add(p.getMetadata().getName());
    }
    return out;
  }

  /** TestPriorityQueue_Add. */
  @Test
  void addedPodsPopInPriorityOrderAndKeepTheirNominations() throws InterruptedException {
    q.add(medPriorityPod());
    q.add(unschedulablePod());
    q.add(highPriorityPod());
    assertThat(names(q.nominatedPodsForNode("node1"))).containsExactly("mpp", "up");
    assertThat(pop().pod()).isEqualTo(highPriorityPod());
    assertThat(pop().pod()).isEqualTo(medPriorityPod());
    assertThat(pop().pod()).isEqualTo(unschedulablePod());
    // Popping does not clear a nomination: the pod still needs its room until it is assumed.
    assertThat(q.nominatedPodsForNode("node1")).hasSize(2);
  }

  /** TestPriorityQueue_AddWithReversePriorityLessFunc: the order is the less function's. */
  @Test
  void theOrderIsTheLessFunctions() throws InterruptedException {
    PriorityQueue reversed =
        new PriorityQueue((a, b) -> new PrioritySort().less(b, a), new FakeClock());
    reversed.add(medPriorityPod());
    reversed.add(highPriorityPod());
    assertThat(reversed.pop(Duration.ZERO).pod().getMetadata().getName()).isEqualTo("mpp");
    assertThat(reversed.pop(Duration.ZERO).pod().getMetadata().getName()).isEqualTo("hpp");
    reversed.close();
  }

  /** TestPriorityQueue_AddUnschedulableIfNotPresent. */
  @Test
  void addUnschedulableIfNotPresentRefusesAPodAlreadyQueued() throws InterruptedException {
    q.add(highPriNominatedPod());
    assertThatThrownBy(
            () ->
                q.addUnschedulableIfNotPresent(
                    PodInfo.of(highPriNominatedPod(), clock.now()), q.schedulingCycle()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("pod: ns1/hpp is already present in the active queue");
    q.addUnschedulableIfNotPresent(
        PodInfo.of(unschedulablePod(), clock.now()), q.schedulingCycle());
    assertThat(names(q.nominatedPodsForNode("node1"))).containsExactly("hpp", "up");
    assertThat(pop().pod()).isEqualTo(highPriNominatedPod());
    assertThat(where(unschedulablePod())).contains(SubQueue.UNSCHEDULABLE);
    assertThatThrownBy(
            () ->
                q.addUnschedulableIfNotPresent(
                    PodInfo.of(unschedulablePod(), clock.now()), q.schedulingCycle()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("pod: ns1/up is already present in unschedulable queue");
  }

  @Test
  void addUnschedulableIfNotPresentRefusesAPodInBackoff() {
    q.addUnschedulableIfNotPresent(PodInfo.of(unschedulablePod(), clock.now()), -1);
    assertThat(where(unschedulablePod())).contains(SubQueue.BACKOFF);
    assertThatThrownBy(
            () -> q.addUnschedulableIfNotPresent(PodInfo.of(unschedulablePod(), clock.now()), -1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("pod ns1/up is already present in the backoff queue");
  }

  /**
   * TestPriorityQueue_AddUnschedulableIfNotPresent_Backoff: pods that failed in a cycle during or
   * before which a move request arrived go to podBackoffQ, not to unschedulableQ.
   */
  @Test
  void aMoveRequestDuringTheCycleSendsTheFailedPodToBackoff() throws InterruptedException {
    int total = 10;
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      Pod p = pod("pod" + i, "ns" + i, "upns" + i, i, null);
      pods.add(p);
      q.add(p);
    }
    for (int i = total - 1; i > 0; i--) {
      assertThat(pop().pod()).isEqualTo(pods.get(i));
    }
    // A cluster event while those nine pods were being tried.
    q.moveAllToActiveOrBackoffQueue("test");
    long oldCycle = q.schedulingCycle();
    assertThat(pop().pod()).isEqualTo(pods.get(0));
    for (int i = 1; i < total; i++) {
      q.addUnschedulableIfNotPresent(PodInfo.of(unschedulable(pods.get(i)), clock.now()), oldCycle);
    }
    for (int i = 1; i < total; i++) {
      assertThat(where(pods.get(i)))
          .as(pods.get(i).getMetadata().getName())
          .contains(SubQueue.BACKOFF);
    }
    // A pod that failed in a later cycle than the last move request waits in unschedulableQ.
    q.addUnschedulableIfNotPresent(PodInfo.of(pods.get(0), clock.now()), oldCycle + 1);
    assertThat(where(pods.get(0))).contains(SubQueue.UNSCHEDULABLE);
  }

  /** TestPriorityQueue_Pop (its waiting half is in {@code PriorityQueueConcurrencyTest}). */
  @Test
  void popCountsAnAttemptAndAdvancesTheSchedulingCycle() throws InterruptedException {
    q.add(medPriorityPod());
    assertThat(q.schedulingCycle()).isZero();
    PodInfo p = pop();
    assertThat(p.pod()).isEqualTo(medPriorityPod());
    assertThat(p.attempts()).isEqualTo(1);
    assertThat(q.schedulingCycle()).isEqualTo(1);
    assertThat(q.nominatedPodsForNode("node1")).hasSize(1);
    assertThat(q.pop(Duration.ZERO)).as("empty queue, no wait").isNull();
    assertThat(q.schedulingCycle()).isEqualTo(1);
  }

  /** TestPriorityQueue_Update. */
  @Test
  void updateFollowsThePodToWhereverItIs() throws InterruptedException {
    q.update(null, highPriorityPod());
    assertThat(where(highPriorityPod())).contains(SubQueue.ACTIVE);
    assertThat(q.nominatedPodsForNode("node1")).isEmpty();
    // The update gives it a nominated node.
    q.update(highPriorityPod(), highPriNominatedPod());
    assertThat(q.pendingPodsByQueue()).containsEntry("active", 1);
    assertThat(names(q.nominatedPodsForNode("node1"))).containsExactly("hpp");
    // A pod in no queue is added to activeQ.
    q.update(unschedulablePod(), unschedulablePod());
    assertThat(where(unschedulablePod())).contains(SubQueue.ACTIVE);
    // A pod already in activeQ stays there.
    q.update(unschedulablePod(), unschedulablePod());
    assertThat(q.numUnschedulablePods()).isZero();
    assertThat(where(unschedulablePod())).contains(SubQueue.ACTIVE);
    assertThat(pop().pod()).isEqualTo(highPriNominatedPod());

    // An update that may make an unschedulable pod schedulable moves it to activeQ.
    q.addUnschedulableIfNotPresent(PodInfo.of(medPriorityPod(), clock.now()), q.schedulingCycle());
    assertThat(q.numUnschedulablePods()).isEqualTo(1);
    Pod updated =
        new PodBuilder(medPriorityPod())
            .editMetadata()
            .addToLabels("new", "label")
            .endMetadata()
            .build();
    q.update(medPriorityPod(), updated);
    assertThat(pop().pod()).isEqualTo(updated);
  }

  @Test
  void anUpdateCutsBackoffShort() {
    Instant t0 = clock.now();
    q.addUnschedulableIfNotPresent(new PodInfo(unschedulablePod(), t0, 3, t0), -1);
    assertThat(where(unschedulablePod())).contains(SubQueue.BACKOFF);
    Pod updated =
        new PodBuilder(unschedulablePod())
            .editMetadata()
            .withResourceVersion("7")
            .endMetadata()
            .build();
    q.update(unschedulablePod(), updated);
    assertThat(where(unschedulablePod())).contains(SubQueue.ACTIVE);
    PodInfo info = q.podInfoOf(updated).orElseThrow();
    assertThat(info.pod()).isEqualTo(updated);
    assertThat(info.attempts()).as("attempts survive the move").isEqualTo(3);
    assertThat(info.timestamp()).isEqualTo(t0);
  }

  @Test
  void anUnschedulablePodStaysWhenOnlyItsStatusOrVersionChanged() {
    q.addUnschedulableIfNotPresent(
        PodInfo.of(unschedulablePod(), clock.now()), q.schedulingCycle());
    Pod statusOnly =
        new PodBuilder(unschedulablePod())
            .editMetadata()
            .withResourceVersion("42")
            .withGeneration(3L)
            .endMetadata()
            .editStatus()
            .withPhase("Pending")
            .withMessage("still pending")
            .endStatus()
            .build();
    q.update(unschedulablePod(), statusOnly);
    assertThat(where(unschedulablePod())).contains(SubQueue.UNSCHEDULABLE);
    assertThat(q.podInfoOf(unschedulablePod()).orElseThrow().pod()).isEqualTo(statusOnly);
  }

  /** isPodUpdated: which changes count. */
  @Test
  void isPodUpdatedIgnoresResourceVersionGenerationAndStatusOnly() {
    Pod base = Fixtures.pod("web").uid("u1").priority(5).label("app", "web").build();
    assertThat(PriorityQueue.isPodUpdated(base, new PodBuilder(base).build())).isFalse();
    assertThat(
            PriorityQueue.isPodUpdated(
                base,
                new PodBuilder(base)
                    .editMetadata()
                    .withResourceVersion("9")
                    .withGeneration(2L)
                    .endMetadata()
                    .editStatus()
                    .withNominatedNodeName("node9")
                    .withPhase("Failed")
                    .endStatus()
                    .build()))
        .isFalse();
    assertThat(
            PriorityQueue.isPodUpdated(
                base,
                new PodBuilder(base).editMetadata().addToLabels("x", "y").endMetadata().build()))
        .isTrue();
    assertThat(
            PriorityQueue.isPodUpdated(
                base,
                new PodBuilder(base)
                    .editMetadata()
                    .addToAnnotations("a", "b")
                    .endMetadata()
                    .build()))
        .isTrue();
    assertThat(
            PriorityQueue.isPodUpdated(
                base, new PodBuilder(base).editSpec().withPriority(6).endSpec().build()))
        .isTrue();
    assertThat(
            PriorityQueue.isPodUpdated(
                base, new PodBuilder(base).editSpec().withNodeName("n1").endSpec().build()))
        .isTrue();
  }

  /** TestPriorityQueue_Delete. */
  @Test
  void deleteRemovesThePodAndItsNomination() {
    q.update(highPriorityPod(), highPriNominatedPod());
    q.add(unschedulablePod());
    q.delete(highPriNominatedPod());
    assertThat(where(unschedulablePod())).contains(SubQueue.ACTIVE);
    assertThat(where(highPriNominatedPod())).isEmpty();
    assertThat(names(q.nominatedPodsForNode("node1"))).containsExactly("up");
    q.delete(unschedulablePod());
    assertThat(q.nominatedPodsForNode("node1")).isEmpty();
    assertThat(q.pendingPods()).isEmpty();
  }

  @Test
  void deleteFindsThePodInEveryQueue() {
    q.addUnschedulableIfNotPresent(PodInfo.of(unschedulablePod(), clock.now()), -1);
    q.addUnschedulableIfNotPresent(PodInfo.of(medPriorityPod(), clock.now()), 5);
    assertThat(where(unschedulablePod())).contains(SubQueue.BACKOFF);
    assertThat(where(medPriorityPod())).contains(SubQueue.UNSCHEDULABLE);
    q.delete(unschedulablePod());
    q.delete(medPriorityPod());
    assertThat(q.pendingPods()).isEmpty();
    assertThat(q.nominatedPodsForNode("node1")).isEmpty();
  }

  /** TestPriorityQueue_MoveAllToActiveOrBackoffQueue. */
  @Test
  void moveAllSendsPodsStillBackingOffToBackoffQAndTheRestToActiveQ() throws InterruptedException {
    q.add(medPriorityPod());
    q.addUnschedulableIfNotPresent(
        PodInfo.of(unschedulablePod(), clock.now()), q.schedulingCycle());
    q.addUnschedulableIfNotPresent(PodInfo.of(highPriorityPod(), clock.now()), q.schedulingCycle());
    // Both are still backing off (attempts 0: 1 s from now).
    q.moveAllToActiveOrBackoffQueue("test");
    assertThat(q.pendingPodsByQueue())
        .isEqualTo(Map.of("active", 1, "backoff", 2, "unschedulable", 0));

    q.delete(unschedulablePod());
    q.delete(highPriorityPod());
    pop(); // cycle 1: later than the move request of cycle 0
    q.addUnschedulableIfNotPresent(
        PodInfo.of(unschedulablePod(), clock.now()), q.schedulingCycle());
    q.addUnschedulableIfNotPresent(PodInfo.of(highPriorityPod(), clock.now()), q.schedulingCycle());
    assertThat(q.numUnschedulablePods()).isEqualTo(2);
    // One initial backoff later, they are done backing off and go straight to activeQ.
    clock.step(PriorityQueue.DEFAULT_POD_INITIAL_BACKOFF_DURATION);
    q.moveAllToActiveOrBackoffQueue("test");
    assertThat(q.pendingPodsByQueue())
        .isEqualTo(Map.of("active", 2, "backoff", 0, "unschedulable", 0));
  }

  /** TestPriorityQueue_AssignedPodAdded. */
  @Test
  void anAssignedPodMovesOnlyThePodsWhoseRequiredAffinityItMatches() {
    Pod affinityPod =
        new PodBuilder(unschedulablePod())
            .editMetadata()
            .withName("afp")
            .withUid("afpns1")
            .endMetadata()
            .withNewSpec()
            .withPriority(MEDIUM_PRIORITY)
            .withNewAffinity()
            .withNewPodAffinity()
            .addToRequiredDuringSchedulingIgnoredDuringExecution(
                Fixtures.affinityTerm(
                    "region",
                    Fixtures.matchExpressions(
                        Fixtures.labelExpr("service", "In", "securityscan", "value2"))))
            .endPodAffinity()
            .endAffinity()
            .endSpec()
            .build();
    Pod labelPod =
        Fixtures.pod("lbp")
            .namespace("ns1")
            .label("service", "securityscan")
            .nodeName("machine1")
            .build();
    q.add(medPriorityPod());
    q.addUnschedulableIfNotPresent(
        PodInfo.of(unschedulablePod(), clock.now()), q.schedulingCycle());
    q.addUnschedulableIfNotPresent(PodInfo.of(affinityPod, clock.now()), q.schedulingCycle());
    clock.step(PriorityQueue.DEFAULT_POD_INITIAL_BACKOFF_DURATION.plusSeconds(1));

    q.assignedPodAdded(labelPod);

    assertThat(where(affinityPod)).contains(SubQueue.ACTIVE);
    assertThat(where(unschedulablePod())).contains(SubQueue.UNSCHEDULABLE);
    assertThat(q.incomingPods(SubQueue.ACTIVE, QueueEvents.ASSIGNED_POD_ADD)).isEqualTo(1);
  }

  @Test
  void affinityTermsMatchInTheirNamespacesOnlyAndAntiAffinityDoesNotCount() {
    Pod wantsWeb =
        Fixtures.pod("wants-web")
            .namespace("ns1")
            .requiredPodAffinity(Fixtures.affinityTerm("zone", Fixtures.matchLabels("app", "web")))
            .build();
    Pod wantsWebInNs2 =
        new PodBuilder(
                Fixtures.pod("wants-web-ns2")
                    .namespace("ns1")
                    .requiredPodAffinity(
                        Fixtures.affinityTerm("zone", Fixtures.matchLabels("app", "web")))
                    .build())
            .editSpec()
            .editAffinity()
            .editPodAffinity()
            .editFirstRequiredDuringSchedulingIgnoredDuringExecution()
            .withNamespaces("ns2")
            .endRequiredDuringSchedulingIgnoredDuringExecution()
            .endPodAffinity()
            .endAffinity()
            .endSpec()
            .build();
    Pod avoidsWeb =
        Fixtures.pod("avoids-web")
            .namespace("ns1")
            .requiredPodAntiAffinity(
                Fixtures.affinityTerm("zone", Fixtures.matchLabels("app", "web")))
            .build();
    Pod prefersWeb =
        Fixtures.pod("prefers-web")
            .namespace("ns1")
            .preferredPodAffinity(
                10, Fixtures.affinityTerm("zone", Fixtures.matchLabels("app", "web")))
            .build();
    for (Pod p : List.of(wantsWeb, wantsWebInNs2, avoidsWeb, prefersWeb)) {
      q.addUnschedulableIfNotPresent(PodInfo.of(p, clock.now()), 0);
    }
    clock.step(Duration.ofSeconds(2));

    // A web pod in ns2: only the term naming ns2 matches (a term without namespaces means ns1).
    q.assignedPodUpdated(Fixtures.pod("web-1").namespace("ns2").label("app", "web").build());
    assertThat(where(wantsWebInNs2)).contains(SubQueue.ACTIVE);
    assertThat(where(wantsWeb)).contains(SubQueue.UNSCHEDULABLE);
    assertThat(q.incomingPods(SubQueue.ACTIVE, QueueEvents.ASSIGNED_POD_UPDATE)).isEqualTo(1);

    // A web pod in ns1 matches the pod's own namespace.
    q.assignedPodAdded(Fixtures.pod("web-2").namespace("ns1").label("app", "web").build());
    assertThat(where(wantsWeb)).contains(SubQueue.ACTIVE);
    assertThat(where(avoidsWeb)).contains(SubQueue.UNSCHEDULABLE);
    assertThat(where(prefersWeb)).contains(SubQueue.UNSCHEDULABLE);
  }

  @Test
  void anAssignedPodMatchingNothingStillRecordsAMoveRequest() throws InterruptedException {
    q.add(medPriorityPod());
    PodInfo tried = pop(); // cycle 1
    q.assignedPodAdded(Fixtures.pod("unrelated").build());
    // The move request in cycle 1 sends the pod that failed in cycle 1 to backoff.
    q.addUnschedulableIfNotPresent(tried, 1);
    assertThat(where(medPriorityPod())).contains(SubQueue.BACKOFF);
  }

  /** TestPriorityQueue_NominatedPodsForNode. */
  @Test
  void nominatedPodsForNodeListsThePodsInNominationOrderUnmodifiable() throws InterruptedException {
    q.add(medPriorityPod());
    q.add(unschedulablePod());
    q.add(highPriorityPod());
    assertThat(pop().pod()).isEqualTo(highPriorityPod());
    List<Pod> onNode1 = q.nominatedPodsForNode("node1");
    assertThat(onNode1).containsExactly(medPriorityPod(), unschedulablePod());
    assertThat(q.nominatedPodsForNode("node2")).isEmpty();
    assertThatThrownBy(() -> onNode1.clear()).isInstanceOf(UnsupportedOperationException.class);
    // A list already handed out stays as it was when later nominations change the node's pods.
    q.delete(medPriorityPod());
    q.updateNominatedPodForNode(highPriorityPod(), "node1");
    assertThat(onNode1).containsExactly(medPriorityPod(), unschedulablePod());
    assertThat(q.nominatedPodsForNode("node1"))
        .containsExactly(unschedulablePod(), highPriorityPod());
  }

  @Test
  void anUpdateToAPodWithAnotherUidForgetsTheOldUidsNomination() {
    q.add(medPriorityPod()); // uid mppns2, nominated to node1
    Pod recreated = QueuePods.pod("mpp", "ns2", "mppns2-again", QueuePods.MEDIUM_PRIORITY, "node2");
    q.update(medPriorityPod(), recreated);
    assertThat(q.nominatedPodsForNode("node1")).isEmpty();
    assertThat(q.nominatedPodsForNode("node2")).containsExactly(recreated);
    q.delete(recreated);
    assertThat(q.nominatedPodsForNode("node2")).isEmpty();
  }

  /** TestPriorityQueue_PendingPods. */
  @Test
  void pendingPodsListsEveryQueue() {
    q.add(medPriorityPod());
    q.addUnschedulableIfNotPresent(
        PodInfo.of(unschedulablePod(), clock.now()), q.schedulingCycle());
    q.addUnschedulableIfNotPresent(PodInfo.of(highPriorityPod(), clock.now()), q.schedulingCycle());
    List<Pod> expected = List.of(medPriorityPod(), unschedulablePod(), highPriorityPod());
    assertThat(q.pendingPods()).containsExactlyInAnyOrderElementsOf(expected);
    q.moveAllToActiveOrBackoffQueue("test");
    assertThat(q.pendingPods()).containsExactlyInAnyOrderElementsOf(expected);
  }

  /** TestPriorityQueue_UpdateNominatedPodForNode. */
  @Test
  void updateNominatedPodForNodeOverridesTheStatusAndSurvivesPop() throws InterruptedException {
    q.add(medPriorityPod());
    q.updateNominatedPodForNode(unschedulablePod(), "node5");
    q.updateNominatedPodForNode(highPriorityPod(), "node2");
    assertThat(names(q.nominatedPodsForNode("node1"))).containsExactly("mpp");
    assertThat(names(q.nominatedPodsForNode("node2"))).containsExactly("hpp");
    assertThat(names(q.nominatedPodsForNode("node5"))).containsExactly("up");
    assertThat(pop().pod()).isEqualTo(medPriorityPod());
    assertThat(names(q.nominatedPodsForNode("node1"))).containsExactly("mpp");
    q.updateNominatedPodForNode(highPriorityPod(), "node4");
    assertThat(q.nominatedPodsForNode("node2")).isEmpty();
    assertThat(names(q.nominatedPodsForNode("node4"))).containsExactly("hpp");
    q.deleteNominatedPodIfExists(highPriorityPod());
    assertThat(q.nominatedPodsForNode("node4")).isEmpty();
    assertThat(names(q.nominatedPodsForNode("node1"))).containsExactly("mpp");
    assertThat(names(q.nominatedPodsForNode("node5"))).containsExactly("up");
  }

  /** The race nominatedPodMap.update covers. */
  @Test
  void aNominationInMemoryWinsOverAnInformerUpdateWithoutOne() {
    q.add(highPriorityPod());
    // Preemption nominates the pod in memory before it writes status.nominatedNodeName...
    q.updateNominatedPodForNode(highPriorityPod(), "node3");
    // ...and an unrelated update of the pod, still without the field, arrives first.
    Pod relabelled =
        new PodBuilder(highPriorityPod())
            .editMetadata()
            .addToLabels("x", "y")
            .endMetadata()
            .build();
    q.update(highPriorityPod(), relabelled);
    assertThat(q.nominatedPodsForNode("node3")).containsExactly(relabelled);

    // Once the API carries a nomination, the API's value is used, even to move it.
    Pod onNode7 =
        new PodBuilder(relabelled).editStatus().withNominatedNodeName("node7").endStatus().build();
    q.update(relabelled, onNode7);
    assertThat(q.nominatedPodsForNode("node3")).isEmpty();
    assertThat(q.nominatedPodsForNode("node7")).containsExactly(onNode7);

    // And the API clearing it clears it.
    q.update(onNode7, relabelled);
    assertThat(q.nominatedPodsForNode("node7")).isEmpty();
    assertThat(q.nominatedPodsForNode("node3")).isEmpty();
  }

  /** TestPriorityQueue_NewWithOptions. */
  @Test
  void backoffDurationsAreConfigurable() {
    PriorityQueue custom =
        new PriorityQueue(
            new PrioritySort()::less, clock, Duration.ofSeconds(2), Duration.ofSeconds(20));
    assertThat(custom.calculateBackoffDuration(1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(custom.calculateBackoffDuration(4)).isEqualTo(Duration.ofSeconds(16));
    assertThat(custom.calculateBackoffDuration(5)).isEqualTo(Duration.ofSeconds(20));
    custom.close();
    assertThatThrownBy(
            () ->
                new PriorityQueue(
                    new PrioritySort()::less, clock, Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("podInitialBackoff must be a positive duration, got PT0S");
  }

  /** calculateBackoffDuration: 1, 2, 4, 8, 10, 10 ... s. */
  @Test
  void backoffDoublesFromOneSecondToTenSeconds() {
    long[] want = {1, 1, 2, 4, 8, 10, 10, 10};
    for (int attempts = 0; attempts < want.length; attempts++) {
      assertThat(q.calculateBackoffDuration(attempts))
          .as("attempts %d", attempts)
          .isEqualTo(Duration.ofSeconds(want[attempts]));
    }
    assertThat(q.calculateBackoffDuration(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(10));
  }

  /** TestSchedulingQueue_Close, without a waiting thread: a closed queue pops null at once. */
  @Test
  void aClosedEmptyQueuePopsNullButHandsOutWhatItStillHolds() throws InterruptedException {
    q.add(medPriorityPod());
    q.close();
    assertThat(q.pop(Duration.ofSeconds(5)).pod()).isEqualTo(medPriorityPod());
    assertThat(q.pop(Duration.ofSeconds(5))).isNull();
  }

  /** TestRecentlyTriedPodsGoBack. */
  @Test
  void aRecentlyTriedPodGoesBehindPodsOfTheSamePriority() throws InterruptedException {
    for (int i = 0; i < 5; i++) {
      q.add(pod("test-pod-" + i, "ns1", "tp00" + i, HIGH_PRIORITY, "node1"));
    }
    clock.step(Duration.ofNanos(1000));
    PodInfo p1 = pop();
    q.addUnschedulableIfNotPresent(
        new PodInfo(
            unschedulable(p1.pod()), p1.timestamp(), p1.attempts(), p1.initialAttemptTimestamp()),
        q.schedulingCycle());
    clock.step(PriorityQueue.DEFAULT_POD_INITIAL_BACKOFF_DURATION);
    q.moveAllToActiveOrBackoffQueue("test");
    for (int i = 0; i < 5; i++) {
      PodInfo p = pop();
      assertThat(p.pod().getMetadata().getName().equals(p1.pod().getMetadata().getName()))
          .as("pop %d is %s", i, p.pod().getMetadata().getName())
          .isEqualTo(i == 4);
    }
  }

  /** TestPodFailedSchedulingMultipleTimesDoesNotBlockNewerPod. */
  @Test
  void aPodFailingAgainDoesNotBlockANewerPod() throws InterruptedException {
    Pod failing =
        unschedulable(pod("test-pod-unscheduled", "ns1", "tp001", HIGH_PRIORITY, "node1"));
    q.addUnschedulableIfNotPresent(PodInfo.of(failing, clock.now()), q.schedulingCycle());
    clock.step(Duration.ofSeconds(2));
    q.moveAllToActiveOrBackoffQueue("test");
    PodInfo p1 = pop();
    assertThat(p1.pod()).isEqualTo(failing);

    Pod newer = pod("test-newer-pod", "ns1", "tp002", HIGH_PRIORITY, "node1");
    q.add(newer);
    q.addUnschedulableIfNotPresent(p1, q.schedulingCycle());
    clock.step(Duration.ofSeconds(2));
    q.moveAllToActiveOrBackoffQueue("test");
    assertThat(pop().pod()).isEqualTo(newer);
  }

  /** TestHighPriorityBackoff: a failed high-priority pod backs off and lets others go first. */
  @Test
  void aFailedHighPriorityPodBacksOffAndLetsALowerOneThrough() throws InterruptedException {
    Pod mid = pod("test-midpod", "ns1", "tp-mid", MID_PRIORITY, "node1");
    Pod high = pod("test-highpod", "ns1", "tp-high", HIGH_PRIORITY, "node1");
    q.add(mid);
    q.add(high);
    PodInfo p = pop();
    assertThat(p.pod()).isEqualTo(high);
    q.addUnschedulableIfNotPresent(p, q.schedulingCycle());
    q.moveAllToActiveOrBackoffQueue("test");
    assertThat(where(high)).contains(SubQueue.BACKOFF);
    assertThat(pop().pod()).isEqualTo(mid);
  }

  /** TestHighPriorityFlushUnschedulableQLeftover, with the timers of {@link PriorityQueue#run}. */
  @Test
  void podsUnschedulableForOverAMinuteReturnInPriorityOrder() throws InterruptedException {
    Pod mid = unschedulable(pod("test-midpod", "ns1", "tp-mid", MID_PRIORITY, "node1"));
    Pod high = unschedulable(pod("test-highpod", "ns1", "tp-high", HIGH_PRIORITY, "node1"));
    q.addUnschedulableIfNotPresent(PodInfo.of(high, clock.now()), q.schedulingCycle());
    q.addUnschedulableIfNotPresent(PodInfo.of(mid, clock.now()), q.schedulingCycle());
    q.run();
    // The 30 s flush at 0, 30 and 60 s finds them unschedulable for 0, 30 and exactly 60 s: too
    // soon ("more than 60 s"). At 90 s both move.
    clock.step(Duration.ofSeconds(60));
    assertThat(q.numUnschedulablePods()).isEqualTo(2);
    clock.step(Duration.ofSeconds(30));
    assertThat(q.numUnschedulablePods()).isZero();
    assertThat(q.incomingPods(SubQueue.ACTIVE, QueueEvents.UNSCHEDULABLE_TIMEOUT)).isEqualTo(2);
    assertThat(pop().pod()).isEqualTo(high);
    assertThat(pop().pod()).isEqualTo(mid);
  }

  @Test
  void theLeftoverFlushMovesOnlyPodsUnschedulableForMoreThanSixtySeconds() {
    Instant t0 = clock.now();
    q.addDirectly(SubQueue.UNSCHEDULABLE, PodInfo.of(highPriorityPod(), t0.minusSeconds(60)));
    q.addDirectly(SubQueue.UNSCHEDULABLE, PodInfo.of(medPriorityPod(), t0.minusSeconds(61)));
    q.flushUnschedulableQLeftover();
    assertThat(where(highPriorityPod())).contains(SubQueue.UNSCHEDULABLE);
    // 61 s ago with 0 attempts: its 1 s backoff is long over.
    assertThat(where(medPriorityPod())).contains(SubQueue.ACTIVE);
  }

  /** TestPodTimestamp: entries of equal priority leave activeQ by timestamp. */
  @Test
  void equalPrioritiesPopByTimestampWhicheverWayTheyArrived() throws InterruptedException {
    Instant ts = clock.now();
    Pod pod1 = pod("test-pod-1", "ns1", "tp-1", 0, "node1");
    Pod pod2 = pod("test-pod-2", "ns2", "tp-2", 0, "node2");
    PodInfo p1 = PodInfo.of(pod1, ts);
    PodInfo p2 = PodInfo.of(pod2, ts.plusSeconds(1));

    // add two pods to activeQ
    q.addDirectly(SubQueue.ACTIVE, p2);
    q.addDirectly(SubQueue.ACTIVE, p1);
    assertThat(pop().pod()).isEqualTo(pod1);
    assertThat(pop().pod()).isEqualTo(pod2);

    // two pods via unschedulableQ and a move
    q.addDirectly(SubQueue.UNSCHEDULABLE, p2);
    q.addDirectly(SubQueue.UNSCHEDULABLE, p1);
    clock.step(Duration.ofSeconds(2));
    q.moveAllToActiveOrBackoffQueue("test");
    assertThat(pop().timestamp()).isEqualTo(ts);
    assertThat(pop().timestamp()).isEqualTo(ts.plusSeconds(1));

    // one via backoffQ and a flush
    q.addDirectly(SubQueue.ACTIVE, p2);
    q.addDirectly(SubQueue.BACKOFF, p1);
    q.flushBackoffQCompleted();
    assertThat(pop().pod()).isEqualTo(pod1);
    assertThat(pop().pod()).isEqualTo(pod2);
  }

  /** TestPendingPodsMetric: the gauge by sub-queue after each upstream case. */
  @Test
  void pendingPodsByQueueFollowsUpstreamsMetricCases() {
    record Case(String name, int active, int backoff, int unschedulable, Runnable ops) {}
    Instant ts = clock.now();
    List<Case> cases = new ArrayList<>();
    cases.add(
        new Case(
            "add pods to activeQ and unschedulableQ",
            30,
            0,
            20,
            () -> {
              put(SubQueue.ACTIVE, ts, 1, 30);
              put(SubQueue.UNSCHEDULABLE, ts, 31, 50);
            }));
    cases.add(
        new Case(
            "add pods to all kinds of queues",
            15,
            25,
            10,
            () -> {
              put(SubQueue.ACTIVE, ts, 1, 15);
              put(SubQueue.BACKOFF, ts, 16, 40);
              put(SubQueue.UNSCHEDULABLE, ts, 41, 50);
            }));
    cases.add(
        new Case(
            "add pods to unschedulableQ and then move all to activeQ",
            50,
            0,
            0,
            () -> {
              put(SubQueue.UNSCHEDULABLE, ts, 1, 50);
              currentClock.step(Duration.ofSeconds(2));
              current.moveAllToActiveOrBackoffQueue("test");
            }));
    cases.add(
        new Case(
            "make some pods subject to backoff, add pods to unschedulableQ, then move all",
            30,
            20,
            0,
            () -> {
              put(SubQueue.UNSCHEDULABLE, ts, 21, 50);
              currentClock.step(Duration.ofSeconds(2));
              put(SubQueue.UNSCHEDULABLE, ts.plusSeconds(2), 1, 20);
              current.moveAllToActiveOrBackoffQueue("test");
            }));
    cases.add(
        new Case(
            "backoff, unschedulableQ and activeQ, move all, then flush backoffQ",
            50,
            0,
            0,
            () -> {
              put(SubQueue.UNSCHEDULABLE, ts, 1, 40);
              put(SubQueue.ACTIVE, ts, 41, 50);
              current.moveAllToActiveOrBackoffQueue("test");
              currentClock.step(Duration.ofSeconds(2));
              current.flushBackoffQCompleted();
            }));
    for (Case c : cases) {
      currentClock = new FakeClock(ts);
      PriorityQueue fresh = new PriorityQueue(new PrioritySort()::less, currentClock);
      current = fresh;
      c.ops().run();
      assertThat(fresh.pendingPodsByQueue())
          .as(c.name())
          .isEqualTo(
              Map.of(
                  "active",
                  c.active(),
                  "backoff",
                  c.backoff(),
                  "unschedulable",
                  c.unschedulable()));
      fresh.close();
    }
  }

  private PriorityQueue current;
  private FakeClock currentClock;

  private void put(SubQueue where, Instant ts, int from, int to) {
    for (int i = from; i <= to; i++) {
      current.addDirectly(
          where, PodInfo.of(pod("test-pod-" + i, "ns" + i, "tp-" + i, 0, null), ts));
    }
  }

  /** TestPerPodSchedulingMetrics: attempts count pops; the first timestamp never changes. */
  @Test
  void attemptsCountPopsAndTheInitialAttemptTimestampStays() throws InterruptedException {
    Instant ts = clock.now();
    Pod p = pod("test-pod", "test-ns", "test-uid", 0, null);
    q.add(p);
    PodInfo once = pop();
    assertThat(once.attempts()).isEqualTo(1);
    assertThat(once.initialAttemptTimestamp()).isEqualTo(ts);

    q.addUnschedulableIfNotPresent(once, 1);
    clock.setTime(ts.plus(PriorityQueue.UNSCHEDULABLE_Q_TIME_INTERVAL).plusNanos(1));
    q.flushUnschedulableQLeftover();
    Pod updated = new PodBuilder(p).editMetadata().withGeneration(1L).endMetadata().build();
    q.update(p, updated);
    PodInfo twice = pop();
    assertThat(twice.pod()).isEqualTo(updated);
    assertThat(twice.attempts()).isEqualTo(2);
    assertThat(twice.initialAttemptTimestamp()).isEqualTo(ts);
  }

  /** TestIncomingPodsMetrics: which counter each way in counts. */
  @Test
  void incomingPodsCountsByQueueAndEvent() {
    Instant ts = clock.now();
    List<PodInfo> infos = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      infos.add(PodInfo.of(pod("test-pod-" + i, "ns" + i, "tp-" + i, 0, null), ts));
    }
    PriorityQueue a = new PriorityQueue(new PrioritySort()::less, clock);
    infos.forEach(i -> a.add(i.pod()));
    assertThat(a.incomingPods(SubQueue.ACTIVE, QueueEvents.POD_ADD)).isEqualTo(3);

    PriorityQueue b = new PriorityQueue(new PrioritySort()::less, clock);
    infos.forEach(i -> b.addUnschedulableIfNotPresent(i, 0));
    b.moveAllToActiveOrBackoffQueue("test");
    assertThat(b.incomingPods(SubQueue.UNSCHEDULABLE, QueueEvents.SCHEDULE_ATTEMPT_FAILURE))
        .isEqualTo(3);
    assertThat(b.incomingPods(SubQueue.BACKOFF, "test")).isEqualTo(3);

    PriorityQueue c = new PriorityQueue(new PrioritySort()::less, clock);
    infos.forEach(i -> c.addUnschedulableIfNotPresent(i, 0));
    clock.step(Duration.ofSeconds(2));
    c.moveAllToActiveOrBackoffQueue("test");
    assertThat(c.incomingPods(SubQueue.ACTIVE, "test")).isEqualTo(3);

    PriorityQueue d = new PriorityQueue(new PrioritySort()::less, clock);
    infos.forEach(i -> d.addUnschedulableIfNotPresent(i, -1));
    clock.step(Duration.ofSeconds(2));
    d.flushBackoffQCompleted();
    assertThat(d.incomingPods(SubQueue.BACKOFF, QueueEvents.SCHEDULE_ATTEMPT_FAILURE)).isEqualTo(3);
    assertThat(d.incomingPods(SubQueue.ACTIVE, QueueEvents.BACKOFF_COMPLETE)).isEqualTo(3);
    for (PriorityQueue x : List.of(a, b, c, d)) {
      x.close();
    }
  }

  /** TestBackOffFlow: one pod failing seven times, with an event after every failure. */
  @Test
  void backoffFlowOneTwoFourEightTenTenTen() throws InterruptedException {
    long[] wantBackoff = {1, 2, 4, 8, 10, 10, 10};
    Pod pod = pod("test-pod", "test-ns", "test-uid", 0, null);
    q.add(pod);
    for (int i = 0; i < wantBackoff.length; i++) {
      Instant timestamp = clock.now();
      PodInfo info = pop();
      assertThat(info.attempts()).isEqualTo(i + 1);
      q.addUnschedulableIfNotPresent(info, i);
      q.moveAllToActiveOrBackoffQueue("deleted pod");
      assertThat(where(pod)).as("step %d", i).contains(SubQueue.BACKOFF);
      Instant deadline = q.getBackoffTime(q.podInfoOf(pod).orElseThrow());
      Duration backoff = Duration.between(timestamp, deadline);
      assertThat(backoff).as("step %d", i).isEqualTo(Duration.ofSeconds(wantBackoff[i]));
      clock.step(Duration.ofMillis(1));
      q.flushBackoffQCompleted();
      assertThat(where(pod)).as("early flush, step %d", i).contains(SubQueue.BACKOFF);
      clock.step(backoff);
      q.flushBackoffQCompleted();
      assertThat(where(pod)).as("late flush, step %d", i).contains(SubQueue.ACTIVE);
    }
  }

  /** The flush runs on the second: a pod whose backoff ends between two runs waits for the next. */
  @Test
  void theBackoffFlushTimerMovesAPodAtTheFirstRunAfterItsBackoff() throws InterruptedException {
    q.run();
    clock.step(Duration.ofMillis(500));
    q.add(medPriorityPod());
    PodInfo tried = pop(); // cycle 1, at 0.5 s
    q.moveAllToActiveOrBackoffQueue(QueueEvents.NODE_ADD); // a node appears during the cycle
    q.addUnschedulableIfNotPresent(tried, 1);
    assertThat(where(medPriorityPod())).contains(SubQueue.BACKOFF);
    assertThat(q.getBackoffTime(q.podInfoOf(medPriorityPod()).orElseThrow()))
        .isEqualTo(FakeClock.DEFAULT_START.plusMillis(1500));
    clock.step(Duration.ofMillis(500)); // the run at 1 s: still backing off
    assertThat(where(medPriorityPod())).contains(SubQueue.BACKOFF);
    clock.step(Duration.ofMillis(999)); // 1.999 s: no run yet
    assertThat(where(medPriorityPod())).contains(SubQueue.BACKOFF);
    clock.step(Duration.ofMillis(1)); // the run at 2 s
    assertThat(where(medPriorityPod())).contains(SubQueue.ACTIVE);
    assertThat(pop().attempts()).isEqualTo(2);
  }

  /**
   * The timeline the chapter draws: one pod, a failure during which a node was added (backoff),
   * then a failure with no event (unschedulableQ until the leftover flush after 60 s).
   */
  @Test
  void onePodThroughBackoffAndTheLeftoverFlush() throws InterruptedException {
    Instant t0 = clock.now();
    Pod web = Fixtures.pod("web-1").build();
    q.run();
    clock.step(Duration.ofMillis(500)); // 0.5 s
    q.add(web);
    PodInfo first = pop(); // cycle 1, attempts 1
    assertThat(q.schedulingCycle()).isEqualTo(1);
    q.moveAllToActiveOrBackoffQueue(QueueEvents.NODE_ADD); // moveRequestCycle = 1
    q.addUnschedulableIfNotPresent(first, 1); // 1 >= 1: podBackoffQ
    assertThat(where(web)).contains(SubQueue.BACKOFF);
    assertThat(q.getBackoffTime(q.podInfoOf(web).orElseThrow())).isEqualTo(t0.plusMillis(1500));
    clock.step(Duration.ofMillis(500)); // 1 s: the flush finds 1.5 s still ahead
    assertThat(where(web)).contains(SubQueue.BACKOFF);
    clock.step(Duration.ofSeconds(1)); // 2 s: moved
    assertThat(where(web)).contains(SubQueue.ACTIVE);
    PodInfo second = pop(); // cycle 2, attempts 2
    assertThat(second.attempts()).isEqualTo(2);
    q.addUnschedulableIfNotPresent(second, 2); // 1 >= 2 is false: unschedulableQ
    assertThat(where(web)).contains(SubQueue.UNSCHEDULABLE);
    assertThat(q.podInfoOf(web).orElseThrow().timestamp()).isEqualTo(t0.plusSeconds(2));
    clock.setTime(t0.plusSeconds(60)); // flushes at 30 s and 60 s: 28 s and 58 s, too soon
    assertThat(where(web)).contains(SubQueue.UNSCHEDULABLE);
    clock.setTime(t0.plusSeconds(89));
    assertThat(where(web)).contains(SubQueue.UNSCHEDULABLE);
    clock.setTime(t0.plusSeconds(90)); // 88 s > 60 s; its 2 s backoff ended at 4 s: activeQ
    assertThat(where(web)).contains(SubQueue.ACTIVE);
    assertThat(q.incomingPods(SubQueue.ACTIVE, QueueEvents.UNSCHEDULABLE_TIMEOUT)).isEqualTo(1);
    assertThat(pop().attempts()).isEqualTo(3);
  }

  @Test
  void closeStopsTheFlushTimers() {
    q.run();
    assertThat(clock.pendingTimers()).isEqualTo(2);
    q.close();
    assertThat(clock.pendingTimers()).isZero();
    q.run();
    assertThat(clock.pendingTimers()).as("run after close starts nothing").isZero();
  }

  @Test
  void anUpdateOfAPodInActiveQKeepsItsTimestampAndAttempts() {
    Instant t0 = clock.now();
    q.addDirectly(SubQueue.ACTIVE, new PodInfo(medPriorityPod(), t0.minusSeconds(5), 2, t0));
    Pod updated =
        new PodBuilder(medPriorityPod()).editMetadata().addToLabels("x", "y").endMetadata().build();
    q.update(medPriorityPod(), updated);
    PodInfo info = q.podInfoOf(updated).orElseThrow();
    assertThat(info.pod()).isEqualTo(updated);
    assertThat(info.timestamp()).isEqualTo(t0.minusSeconds(5));
    assertThat(info.attempts()).isEqualTo(2);
    assertThat(q.pendingPods()).containsExactly(updated);
  }

  @Test
  void anUpdateWithoutTheOldPodMovesAnUnschedulablePodAndKeepsItsNomination() {
    q.addUnschedulableIfNotPresent(PodInfo.of(highPriorityPod(), clock.now()), 0);
    q.updateNominatedPodForNode(highPriorityPod(), "node3");
    q.update(null, highPriorityPod());
    assertThat(where(highPriorityPod())).contains(SubQueue.ACTIVE);
    assertThat(q.nominatedPodsForNode("node3")).containsExactly(highPriorityPod());
  }

  @Test
  void aNullNodeNominatesToTheNodeTheStatusNames() {
    q.updateNominatedPodForNode(highPriNominatedPod(), null);
    assertThat(q.nominatedPodsForNode("node1")).containsExactly(highPriNominatedPod());
    // A pod whose status names no node is not nominated anywhere, not even to "".
    q.updateNominatedPodForNode(highPriorityPod(), "");
    assertThat(q.nominatedPodsForNode("node1")).isEmpty();
    assertThat(q.nominatedPodsForNode("")).isEmpty();
    Pod noStatus = new PodBuilder(highPriorityPod()).withStatus(null).build();
    q.add(noStatus);
    assertThat(q.nominatedPodsForNode("")).isEmpty();
    assertThat(where(noStatus)).contains(SubQueue.ACTIVE);
  }

  @Test
  void podsWithoutAUidShareOneNominationAsInGo() {
    Pod a = new PodBuilder(pod("a", "ns", null, 0, null)).build();
    Pod b = new PodBuilder(pod("b", "ns", null, 0, null)).build();
    q.updateNominatedPodForNode(a, "n1");
    q.updateNominatedPodForNode(b, "n2");
    assertThat(q.nominatedPodsForNode("n1")).isEmpty();
    assertThat(q.nominatedPodsForNode("n2")).containsExactly(b);
    q.deleteNominatedPodIfExists(a);
    assertThat(q.nominatedPodsForNode("n2")).isEmpty();
  }

  @Test
  void aWaitingPodWithoutASpecIsSkippedByAffinityMoves() {
    Pod noSpec = new PodBuilder(unschedulablePod()).withSpec(null).build();
    q.addUnschedulableIfNotPresent(PodInfo.of(noSpec, clock.now()), 0);
    q.assignedPodAdded(Fixtures.pod("bound").namespace("ns1").nodeName("n1").build());
    assertThat(where(noSpec)).contains(SubQueue.UNSCHEDULABLE);
  }

  @Test
  void aPodWithoutANamespaceIsNamedSlashName() {
    Pod web = new PodBuilder(pod("web", null, "w1", 0, null)).build();
    q.add(web);
    assertThatThrownBy(() -> q.addUnschedulableIfNotPresent(PodInfo.of(web, clock.now()), 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("pod: /web is already present in the active queue");
  }

  @Test
  void popWithANegativeOrHugeTimeout() throws InterruptedException {
    assertThat(q.pop(Duration.ofSeconds(-5))).isNull();
    q.add(medPriorityPod());
    assertThat(q.pop(Duration.ofSeconds(Long.MAX_VALUE)).pod()).isEqualTo(medPriorityPod());
  }

  @Test
  void theConstructorRefusesMissingParts() {
    assertThatThrownBy(() -> new PriorityQueue(null, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lessFn must not be null");
    assertThatThrownBy(() -> new PriorityQueue(new PrioritySort()::less, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clock must not be null");
    assertThatThrownBy(
            () -> new PriorityQueue(new PrioritySort()::less, clock, null, Duration.ofSeconds(10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("podInitialBackoff must be a positive duration, got null");
    assertThatThrownBy(
            () ->
                new PriorityQueue(
                    new PrioritySort()::less, clock, Duration.ofSeconds(1), Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("podMaxBackoff must be a positive duration, got PT-1S");
  }

  @Test
  void badInputIsRefusedNamingTheField() {
    assertThatThrownBy(() -> q.add(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pod must not be null");
    assertThatThrownBy(() -> q.add(new Pod()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Pod has no metadata.name: the queue keys pods by it");
    assertThatThrownBy(() -> q.add(new PodBuilder().withNewMetadata().endMetadata().build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Pod has no metadata.name: the queue keys pods by it");
    assertThatThrownBy(
            () -> q.delete(new PodBuilder().withNewMetadata().withName("").endMetadata().build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Pod has no metadata.name: the queue keys pods by it");
    assertThatThrownBy(() -> q.addUnschedulableIfNotPresent(null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("podInfo must not be null");
    assertThatThrownBy(() -> q.pop(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must not be null");
  }
}
