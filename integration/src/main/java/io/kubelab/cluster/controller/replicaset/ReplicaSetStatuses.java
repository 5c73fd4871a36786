package io.kubelab.cluster.controller.replicaset;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.Selector;
import io.kubelab.cluster.controller.ControllerUtils;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A ReplicaSet's status from its pods.
 *
 * <p>Upstream: {@code calculateStatus}, {@code NewReplicaSetCondition}, {@code GetCondition},
 * {@code SetCondition} and {@code RemoveCondition} of {@code
 * pkg/controller/replicaset/replica_set_utils.go} (v1.18).
 */
final class ReplicaSetStatuses {

  /** Upstream {@code apps.ReplicaSetReplicaFailure}. */
  static final String REPLICA_FAILURE = "ReplicaFailure";

  private ReplicaSetStatuses() {}

  /**
   * The status for {@code filteredPods} (the ReplicaSet's active pods): how many there are, carry
   * every label of the template, are ready, and are available ({@code minReadySeconds}); a {@code
   * ReplicaFailure} condition (reason {@code FailedCreate} or {@code FailedDelete}, the error as
   * message) is added when {@code manageReplicasErr} is set and none is there, and removed when the
   * sync went well.
   */
  static ReplicaSetStatus calculateStatus(
      ReplicaSet rs, List<Pod> filteredPods, RuntimeException manageReplicasErr, Instant now) {
    ReplicaSetStatus newStatus =
        rs.getStatus() == null
            ? new ReplicaSetStatus()
            : new ReplicaSetStatusBuilder(rs.getStatus()).build();
    Map<String, String> templateLabels =
        rs.getSpec().getTemplate() == null || rs.getSpec().getTemplate().getMetadata() == null
            ? null
            : rs.getSpec().getTemplate().getMetadata().getLabels();
    Selector templateLabel = LabelSelectors.fromMap(templateLabels);
    int minReady =
        rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
    int fullyLabeled = 0;
    int ready = 0;
    int available = 0;
    for (Pod pod : filteredPods) {
      Map<String, String> labels = pod.getMetadata().getLabels();
      if (templateLabel.matches(labels == null ? Map.of() : labels)) {
        fullyLabeled++;
      }
      if (ControllerUtils.isPodReady(pod)) {
        ready++;
        if (ControllerUtils.isPodAvailable(pod, minReady, now)) {
          available++;
        }
      }
    }
    ReplicaSetCondition failure = condition(rs.getStatus(), REPLICA_FAILURE);
    if (manageReplicasErr != null && failure == null) {
      int diff = filteredPods.size() - ReplicaSetController.replicas(rs);
      String reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
      setCondition(
          newStatus,
          new ReplicaSetConditionBuilder()
              .withType(REPLICA_FAILURE)
              .withStatus("True")
              .withReason(reason)
              .withMessage(manageReplicasErr.getMessage())
              .withLastTransitionTime(now.truncatedTo(ChronoUnit.SECONDS).toString())
              .build());
    } else if (manageReplicasErr == null && failure != null) {
      newStatus.setConditions(without(newStatus.getConditions(), REPLICA_FAILURE));
    }
    newStatus.setReplicas(filteredPods.size());
    newStatus.setFullyLabeledReplicas(fullyLabeled);
    newStatus.setReadyReplicas(ready);
    newStatus.setAvailableReplicas(available);
    return newStatus;
  }

  /** {@code GetCondition}. */
  static ReplicaSetCondition condition(ReplicaSetStatus status, String type) {
    for (ReplicaSetCondition c : conditions(status)) {
      if (type.equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  /** {@code SetCondition}: replaces the condition of that type unless status and reason agree. */
  static void setCondition(ReplicaSetStatus status, ReplicaSetCondition cond) {
    ReplicaSetCondition current = condition(status, cond.getType());
    if (current != null
        && Objects.equals(current.getStatus(), cond.getStatus())
        && Objects.equals(current.getReason(), cond.getReason())) {
      return;
    }
    List<ReplicaSetCondition> out = without(status.getConditions(), cond.getType());
    out.add(cond);
    status.setConditions(out);
  }

  private static List<ReplicaSetCondition> without(List<ReplicaSetCondition> cs, String type) {
    List<ReplicaSetCondition> out = new ArrayList<>();
    if (cs != null) {
      for (ReplicaSetCondition c : cs) {
        if (!type.equals(c.getType())) {
          out.add(c);
        }
      }
    }
    return out;
  }

  /** The conditions, never null (an absent list and an empty one are the same status). */
  static List<ReplicaSetCondition> conditions(ReplicaSetStatus status) {
    return status == null || status.getConditions() == null ? List.of() : status.getConditions();
  }

  /** Whether the four counts agree (an absent count is zero, as an omitted int32). */
  static boolean sameCounts(ReplicaSetStatus a, ReplicaSetStatus b) {
    return count(a == null ? null : a.getReplicas()) == count(b.getReplicas())
        && count(a == null ? null : a.getFullyLabeledReplicas())
            == count(b.getFullyLabeledReplicas())
        && count(a == null ? null : a.getReadyReplicas()) == count(b.getReadyReplicas())
        && count(a == null ? null : a.getAvailableReplicas()) == count(b.getAvailableReplicas());
  }

  static int count(Integer n) {
    return n == null ? 0 : n;
  }
}
