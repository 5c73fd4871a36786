package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Small helpers shared by this module's tests. */
final class TestSupport {

  private TestSupport() {}

  /** A NodeInfo of {@code node} running {@code pods}. */
  static NodeInfo nodeInfo(Node node, Pod... pods) {
    NodeInfo ni = new NodeInfo(pods);
    ni.setNode(node);
    return ni;
  }

  /** Metadata for {@code pod} over a snapshot of {@code pods} and {@code nodes}. */
  static PodPredicateMetadata meta(Pod pod, List<Pod> pods, List<Node> nodes) {
    return new MetadataProducer().produce(pod, Snapshot.of(pods, nodes));
  }

  /** The reason texts of a result, in order. */
  static List<String> reasons(PredicateResult r) {
    return r.reasons().stream().map(PredicateFailureReason::getReason).toList();
  }

  /** The messages logged by {@code type}'s logger while {@code action} runs. */
  static List<String> logged(Class<?> type, Runnable action) {
    Logger logger = Logger.getLogger(type.getName());
    List<String> messages = new ArrayList<>();
    Handler h =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            messages.add(r.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(h);
    boolean parent = logger.getUseParentHandlers();
    logger.setUseParentHandlers(false);
    try {
      action.run();
    } finally {
      logger.removeHandler(h);
      logger.setUseParentHandlers(parent);
    }
    return messages;
  }

  /** Adds a topology spread constraint to {@code pod}. */
  static Pod spread(Pod pod, int maxSkew, String key, String when, LabelSelector selector) {
    TopologySpreadConstraint c = new TopologySpreadConstraint();
    c.setMaxSkew(maxSkew);
    c.setTopologyKey(key);
    c.setWhenUnsatisfiable(when);
    c.setLabelSelector(selector);
    List<TopologySpreadConstraint> list =
        pod.getSpec().getTopologySpreadConstraints() == null
            ? new ArrayList<>()
            : new ArrayList<>(pod.getSpec().getTopologySpreadConstraints());
    list.add(c);
    pod.getSpec().setTopologySpreadConstraints(list);
    return pod;
  }
}
