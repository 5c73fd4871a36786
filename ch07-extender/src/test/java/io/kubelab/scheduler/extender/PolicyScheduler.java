package io.kubelab.scheduler.extender;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.scheduler.algorithm.AlgorithmConfig;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.AlgorithmRegistry;
import io.kubelab.scheduler.algorithm.Configurator;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.policy.Policies;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.predicates.Predicates;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Chapter 02's generic scheduler built from a Policy document, as {@code CreateFromConfig} builds
 * it, with chapter 03's predicates registered and one {@link HttpExtender} per entry of the
 * Policy's {@code extenders}, in the order the configurator gives them (ignorable ones last).
 */
final class PolicyScheduler implements AutoCloseable {

  final SchedulerCache cache = new SchedulerCache(new FakeClock());
  final Snapshot snapshot = new Snapshot();
  final AlgorithmConfig config;
  final List<HttpExtender> extenders;
  final GenericScheduler scheduler;

  PolicyScheduler(String policyJson, List<Node> nodes, List<Pod> running) {
    AlgorithmRegistry registry = new AlgorithmRegistry();
    Predicates.registerAll(registry);
    config =
        new Configurator(registry, AlgorithmFactoryArgs.of(snapshot))
            .createFromConfig(Policies.parse(policyJson));
    extenders = HttpExtender.createAll(config.extenders());
    nodes.forEach(cache::addNode);
    running.forEach(cache::addPod);
    scheduler =
        GenericScheduler.builder(cache, snapshot)
            .algorithm(config)
            .extenders(new ArrayList<>(extenders))
            .random(new SplittableRandom(7))
            .parallelism(1)
            .build();
  }

  @Override
  public void close() {
    scheduler.close();
    extenders.forEach(HttpExtender::close);
    cache.close();
  }
}
