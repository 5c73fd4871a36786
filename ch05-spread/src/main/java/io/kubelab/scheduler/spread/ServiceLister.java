package io.kubelab.scheduler.spread;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.kubelab.apimachinery.labels.LabelSelectors;
import java.util.ArrayList;
import java.util.List;

/**
 * The Services the scheduler can see, by namespace.
 *
 * <p>Upstream: client-go's {@code corelisters.ServiceLister} ({@code Services(ns).List(selector)})
 * and the scheduler's {@code GetPodServices} ({@code listers/core/v1/service_expansion.go} in the
 * v1.17 client-go; {@code framework/plugins/helper/spread.go} from v1.19). The integration fills an
 * {@link InMemoryListers} from its input; tests do the same.
 */
public interface ServiceLister {

  /** A lister that knows no Service. */
  ServiceLister EMPTY = namespace -> List.of();

  /** The Services of {@code namespace}, in a fixed order (namespace, then name). */
  List<Service> services(String namespace);

  /**
   * {@code GetPodServices}: the Services of the pod's namespace whose selector matches the pod's
   * labels. A Service without a selector selects nothing (it is not an empty selector); a Service
   * with an empty selector ({@code selector: {}}) selects every pod of its namespace.
   */
  default List<Service> getPodServices(Pod pod) {
    List<Service> out = new ArrayList<>();
    for (Service s : services(SpreadSelector.namespace(pod))) {
      if (s.getSpec() == null || s.getSpec().getSelector() == null) {
        continue;
      }
      if (LabelSelectors.fromMap(s.getSpec().getSelector()).matches(SpreadSelector.labels(pod))) {
        out.add(s);
      }
    }
    return out;
  }
}
