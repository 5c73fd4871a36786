package io.kubelab.scheduler.spread;

import static io.kubelab.scheduler.algorithm.NodeScoreList.MAX_NODE_SCORE;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.AlgorithmFactories.MapReduce;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.algorithm.policy.Policy;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.priorities.PodPriorityMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Policy's {@code serviceAntiAffinity} priority: spread a Service's pods over the values of a
 * node label (a rack, a zone), so that each value ends up with as few of them as possible.
 *
 * <p>Upstream: {@code ServiceAntiAffinity}, {@code CalculateAntiAffinityPriorityMap}, {@code
 * CalculateAntiAffinityPriorityReduce} and {@code updateNodeScoresForLabel} in {@code
 * pkg/scheduler/algorithm/priorities/selector_spreading.go} (v1.17), registered by {@code
 * RegisterCustomPriorityFunction} under the name of the v1.18 {@code ServiceAffinity} plugin.
 *
 * <ul>
 *   <li><b>Map</b>: pods on the node in the pod's namespace, not being deleted, that match the
 *       selector of the first Service selecting the pod (none: 0).
 *   <li><b>Reduce</b>, per label: {@code 100 × (total − countOfMyValue) / total}, where {@code
 *       total} is the sum over all scored nodes and {@code countOfMyValue} the sum over the scored
 *       nodes with the node's value of the label; 100 when {@code total} is 0; nothing for a node
 *       without the label. With n labels (n {@code serviceAntiAffinity} arguments in one Policy),
 *       each contributes a n-th; the weights of the arguments add up.
 * </ul>
 */
public final class ServiceAntiAffinity {

  private final ServiceLister services;
  private final List<String> labels;

  /** {@code NewServiceAntiAffinityPriority}. */
  public ServiceAntiAffinity(ServiceLister services, List<String> labels) {
    this.services = Objects.requireNonNull(services, "services");
    this.labels = List.copyOf(labels);
    if (this.labels.isEmpty()) {
      throw new IllegalArgumentException("ServiceAntiAffinity: no label given");
    }
  }

  public List<String> labels() {
    return labels;
  }

  /** {@code CalculateAntiAffinityPriorityMap}. */
  public long calculateAntiAffinityPriorityMap(Pod pod, PriorityMetadata meta, NodeInfo nodeInfo) {
    SelectorSpread.requireNode(nodeInfo);
    SpreadSelector first =
        meta instanceof PodPriorityMetadata m
            ? m.part(SpreadMetadata.POD_FIRST_SERVICE_SELECTOR)
            : SpreadSelector.firstServiceSelector(pod, services);
    return SelectorSpread.countMatchingPods(
        SelectorSpread.namespace(pod), first == null ? SpreadSelector.EMPTY : first, nodeInfo);
  }

  /** {@code CalculateAntiAffinityPriorityReduce}: every label on the same map scores. */
  public void calculateAntiAffinityPriorityReduce(
      Pod pod, PriorityMetadata meta, Snapshot snapshot, NodeScoreList result) {
    double[] reduceResult = new double[result.size()];
    for (String label : labels) {
      updateNodeScoresForLabel(snapshot, result, reduceResult, label);
    }
    for (int i = 0; i < reduceResult.length; i++) {
      result.setScore(i, (long) reduceResult[i]);
    }
  }

  private void updateNodeScoresForLabel(
      Snapshot snapshot, NodeScoreList mapResult, double[] reduceResult, String label) {
    long numServicePods = 0;
    Map<String, Long> podCounts = new HashMap<>();
    String[] labelValues = new String[mapResult.size()];
    for (int i = 0; i < mapResult.size(); i++) {
      numServicePods += mapResult.score(i);
      Map<String, String> nodeLabels =
          snapshot.get(mapResult.name(i)).node().getMetadata().getLabels();
      if (nodeLabels == null || !nodeLabels.containsKey(label)) {
        continue;
      }
      labelValues[i] = nodeLabels.get(label);
      podCounts.merge(labelValues[i], mapResult.score(i), Long::sum);
    }
    double max = MAX_NODE_SCORE;
    for (int i = 0; i < mapResult.size(); i++) {
      if (labelValues[i] == null) {
        continue;
      }
      double fScore = max;
      if (numServicePods > 0) {
        fScore =
            max
                * ((double) (numServicePods - podCounts.get(labelValues[i]))
                    / (double) numServicePods);
      }
      // One label's share: n labels are n Policy arguments whose weights were added up.
      reduceResult[i] += fScore / (double) labels.size();
    }
  }

  /**
   * The custom-priority factory for {@code serviceAntiAffinity}: one priority over the labels of
   * all the Policy's arguments, in Policy order.
   */
  static MapReduce customPriority(
      List<Policy.PriorityArgument> arguments, AlgorithmFactoryArgs args) {
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < arguments.size(); i++) {
      String label = arguments.get(i).serviceAntiAffinity().label();
      if (label == null || label.isEmpty()) {
        throw new IllegalArgumentException(
            "ServiceAntiAffinity: serviceAntiAffinity.label is required (argument " + i + ")");
      }
      labels.add(label);
    }
    ServiceAntiAffinity s = new ServiceAntiAffinity(SpreadListers.from(args).services(), labels);
    return new MapReduce(
        s::calculateAntiAffinityPriorityMap, s::calculateAntiAffinityPriorityReduce);
  }

  @Override
  public String toString() {
    return "ServiceAntiAffinity{labels=" + labels + "}";
  }
}
