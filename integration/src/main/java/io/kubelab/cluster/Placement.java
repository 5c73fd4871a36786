package io.kubelab.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;

/**
 * Where one pending pod landed, or why it did not.
 *
 * @param pod the pod as it was pending
 * @param node the chosen node, or null when the pod is unschedulable or was skipped
 * @param evaluatedNodes how many nodes the scheduler examined
 * @param feasibleNodes how many of them fit
 * @param message the scheduler's message: empty on success, the FitError text otherwise
 * @param verdicts node name → why the pod does not fit there (empty list: it fits), for every node
 *     of the cluster at the moment the pod was scheduled, in the scheduler's node order
 */
public record Placement(
    Pod pod,
    String node,
    int evaluatedNodes,
    int feasibleNodes,
    String message,
    Map<String, List<String>> verdicts) {

  public boolean scheduled() {
    return node != null;
  }

  /** {@code namespace/name}. */
  public String podKey() {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}
