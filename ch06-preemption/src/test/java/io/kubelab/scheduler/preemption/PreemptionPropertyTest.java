package io.kubelab.scheduler.preemption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.scheduler.algorithm.FitError;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import io.kubelab.scheduler.algorithm.PredicateOrdering;
import io.kubelab.scheduler.algorithm.TestCluster;
import io.kubelab.scheduler.algorithm.Victims;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.predicates.MetadataProducer;
import io.kubelab.scheduler.predicates.PredicateErrors;
import io.kubelab.scheduler.predicates.Predicates;
import io.kubelab.scheduler.predicates.VolumeListers;
import io.kubelab.scheduler.preemption.PreemptionScenarios.Scenario;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The invariants of preemption over generated clusters, each checked by an oracle that runs ch03's
 * predicates on a cluster rebuilt from scratch (fresh snapshot, fresh metadata) and never calls the
 * preemption code: the preemptor fits once its victims are gone, every victim was needed, no victim
 * is as important as the preemptor, and when preemption finds nothing, nothing could help.
 */
class PreemptionPropertyTest {

  static final List<String> PREDICATES =
      List.of(
          PredicateOrdering.GENERAL_PRED,
          PredicateOrdering.POD_TOLERATES_NODE_TAINTS_PRED,
          PredicateOrdering.MATCH_INTER_POD_AFFINITY_PRED);

  static Map<String, FitPredicate> predicates(Snapshot snapshot) {
    Map<String, FitPredicate> all =
        new LinkedHashMap<>(Predicates.all(() -> snapshot, VolumeListers.NONE));
    all.keySet().retainAll(PREDICATES);
    return all;
  }

  static GenericScheduler scheduler(Scenario s) {
    Snapshot snapshot = Snapshot.of(s.running(), s.nodes());
    return GenericScheduler.builder(new TestCluster.SnapshotCache(), snapshot)
        .predicates(predicates(snapshot))
        .predicateMetadataProducer(new MetadataProducer())
        .nominator(node -> s.nominated().getOrDefault(node, List.of()))
        .parallelism(1)
        .build();
  }

  static Preemption preemption(GenericScheduler scheduler, Scenario s) {
    return Preemption.builder(scheduler, new FakeClock(Instant.parse("2020-06-01T00:00:00Z")))
        .pdbLister(PdbLister.of(s.pdbs()))
        .parallelism(2)
        .build();
  }

  static int priority(Pod p) {
    Integer v = p.getSpec().getPriority();
    return v == null ? 0 : v;
  }

