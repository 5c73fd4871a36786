package io.kubelab.scheduler.spread;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.algorithm.policy.Policy;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.predicates.PredicateErrors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * CheckServiceAffinity: the pods of a Service all run on nodes with the same values of the Policy's
 * labels. If the first pod of a Service landed in {@code region=foo}, the later ones may only go to
 * {@code region=foo} nodes.
 *
 * <p>Upstream: {@code ServiceAffinity}, {@code serviceAffinityMetadataProducer} and {@code
 * checkServiceAffinity} in {@code pkg/scheduler/algorithm/predicates/predicates.go} (v1.17), with
 * {@code FindLabelsInSet}, {@code AddUnsetLabelsToMap}, {@code CreateSelectorFromLabels} and {@code
 * FilterPodsByNamespace} of {@code predicates/utils.go}; built by {@code
 * RegisterCustomFitPredicate} from a Policy's {@code serviceAffinity} arguments (their labels
 * accumulated). The v1.18 {@code ServiceAffinity} plugin's Filter. Reason: "node(s) didn't match
 * service affinity".
 *
 * <p>The rule, for a node:
 *
 * <ol>
 *   <li>Labels the pod's own {@code nodeSelector} fixes are taken from it.
 *   <li>If some labels are still open, the pod is selected by a Service, and some pod matching the
 *       pod's labels in its namespace already runs (and is not removed from the node being checked,
 *       as preemption simulates), the open labels take the values of the node of the first such
 *       pod.
 *   <li>The node fits when it has all the values so gathered.
 * </ol>
 *
 * <p>Upstream precomputes the Services and the matching pods in the predicate metadata, through a
 * producer registered next to the predicate; chapter 03's producer has no place for it, so this
 * predicate computes them itself, as upstream does when that metadata is missing, and keeps them
 * for the rest of the cycle (same pod, same snapshot generation).
 */
public final class ServiceAffinityPredicate implements FitPredicate {

  private final Supplier<Snapshot> snapshot;
  private final ServiceLister services;
  private final List<String> labels;
  private volatile Memo memo;

  /**
   * The Services selecting the pod and the pods of its namespace matching its labels: upstream's
   * {@code serviceAffinityMetadata} (v1.17) and the plugin's {@code preFilterState} (v1.18).
   *
   * @param services the Services selecting the pod
   * @param pods the matching pods, in snapshot order
   */
  public record Matching(List<Service> services, List<Pod> pods) {}

  private record Memo(Pod pod, Snapshot snapshot, long generation, Matching matching) {}

  /**
   * {@code NewServiceAffinityPredicate}.
   *
   * @param snapshot the cycle's snapshot: its node infos and pods
   * @param services the Service lister
   * @param labels the affinity labels, duplicates kept as upstream keeps them
   */
  public ServiceAffinityPredicate(
      Supplier<Snapshot> snapshot, ServiceLister services, List<String> labels) {
    this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    this.services = Objects.requireNonNull(services, "services");
    this.labels = List.copyOf(labels);
  }

  public List<String> labels() {
    return labels;
  }

  /** {@code checkServiceAffinity}. */
  @Override
  public PredicateResult check(Pod pod, PredicateMetadata meta, NodeInfo nodeInfo) {
    Snapshot snap = snapshot.get();
    return check(pod, matching(pod, snap), nodeInfo, snap);
  }

  /**
   * {@code checkServiceAffinity} with the matching Services and pods given: the v1.18 plugin's
   * Filter over its PreFilter state.
   *
   * @param snap where the node of the first matching pod is looked up
   */
  public PredicateResult check(Pod pod, Matching m, NodeInfo nodeInfo, Snapshot snap) {
    List<Pod> filteredPods = nodeInfo.filterOutPods(m.pods());
    Node node = SelectorSpread.requireNode(nodeInfo);
    Map<String, String> affinityLabels = findLabelsInSet(labels, pod.getSpec().getNodeSelector());
    // Step 1: labels the pod does not fix come from the node of the first matching pod.
    if (labels.size() > affinityLabels.size()
        && !m.services().isEmpty()
        && !filteredPods.isEmpty()) {
      Node withAffinityLabels = snap.get(filteredPods.get(0).getSpec().getNodeName()).node();
      addUnsetLabelsToMap(affinityLabels, labels, withAffinityLabels.getMetadata().getLabels());
    }
    // Step 2: the node must have every value found.
    if (SpreadSelector.fromSet(affinityLabels).matches(node.getMetadata().getLabels())) {
      return PredicateResult.FIT;
    }
    return PredicateResult.fail(PredicateErrors.ERR_SERVICE_AFFINITY_VIOLATED);
  }

  /** {@code serviceAffinityMetadataProducer}, once per pod and snapshot generation. */
  Matching matching(Pod pod, Snapshot snap) {
    Memo m = memo;
    if (m != null
        && m.pod() == pod
        && m.snapshot() == snap
        && m.generation() == snap.generation()) {
      return m.matching();
    }
    Matching computed = serviceAffinityMetadata(pod, snap, services);
    memo = new Memo(pod, snap, snap.generation(), computed);
    return computed;
  }

  /**
   * The Services selecting {@code pod}, and every pod of the snapshot in its namespace whose labels
   * match the pod's labels ({@code CreateSelectorFromLabels}: a pod without labels matches all), in
   * snapshot order.
   */
  public static Matching serviceAffinityMetadata(Pod pod, Snapshot snap, ServiceLister services) {
    List<Service> matchingServices = services.getPodServices(pod);
    SpreadSelector selector = SpreadSelector.fromSet(pod.getMetadata().getLabels());
    String ns = SelectorSpread.namespace(pod);
    List<Pod> matchingPods = new ArrayList<>();
    for (NodeInfo ni : snap.list()) {
      for (Pod p : ni.pods()) {
        if (ns.equals(SelectorSpread.namespace(p))
            && selector.matches(p.getMetadata().getLabels())) {
          matchingPods.add(p);
        }
      }
    }
    return new Matching(List.copyOf(matchingServices), List.copyOf(matchingPods));
  }

  /** {@code FindLabelsInSet}: the labels of {@code labelsToKeep} that {@code set} has. */
  static Map<String, String> findLabelsInSet(List<String> labelsToKeep, Map<String, String> set) {
    Map<String, String> out = new LinkedHashMap<>();
    if (set == null) {
      return out;
    }
    for (String l : labelsToKeep) {
      if (set.containsKey(l)) {
        out.put(l, set.get(l));
      }
    }
    return out;
  }

  /** {@code AddUnsetLabelsToMap}: labels of {@code labelsToAdd} not yet in {@code into}. */
  static void addUnsetLabelsToMap(
      Map<String, String> into, List<String> labelsToAdd, Map<String, String> from) {
    if (from == null) {
      return;
    }
    for (String l : labelsToAdd) {
      if (!into.containsKey(l) && from.containsKey(l)) {
        into.put(l, from.get(l));
      }
    }
  }

  /**
   * The custom-predicate factory for {@code serviceAffinity}: one predicate over the labels of all
   * the Policy's arguments, in Policy order.
   */
  static FitPredicate customPredicate(
      List<Policy.PredicateArgument> arguments, AlgorithmFactoryArgs args) {
    List<String> labels = new ArrayList<>();
    for (Policy.PredicateArgument a : arguments) {
      labels.addAll(a.serviceAffinity().labels());
    }
    return new ServiceAffinityPredicate(
        args::sharedLister, SpreadListers.from(args).services(), labels);
  }

  @Override
  public String toString() {
    return "CheckServiceAffinity{labels=" + labels + "}";
  }
}
