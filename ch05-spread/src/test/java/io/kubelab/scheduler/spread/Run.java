package io.kubelab.scheduler.spread;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.algorithm.PriorityMapFunction;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.algorithm.PriorityReduceFunction;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.priorities.MetadataExtension;
import io.kubelab.scheduler.priorities.MetadataFactory;
import io.kubelab.scheduler.priorities.MetadataPart;
import io.kubelab.scheduler.priorities.PodPriorityMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Upstream's {@code runMapReducePriority} and the metadata its tests build. */
final class Run {

  private Run() {}

  /** The factory args a scheduler built with these listers would get. */
  static AlgorithmFactoryArgs args(Snapshot snapshot, SpreadListers listers) {
    return new AlgorithmFactoryArgs(snapshot, 1, Map.of(SpreadListers.class, listers));
  }

  /**
   * {@code NewMetadataFactory(listers...)(pod, filteredNodes, snapshot)}: chapter 04's factory with
   * this chapter's parts.
   */
  static PodPriorityMetadata metadata(
      Pod pod, SpreadListers listers, List<Node> filteredNodes, Snapshot snapshot) {
    AlgorithmFactoryArgs args = args(snapshot, listers);
    Map<MetadataExtension<?>, MetadataPart<?>> parts = new LinkedHashMap<>();
    for (MetadataExtension<?> e : SpreadMetadata.EXTENSIONS) {
      parts.put(e, e.factory().apply(args));
    }
    return new MetadataFactory(1, null, parts)
        .produce(pod, infos(filteredNodes, snapshot), snapshot);
  }

  static List<NodeInfo> infos(List<Node> nodes, Snapshot snapshot) {
    List<NodeInfo> out = new ArrayList<>();
    for (Node n : nodes) {
      out.add(snapshot.get(n.getMetadata().getName()));
    }
    return out;
  }

  /** The map over {@code nodes} in order, then the reduce: name → score, in node order. */
  static Map<String, Long> mapReduce(
      PriorityMapFunction map,
      PriorityReduceFunction reduce,
      PriorityMetadata meta,
      Pod pod,
      Snapshot snapshot,
      List<Node> nodes) {
    List<String> names = new ArrayList<>();
    for (Node n : nodes) {
      names.add(n.getMetadata().getName());
    }
    NodeScoreList result = new NodeScoreList(names);
    for (int i = 0; i < names.size(); i++) {
      result.setScore(i, map.map(pod, meta, snapshot.get(names.get(i))));
    }
    if (reduce != null) {
      reduce.reduce(pod, meta, snapshot, result);
    }
    return scores(result);
  }

  static Map<String, Long> scores(NodeScoreList list) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      m.put(list.name(i), list.score(i));
    }
    return m;
  }

  /** Expected scores from alternating names and scores. */
  static Map<String, Long> expect(Object... nameScore) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < nameScore.length; i += 2) {
      m.put((String) nameScore[i], ((Number) nameScore[i + 1]).longValue());
    }
    return m;
  }
}