  /** Runs the predicates, in order, on {@code node} of a cluster of exactly {@code running}. */
  static boolean fitsFresh(Pod pod, String node, List<Pod> running, List<Node> nodes) {
    Snapshot snapshot = Snapshot.of(running, nodes);
    PredicateMetadata meta = new MetadataProducer().produce(pod, snapshot);
    NodeInfo ni = snapshot.get(node);
    Map<String, FitPredicate> predicates = predicates(snapshot);
    for (String name : PredicateOrdering.ordering()) {
      FitPredicate p = predicates.get(name);
      if (p != null && !p.check(pod, meta, ni).fits()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The oracle: {@code pod} fits on {@code node} of a cluster running {@code running}, both with
   * the pods of at least its priority nominated there counted as running, and without them.
   */
  static boolean fits(Pod pod, String node, List<Pod> running, Scenario s) {
    List<Pod> withNominated = new ArrayList<>(running);
    for (Pod n : s.nominated().getOrDefault(node, List.of())) {
      if (priority(n) >= priority(pod)) {
        withNominated.add(new PodBuilder(n).editSpec().withNodeName(node).endSpec().build());
      }
    }
    return fitsFresh(pod, node, withNominated, s.nodes())
        && fitsFresh(pod, node, running, s.nodes());
  }

  static List<Pod> without(List<Pod> pods, List<Pod> removed) {
    Set<String> uids = new HashSet<>();
    removed.forEach(p -> uids.add(p.getMetadata().getUid()));
    return pods.stream().filter(p -> !uids.contains(p.getMetadata().getUid())).toList();
  }

  static FitError fitError(GenericScheduler scheduler, Pod pod) {
    try {
      scheduler.schedule(pod);
      return null;
    } catch (FitError e) {
      return e;
    }
  }

  @Test
  void preemptionMakesRoomWithOnlyNeededLowerPriorityVictims() {
    AtomicInteger withVictims = new AtomicInteger();
    AtomicInteger nothingHelps = new AtomicInteger();
    qt().withFixedSeed(0x06_9e_e3_b7L)
        .withExamples(150)
        .withShrinkCycles(40)
        .forAll(PreemptionScenarios.scenarios())
        .checkAssert(
            s -> {
              GenericScheduler scheduler = scheduler(s);
              Pod pod = s.preemptor();
              FitError fitError = fitError(scheduler, pod);
              if (fitError == null) {
                return;
              }
              PreemptionResult r;
              try (Preemption preemption = preemption(scheduler, s)) {
                r = preemption.preempt(pod, fitError);
              }
              if (r.node().isEmpty()) {
                nothingHelps.incrementAndGet();
                for (NodeInfo ni : scheduler.snapshot().list()) {
                  List<PredicateFailureReason> reasons =
                      fitError.failedPredicates().getOrDefault(ni.nodeName(), List.of());
                  if (PredicateErrors.unresolvablePredicateExists(reasons).isPresent()) {
                    continue;
                  }
                  List<Pod> lower =
                      s.running().stream()
                          .filter(p -> p.getSpec().getNodeName().equals(ni.nodeName()))
                          .filter(p -> priority(p) < priority(pod))
                          .toList();
                  assertThat(fits(pod, ni.nodeName(), without(s.running(), lower), s))
                      .as(
                          "preemption gave up, but evicting everything lower helps on %s",
                          ni.nodeName())
                      .isFalse();
                }
                return;
              }
              String node = r.nodeName();
              for (Pod v : r.victims()) {
                assertThat(priority(v))
                    .as("victim %s", v.getMetadata().getName())
                    .isLessThan(priority(pod));
                assertThat(v.getSpec().getNodeName()).isEqualTo(node);
              }
              assertThat(fits(pod, node, without(s.running(), r.victims()), s))
                  .as("fits on %s without %s", node, r.victims())
                  .isTrue();
              for (Pod v : r.victims()) {
                List<Pod> others = without(r.victims(), List.of(v));
                assertThat(fits(pod, node, without(s.running(), others), s))
                    .as("%s need not have been evicted from %s", v.getMetadata().getName(), node)
                    .isFalse();
              }
              if (!r.victims().isEmpty()) {
                withVictims.incrementAndGet();
              }
            });
    assertThat(withVictims.get()).as("scenarios where preemption evicted pods").isGreaterThan(25);
    assertThat(nothingHelps.get()).as("scenarios where nothing could help").isGreaterThan(10);
  }

  @Test
  void preemptionNeverTouchesAPodOfEqualOrHigherPriorityOnAnyNode() {
    qt().withFixedSeed(0x06_77_01_2dL)
        .withExamples(100)
        .withShrinkCycles(40)
        .forAll(PreemptionScenarios.scenarios())
        .checkAssert(
            s -> {
              GenericScheduler scheduler = scheduler(s);
              Pod pod = s.preemptor();
              try (Preemption preemption = preemption(scheduler, s)) {
                Map<String, Victims> all =
                    preemption.selectNodesForPreemption(pod, s.nodes(), s.pdbs());
                all.forEach(
                    (node, victims) -> {
                      for (Pod v : victims.pods()) {
                        assertThat(priority(v)).isLessThan(priority(pod));
                        assertThat(v.getSpec().getNodeName()).isEqualTo(node);
                      }
                      assertThat(victims.numPDBViolations())
                          .isBetween(0L, (long) victims.pods().size());
                    });
                FitError fitError = fitError(scheduler, pod);
                if (fitError != null) {
                  for (Pod v : preemption.preempt(pod, fitError).victims()) {
                    assertThat(priority(v)).isLessThan(priority(pod));
                  }
                }
              }
            });
  }
}
