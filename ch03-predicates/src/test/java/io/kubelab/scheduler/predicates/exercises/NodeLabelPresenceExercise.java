package io.kubelab.scheduler.predicates.exercises;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.List;

/**
 * Write it: {@code CheckNodeLabelPresence}, the predicate a Policy builds from {@code
 * labelsPresence} arguments.
 *
 * <p>Upstream: {@code NodeLabelChecker.CheckNodeLabelPresence} in {@code
 * pkg/scheduler/algorithm/predicates/predicates.go} (v1.17). The node fits when it carries every
 * label key of {@code presentLabels} and none of {@code absentLabels}; the values do not matter (a
 * node labelled {@code retiring=2020-05-01} is kept off by {@code absentLabels: [retiring]}). A
 * node that fails gets the one reason {@code PredicateErrors.ERR_NODE_LABEL_PRESENCE_VIOLATED},
 * "node(s) didn't have the requested labels". A NodeInfo without a node cannot be judged: throw an
 * {@link IllegalStateException} whose message contains "node not found", as the other predicates of
 * this chapter do.
 */
public final class NodeLabelPresenceExercise implements FitPredicate {

  private final List<String> presentLabels;
  private final List<String> absentLabels;

  public NodeLabelPresenceExercise(List<String> presentLabels, List<String> absentLabels) {
    this.presentLabels = List.copyOf(presentLabels);
    this.absentLabels = List.copyOf(absentLabels);
  }

  @Override
  public PredicateResult check(Pod pod, PredicateMetadata meta, NodeInfo nodeInfo) {
    throw new UnsupportedOperationException("exercise");
  }
}
