package io.kubelab.scheduler.queue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;

/**
 * The pods of upstream's {@code scheduling_queue_test.go} (v1.18): {@code highPriorityPod}, {@code
 * highPriNominatedPod}, {@code medPriorityPod} and {@code unschedulablePod}, and a builder for
 * more.
 */
final class QueuePods {

  private QueuePods() {}

  static final int LOW_PRIORITY = 0;
  static final int MID_PRIORITY = 100;
  static final int HIGH_PRIORITY = 1000;
  static final int MEDIUM_PRIORITY = (LOW_PRIORITY + HIGH_PRIORITY) / 2;

  /** {@code hpp} in ns1, priority 1000, nominated nowhere. */
  static Pod highPriorityPod() {
    return pod("hpp", "ns1", "hppns1", HIGH_PRIORITY, null);
  }

  /** The same pod as {@link #highPriorityPod()}, its status naming node1. */
  static Pod highPriNominatedPod() {
    return pod("hpp", "ns1", "hppns1", HIGH_PRIORITY, "node1");
  }

  /** {@code mpp} in ns2, priority 500, nominated to node1, with an annotation. */
  static Pod medPriorityPod() {
    return new PodBuilder(pod("mpp", "ns2", "mppns2", MEDIUM_PRIORITY, "node1"))
        .editMetadata()
        .addToAnnotations("annot2", "val2")
        .endMetadata()
        .build();
  }

  /** {@code up} in ns1, priority 0, nominated to node1, with PodScheduled=False/Unschedulable. */
  static Pod unschedulablePod() {
    return unschedulable(
        new PodBuilder(pod("up", "ns1", "upns1", LOW_PRIORITY, "node1"))
            .editMetadata()
            .addToAnnotations("annot2", "val2")
            .endMetadata()
            .build());
  }

  /** A pod with these fields; {@code nominatedNodeName} may be null. */
  static Pod pod(String name, String namespace, String uid, int priority, String nominated) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withUid(uid)
        .endMetadata()
        .withNewSpec()
        .withPriority(priority)
        .endSpec()
        .withNewStatus()
        .withNominatedNodeName(nominated)
        .endStatus()
        .build();
  }

  /** A copy of the pod with upstream's "fake scheduling failure" condition in its status. */
  static Pod unschedulable(Pod pod) {
    PodCondition c =
        new PodConditionBuilder()
            .withType("PodScheduled")
            .withStatus("False")
            .withReason("Unschedulable")
            .withMessage("fake scheduling failure")
            .build();
    return new PodBuilder(pod).editOrNewStatus().addToConditions(c).endStatus().build();
  }
}
