package io.kubelab.scheduler.spread;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.kubelab.apimachinery.labels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The StatefulSets the scheduler can see, by namespace.
 *
 * <p>Upstream: client-go's {@code appslisters.StatefulSetLister} and its {@code GetPodStatefulSets}
 * ({@code listers/apps/v1/statefulset_expansion.go}).
 */
public interface StatefulSetLister {

  /** A lister that knows no StatefulSet: upstream's {@code algorithm.EmptyStatefulSetLister}. */
  StatefulSetLister EMPTY = namespace -> List.of();

  /** The StatefulSets of {@code namespace}, in a fixed order. */
  List<StatefulSet> statefulSets(String namespace);

  /**
   * {@code GetPodStatefulSets}: the StatefulSets of the pod's namespace whose selector matches the
   * pod's labels. A pod without labels has none; a nil or empty selector matches nothing.
   *
   * @throws IllegalArgumentException when a StatefulSet of the namespace has a malformed selector,
   *     as upstream's lister fails the whole call
   */
  default List<StatefulSet> getPodStatefulSets(Pod pod) {
    Map<String, String> podLabels = SpreadSelector.labels(pod);
    if (podLabels.isEmpty()) {
      return List.of();
    }
    List<StatefulSet> out = new ArrayList<>();
    for (StatefulSet ss : statefulSets(SpreadSelector.namespace(pod))) {
      Selector selector =
          SpreadSelector.compile(
              ss.getSpec() == null ? null : ss.getSpec().getSelector(), "StatefulSet", ss);
      if (selector.isEmpty() || !selector.matches(podLabels)) {
        continue;
      }
      out.add(ss);
    }
    return out;
  }
}
