package io.kubelab.scheduler.preemption;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.SchedulerExtender;
import io.kubelab.scheduler.algorithm.Victims;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Upstream's {@code FakeExtender} of {@code pkg/scheduler/core/extender_test.go} (v1.17), as its
 * preemption tests use it: not node-cache-capable, so {@code ProcessPreemption} keeps a candidate
 * node only if the extender's own predicates accept the node, and adds no victims.
 */
final class FakeExtender implements SchedulerExtender {

  /** {@code fitPredicate}: may throw, as {@code errorPredicateExtender} does. */
  @FunctionalInterface
  interface ExtenderPredicate {
    boolean fits(Pod pod, Node node);
  }

  static final ExtenderPredicate TRUE = (pod, node) -> true;
  static final ExtenderPredicate FALSE = (pod, node) -> false;
  static final ExtenderPredicate MACHINE1 =
      (pod, node) -> node.getMetadata().getName().equals("machine1");
  static final ExtenderPredicate ERROR =
      (pod, node) -> {
        throw new IllegalStateException("some error");
      };

  private final List<ExtenderPredicate> predicates;
  private final boolean unInterested;
  private final boolean ignorable;
  int preemptionCalls;

  FakeExtender(List<ExtenderPredicate> predicates, boolean unInterested, boolean ignorable) {
    this.predicates = List.copyOf(predicates);
    this.unInterested = unInterested;
    this.ignorable = ignorable;
  }

  static FakeExtender of(ExtenderPredicate... predicates) {
    return new FakeExtender(List.of(predicates), false, false);
  }

  @Override
  public String name() {
    return "FakeExtender";
  }

  @Override
  public boolean supportsPreemption() {
    return true;
  }

  @Override
  public Map<String, Victims> processPreemption(
      Pod pod, Map<String, Victims> nodeNameToVictims, Snapshot nodeInfos) {
    preemptionCalls++;
    Map<String, Victims> copy = new LinkedHashMap<>(nodeNameToVictims);
    for (String nodeName : new ArrayList<>(copy.keySet())) {
      if (!runPredicate(pod, nodeInfos.get(nodeName).node())) {
        copy.remove(nodeName);
      }
    }
    return copy;
  }

  private boolean runPredicate(Pod pod, Node node) {
    for (ExtenderPredicate p : predicates) {
      if (!p.fits(pod, node)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public FilterResult filter(Pod pod, List<Node> nodes, Snapshot snapshot) {
    List<Node> kept = new ArrayList<>();
    Map<String, String> failed = new LinkedHashMap<>();
    for (Node n : nodes) {
      if (runPredicate(pod, n)) {
        kept.add(n);
      } else {
        failed.put(n.getMetadata().getName(), "FakeExtender failed");
      }
    }
    return new FilterResult(kept, failed);
  }

  @Override
  public PrioritizeResult prioritize(Pod pod, List<Node> nodes) {
    return new PrioritizeResult(Map.of(), 0);
  }

  @Override
  public void bind(Binding binding) {
    throw new UnsupportedOperationException("not a binder");
  }

  @Override
  public boolean isBinder() {
    return false;
  }

  @Override
  public boolean isInterested(Pod pod) {
    return !unInterested;
  }

  @Override
  public boolean isIgnorable() {
    return ignorable;
  }
}
