package io.kubelab.scheduler.algorithm;

import static io.kubelab.scheduler.algorithm.PredicateOrdering.CHECK_NODE_UNSCHEDULABLE_PRED;
import static io.kubelab.scheduler.algorithm.PredicateOrdering.MATCH_INTER_POD_AFFINITY_PRED;
import static io.kubelab.scheduler.algorithm.PredicateOrdering.MATCH_NODE_SELECTOR_PRED;
import static io.kubelab.scheduler.algorithm.PredicateOrdering.POD_FITS_RESOURCES_PRED;
import static io.kubelab.scheduler.algorithm.TestCluster.node;
import static io.kubelab.scheduler.algorithm.TestCluster.nodeName;
import static io.kubelab.scheduler.algorithm.TestCluster.nodes;
import static io.kubelab.scheduler.algorithm.TestCluster.pod;
import static io.kubelab.scheduler.algorithm.TestCluster.scheduler;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.algorithm.PredicateFailureReason.InsufficientResourceError;
import io.kubelab.scheduler.algorithm.PredicateFailureReason.PredicateFailureError;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class GenericSchedulerTest {

  static final PredicateFailureError NODE_SELECTOR_MISMATCH =
      new PredicateFailureError(MATCH_NODE_SELECTOR_PRED, "node(s) didn't match node selector");

  static final FitPredicate ALWAYS_FITS = (pod, meta, ni) -> PredicateResult.FIT;

  /** Fits the nodes whose name is in {@code names}; the others fail with a selector mismatch. */
  static FitPredicate onlyOn(Set<String> names) {
    return (pod, meta, ni) ->
        names.contains(ni.nodeName())
            ? PredicateResult.FIT
            : PredicateResult.fail(NODE_SELECTOR_MISMATCH);
  }

  @Test
  void noNodesIsErrNoNodesAvailable() {
    try (GenericScheduler g =
        scheduler(List.of()).predicates(Map.of(MATCH_NODE_SELECTOR_PRED, ALWAYS_FITS)).build()) {
      assertThatThrownBy(() -> g.schedule(pod("web-1")))
          .isInstanceOf(SchedulingError.NoNodesAvailable.class)
          .hasMessage("no nodes available to schedule pods");
    }
  }

  @Test
  void everyCycleRefreshesTheSnapshotFromTheCache() {
    TestCluster.SnapshotCache cache = new TestCluster.SnapshotCache();
    try (GenericScheduler g =
        GenericScheduler.builder(cache, Snapshot.of(List.of(), nodes(3))).build()) {
      g.schedule(pod("a"));
      g.schedule(pod("b"));
      assertThat(cache.updates).hasValue(2);
    }
  }

  @Test
  void fitErrorMessageIsUpstreamsExactly() {
    FitPredicate resources =
        (pod, meta, ni) ->
            ni.nodeName().equals("n1")
                ? PredicateResult.fail(new InsufficientResourceError("cpu", 2000, 3000, 4000))
                : PredicateResult.FIT;
    FitPredicate selector = onlyOn(Set.of("n1"));
    try (GenericScheduler g =
        scheduler(List.of(node("n1"), node("n2"), node("n3")))
            .predicates(
                Map.of(POD_FITS_RESOURCES_PRED, resources, MATCH_NODE_SELECTOR_PRED, selector))
            .build()) {
      assertThatThrownBy(() -> g.schedule(pod("web-1")))
          .isInstanceOfSatisfying(
              FitError.class,
              e -> {
                assertThat(e.numAllNodes()).isEqualTo(3);
                assertThat(e.failedPredicates()).containsOnlyKeys("n1", "n2", "n3");
              })
          .hasMessage(
              "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match node selector.");
    }
  }

  @Test
  void fitErrorSortsEntriesAsStringsSoTenComesBeforeTwo() {
    Map<String, List<PredicateFailureReason>> failed = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      failed.put("a" + i, List.of(new PredicateFailureReason.FailureReason("zzz")));
    }
    failed.put("b0", List.of(NODE_SELECTOR_MISMATCH));
    failed.put("b1", List.of(NODE_SELECTOR_MISMATCH));
    assertThat(new FitError(pod("p"), 12, failed))
        .hasMessage("0/12 nodes are available: 10 zzz, 2 node(s) didn't match node selector.");
  }

  @Test
  void oneFeasibleNodeIsReturnedWithoutRunningPriorities() {
    PriorityConfig exploding =
        new PriorityConfig(
            "Exploding",
            (pod, meta, ni) -> {
              throw new AssertionError("priorities must not run for a single feasible node");
            },
            null,
            1);
    try (GenericScheduler g =
        scheduler(List.of(node("n1"), node("n2"), node("n3")))
            .predicates(Map.of(MATCH_NODE_SELECTOR_PRED, onlyOn(Set.of("n2"))))
            .prioritizers(List.of(exploding))
            .priorityMetadataProducer(
                (pod, nodes, snapshot) -> {
                  throw new AssertionError("no priority metadata for a single feasible node");
                })
            .build()) {
      assertThat(g.schedule(pod("web-1"))).isEqualTo(new ScheduleResult("n2", 3, 1));
    }
  }

  @Test
  void thePriorityMetadataIsProducedOnTheSchedulersOwnWorkers() {
    List<Parallelizer> given = new CopyOnWriteArrayList<>();
    PriorityMetadataProducer producer =
        new PriorityMetadataProducer() {
          @Override
          public PriorityMetadata produce(Pod pod, List<NodeInfo> nodes, Snapshot snapshot) {
            throw new AssertionError("the scheduler must hand over its workers");
          }

          @Override
          public PriorityMetadata produce(
              Pod pod, List<NodeInfo> nodes, Snapshot snapshot, Parallelizer workers) {
            given.add(workers);
            return null;
          }
        };
    try (Parallelizer workers = new Parallelizer("metadata-test", 2);
        GenericScheduler g =
            scheduler(List.of(node("n1"), node("n2")))
                .parallelizer(workers)
                .priorityMetadataProducer(producer)
                .build()) {
      g.schedule(pod("web-1"));
      assertThat(given).containsExactly(workers);
    }
  }

  @Test
  void predicatesRunInTheOrderingAndStopAtTheFirstFailure() {
    List<String> calls = new CopyOnWriteArrayList<>();
    FitPredicate affinity = record(calls, MATCH_INTER_POD_AFFINITY_PRED, true);
    FitPredicate selector = record(calls, MATCH_NODE_SELECTOR_PRED, false);
    FitPredicate unschedulable = record(calls, CHECK_NODE_UNSCHEDULABLE_PRED, true);
    try (GenericScheduler g =
        scheduler(List.of(node("n1")))
            .predicates(
                Map.of(
                    MATCH_INTER_POD_AFFINITY_PRED, affinity,
                    MATCH_NODE_SELECTOR_PRED, selector,
                    CHECK_NODE_UNSCHEDULABLE_PRED, unschedulable))
            .build()) {
      assertThatThrownBy(() -> g.schedule(pod("p"))).isInstanceOf(FitError.class);
    }
    assertThat(calls).containsExactly(CHECK_NODE_UNSCHEDULABLE_PRED, MATCH_NODE_SELECTOR_PRED);
  }

  @Test
  void alwaysCheckAllPredicatesRunsThemAllAndCollectsEveryReason() {
    List<String> calls = new CopyOnWriteArrayList<>();
    try (GenericScheduler g =
        scheduler(List.of(node("n1")))
            .predicates(
                Map.of(
                    MATCH_INTER_POD_AFFINITY_PRED,
                        record(calls, MATCH_INTER_POD_AFFINITY_PRED, false),
                    MATCH_NODE_SELECTOR_PRED, record(calls, MATCH_NODE_SELECTOR_PRED, false),
                    CHECK_NODE_UNSCHEDULABLE_PRED,
                        record(calls, CHECK_NODE_UNSCHEDULABLE_PRED, true)))
            .alwaysCheckAllPredicates(true)
            .build()) {
      assertThatThrownBy(() -> g.schedule(pod("p")))
          .hasMessage(
              "0/1 nodes are available: 1 MatchInterPodAffinity failed, 1 MatchNodeSelector failed.");
    }
    assertThat(calls)
        .containsExactly(
            CHECK_NODE_UNSCHEDULABLE_PRED, MATCH_NODE_SELECTOR_PRED, MATCH_INTER_POD_AFFINITY_PRED);
  }

  private static FitPredicate record(List<String> calls, String name, boolean fits) {
    return (pod, meta, ni) -> {
      calls.add(name);
      return fits
          ? PredicateResult.FIT
          : PredicateResult.fail(new PredicateFailureReason.FailureReason(name + " failed"));
    };
  }

  @Test
  void aPredicateOutsideTheOrderingIsConfiguredButNeverRuns() {
    FitPredicate neverFits =
        (pod, meta, ni) -> PredicateResult.fail(new PredicateFailureReason.FailureReason("no"));
    try (GenericScheduler g =
        scheduler(nodes(3)).predicates(Map.of("MyPredicate", neverFits)).build()) {
      assertThat(g.predicates()).containsOnlyKeys("MyPredicate");
      assertThat(g.schedule(pod("p")).feasibleNodes()).isEqualTo(3);
    }
  }

  @Test
  void aCustomOrderingLetsToyPredicatesRun() {
    try (GenericScheduler g =
        scheduler(List.of(node("n1"), node("n2")))
            .predicateOrdering(List.of("OnlyN2"))
            .predicates(Map.of("OnlyN2", onlyOn(Set.of("n2"))))
            .build()) {
      assertThat(g.schedule(pod("p")).suggestedHost()).isEqualTo("n2");
    }
  }

  @Test
  void aThrowingPredicateAbortsTheAttemptNamingNodeAndPredicate() {
    FitPredicate broken =
        (pod, meta, ni) -> {
          if (ni.nodeName().equals("n2")) {
            throw new IllegalStateException("volume lister unavailable");
          }
          return PredicateResult.FIT;
        };
    try (GenericScheduler g =
        scheduler(List.of(node("n1"), node("n2"), node("n3")))
            .predicates(Map.of(POD_FITS_RESOURCES_PRED, broken))
            .build()) {
      assertThatThrownBy(() -> g.schedule(pod("web-1")))
          .isInstanceOf(SchedulingError.AlgorithmFailure.class)
          .hasMessage(
              "running predicate \"PodFitsResources\" on node \"n2\" for Pod default/web-1: volume"
                  + " lister unavailable")
          .hasCauseInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void aThrowingPriorityAbortsTheAttemptNamingNodeAndPriority() {
    PriorityConfig broken =
        new PriorityConfig(
            "ImageLocalityPriority",
            (pod, meta, ni) -> {
              if (ni.nodeName().equals("n3")) {
                throw new IllegalArgumentException("bad image name");
              }
              return 1;
            },
            null,
            1);
    try (GenericScheduler g =
        scheduler(List.of(node("n1"), node("n2"), node("n3")))
            .prioritizers(List.of(broken))
            .build()) {
      assertThatThrownBy(() -> g.schedule(pod("web-1")))
          .isInstanceOf(SchedulingError.AlgorithmFailure.class)
          .hasMessage(
              "running priority \"ImageLocalityPriority\" (map) on node \"n3\" for Pod"
                  + " default/web-1: bad image name");
    }
  }

  @Test
  void errorsAggregateAsGosNewAggregateDoes() {
    SchedulingError a = new SchedulingError.AlgorithmFailure("a", null);
    SchedulingError a2 = new SchedulingError.AlgorithmFailure("a", null);
    SchedulingError b = new SchedulingError.AlgorithmFailure("b", null);
    // One distinct message is the message itself, without brackets.
    assertThat(GenericScheduler.aggregate(new java.util.ArrayDeque<>(List.of(a, a2)))).isSameAs(a);
    assertThat(GenericScheduler.aggregate(new java.util.ArrayDeque<>(List.of(a, b, a2))))
        .hasMessage("[a, b]")
        .hasCause(a);
  }

  @Test
  void aThrowingReduceAbortsTheAttemptNamingThePriority() {
    PriorityConfig broken =
        new PriorityConfig(
            "SelectorSpreadPriority",
            (pod, meta, ni) -> 1,
            (pod, meta, snapshot, result) -> {
              throw new IllegalStateException("no services");
            },
            1);
    try (GenericScheduler g = scheduler(nodes(3)).prioritizers(List.of(broken)).build()) {
      assertThatThrownBy(() -> g.schedule(pod("web-1")))
          .hasMessage(
              "running priority \"SelectorSpreadPriority\" (reduce) for Pod default/web-1: no"
                  + " services");
    }
  }

  @Test
  void scoresAreSummedWithWeightsAfterReduce() {
    // map: node i scores i; reduce doubles every score; weight 3. Second priority: 10 - i, weight
    // 1.
    PriorityConfig first =
        new PriorityConfig(
            "First",
            (pod, meta, ni) -> TestCluster.nodeIndex(ni),
            (pod, meta, snapshot, result) -> {
              for (int i = 0; i < result.size(); i++) {
                result.setScore(i, result.score(i) * 2);
              }
            },
            3);
    PriorityConfig second =
        new PriorityConfig("Second", (pod, meta, ni) -> 10 - TestCluster.nodeIndex(ni), null, 1);
    try (GenericScheduler g = scheduler(nodes(4)).prioritizers(List.of(first, second)).build()) {
      List<NodeInfo> all = g.snapshot().list();
      NodeScoreList scores = g.prioritizeNodes(pod("p"), null, all);
      assertThat(scores.scores()).containsExactly(10, 15, 20, 25);
      assertThat(g.schedule(pod("p")).suggestedHost()).isEqualTo(nodeName(3));
    }
  }

  @Test
  void priorityMetadataIsComputedOnceFromTheFeasibleNodes() {
    AtomicInteger produced = new AtomicInteger();
    List<String> seen = new CopyOnWriteArrayList<>();
    PriorityMetadata marker = new PriorityMetadata() {};
    PriorityConfig checksMeta =
        new PriorityConfig(
            "Checks",
            (pod, meta, ni) -> {
              assertThat(meta).isSameAs(marker);
              return 0;
            },
            null,
            1);
    try (GenericScheduler g =
        scheduler(List.of(node("n1"), node("n2"), node("n3")))
            .predicates(Map.of(MATCH_NODE_SELECTOR_PRED, onlyOn(Set.of("n1", "n3"))))
            .prioritizers(List.of(checksMeta))
            .priorityMetadataProducer(
                (pod, nodes, snapshot) -> {
                  produced.incrementAndGet();
                  nodes.forEach(n -> seen.add(n.nodeName()));
                  return marker;
                })
            .build()) {
      ScheduleResult r = g.schedule(pod("p"));
      assertThat(r.feasibleNodes()).isEqualTo(2);
      assertThat(r.evaluatedNodes()).isEqualTo(3);
    }
    assertThat(produced).hasValue(1);
    assertThat(seen).containsExactlyInAnyOrder("n1", "n3");
  }

  @Test
  void withoutPrioritiesEveryNodeScoresOne() {
    try (GenericScheduler g = scheduler(nodes(5)).build()) {
      NodeScoreList scores = g.prioritizeNodes(pod("p"), null, g.snapshot().list());
      assertThat(scores.scores()).containsOnly(1);
    }
  }

  @Test
  void withoutPredicatesEveryNodeIsFeasibleAndTheStartIndexStays() {
    try (GenericScheduler g = scheduler(nodes(300)).build()) {
      ScheduleResult r = g.schedule(pod("p"));
      assertThat(r.feasibleNodes()).isEqualTo(300);
      assertThat(g.nextStartNodeIndex()).isZero();
    }
  }

  @Test
  void theSearchStopsAtNumFeasibleNodesToFindAndTheNextOneStartsWhereItStopped() {
    List<Integer> examined = Collections.synchronizedList(new ArrayList<>());
    FitPredicate counting =
        (pod, meta, ni) -> {
          examined.add(TestCluster.nodeIndex(ni));
          return PredicateResult.FIT;
        };
    try (GenericScheduler g =
        scheduler(nodes(250))
            .predicates(Map.of(POD_FITS_RESOURCES_PRED, counting))
            .parallelism(1)
            .build()) {
      // 250 nodes: 50 - 250/125 = 48 % of 250 = 120 nodes.
      ScheduleResult first = g.schedule(pod("a"));
      assertThat(first.feasibleNodes()).isEqualTo(120);
      assertThat(first.evaluatedNodes()).isEqualTo(120);
      assertThat(g.nextStartNodeIndex()).isEqualTo(120);
      // One worker: the 121st node was examined, found feasible, and dropped (not processed).
      assertThat(examined).hasSize(121);
      examined.clear();
      g.schedule(pod("b"));
      assertThat(examined.get(0)).isEqualTo(120);
      assertThat(g.nextStartNodeIndex()).isEqualTo(240);
      g.schedule(pod("c"));
      assertThat(g.nextStartNodeIndex()).isEqualTo((240 + 120) % 250);
    }
  }

  @Test
  void failedNodesCountAsProcessedForTheRotation() {
    // Even nodes fail. The 100th feasible node is n00199; the scan only stops when it meets a
    // 101st (n00201), so the failed n00200 in between is processed too: 100 + 101 = 201.
    FitPredicate odd =
        (pod, meta, ni) ->
            TestCluster.nodeIndex(ni) % 2 == 1
                ? PredicateResult.FIT
                : PredicateResult.fail(NODE_SELECTOR_MISMATCH);
    try (GenericScheduler g =
        scheduler(nodes(300))
            .predicates(Map.of(MATCH_NODE_SELECTOR_PRED, odd))
            .percentageOfNodesToScore(10)
            .parallelism(1)
            .build()) {
      ScheduleResult r = g.schedule(pod("p"));
      assertThat(r.feasibleNodes()).isEqualTo(100);
      assertThat(r.evaluatedNodes()).isEqualTo(201);
      assertThat(g.nextStartNodeIndex()).isEqualTo(201);
    }
  }

  @Test
  void percentageOfNodesToScoreOutsideZeroToHundredIsRejected() {
    assertThatThrownBy(() -> scheduler(nodes(1)).percentageOfNodesToScore(101))
        .hasMessage("percentageOfNodesToScore: 101 not in valid range [0-100]");
  }

  /** Toy resource predicate: a node holds at most 2 pods. */
  static final FitPredicate TWO_PODS_PER_NODE =
      (pod, meta, ni) ->
          ni.pods().size() < 2
              ? PredicateResult.FIT
              : PredicateResult.fail(new InsufficientResourceError("pods", 1, ni.pods().size(), 2));

  @Test
  void nominatedPodsOfEqualOrHigherPriorityHoldTheirRoom() {
    Pod running = pod("running", 0);
    running.getSpec().setNodeName("n1");
    Pod nominatedHigh = pod("nominated-high", 100);
    Map<String, List<Pod>> nominated = Map.of("n1", List.of(nominatedHigh));
    try (GenericScheduler g =
        GenericScheduler.builder(
                new TestCluster.SnapshotCache(), Snapshot.of(List.of(running), List.of(node("n1"))))
            .predicates(Map.of(POD_FITS_RESOURCES_PRED, TWO_PODS_PER_NODE))
            .nominator(n -> nominated.getOrDefault(n, List.of()))
            .build()) {
      assertThatThrownBy(() -> g.schedule(pod("incoming", 100)))
          .hasMessage("0/1 nodes are available: 1 Insufficient pods.");
      // A higher-priority pod may take the room reserved for a lower-priority nomination.
      assertThat(g.schedule(pod("vip", 1000)).suggestedHost()).isEqualTo("n1");
      // The nominated pod itself is not counted against itself.
      assertThat(g.schedule(nominatedHigh).suggestedHost()).isEqualTo("n1");
      // The snapshot's NodeInfo was not modified by the passes.
      assertThat(g.snapshot().get("n1").pods()).containsExactly(running);
    }
  }

  @Test
  void theSecondPassRunsWithoutNominatedPodsOnlyWhenTheFirstPassed() {
    Pod nominated = pod("nominated", 10);
    List<Integer> podsSeen = new CopyOnWriteArrayList<>();
    // Toy pod affinity: the pod wants company, so it fits only when a pod is on the node.
    FitPredicate wantsCompany =
        (pod, meta, ni) -> {
          podsSeen.add(ni.pods().size());
          return ni.pods().isEmpty()
              ? PredicateResult.fail(
                  new PredicateFailureError(
                      MATCH_INTER_POD_AFFINITY_PRED,
                      "node(s) didn't match pod affinity/anti-affinity"))
              : PredicateResult.FIT;
        };
    try (GenericScheduler g =
        scheduler(List.of(node("n1")))
            .predicates(Map.of(MATCH_INTER_POD_AFFINITY_PRED, wantsCompany))
            .nominator(n -> List.of(nominated))
            .build()) {
      // Pass 0 (with the nominated pod) passes, pass 1 (without it) fails: not feasible.
      assertThatThrownBy(() -> g.schedule(pod("p", 0)))
          .hasMessage(
              "0/1 nodes are available: 1 node(s) didn't match pod affinity/anti-affinity.");
      assertThat(podsSeen).containsExactly(1, 0);
      podsSeen.clear();
      // Higher priority than the nominated pod: nothing is added, one pass only.
      assertThatThrownBy(() -> g.schedule(pod("q", 50))).isInstanceOf(FitError.class);
      assertThat(podsSeen).containsExactly(0);
    }
  }

  @Test
  void whenThePassWithNominatedPodsFailsThePassWithoutThemDoesNotRun() {
    Pod running = pod("running", 0);
    running.getSpec().setNodeName("n1");
    List<Integer> podsSeen = new CopyOnWriteArrayList<>();
    FitPredicate counting =
        (pod, meta, ni) -> {
          podsSeen.add(ni.pods().size());
          return TWO_PODS_PER_NODE.check(pod, meta, ni);
        };
    try (GenericScheduler g =
        GenericScheduler.builder(
                new TestCluster.SnapshotCache(), Snapshot.of(List.of(running), List.of(node("n1"))))
            .predicates(Map.of(POD_FITS_RESOURCES_PRED, counting))
            .alwaysCheckAllPredicates(true)
            .nominator(n -> List.of(pod("nominated", 10)))
            .build()) {
      // Pass 0 sees the running and the nominated pod and fails; pass 1 would see one pod and
      // pass, but it does not run, and the failure is counted once.
      assertThatThrownBy(() -> g.schedule(pod("p", 0)))
          .hasMessage("0/1 nodes are available: 1 Insufficient pods.");
      assertThat(podsSeen).containsExactly(2);
    }
  }

  @Test
  void nominatedPodsAreAddedToACopyOfTheMetadata() {
    List<String> addedToCopy = new CopyOnWriteArrayList<>();
    List<String> addedToOriginal = new CopyOnWriteArrayList<>();
    class ToyMeta implements PredicateMetadata {
      final List<String> added;

      ToyMeta(List<String> added) {
        this.added = added;
      }

      @Override
      public PredicateMetadata shallowCopy() {
        return new ToyMeta(addedToCopy);
      }

      @Override
      public void addPod(Pod addedPod, Node node) {
        added.add(addedPod.getMetadata().getName() + "@" + node.getMetadata().getName());
      }

      @Override
      public void removePod(Pod deletedPod, Node node) {}
    }
    Map<String, Object> metasSeen = new ConcurrentHashMap<>();
    FitPredicate seesMeta =
        (pod, meta, ni) -> {
          metasSeen.put(ni.pods().isEmpty() ? "without" : "with", meta);
          return PredicateResult.FIT;
        };
    ToyMeta original = new ToyMeta(addedToOriginal);
    try (GenericScheduler g =
        scheduler(List.of(node("n1")))
            .predicates(Map.of(POD_FITS_RESOURCES_PRED, seesMeta))
            .predicateMetadataProducer((pod, snapshot) -> original)
            .nominator(n -> List.of(pod("nominated", 5)))
            .build()) {
      g.schedule(pod("p", 5));
    }
    assertThat(addedToOriginal).isEmpty();
    assertThat(addedToCopy).containsExactly("nominated@n1");
    assertThat(metasSeen.get("without")).isSameAs(original);
    assertThat(metasSeen.get("with")).isNotSameAs(original);
  }

  @Test
  void aPodWithoutAPriorityHasPriorityZero() {
    // podutil.GetPodPriority: spec.priority when set, else 0 (the admission default).
    assertThat(GenericScheduler.podPriority(pod("p", 7))).isEqualTo(7);
    assertThat(GenericScheduler.podPriority(pod("p", -3))).isEqualTo(-3);
    assertThat(GenericScheduler.podPriority(new io.fabric8.kubernetes.api.model.Pod())).isZero();
    io.fabric8.kubernetes.api.model.Pod unset = pod("p");
    unset.getSpec().setPriority(null);
    assertThat(GenericScheduler.podPriority(unset)).isZero();
  }

  @Test
  void parallelismNeedsAtLeastOneWorker() {
    assertThatThrownBy(
            () ->
                GenericScheduler.builder(
                        new TestCluster.SnapshotCache(), Snapshot.of(List.of(), List.of()))
                    .parallelism(0))
        .hasMessage("parallelism must be >= 1, got 0");
    GenericScheduler.builder(new TestCluster.SnapshotCache(), Snapshot.of(List.of(), List.of()))
        .parallelism(1);
  }

  @Test
  void aVerdictIsConsistentFittingWithoutReasonsFailingWithSome() {
    PredicateFailureReason why =
        new PredicateFailureReason.FailureReason("node(s) were unschedulable");
    assertThatThrownBy(() -> new PredicateResult(true, List.of(why)))
        .hasMessage("a fitting result has no failure reasons: [" + why + "]");
    assertThatThrownBy(() -> new PredicateResult(false, List.of()))
        .hasMessage("a failing result needs at least one reason");
    assertThat(PredicateResult.fail(why).reasons()).containsExactly(why);
  }

  @Test
  void selectHostOfAnEmptyListFails() {
    assertThatThrownBy(
            () -> GenericScheduler.selectHost(new NodeScoreList(List.of()), new Random(1)))
        .hasMessage("empty priorityList");
  }

  @Test
  void selectHostPicksTheStrictMaximum() {
    NodeScoreList l = new NodeScoreList(new String[] {"a", "b", "c", "d"}, new long[] {5, 9, 7, 8});
    assertThat(GenericScheduler.selectHost(l, new Random(7))).isEqualTo("b");
  }

  @Test
  @Timeout(30)
  void closeStopsAndJoinsTheWorkerThreads() {
    GenericScheduler g =
        scheduler(nodes(400))
            .predicates(Map.of(POD_FITS_RESOURCES_PRED, ALWAYS_FITS))
            .parallelism(4)
            .build();
    g.schedule(pod("p"));
    List<Thread> workers = workerThreads();
    assertThat(workers).isNotEmpty();
    g.close();
    assertThat(workers).noneMatch(Thread::isAlive);
  }

  private static List<Thread> workerThreads() {
    List<Thread> threads = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("generic-scheduler-worker-") && t.isAlive()) {
        threads.add(t);
      }
    }
    return threads;
  }
}
