package io.kubelab.scheduler.priorities;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.algorithm.PriorityMapFunction;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.algorithm.PriorityReduceFunction;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Helpers shared by this module's tests, after upstream's {@code test_util.go}. */
final class TestSupport {

  private TestSupport() {}

  /** {@code makeNode}: a node with this much allocatable milli-CPU and memory (bytes). */
  static Node makeNode(String name, long milliCpu, long memory) {
    return Fixtures.node(name).allocatable(milliCpu + "m", String.valueOf(memory)).build();
  }

  /**
   * {@code runMapReducePriority}: the map over {@code nodes} in order, then the reduce, over a
   * snapshot of {@code pods} and {@code nodes}.
   */
  static Map<String, Long> run(
      PriorityMapFunction map,
      PriorityReduceFunction reduce,
      PriorityMetadata meta,
      Pod pod,
      List<Pod> pods,
      List<Node> nodes) {
    Snapshot snapshot = Snapshot.of(pods, nodes);
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

  /** {@link #run} with the metadata the registered factory would build for the pod. */
  static Map<String, Long> runWithMetadata(
      PriorityMapFunction map,
      PriorityReduceFunction reduce,
      Pod pod,
      List<Pod> pods,
      List<Node> nodes) {
    Snapshot snapshot = Snapshot.of(pods, nodes);
    PodPriorityMetadata meta = new MetadataFactory().produce(pod, snapshot.list(), snapshot);
    return run(map, reduce, meta, pod, pods, nodes);
  }

  /** Name → score, in list order. */
  static Map<String, Long> scores(NodeScoreList list) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      m.put(list.name(i), list.score(i));
    }
    return m;
  }

  /** Expected scores from alternating names and scores: {@code expect("m1", 37L, "m2", 50L)}. */
  static Map<String, Long> expect(Object... nameScore) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < nameScore.length; i += 2) {
      m.put((String) nameScore[i], ((Number) nameScore[i + 1]).longValue());
    }
    return m;
  }
}
