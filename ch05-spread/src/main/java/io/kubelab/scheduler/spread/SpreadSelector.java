package io.kubelab.scheduler.spread;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.Requirement;
import io.kubelab.apimachinery.labels.Selector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The selector that says which existing pods are "the same workload" as a pod: the requirements of
 * every Service, ReplicationController, ReplicaSet and StatefulSet that selects it, ANDed.
 *
 * <p>Upstream: {@code getSelector} and {@code getFirstServiceSelector} in {@code
 * pkg/scheduler/algorithm/priorities/metadata.go} (v1.17; {@code helper.DefaultSelector} in v1.18),
 * and the selector's {@code Empty}/{@code Matches}. The Service and ReplicationController selectors
 * are label maps, merged into one map ({@code labels.Merge}: a later value wins, which cannot
 * matter since every one of them matches the pod); the ReplicaSet and StatefulSet selectors are
 * {@code LabelSelector}s whose requirements are appended. A selector with no requirement is
 * <em>empty</em>: it counts no pod at all (not every pod). Lister errors are ignored, as upstream
 * ignores them.
 *
 * <p>Matching runs once per existing pod of the cluster per scheduling cycle, so the common shape
 * (every requirement a {@code key=value}) is matched with two arrays and no allocation.
 */
public final class SpreadSelector {

  private static final Logger LOG = Logger.getLogger(SpreadSelector.class.getName());

  /** {@code labels.NewSelector()}: no requirement; matches no pod for spreading. */
  public static final SpreadSelector EMPTY = new SpreadSelector(List.of());

  private final List<Requirement> requirements;
  // Requirements of the form key in (value), the usual case, as parallel arrays.
  private final String[] equalKeys;
  private final String[] equalValues;
  // The rest (set-based requirements of ReplicaSets and StatefulSets).
  private final Requirement[] others;

  private SpreadSelector(List<Requirement> requirements) {
    this.requirements = List.copyOf(requirements);
    List<String> keys = new ArrayList<>();
    List<String> values = new ArrayList<>();
    List<Requirement> rest = new ArrayList<>();
    for (Requirement r : this.requirements) {
      if (r.operator() == Requirement.Operator.IN && r.values().size() == 1) {
        keys.add(r.key());
        values.add(r.values().iterator().next());
      } else {
        rest.add(r);
      }
    }
    this.equalKeys = keys.toArray(new String[0]);
    this.equalValues = values.toArray(new String[0]);
    this.others = rest.toArray(new Requirement[0]);
  }

  /** A selector of exactly these requirements, ANDed. */
  public static SpreadSelector of(List<Requirement> requirements) {
    return requirements.isEmpty() ? EMPTY : new SpreadSelector(requirements);
  }

  /** {@code labels.SelectorFromSet}: one {@code key=value} requirement per label. */
  public static SpreadSelector fromSet(Map<String, String> labels) {
    return labels == null || labels.isEmpty()
        ? EMPTY
        : of(LabelSelectors.fromMap(labels).requirements());
  }

  /**
   * {@code getSelector}: the selector of everything that selects {@code pod}.
   *
   * @param listers where the Services and controllers come from
   */
  public static SpreadSelector defaultSelector(Pod pod, SpreadListers listers) {
    // Services and RCs match the pod, so their maps cannot conflict: merging is safe.
    Map<String, String> labelSet = new LinkedHashMap<>();
    for (Service s : listers.services().getPodServices(pod)) {
      labelSet.putAll(s.getSpec().getSelector());
    }
    for (ReplicationController rc : listers.replicationControllers().getPodControllers(pod)) {
      labelSet.putAll(rc.getSpec().getSelector());
    }
    List<Requirement> reqs = new ArrayList<>(LabelSelectors.fromMap(labelSet).requirements());
    try {
      for (ReplicaSet rs : listers.replicaSets().getPodReplicaSets(pod)) {
        reqs.addAll(compile(rs.getSpec().getSelector(), "ReplicaSet", rs).requirements());
      }
    } catch (IllegalArgumentException e) {
      LOG.warning(() -> "getSelector: ReplicaSets ignored: " + e.getMessage());
    }
    try {
      for (StatefulSet ss : listers.statefulSets().getPodStatefulSets(pod)) {
        reqs.addAll(compile(ss.getSpec().getSelector(), "StatefulSet", ss).requirements());
      }
    } catch (IllegalArgumentException e) {
      LOG.warning(() -> "getSelector: StatefulSets ignored: " + e.getMessage());
    }
    return of(reqs);
  }

  /**
   * {@code getFirstServiceSelector}: the selector of the first Service that selects the pod, or
   * null when none does.
   */
  public static SpreadSelector firstServiceSelector(Pod pod, ServiceLister services) {
    List<Service> matching = services.getPodServices(pod);
    return matching.isEmpty() ? null : fromSet(matching.get(0).getSpec().getSelector());
  }

  /** True when there is no requirement: {@code selector.Empty()}. */
  public boolean isEmpty() {
    return requirements.isEmpty();
  }

  /** The requirements, ANDed. */
  public List<Requirement> requirements() {
    return requirements;
  }

  /** True when every requirement holds for {@code labels} (an empty selector matches all). */
  public boolean matches(Map<String, String> labels) {
    Map<String, String> l = labels == null ? Map.of() : labels;
    for (int i = 0; i < equalKeys.length; i++) {
      if (!equalValues[i].equals(l.get(equalKeys[i]))) {
        return false;
      }
    }
    for (Requirement r : others) {
      if (!r.matches(l)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SpreadSelector s
        && Set.copyOf(s.requirements).equals(Set.copyOf(requirements));
  }

  @Override
  public int hashCode() {
    return Set.copyOf(requirements).hashCode();
  }

  @Override
  public String toString() {
    if (requirements.isEmpty()) {
      return "<empty>";
    }
    List<String> parts = new ArrayList<>();
    for (Requirement r : requirements) {
      parts.add(r.toString());
    }
    return String.join(",", parts.stream().sorted().toList());
  }

  /** A pod's labels, never null. */
  static Map<String, String> labels(Pod pod) {
    Map<String, String> l = pod.getMetadata() == null ? null : pod.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }

  /**
   * The namespace a pod's owners and Services are looked up in: an object without one is in {@code
   * default}, as the API server would put it.
   */
  static String namespace(Pod pod) {
    String ns = pod.getMetadata() == null ? null : pod.getMetadata().getNamespace();
    return ns == null || ns.isEmpty() ? "default" : ns;
  }

  /** A workload's selector, compiled; a malformed one names the object and field. */
  static Selector compile(LabelSelector selector, String kind, HasMetadata owner) {
    String ns = owner.getMetadata() == null ? null : owner.getMetadata().getNamespace();
    String name = owner.getMetadata() == null ? null : owner.getMetadata().getName();
    return LabelSelectors.compile(
        selector,
        kind
            + " "
            + (ns == null || ns.isEmpty() ? "default" : ns)
            + "/"
            + name
            + ": spec.selector");
  }
}
