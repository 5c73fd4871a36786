package io.kubelab.scheduler;

import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.kubelab.apimachinery.objects.ShallowCopy;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Sets one condition in a pod's status, keeping its transition time when its status stays.
 *
 * <p>Upstream: {@code UpdatePodCondition} in {@code pkg/api/v1/pod/util.go} (v1.18): the condition
 * gets {@code lastTransitionTime = now}, or the old one's when the status did not change; it is
 * appended when the pod has none of its type, else it replaces the old one. The result says whether
 * anything changed, so that callers skip an API update that would change nothing.
 */
public final class PodConditions {

  /** {@code v1.PodScheduled}. */
  public static final String POD_SCHEDULED = "PodScheduled";

  /** {@code v1.PodReasonUnschedulable}. */
  public static final String REASON_UNSCHEDULABLE = "Unschedulable";

  private PodConditions() {}

  /**
   * {@code UpdatePodCondition}.
   *
   * @param status changed in place
   * @param condition not changed; a copy with its transition time goes into {@code status} (the
   *     copy shares the condition's {@code additionalProperties} map, which nothing here writes)
   * @param now the current time (truncated to seconds, as {@code metav1.Time} serializes it)
   * @return true when the status changed
   */
  public static boolean updatePodCondition(PodStatus status, PodCondition condition, Instant now) {
    PodCondition c = ShallowCopy.of(condition);
    c.setLastTransitionTime(now.truncatedTo(ChronoUnit.SECONDS).toString());
    List<PodCondition> conditions =
        status.getConditions() == null
            ? new ArrayList<>()
            : new ArrayList<>(status.getConditions());
    int index = -1;
    for (int i = 0; i < conditions.size(); i++) {
      if (Objects.equals(conditions.get(i).getType(), c.getType())) {
        index = i;
        break;
      }
    }
    if (index < 0) {
      conditions.add(c);
      status.setConditions(conditions);
      return true;
    }
    PodCondition old = conditions.get(index);
    if (Objects.equals(c.getStatus(), old.getStatus())) {
      c.setLastTransitionTime(old.getLastTransitionTime());
    }
    boolean isEqual =
        Objects.equals(c.getStatus(), old.getStatus())
            && Objects.equals(c.getReason(), old.getReason())
            && Objects.equals(c.getMessage(), old.getMessage())
            && Objects.equals(c.getLastProbeTime(), old.getLastProbeTime())
            && Objects.equals(c.getLastTransitionTime(), old.getLastTransitionTime());
    conditions.set(index, c);
    status.setConditions(conditions);
    return !isEqual;
  }

  /** The pod's condition of {@code type}, or null. */
  public static PodCondition get(PodStatus status, String type) {
    if (status == null || status.getConditions() == null) {
      return null;
    }
    for (PodCondition c : status.getConditions()) {
      if (Objects.equals(c.getType(), type)) {
        return c;
      }
    }
    return null;
  }
}
