package io.kubelab.scheduler.predicates;

import static io.kubelab.apimachinery.testing.Fixtures.affinityTerm;
import static io.kubelab.apimachinery.testing.Fixtures.matchLabels;
import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.scheduler.algorithm.AlgorithmConfig;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.AlgorithmProviders;
import io.kubelab.scheduler.algorithm.AlgorithmRegistry;
import io.kubelab.scheduler.algorithm.Configurator;
import io.kubelab.scheduler.algorithm.FitError;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.PredicateOrdering;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Registration into ch02's registry, and what the generic scheduler then reports. */
class RegistrationTest {

  static final String PROVIDER = "Ch03Default";

  static AlgorithmRegistry registry() {
    AlgorithmRegistry r = new AlgorithmRegistry();
    Predicates.registerAll(r);
    Set<String> names = new HashSet<>(Predicates.DEFAULT_PROVIDER);
    names.add(PredicateOrdering.EVEN_PODS_SPREAD_PRED);
    r.registerAlgorithmProvider(PROVIDER, names, Set.of());
    return r;
  }

  @Test
  void everyPredicateIsRegisteredUnderItsUpstreamName() {
    AlgorithmRegistry r = registry();
    for (String name : Predicates.all(() -> null, VolumeListers.NONE).keySet()) {
      assertThat(r.isFitPredicateRegistered(name)).as(name).isTrue();
    }
    assertThat(r.isFitPredicateRegistered(PredicateOrdering.NO_VOLUME_ZONE_CONFLICT_PRED))
        .isFalse();
  }

  @Test
  void upstreamsDefaultProviderNeedsVolumePredicatesThisChapterLeavesOut() {
    AlgorithmRegistry r = registry();
    AlgorithmProviders.registerAll(r);
    Configurator c = new Configurator(r, AlgorithmFactoryArgs.of(new Snapshot()));
    assertThatThrownBy(() -> c.createFromProvider(AlgorithmRegistry.DEFAULT_PROVIDER))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Schedules {@code pod} over {@code nodes} running {@code pods}; the FitError message, if any.
   */
  static String schedule(Pod pod, List<Node> nodes, List<Pod> pods) {
    Snapshot snapshot = new Snapshot();
    AlgorithmConfig config =
        new Configurator(registry(), AlgorithmFactoryArgs.of(snapshot))
            .createFromProvider(PROVIDER);
    try (SchedulerCache cache = new SchedulerCache(new FakeClock());
        GenericScheduler s =
            GenericScheduler.builder(cache, snapshot)
                .algorithm(config)
                .random(new Random(1))
                .parallelism(1)
                .build()) {
      nodes.forEach(cache::addNode);
      pods.forEach(cache::addPod);
      return s.schedule(pod).suggestedHost();
    } catch (FitError e) {
      return e.getMessage();
    }
  }

  @Test
  void reasonsAddUpIntoTheFitErrorMessage() {
    List<Node> nodes =
        List.of(
            node("n1").allocatable("1", "1Gi").unschedulable().build(),
            node("n2").allocatable("1", "1Gi").build(),
            node("n3").allocatable("500m", "4Gi").build());
    Pod big = pod("big").requests("2", "2Gi").build();
    // n1 stops at CheckNodeUnschedulable; n2 is short of both; n3 of cpu only. The entries are
    // sorted as strings, count included, as upstream sorts them.
    assertThat(schedule(big, nodes, List.of()))
        .isEqualTo(
            "0/3 nodes are available: 1 Insufficient memory, 1 node(s) were unschedulable,"
                + " 2 Insufficient cpu.");
  }

  @Test
  void interPodAffinityReportsTwoReasonsPerNode() {
    List<Node> nodes =
        List.of(
            node("n1").zone("z1").allocatable("4", "8Gi").build(),
            node("n2").zone("z1").allocatable("4", "8Gi").build());
    Pod guard =
        pod("guard")
            .requiredPodAntiAffinity(
                affinityTerm("topology.kubernetes.io/zone", matchLabels("app", "web")))
            .nodeName("n1")
            .build();
    Pod web = pod("web").label("app", "web").build();
    assertThat(schedule(web, nodes, List.of(guard)))
        .isEqualTo(
            "0/2 nodes are available: 2 node(s) didn't match pod affinity/anti-affinity,"
                + " 2 node(s) didn't satisfy existing pods anti-affinity rules.");
    assertThat(schedule(pod("other").build(), nodes, List.of(guard))).isIn("n1", "n2");
  }
}
