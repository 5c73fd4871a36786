package io.kubelab.scheduler.spread;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ReplicationControllers the scheduler can see, by namespace.
 *
 * <p>Upstream: client-go's {@code corelisters.ReplicationControllerLister} and its {@code
 * GetPodControllers} ({@code listers/core/v1/replicationcontroller_expansion.go}).
 */
public interface ReplicationControllerLister {

  /** A lister that knows no controller: upstream's {@code algorithm.EmptyControllerLister}. */
  ReplicationControllerLister EMPTY = namespace -> List.of();

  /** The ReplicationControllers of {@code namespace}, in a fixed order. */
  List<ReplicationController> replicationControllers(String namespace);

  /**
   * {@code GetPodControllers}: the controllers of the pod's namespace whose selector matches the
   * pod's labels. A pod without labels has none; a controller with a nil or empty selector matches
   * nothing ("it should match nothing, not everything"). Upstream returns an error where this
   * returns an empty list, and the scheduler ignores that error.
   */
  default List<ReplicationController> getPodControllers(Pod pod) {
    Map<String, String> podLabels = SpreadSelector.labels(pod);
    if (podLabels.isEmpty()) {
      return List.of();
    }
    List<ReplicationController> out = new ArrayList<>();
    for (ReplicationController rc : replicationControllers(SpreadSelector.namespace(pod))) {
      Selector selector =
          LabelSelectors.fromMap(rc.getSpec() == null ? null : rc.getSpec().getSelector());
      if (selector.isEmpty() || !selector.matches(podLabels)) {
        continue;
      }
      out.add(rc);
    }
    return out;
  }
}
