package io.kubelab.scheduler.spread;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.kubelab.apimachinery.labels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ReplicaSets the scheduler can see, by namespace. Deployments are not listed: their pods are
 * owned by ReplicaSets, and it is through those that a Deployment's pods are spread.
 *
 * <p>Upstream: client-go's {@code appslisters.ReplicaSetLister} and its {@code GetPodReplicaSets}
 * ({@code listers/apps/v1/replicaset_expansion.go}).
 */
public interface ReplicaSetLister {

  /** A lister that knows no ReplicaSet: upstream's {@code algorithm.EmptyReplicaSetLister}. */
  ReplicaSetLister EMPTY = namespace -> List.of();

  /** The ReplicaSets of {@code namespace}, in a fixed order. */
  List<ReplicaSet> replicaSets(String namespace);

  /**
   * {@code GetPodReplicaSets}: the ReplicaSets of the pod's namespace whose selector matches the
   * pod's labels. A pod without labels has none; a nil or empty selector matches nothing.
   *
   * @throws IllegalArgumentException when a ReplicaSet of the namespace has a malformed selector:
   *     upstream's lister fails the whole call then ({@code "invalid selector: ..."})
   */
  default List<ReplicaSet> getPodReplicaSets(Pod pod) {
    Map<String, String> podLabels = SpreadSelector.labels(pod);
    if (podLabels.isEmpty()) {
      return List.of();
    }
    List<ReplicaSet> out = new ArrayList<>();
    for (ReplicaSet rs : replicaSets(SpreadSelector.namespace(pod))) {
      Selector selector =
          SpreadSelector.compile(
              rs.getSpec() == null ? null : rs.getSpec().getSelector(), "ReplicaSet", rs);
      if (selector.isEmpty() || !selector.matches(podLabels)) {
        continue;
      }
      out.add(rs);
    }
    return out;
  }
}
