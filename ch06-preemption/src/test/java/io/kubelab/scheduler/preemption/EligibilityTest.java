package io.kubelab.scheduler.preemption;

import static io.kubelab.scheduler.preemption.Upstream.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code podEligibleToPreemptOthers} (v1.17): a pod that already preempted waits for its victims to
 * leave; a pod with {@code preemptionPolicy: Never} never preempts when the NonPreemptingPriority
 * gate is on.
 */
class EligibilityTest {

  static Map<String, NodeInfo> node1With(Pod... pods) {
    Map<String, NodeInfo> m = new HashMap<>();
    for (NodeInfo ni : Snapshot.of(List.of(pods), List.of(Fixtures.node("node1").build())).list()) {
      m.put(ni.nodeName(), ni);
    }
    return m;
  }

  static Pod terminating(Pod p) {
    p.getMetadata().setDeletionTimestamp("2020-06-01T00:00:00Z");
    return p;
  }

  static Pod nominatedTo(Pod p, String node) {
    p.getStatus().setNominatedNodeName(node);
    return p;
  }

  @Test
  void aPodNominatedWhereALowerPriorityPodIsTerminatingWaits() {
    Pod pod = nominatedTo(preemptor("p", HIGH, Size.NONE), "node1");
    Map<String, NodeInfo> infos = node1With(terminating(pod("p1", LOW, Size.NONE, "node1")));
    assertThat(Eligibility.podEligibleToPreemptOthers(pod, infos, true)).isFalse();
  }

  @Test
  void aTerminatingPodOfEqualOrHigherPriorityIsNotItsVictim() {
    Pod pod = nominatedTo(preemptor("p", HIGH, Size.NONE), "node1");
    Map<String, NodeInfo> infos =
        node1With(
            terminating(pod("same", HIGH, Size.NONE, "node1")),
            terminating(pod("higher", VERY_HIGH, Size.NONE, "node1")),
            pod("running-low", LOW, Size.NONE, "node1"));
    assertThat(Eligibility.podEligibleToPreemptOthers(pod, infos, true)).isTrue();
  }

  @Test
  void aPodNominatedToANodeThatIsGoneMayPreemptAgain() {
    Pod pod = nominatedTo(preemptor("p", HIGH, Size.NONE), "gone");
    Map<String, NodeInfo> infos = node1With(terminating(pod("p1", LOW, Size.NONE, "node1")));
    assertThat(Eligibility.podEligibleToPreemptOthers(pod, infos, true)).isTrue();
  }

  @Test
  void aPodWithoutNominationMayPreempt() {
    Pod pod = preemptor("p", HIGH, Size.NONE);
    Map<String, NodeInfo> infos = node1With(terminating(pod("p1", LOW, Size.NONE, "node1")));
    assertThat(Eligibility.podEligibleToPreemptOthers(pod, infos, true)).isTrue();
    assertThat(Eligibility.podEligibleToPreemptOthers(nominatedTo(pod, ""), infos, true)).isTrue();
  }

  @Test
  void aNodeIsLookedUpOnlyForAPodThatIsNominatedSomewhere() {
    java.util.List<String> asked = new java.util.ArrayList<>();
    Map<String, NodeInfo> infos = node1With(terminating(pod("p1", LOW, Size.NONE, "node1")));
    java.util.function.Function<String, NodeInfo> lookup =
        name -> {
          asked.add(name);
          return infos.get(name);
        };
    Pod pod = preemptor("p", HIGH, Size.NONE);
    assertThat(Eligibility.podEligibleToPreemptOthers(pod, lookup, true)).isTrue();
    assertThat(asked).isEmpty();
    assertThat(Eligibility.podEligibleToPreemptOthers(nominatedTo(pod, "node1"), lookup, true))
        .isFalse();
    assertThat(asked).containsExactly("node1");
  }

  @Test
  void preemptNeverCountsOnlyWithTheFeatureGateOn() {
    Pod pod = preemptor("p", HIGH, Size.NONE);
    pod.getSpec().setPreemptionPolicy("Never");
    assertThat(Eligibility.podEligibleToPreemptOthers(pod, Map.of(), true)).isFalse();
    assertThat(Eligibility.podEligibleToPreemptOthers(pod, Map.of(), false)).isTrue();
    pod.getSpec().setPreemptionPolicy("PreemptLowerPriority");
    assertThat(Eligibility.podEligibleToPreemptOthers(pod, Map.of(), true)).isTrue();
  }
}
