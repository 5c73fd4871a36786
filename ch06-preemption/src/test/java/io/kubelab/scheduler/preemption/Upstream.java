package io.kubelab.scheduler.preemption;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.PodNominator;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateOrdering;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.algorithm.SchedulerExtender;
import io.kubelab.scheduler.algorithm.TestCluster;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.predicates.MetadataProducer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fixtures of upstream's preemption tables ({@code
 * pkg/scheduler/core/generic_scheduler_test.go}, v1.17): container sizes in multiples of the
 * default requests, the five priorities, the start dates, {@code makeNode}, the fake predicates and
 * their ordering.
 */
final class Upstream {

  private Upstream() {}

  /** {@code priorityutil.DefaultMilliCPURequest}: 0.1 core. */
  static final long DEFAULT_MILLI_CPU_REQUEST = 100;

  /** {@code priorityutil.DefaultMemoryRequest}: 200 MB. */
  static final long DEFAULT_MEMORY_REQUEST = 200L * 1024 * 1024;

  static final int NEG = -100;
  static final int LOW = 0;
  static final int MID = 100;
  static final int HIGH = 1000;
  static final int VERY_HIGH = 10000;

  /** {@code startTime}: 2019-01-01; the others are named by their date. */
  static final String START_TIME = "2019-01-01T01:01:01Z";

  static String jan(int day) {
    return String.format("2019-01-%02dT01:01:01Z", day);
  }

  /** The test's "now": after every start date, as {@code metav1.Now()} is upstream. */
  static FakeClock clock() {
    return new FakeClock(Instant.parse("2020-06-01T00:00:00Z"));
  }

  /**
   * {@code smallContainers}, {@code mediumContainers}, ...: one container of n default requests.
   */
  enum Size {
    NONE(0),
    SMALL(1),
    MEDIUM(2),
    LARGE(3),
    VERY_LARGE(5);

    final int times;

    Size(int times) {
      this.times = times;
    }
  }

  /**
   * A pod as upstream's tables write it: name and UID equal, a priority, one container of {@code
   * size} (none for {@link Size#NONE}), bound to {@code nodeName} when not null.
   */
  static Pod pod(String name, int priority, Size size, String nodeName) {
    Fixtures.PodFixture f = Fixtures.pod(name).uid(name).priority(priority);
    if (size == Size.NONE) {
      f.noContainers();
    } else {
      f.requests(
          DEFAULT_MILLI_CPU_REQUEST * size.times + "m",
          String.valueOf(DEFAULT_MEMORY_REQUEST * size.times));
    }
    if (nodeName != null) {
      f.nodeName(nodeName);
    }
    return f.build();
  }

  /** {@link #pod} with {@code status.startTime}. */
  static Pod pod(String name, int priority, Size size, String nodeName, String startTime) {
    Pod p = pod(name, priority, size, nodeName);
    p.getStatus().setStartTime(startTime);
    return p;
  }

  /** The preemptor of a table: not bound. */
  static Pod preemptor(String name, int priority, Size size) {
    return pod(name, priority, size, null);
  }

  /**
   * {@code makeNode}: allocatable (and capacity) CPU and memory, 100 pods. {@code name} may carry
   * labels as {@code hostname/zone/region}, split as upstream's tests do.
   */
  static Node makeNode(String name, long milliCpu, long memory) {
    String[] parts = name.split("/");
    String[] keys = {"hostname", "zone", "region"};
    Fixtures.NodeFixture f =
        Fixtures.node(parts[0])
            .allocatable(milliCpu + "m", String.valueOf(memory))
            .pods(100)
            .withoutLabel(Fixtures.LABEL_HOSTNAME);
    for (int i = 0; i < parts.length; i++) {
      f.label(keys[i], parts[i]);
    }
    return f.build();
  }

  /** Upstream's {@code order}: the fake predicates' names, then MatchInterPodAffinity. */
  static final List<String> ORDER =
      List.of(
          "false", "true", "matches", "nopods", PredicateOrdering.MATCH_INTER_POD_AFFINITY_PRED);

  /** {@code ErrFakePredicate}. */
  static final PredicateFailureReason ERR_FAKE_PREDICATE =
      new PredicateFailureReason.PredicateFailureError(
          "FakePredicateError", "Nodes failed the fake predicate");

  static final FitPredicate FALSE_PREDICATE =
      (pod, meta, ni) -> PredicateResult.fail(ERR_FAKE_PREDICATE);

  static final FitPredicate TRUE_PREDICATE = (pod, meta, ni) -> PredicateResult.FIT;

  /** Fits where the pod's name is the node's name. */
  static final FitPredicate MATCHES_PREDICATE =
      (pod, meta, ni) ->
          pod.getMetadata().getName().equals(ni.nodeName())
              ? PredicateResult.FIT
              : PredicateResult.fail(ERR_FAKE_PREDICATE);

  /** A predicate that counts its calls, as upstream's FakeFilterPlugin counts Filter calls. */
  static final class Counting implements FitPredicate {
    final AtomicInteger calls = new AtomicInteger();
    private final FitPredicate inner;

    Counting(FitPredicate inner) {
      this.inner = inner;
    }

    @Override
    public PredicateResult check(
        Pod pod,
        io.kubelab.scheduler.algorithm.PredicateMetadata meta,
        io.kubelab.scheduler.cache.NodeInfo ni) {
      calls.incrementAndGet();
      return inner.check(pod, meta, ni);
    }
  }

  /** A scheduler over a fixed snapshot of {@code pods} on {@code nodes}, with ch03's metadata. */
  static GenericScheduler scheduler(
      Map<String, FitPredicate> predicates,
      List<Node> nodes,
      List<Pod> pods,
      PodNominator nominator,
      List<SchedulerExtender> extenders) {
    return GenericScheduler.builder(new TestCluster.SnapshotCache(), Snapshot.of(pods, nodes))
        .predicates(new LinkedHashMap<>(predicates))
        .predicateOrdering(ORDER)
        .predicateMetadataProducer(new MetadataProducer())
        .nominator(nominator)
        .extenders(extenders)
        .parallelism(1)
        .build();
  }

  static GenericScheduler scheduler(
      Map<String, FitPredicate> predicates, List<Node> nodes, List<Pod> pods) {
    return scheduler(predicates, nodes, pods, PodNominator.NONE, List.of());
  }

  /** Preemption on behalf of {@code scheduler}, two workers, the NonPreemptingPriority gate on. */
  static Preemption preemption(GenericScheduler scheduler, PdbLister pdbs) {
    return Preemption.builder(scheduler, clock())
        .pdbLister(pdbs)
        .nonPreemptingPriority(true)
        .parallelism(2)
        .build();
  }

  static Preemption preemption(GenericScheduler scheduler) {
    return preemption(scheduler, PdbLister.NONE);
  }
}
