package io.kubelab.scheduler.algorithm;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.scheduler.algorithm.policy.Policy;
import io.kubelab.scheduler.cache.Cache;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

/**
 * Picks a node for one pod: filter the nodes with the fit predicates, score the survivors with the
 * priorities, pick the best.
 *
 * <p>Upstream: {@code genericScheduler} in {@code pkg/scheduler/core/generic_scheduler.go} as of
 * v1.17, the last release in which the generic scheduler ran predicates and priorities itself (1.18
 * moved both behind the framework's Filter and Score plugins). The steps of {@link #schedule}:
 * refresh the snapshot; no nodes is {@link SchedulingError.NoNodesAvailable}; find feasible nodes
 * in parallel from a rotating start index, stopping at {@link #numFeasibleNodesToFind}; none is a
 * {@link FitError}; exactly one is returned without scoring; otherwise map/reduce the priorities
 * into a results table, sum with weights, and {@link #selectHost} among the best.
 *
 * <p>Not thread-safe: like upstream it is driven by the one scheduling goroutine, and {@code
 * nextStartNodeIndex} carries over from one call to the next. The predicates and priorities run on
 * this scheduler's {@link Parallelizer}; {@link #close()} stops its threads if it created them.
 */
public final class GenericScheduler implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(GenericScheduler.class.getName());

  /**
   * Upstream starts 16 goroutines, which Go runs on at most GOMAXPROCS (= the number of cores)
   * threads. Sixteen Java threads on a 2-core machine would mostly wait for each other, so the
   * equivalent here is 16 capped at the number of cores.
   */
  static int defaultParallelism() {
    return Math.max(
        1, Math.min(Parallelizer.DEFAULT_PARALLELISM, Runtime.getRuntime().availableProcessors()));
  }

  /** {@code minFeasibleNodesToFind}: below this many nodes every node is examined. */
  public static final int MIN_FEASIBLE_NODES_TO_FIND = 100;

  /** {@code minFeasibleNodesPercentageToFind}: the floor of the adaptive percentage. */
  public static final int MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

  /** {@code DefaultPercentageOfNodesToScore}: 0 means adaptive. */
  public static final int DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE = 0;

  private final Cache cache;
  private final Snapshot snapshot;
  private final PodNominator nominator;
  private final Map<String, FitPredicate> predicates;
  // The configured predicates resolved in ordering order once, so the per-node loop does no
  // map lookups.
  private final String[] orderedPredicateNames;
  private final FitPredicate[] orderedPredicates;
  private final PredicateMetadataProducer predicateMetaProducer;
  private final PriorityConfig[] prioritizers;
  private final PriorityMetadataProducer priorityMetaProducer;
  private final List<Policy.Extender> extenderConfigs;
  private final List<SchedulerExtender> extenders;
  private final boolean alwaysCheckAllPredicates;
  private final int percentageOfNodesToScore;
  private final RandomGenerator random;
  private final Parallelizer parallelizer;
  private final boolean ownsParallelizer;

  private int nextStartNodeIndex;

  private GenericScheduler(Builder b) {
    this.cache = b.cache;
    this.snapshot = b.snapshot;
    this.nominator = b.nominator;
    this.predicates = Collections.unmodifiableMap(new LinkedHashMap<>(b.predicates));
    List<String> ordered = new ArrayList<>();
    for (String name : b.ordering) {
      if (predicates.containsKey(name)) {
        ordered.add(name);
      }
    }
    this.orderedPredicateNames = ordered.toArray(new String[0]);
    this.orderedPredicates = new FitPredicate[ordered.size()];
    for (int i = 0; i < ordered.size(); i++) {
      orderedPredicates[i] = predicates.get(ordered.get(i));
    }
    this.predicateMetaProducer = b.predicateMetaProducer;
    this.prioritizers = b.prioritizers.toArray(new PriorityConfig[0]);
    this.priorityMetaProducer = b.priorityMetaProducer;
    this.extenderConfigs = List.copyOf(b.extenderConfigs);
    this.extenders = List.copyOf(b.extenders);
    this.alwaysCheckAllPredicates = b.alwaysCheckAllPredicates;
    this.percentageOfNodesToScore = b.percentageOfNodesToScore;
    this.random = b.random;
    if (b.parallelizer != null) {
      this.parallelizer = b.parallelizer;
      this.ownsParallelizer = false;
    } else {
      this.parallelizer = new Parallelizer("generic-scheduler-worker", b.parallelism);
      this.ownsParallelizer = true;
    }
  }

  /** A builder for a scheduler that reads {@code snapshot}, refreshed from {@code cache}. */
  public static Builder builder(Cache cache, Snapshot snapshot) {
    return new Builder(cache, snapshot);
  }

  /**
   * Schedules {@code pod}: the name of the node it should run on, with how many nodes were looked
   * at.
   *
   * @throws SchedulingError.NoNodesAvailable when the snapshot has no nodes
   * @throws FitError when no examined node fits
   * @throws SchedulingError.AlgorithmFailure when a predicate, priority or metadata producer threw
   */
  public ScheduleResult schedule(Pod pod) {
    cache.updateSnapshot(snapshot);
    List<NodeInfo> allNodes = snapshot.list();
    if (allNodes.isEmpty()) {
      throw new SchedulingError.NoNodesAvailable();
    }
    FeasibleNodes found = findNodesThatFit(pod, allNodes);
    if (found.nodes().isEmpty()) {
      throw new FitError(pod, allNodes.size(), found.failedPredicates());
    }
    if (found.nodes().size() == 1) {
      // Scoring one candidate cannot change the answer; upstream skips the priorities entirely.
      return new ScheduleResult(
          found.nodes().get(0).nodeName(), 1 + found.failedPredicates().size(), 1);
    }
    PriorityMetadata meta;
    try {
      meta = priorityMetaProducer.produce(pod, found.nodes(), snapshot, parallelizer);
    } catch (RuntimeException e) {
      throw new SchedulingError.AlgorithmFailure(
          "computing priority metadata for " + PodRequests.describe(pod) + ": " + e.getMessage(),
          e);
    }
    NodeScoreList priorityList = prioritizeNodes(pod, meta, found.nodes());
    String host = selectHost(priorityList, random);
    return new ScheduleResult(
        host, found.nodes().size() + found.failedPredicates().size(), found.nodes().size());
  }

  /**
   * How many feasible nodes to find before the search stops (upstream's {@code
   * numFeasibleNodesToFind}): every node below {@value #MIN_FEASIBLE_NODES_TO_FIND} nodes or at a
   * percentage of 100 or more; otherwise the configured percentage, or when it is 0 the adaptive
   * {@code 50 - numAllNodes/125} floored at {@value #MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND}; never
   * fewer than {@value #MIN_FEASIBLE_NODES_TO_FIND}.
   */
  public static int numFeasibleNodesToFind(int numAllNodes, int percentageOfNodesToScore) {
    if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND || percentageOfNodesToScore >= 100) {
      return numAllNodes;
    }
    int adaptivePercentage = percentageOfNodesToScore;
    if (adaptivePercentage <= 0) {
      // Larger clusters examine a smaller share: spreading quality falls off slowly with the
      // number of candidates, the cost of examining them grows linearly.
      adaptivePercentage = 50 - numAllNodes / 125;
      if (adaptivePercentage < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) {
        adaptivePercentage = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
      }
    }
    int numNodes = numAllNodes * adaptivePercentage / 100;
    if (numNodes < MIN_FEASIBLE_NODES_TO_FIND) {
      return MIN_FEASIBLE_NODES_TO_FIND;
    }
    return numNodes;
  }

  /** The feasible nodes in completion order and, per failed node, why it failed. */
  record FeasibleNodes(
      List<NodeInfo> nodes, Map<String, List<PredicateFailureReason>> failedPredicates) {}

  /**
   * Upstream's {@code findNodesThatFit}: examines nodes from {@code nextStartNodeIndex} onwards,
   * wrapping around, in parallel, until {@link #numFeasibleNodesToFind} nodes fit or every node was
   * examined, then advances {@code nextStartNodeIndex} past the nodes it examined so the next pod
   * starts where this one stopped.
   */
  FeasibleNodes findNodesThatFit(Pod pod, List<NodeInfo> allNodes) {
    if (predicates.isEmpty()) {
      // v1.17: with nothing to check every node is feasible and the start index stays put.
      return filterWithExtenders(pod, new FeasibleNodes(new ArrayList<>(allNodes), Map.of()));
    }
    int n = allNodes.size();
    int numNodesToFind = numFeasibleNodesToFind(n, percentageOfNodesToScore);
    // Slots are claimed with an atomic counter, so the list ends up in completion order.
    NodeInfo[] filtered = new NodeInfo[numNodesToFind];
    AtomicInteger filteredLen = new AtomicInteger();
    Map<String, List<PredicateFailureReason>> failed = new ConcurrentHashMap<>();
    AtomicReference<SchedulingError> firstError = new AtomicReference<>();
    PredicateMetadata meta = producePredicateMetadata(pod);
    Parallelizer.Stop stop = new Parallelizer.Stop();
    int start = nextStartNodeIndex;
    // One node at a time, as 1.17's workqueue.ParallelizeUntil hands them out: when the search
    // stops, each worker is at most one node past the others, so the walk that the next cycle
    // skips over has at most one unexamined node per worker. (Chunks, as in 1.19, would leave
    // chunk-sized holes.)
    parallelizer.until(
        stop,
        n,
        1,
        i -> {
          NodeInfo nodeInfo = allNodes.get((start + i) % n);
          PredicateResult r;
          try {
            r = podFitsOnNode(pod, meta, nodeInfo);
          } catch (SchedulingError e) {
            firstError.compareAndSet(null, e);
            stop.stop();
            return;
          }
          if (r.fits()) {
            int length = filteredLen.incrementAndGet();
            if (length > numNodesToFind) {
              // Enough found: tell the other workers to stop claiming nodes. This node was
              // examined but is not kept, and (as upstream) not counted as processed either.
              stop.stop();
              filteredLen.decrementAndGet();
            } else {
              filtered[length - 1] = nodeInfo;
            }
          } else {
            failed.put(nodeInfo.nodeName(), r.reasons());
          }
        });
    int processed = filteredLen.get() + failed.size();
    nextStartNodeIndex = (start + processed) % n;
    if (firstError.get() != null) {
      throw firstError.get();
    }
    return filterWithExtenders(
        pod,
        new FeasibleNodes(
            Arrays.asList(Arrays.copyOf(filtered, filteredLen.get())),
            new LinkedHashMap<>(failed)));
  }

  /**
   * The extender half of upstream's {@code findNodesThatFit}: each interested extender in turn
   * filters what is left, until nothing is; the nodes it rejects join the failed map with its
   * message. A failing extender is skipped when ignorable and aborts the attempt otherwise.
   */
  private FeasibleNodes filterWithExtenders(Pod pod, FeasibleNodes found) {
    if (found.nodes().isEmpty() || extenders.isEmpty()) {
      return found;
    }
    List<NodeInfo> nodes = found.nodes();
    Map<String, List<PredicateFailureReason>> failed =
        new LinkedHashMap<>(found.failedPredicates());
    for (SchedulerExtender extender : extenders) {
      if (!extender.isInterested(pod)) {
        continue;
      }
      List<Node> asNodes = new ArrayList<>(nodes.size());
      for (NodeInfo ni : nodes) {
        asNodes.add(ni.node());
      }
      SchedulerExtender.FilterResult r;
      try {
        r = extender.filter(pod, asNodes, snapshot);
      } catch (RuntimeException e) {
        if (extender.isIgnorable()) {
          continue;
        }
        throw new SchedulingError.AlgorithmFailure(
            "extender \""
                + extender.name()
                + "\" filter for "
                + PodRequests.describe(pod)
                + ": "
                + e.getMessage(),
            e);
      }
      r.failedNodes()
          .forEach(
              (node, message) ->
                  failed
                      .computeIfAbsent(node, k -> new ArrayList<>())
                      .add(new PredicateFailureReason.FailureReason(message)));
      List<NodeInfo> kept = new ArrayList<>(r.nodes().size());
      for (Node n : r.nodes()) {
        kept.add(snapshot.get(n.getMetadata().getName()));
      }
      nodes = kept;
      if (nodes.isEmpty()) {
        break;
      }
    }
    return new FeasibleNodes(nodes, failed);
  }

  private PredicateMetadata producePredicateMetadata(Pod pod) {
    try {
      return predicateMetaProducer.produce(pod, snapshot);
    } catch (RuntimeException e) {
      throw new SchedulingError.AlgorithmFailure(
          "computing predicate metadata for " + PodRequests.describe(pod) + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * Upstream's {@code podFitsOnNode}: runs the configured predicates in {@link
   * PredicateOrdering#ordering()} order against the node, twice when pods of equal or higher
   * priority are nominated to it: once as if they were running there, and, if that passes, once
   * without them. Preemption (ch06) calls it with a NodeInfo and metadata from which it removed the
   * victims.
   *
   * @param meta predicate metadata for {@code pod}, or null
   * @throws SchedulingError.AlgorithmFailure when a predicate throws, naming it and the node
   */
  public PredicateResult podFitsOnNode(Pod pod, PredicateMetadata meta, NodeInfo info) {
    // Allocated on the first failure only: most nodes pass in a healthy cluster.
    List<PredicateFailureReason> failedPredicates = null;
    NominatedState withNominated = addNominatedPods(pod, meta, info);
    // Pass 0 treats the nominated pods as running: resources and anti-affinity are stricter
    // then. Pass 1 treats them as absent: pod affinity may be stricter then. Requiring both is
    // the conservative choice, since the nominated pods may still land elsewhere. Pass 1 runs
    // only if pass 0 added pods and passed.
    for (int pass = 0; pass < 2; pass++) {
      PredicateMetadata metaToUse = meta;
      NodeInfo nodeInfoToUse = info;
      if (pass == 0) {
        if (withNominated != null) {
          metaToUse = withNominated.meta();
          nodeInfoToUse = withNominated.nodeInfo();
        }
      } else if (withNominated == null || failedPredicates != null) {
        break;
      }
      for (int k = 0; k < orderedPredicates.length; k++) {
        PredicateResult r;
        try {
          r = orderedPredicates[k].check(pod, metaToUse, nodeInfoToUse);
        } catch (RuntimeException e) {
          throw new SchedulingError.AlgorithmFailure(
              "running predicate \""
                  + orderedPredicateNames[k]
                  + "\" on node \""
                  + info.nodeName()
                  + "\" for "
                  + PodRequests.describe(pod)
                  + ": "
                  + e.getMessage(),
              e);
        }
        if (r == null) {
          throw new SchedulingError.AlgorithmFailure(
              "predicate \""
                  + orderedPredicateNames[k]
                  + "\" returned no result on node \""
                  + info.nodeName()
                  + "\"",
              null);
        }
        if (!r.fits()) {
          if (failedPredicates == null) {
            failedPredicates = new ArrayList<>(r.reasons());
          } else {
            failedPredicates.addAll(r.reasons());
          }
          if (!alwaysCheckAllPredicates) {
            break;
          }
        }
      }
    }
    return failedPredicates == null ? PredicateResult.FIT : PredicateResult.fail(failedPredicates);
  }

  private record NominatedState(PredicateMetadata meta, NodeInfo nodeInfo) {}

  /**
   * Upstream's {@code addNominatedPods}: clones of the NodeInfo and metadata with the pods
   * nominated to this node that have at least the pod's priority (and are not the pod itself), so
   * that this pod does not take the room preemption freed for them; null when no pod was added.
   */
  private NominatedState addNominatedPods(Pod pod, PredicateMetadata meta, NodeInfo nodeInfo) {
    if (nodeInfo == null || nodeInfo.node() == null) {
      return null;
    }
    List<Pod> nominated = nominator.nominatedPodsForNode(nodeInfo.nodeName());
    if (nominated == null || nominated.isEmpty()) {
      return null;
    }
    NodeInfo nodeInfoOut = null;
    PredicateMetadata metaOut = null;
    int podPriority = podPriority(pod);
    String uid = pod.getMetadata() == null ? null : pod.getMetadata().getUid();
    for (Pod p : nominated) {
      String otherUid = p.getMetadata() == null ? null : p.getMetadata().getUid();
      if (podPriority(p) >= podPriority && !Objects.equals(otherUid, uid)) {
        if (nodeInfoOut == null) {
          // Clone only when something is added: the snapshot's NodeInfo must stay untouched.
          nodeInfoOut = nodeInfo.clone();
          metaOut = meta == null ? null : meta.shallowCopy();
        }
        nodeInfoOut.addPod(p);
        if (metaOut != null) {
          metaOut.addPod(p, nodeInfoOut.node());
        }
      }
    }
    return nodeInfoOut == null ? null : new NominatedState(metaOut, nodeInfoOut);
  }

  /** {@code podutil.GetPodPriority}: {@code spec.priority}, 0 when unset. */
  public static int podPriority(Pod pod) {
    Integer p = pod.getSpec() == null ? null : pod.getSpec().getPriority();
    return p == null ? 0 : p;
  }

  /**
   * Upstream's {@code prioritizeNodes}: a results table with one row per priority and one column
   * per node. The map phase fills it column by column in parallel, each worker writing only its own
   * nodes' cells, so no lock is needed; the reduce phase then rewrites each row, one row per task.
   * The total of a node is the sum over rows of score × weight. Without priorities every node
   * scores 1. Public so that chapter 04 can check the table against a sequential computation and
   * benchmark the priorities in the real pipeline (upstream exported it as {@code PrioritizeNodes}
   * until v1.16).
   */
  public NodeScoreList prioritizeNodes(Pod pod, PriorityMetadata meta, List<NodeInfo> nodes) {
    // One array of names, shared by the result and every priority's list: names never change.
    String[] names = new String[nodes.size()];
    for (int i = 0; i < names.length; i++) {
      names[i] = nodes.get(i).nodeName();
    }
    NodeScoreList result = NodeScoreList.sharingNames(names);
    if (prioritizers.length == 0 && extenders.isEmpty()) {
      for (int i = 0; i < nodes.size(); i++) {
        result.setScore(i, 1);
      }
      return result;
    }
    NodeScoreList[] results = new NodeScoreList[prioritizers.length];
    for (int j = 0; j < prioritizers.length; j++) {
      results[j] = NodeScoreList.sharingNames(names);
    }
    // Upstream keeps going after an error and reports them all; so do we.
    Queue<SchedulingError> errors = new ConcurrentLinkedQueue<>();
    // Scoring has no early stop, so how the nodes are handed out cannot change a result; chunks
    // (1.19's parallelize.Until) cost fewer hand-offs than 1.17's one node at a time.
    parallelizer.until(
        null,
        nodes.size(),
        index -> {
          NodeInfo nodeInfo = nodes.get(index);
          for (int j = 0; j < prioritizers.length; j++) {
            try {
              results[j].setScore(index, prioritizers[j].map().map(pod, meta, nodeInfo));
            } catch (RuntimeException e) {
              errors.add(
                  new SchedulingError.AlgorithmFailure(
                      "running priority \""
                          + prioritizers[j].name()
                          + "\" (map) on node \""
                          + nodeInfo.nodeName()
                          + "\" for "
                          + PodRequests.describe(pod)
                          + ": "
                          + e.getMessage(),
                      e));
            }
          }
        });
    List<Integer> withReduce = new ArrayList<>();
    for (int j = 0; j < prioritizers.length; j++) {
      if (prioritizers[j].reduce() != null) {
        withReduce.add(j);
      }
    }
    parallelizer.until(
        null,
        withReduce.size(),
        1,
        k -> {
          int j = withReduce.get(k);
          try {
            prioritizers[j].reduce().reduce(pod, meta, snapshot, results[j]);
          } catch (RuntimeException e) {
            errors.add(
                new SchedulingError.AlgorithmFailure(
                    "running priority \""
                        + prioritizers[j].name()
                        + "\" (reduce) for "
                        + PodRequests.describe(pod)
                        + ": "
                        + e.getMessage(),
                    e));
          }
        });
    if (!errors.isEmpty()) {
      throw aggregate(errors);
    }
    for (int i = 0; i < nodes.size(); i++) {
      long total = 0;
      for (int j = 0; j < prioritizers.length; j++) {
        total += results[j].score(i) * prioritizers[j].weight();
      }
      result.setScore(i, total);
    }
    addExtenderScores(pod, nodes, result);
    return result;
  }

  /**
   * The extender half of upstream's {@code prioritizeNodes}: every interested extender scores the
   * nodes (upstream: concurrently, one goroutine each; here one after the other, as each is one
   * blocking call), errors are ignored, and the weighted sum is scaled from the extenders' 0-10
   * range to the scheduler's 0-100 before it is added.
   */
  private void addExtenderScores(Pod pod, List<NodeInfo> nodes, NodeScoreList result) {
    if (extenders.isEmpty()) {
      return;
    }
    List<Node> asNodes = new ArrayList<>(nodes.size());
    for (NodeInfo ni : nodes) {
      asNodes.add(ni.node());
    }
    ExtenderScores.add(extenders, pod, asNodes, result, null);
  }

  /**
   * Like {@code errors.NewAggregate(errs).Error()}: one distinct message as itself, several as
   * {@code [a, b]}, each message once.
   */
  static SchedulingError aggregate(Queue<SchedulingError> errors) {
    List<String> messages = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (SchedulingError e : errors) {
      if (seen.add(e.getMessage())) {
        messages.add(e.getMessage());
      }
    }
    SchedulingError first = errors.peek();
    if (messages.size() == 1) {
      return first;
    }
    return new SchedulingError.AlgorithmFailure("[" + String.join(", ", messages) + "]", first);
  }

  /**
   * Upstream's {@code selectHost}: one pass of reservoir sampling over the list, so that each node
   * with the highest score is chosen with equal probability without collecting them first. The k-th
   * tie replaces the current pick with probability 1/k.
   *
   * @throws SchedulingError.AlgorithmFailure {@code empty priorityList} for an empty list
   */
  public static String selectHost(NodeScoreList list, RandomGenerator random) {
    if (list.size() == 0) {
      throw new SchedulingError.AlgorithmFailure("empty priorityList", null);
    }
    long maxScore = list.score(0);
    String selected = list.name(0);
    int cntOfMaxScore = 1;
    for (int i = 1; i < list.size(); i++) {
      long score = list.score(i);
      if (score > maxScore) {
        maxScore = score;
        selected = list.name(i);
        cntOfMaxScore = 1;
      } else if (score == maxScore) {
        cntOfMaxScore++;
        if (random.nextInt(cntOfMaxScore) == 0) {
          selected = list.name(i);
        }
      }
    }
    return selected;
  }

  /** Where the next search starts, an index into {@link Snapshot#list()}. */
  int nextStartNodeIndex() {
    return nextStartNodeIndex;
  }

  /** For tests that start the search at a chosen index. */
  void setNextStartNodeIndex(int index) {
    this.nextStartNodeIndex = index;
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  /** The configured predicates by name (exposed for tests and preemption). */
  public Map<String, FitPredicate> predicates() {
    return predicates;
  }

  /** The configured priorities, sorted by name as upstream's key set lists them. */
  public List<PriorityConfig> prioritizers() {
    return List.of(prioritizers);
  }

  /** Who knows the nominated pods; preemption (ch06) reads it to clear lower-priority ones. */
  public PodNominator nominator() {
    return nominator;
  }

  public PredicateMetadataProducer predicateMetadataProducer() {
    return predicateMetaProducer;
  }

  /** The extender configurations of the policy; ch07 turns them into HTTP clients. */
  public List<Policy.Extender> extenderConfigs() {
    return extenderConfigs;
  }

  /** The extenders this scheduler calls. */
  public List<SchedulerExtender> extenders() {
    return extenders;
  }

  public boolean alwaysCheckAllPredicates() {
    return alwaysCheckAllPredicates;
  }

  public int percentageOfNodesToScore() {
    return percentageOfNodesToScore;
  }

  /** Stops the worker threads if this scheduler created its own {@link Parallelizer}. */
  @Override
  public void close() {
    if (ownsParallelizer) {
      parallelizer.close();
    }
  }

  /** Configures a {@link GenericScheduler}; {@link #algorithm} takes what a registry built. */
  public static final class Builder {
    private final Cache cache;
    private final Snapshot snapshot;
    private PodNominator nominator = PodNominator.NONE;
    private Map<String, FitPredicate> predicates = Map.of();
    private List<String> ordering = PredicateOrdering.ordering();
    private PredicateMetadataProducer predicateMetaProducer = (pod, snapshot) -> null;
    private List<PriorityConfig> prioritizers = List.of();
    private PriorityMetadataProducer priorityMetaProducer = (pod, nodes, snapshot) -> null;
    private List<Policy.Extender> extenderConfigs = List.of();
    private List<SchedulerExtender> extenders = List.of();
    private boolean alwaysCheckAllPredicates;
    private int percentageOfNodesToScore = DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE;
    private RandomGenerator random = new Random();
    private Parallelizer parallelizer;
    private int parallelism = defaultParallelism();

    private Builder(Cache cache, Snapshot snapshot) {
      this.cache = Objects.requireNonNull(cache, "cache");
      this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    }

    /** Predicates, priorities, metadata producers and flags from {@link Configurator}. */
    public Builder algorithm(AlgorithmConfig config) {
      predicates(config.predicates());
      predicateMetadataProducer(config.predicateMetadataProducer());
      prioritizers(config.prioritizers());
      priorityMetadataProducer(config.priorityMetadataProducer());
      this.extenderConfigs = config.extenders();
      this.alwaysCheckAllPredicates = config.alwaysCheckAllPredicates();
      return this;
    }

    /** The extenders to call after the predicates and priorities, in order. */
    public Builder extenders(List<SchedulerExtender> extenders) {
      this.extenders = List.copyOf(extenders);
      return this;
    }

    public Builder nominator(PodNominator nominator) {
      this.nominator = Objects.requireNonNull(nominator, "nominator");
      return this;
    }

    public Builder predicates(Map<String, FitPredicate> predicates) {
      this.predicates = Map.copyOf(predicates);
      return this;
    }

    /**
     * The order predicates run in; defaults to {@link PredicateOrdering#ordering()}. Toy examples
     * and later chapters' tests may use their own.
     */
    public Builder predicateOrdering(List<String> ordering) {
      this.ordering = List.copyOf(ordering);
      return this;
    }

    public Builder predicateMetadataProducer(PredicateMetadataProducer producer) {
      this.predicateMetaProducer = Objects.requireNonNull(producer, "predicateMetadataProducer");
      return this;
    }

    public Builder prioritizers(List<PriorityConfig> prioritizers) {
      this.prioritizers = List.copyOf(prioritizers);
      return this;
    }

    public Builder priorityMetadataProducer(PriorityMetadataProducer producer) {
      this.priorityMetaProducer = Objects.requireNonNull(producer, "priorityMetadataProducer");
      return this;
    }

    public Builder alwaysCheckAllPredicates(boolean value) {
      this.alwaysCheckAllPredicates = value;
      return this;
    }

    /** {@code percentageOfNodesToScore}: 0 (adaptive, the default) to 100. */
    public Builder percentageOfNodesToScore(int percentage) {
      if (percentage < 0 || percentage > 100) {
        throw new IllegalArgumentException(
            "percentageOfNodesToScore: " + percentage + " not in valid range [0-100]");
      }
      this.percentageOfNodesToScore = percentage;
      return this;
    }

    /** The source of randomness for {@link #selectHost}; inject a seeded one in tests. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** A shared parallelizer, which the scheduler will not close. */
    public Builder parallelizer(Parallelizer parallelizer) {
      this.parallelizer = Objects.requireNonNull(parallelizer, "parallelizer");
      return this;
    }

    /**
     * The number of workers of the scheduler's own parallelizer; defaults to upstream's 16 capped
     * at the number of cores.
     */
    public Builder parallelism(int workers) {
      if (workers < 1) {
        throw new IllegalArgumentException("parallelism must be >= 1, got " + workers);
      }
      this.parallelism = workers;
      return this;
    }

    /**
     * Builds the scheduler. A configured predicate that is not in the ordering never runs, as
     * upstream's {@code podFitsOnNode} only runs the names of {@code predicates.Ordering()}; it is
     * logged, since upstream says nothing.
     */
    public GenericScheduler build() {
      Set<String> ordered = new HashSet<>(ordering);
      List<String> missing = new ArrayList<>();
      for (String name : predicates.keySet()) {
        if (!ordered.contains(name)) {
          missing.add(name);
        }
      }
      if (!missing.isEmpty()) {
        Collections.sort(missing);
        LOG.warning(
            () ->
                "predicates "
                    + missing
                    + " are not in the predicate ordering: they are configured but never run");
      }
      return new GenericScheduler(this);
    }
  }
}
