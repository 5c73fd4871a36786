package io.kubelab.scheduler.preemption;

import static io.kubelab.scheduler.preemption.Upstream.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.FitError;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.predicates.GeneralPredicates;
import io.kubelab.scheduler.predicates.PredicateErrors;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code Scheduler.preempt} (v1.17): the side effects of a preemption decision and their order,
 * against in-memory API, queue, waiting pods and events.
 */
class SchedulerPreemptionTest {

  // machine1: two LOW pods; machine2: a HIGH pod; machine3: a MID pod. A VERY_LARGE HIGH pod
  // preempts the two LOW pods on machine1 (upstream's "basic preemption logic").
  final Pod m11 = pod("m1.1", LOW, Size.SMALL, "machine1");
  final Pod m12 = pod("m1.2", LOW, Size.SMALL, "machine1");
  final Pod m21 = pod("m2.1", HIGH, Size.LARGE, "machine2");
  final Pod m31 = pod("m3.1", MID, Size.MEDIUM, "machine3");
  final Pod pod1 = preemptor("pod1", HIGH, Size.VERY_LARGE);
  final InMemoryApi api = new InMemoryApi().add(m11, m12, m21, m31, pod1);

  SchedulerPreemption preemption(Preemption algorithm) {
    return new SchedulerPreemption(algorithm, api, api, api, api);
  }

  GenericScheduler scheduler() {
    return PreemptTest.schedulerFor(
        List.of("machine1", "machine2", "machine3"),
        List.of(m11, m12, m21, m31),
        GeneralPredicates::podFitsResources,
        false,
        List.of(),
        api);
  }

  FitError fitError() {
    return new FitError(pod1, 3, PreemptTest.DEFAULT_FAILED);
  }

  @Test
  void nominatesInTheQueueThenInTheApiThenDeletesAndReportsEachVictim() {
    try (Preemption algorithm = Upstream.preemption(scheduler())) {
      assertThat(preemption(algorithm).preempt(pod1, fitError())).isEqualTo("machine1");
    }
    assertThat(api.log)
        .containsExactly(
            "get default/pod1",
            "queue nominate default/pod1 machine1",
            "nominate default/pod1 machine1",
            "delete default/m1.1",
            "reject m1.1 preempted",
            "event default/m1.1",
            "delete default/m1.2",
            "reject m1.2 preempted",
            "event default/m1.2");
    assertThat(api.events)
        .containsExactly(
            new InMemoryApi.Event(
                "default/m1.1",
                "default/pod1",
                "Normal",
                "Preempted",
                "Preempting",
                "Preempted by default/pod1 on node machine1"),
            new InMemoryApi.Event(
                "default/m1.2",
                "default/pod1",
                "Normal",
                "Preempted",
                "Preempting",
                "Preempted by default/pod1 on node machine1"));
    assertThat(api.pods).doesNotContainKeys("default/m1.1", "default/m1.2");
    assertThat(api.pods.get("default/pod1").getStatus().getNominatedNodeName())
        .isEqualTo("machine1");
    assertThat(api.nominatedPodsForNode("machine1"))
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("pod1");
  }

  @Test
  void thePreemptorIsNominatedNotBound() {
    try (Preemption algorithm = Upstream.preemption(scheduler())) {
      preemption(algorithm).preempt(pod1, fitError());
    }
    assertThat(api.pods.get("default/pod1").getSpec().getNodeName()).isNull();
  }

  @Test
  void whenTheNominationCannotBeWrittenTheQueueForgetsItAndNoPodIsDeleted() {
    api.failOn("nominate default/pod1 machine1");
    try (Preemption algorithm = Upstream.preemption(scheduler())) {
      assertThatThrownBy(() -> preemption(algorithm).preempt(pod1, fitError()))
          .hasMessage("nominate default/pod1 machine1 failed");
    }
    assertThat(api.log)
        .containsExactly(
            "get default/pod1",
            "queue nominate default/pod1 machine1",
            "nominate default/pod1 machine1",
            "queue forget default/pod1");
    assertThat(api.nominatedPodsForNode("machine1")).isEmpty();
  }

