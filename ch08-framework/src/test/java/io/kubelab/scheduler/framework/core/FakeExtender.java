package io.kubelab.scheduler.framework.core;

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
import java.util.Set;

/**
 * An in-process extender whose answers a test sets, and which logs its calls: it rejects the nodes
 * it is given whose names it was built with ({@code "NAME says no"}), scores from {@link #scores}
 * with {@link #weight}, may fail either verb, and with {@link #preempts} vetoes the preemption
 * candidates on {@link #vetoPreemptionOn}. Chapter 07's HTTP client is the same interface over the
 * wire.
 */
final class FakeExtender implements SchedulerExtender {

  final String name;
  final Set<String> reject;
  Map<String, Long> scores = Map.of();
  long weight = 1;
  boolean interested = true;
  boolean ignorable;
  boolean failFilter;
  boolean failPrioritize;

  /** Whether it also reports the rejected nodes it was not given, as an extender may. */
  boolean reportsNodesNotGiven;

  boolean preempts;
  Set<String> vetoPreemptionOn = Set.of();

  /** "filter N" and "prioritize N" (N: how many nodes it was given), in order. */
  final List<String> calls = new ArrayList<>();

  FakeExtender(String name, String... reject) {
    this.name = name;
    this.reject = Set.of(reject);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public FilterResult filter(Pod pod, List<Node> nodes, Snapshot s) {
    calls.add("filter " + nodes.size());
    if (failFilter) {
      throw new IllegalStateException("Failed filter with extender at URL " + name);
    }
    List<Node> kept = new ArrayList<>();
    Map<String, String> failed = new LinkedHashMap<>();
    for (Node n : nodes) {
      if (reject.contains(n.getMetadata().getName())) {
        failed.put(n.getMetadata().getName(), name + " says no");
      } else {
        kept.add(n);
      }
    }
    if (reportsNodesNotGiven) {
      for (String n : reject.stream().sorted().toList()) {
        failed.putIfAbsent(n, name + " says no");
      }
    }
    return new FilterResult(kept, failed);
  }

  @Override
  public PrioritizeResult prioritize(Pod pod, List<Node> nodes) {
    calls.add("prioritize " + nodes.size());
    if (failPrioritize) {
      throw new IllegalStateException("Failed prioritize");
    }
    return new PrioritizeResult(scores, weight);
  }

  @Override
  public void bind(Binding binding) {
    throw new UnsupportedOperationException();
  }

  @Override
  public boolean isBinder() {
    return false;
  }

  @Override
  public boolean isInterested(Pod pod) {
    return interested;
  }

  @Override
  public boolean isIgnorable() {
    return ignorable;
  }

  @Override
  public boolean supportsPreemption() {
    return preempts;
  }

  @Override
  public Map<String, Victims> processPreemption(
      Pod pod, Map<String, Victims> nodeNameToVictims, Snapshot nodeInfos) {
    Map<String, Victims> out = new LinkedHashMap<>(nodeNameToVictims);
    out.keySet().removeAll(vetoPreemptionOn);
    return out;
  }
}