  @Test
  void aFailedDeletionStopsThePreemption() {
    api.failOn("delete default/m1.1");
    try (Preemption algorithm = Upstream.preemption(scheduler())) {
      assertThatThrownBy(() -> preemption(algorithm).preempt(pod1, fitError()))
          .hasMessage("delete default/m1.1 failed");
    }
    assertThat(api.log).doesNotContain("delete default/m1.2").noneMatch(l -> l.startsWith("event"));
  }

  @Test
  void aPodThatCannotBeReadIsNotPreemptedFor() {
    InMemoryApi empty = new InMemoryApi();
    try (Preemption algorithm = Upstream.preemption(scheduler())) {
      SchedulerPreemption sp = new SchedulerPreemption(algorithm, empty, empty, empty, empty);
      assertThatThrownBy(() -> sp.preempt(pod1, fitError())).hasMessage("pods \"pod1\" not found");
    }
    assertThat(empty.log).containsExactly("get default/pod1");
  }

  @Test
  void theApiServersCopyOfThePodDecides() {
    // The API server's copy is already nominated to machine1, where a victim is terminating: the
    // pod waits, although the copy the scheduler holds says nothing of it.
    api.pods.get("default/pod1").getStatus().setNominatedNodeName("machine1");
    m11.getMetadata().setDeletionTimestamp("2020-06-01T00:00:00Z");
    try (Preemption algorithm = Upstream.preemption(scheduler())) {
      assertThat(preemption(algorithm).preempt(pod1, fitError())).isEmpty();
    }
    assertThat(api.log).containsExactly("get default/pod1");
  }

  @Test
  void aStaleNominationIsClearedWhenNoNodeCanHelp() {
    api.pods.get("default/pod1").getStatus().setNominatedNodeName("machine2");
    Map<String, List<PredicateFailureReason>> hopeless =
        Map.of(
            "machine1", List.of(PredicateErrors.ERR_NODE_SELECTOR_NOT_MATCH),
            "machine2", List.of(PredicateErrors.ERR_NODE_SELECTOR_NOT_MATCH),
            "machine3", List.of(PredicateErrors.ERR_NODE_SELECTOR_NOT_MATCH));
    try (Preemption algorithm = Upstream.preemption(scheduler())) {
      assertThat(preemption(algorithm).preempt(pod1, new FitError(pod1, 3, hopeless))).isEmpty();
    }
    assertThat(api.log).containsExactly("get default/pod1", "nominate default/pod1 ");
    assertThat(api.pods.get("default/pod1").getStatus().getNominatedNodeName()).isEmpty();
  }

  @Test
  void lowerPriorityNominationsOnTheNodeAreClearedAndFailuresThereAreNotFatal() {
    Pod lower = preemptor("lower", LOW, Size.NONE);
    lower.getStatus().setNominatedNodeName("machine1");
    Pod lowerUnwritten = preemptor("lower-unwritten", LOW, Size.NONE);
    api.add(lower);
    api.updateNominatedPodForNode(lowerUnwritten, "machine1");
    api.updateNominatedPodForNode(lower, "machine1");
    api.log.clear();
    api.failOn("nominate default/lower ");
    try (Preemption algorithm = Upstream.preemption(scheduler())) {
      assertThat(preemption(algorithm).preempt(pod1, fitError())).isEqualTo("machine1");
    }
    // lower-unwritten has no nominatedNodeName in its status yet: no API call for it.
    assertThat(api.log).endsWith("event default/m1.2", "nominate default/lower ");
  }

  @Test
  void theDefaultRemovalWritesOnlyWhenThereIsANomination() {
    Pod p = preemptor("p", LOW, Size.NONE);
    api.removeNominatedNodeName(p);
    p.getStatus().setNominatedNodeName("");
    api.removeNominatedNodeName(p);
    assertThat(api.log).isEmpty();
    p.getStatus().setNominatedNodeName("machine9");
    api.add(p);
    api.removeNominatedNodeName(p);
    assertThat(api.log).containsExactly("nominate default/p ");
  }

  @Test
  void theEventNoteIsUpstreams() {
    assertThat(SchedulerPreemption.preemptedMessage(pod1, "n7"))
        .isEqualTo("Preempted by default/pod1 on node n7");
  }
}
