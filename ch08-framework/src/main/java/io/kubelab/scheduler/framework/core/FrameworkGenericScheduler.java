package io.kubelab.scheduler.framework.core;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.algorithm.ExtenderScores;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.algorithm.PodNominator;
import io.kubelab.scheduler.algorithm.ScheduleResult;
import io.kubelab.scheduler.algorithm.SchedulerExtender;
import io.kubelab.scheduler.algorithm.SchedulingError;
import io.kubelab.scheduler.cache.Cache;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleRecorder;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.Framework;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.framework.StatusException;
import io.kubelab.scheduler.metrics.SchedulerMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;

/**
 * One scheduling decision on the framework: PreFilter, Filter over the nodes in parallel (with
 * nominated pods), PreScore, Score, and the choice among the best.
 *
 * <p>Upstream: {@code Schedule}, {@code findNodesThatFitPod}, {@code findNodesThatPassFilters},
 * {@code podPassesFiltersOnNode}, {@code addNominatedPods} and {@code prioritizeNodes} in {@code
 * pkg/scheduler/core/generic_scheduler.go} (v1.18). What stays from chapter 02 is shared with it:
 * {@link GenericScheduler#numFeasibleNodesToFind} (how many feasible nodes end the search), the
 * rotation of the start index, and {@link GenericScheduler#selectHost} (reservoir sampling among
 * the top scores). Extenders ({@link SchedulerExtender}, chapter 07's HTTP client among them) are
 * called as v1.18 calls them: {@code findNodesThatPassExtenders} after the Filter plugins, each
 * interested extender narrowing what the previous left, its rejections joining the FitError's
 * statuses as Unschedulable; and in {@code prioritizeNodes} after the Score plugins, their weighted
 * 0-10 scores scaled to 0-100 and added. Not thread-safe: one scheduling cycle at a time, as
 * upstream's scheduling loop.
 */
public final class FrameworkGenericScheduler {

  private final Cache cache;
  private final Snapshot snapshot;
  private final Parallelizer parallelizer;
  private final PodNominator nominator;
  private final int percentageOfNodesToScore;
  private final RandomGenerator random;
  private final List<SchedulerExtender> extenders;
  private final SchedulerMetrics metrics;
  private int nextStartNodeIndex;

  /**
   * @param snapshot the snapshot the framework's plugins read ({@code snapshotSharedLister}); it is
   *     refreshed from {@code cache} at the start of every cycle
   * @param parallelizer where Filter runs in parallel; the caller owns and closes it
   * @param percentageOfNodesToScore 0 for the adaptive default
   */
  public FrameworkGenericScheduler(
      Cache cache,
      Snapshot snapshot,
      Parallelizer parallelizer,
      PodNominator nominator,
      int percentageOfNodesToScore,
      RandomGenerator random) {
    this(cache, snapshot, parallelizer, nominator, percentageOfNodesToScore, random, List.of());
  }

  /**
   * As the other constructor, with extenders called after the Filter and Score plugins.
   *
   * @param extenders in configuration order
   */
  public FrameworkGenericScheduler(
      Cache cache,
      Snapshot snapshot,
      Parallelizer parallelizer,
      PodNominator nominator,
      int percentageOfNodesToScore,
      RandomGenerator random,
      List<? extends SchedulerExtender> extenders) {
    this(
        cache,
        snapshot,
        parallelizer,
        nominator,
        percentageOfNodesToScore,
        random,
        extenders,
        null);
  }

  /**
   * As the other constructors, observing the predicate and priority evaluation latencies in {@code
   * metrics} (none when null).
   */
  public FrameworkGenericScheduler(
      Cache cache,
      Snapshot snapshot,
      Parallelizer parallelizer,
      PodNominator nominator,
      int percentageOfNodesToScore,
      RandomGenerator random,
      List<? extends SchedulerExtender> extenders,
      SchedulerMetrics metrics) {
    this.metrics = metrics;
    this.extenders = List.copyOf(extenders);
    this.cache = Objects.requireNonNull(cache, "cache");
    this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    this.parallelizer = Objects.requireNonNull(parallelizer, "parallelizer");
    this.nominator = nominator == null ? PodNominator.NONE : nominator;
    this.percentageOfNodesToScore = percentageOfNodesToScore;
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * {@code Schedule}: the node the pod should run on.
   *
   * @throws SchedulingError.NoNodesAvailable when the snapshot has no nodes
   * @throws FitError when no node passes the filters
   * @throws StatusException when a plugin failed, or PreFilter rejected the pod (upstream returns
   *     the status as an error; so does this)
   */
  public ScheduleResult schedule(Framework fwk, CycleState state, Pod pod) {
    cache.updateSnapshot(snapshot);
    if (snapshot.numNodes() == 0) {
      throw new SchedulingError.NoNodesAvailable();
    }
    Status preFilterStatus = fwk.runPreFilterPlugins(state, pod);
    if (!preFilterStatus.isSuccess()) {
      throw new StatusException(preFilterStatus);
    }
    long startPredicateEval = metrics == null ? 0 : metrics.start();
    Map<String, Status> statuses = new LinkedHashMap<>();
    List<NodeInfo> feasible = findNodesThatPassFilters(fwk, state, pod, statuses);
    List<Node> filtered = nodesOf(feasible);
    List<Node> passed = findNodesThatPassExtenders(pod, filtered, statuses, state.recorder());
    if (passed != filtered) {
      // The extenders kept a subset: the Score plugins look those nodes up again.
      filtered = passed;
      feasible = null;
    }
    if (filtered.isEmpty()) {
      throw new FitError(pod, snapshot.numNodes(), statuses);
    }
    Status preScoreStatus = fwk.runPreScorePlugins(state, pod, filtered);
    if (!preScoreStatus.isSuccess()) {
      throw new StatusException(preScoreStatus);
    }
    // Upstream observes the predicate evaluation after PreScore, and the priority evaluation from
    // here to the end of prioritizeNodes (or at once when one node is left).
    long startPriorityEval = 0;
    if (metrics != null) {
      metrics.observeSince(SchedulerMetrics.PREDICATE_EVALUATION, startPredicateEval);
      startPriorityEval = metrics.start();
    }
    CycleRecorder rec = state.recorder();
    if (filtered.size() == 1) {
      String only = filtered.get(0).getMetadata().getName();
      if (rec != null) {
        rec.selectedNode(only);
      }
      if (metrics != null) {
        metrics.observeSince(SchedulerMetrics.PRIORITY_EVALUATION, startPriorityEval);
      }
      return new ScheduleResult(only, 1 + statuses.size(), 1);
    }
    NodeScoreList priorityList = prioritizeNodes(fwk, state, pod, filtered, feasible);
    if (metrics != null) {
      metrics.observeSince(SchedulerMetrics.PRIORITY_EVALUATION, startPriorityEval);
    }
    if (rec != null) {
      rec.finalScores(priorityList);
    }
    String host = GenericScheduler.selectHost(priorityList, random);
    if (rec != null) {
      rec.selectedNode(host);
    }
    return new ScheduleResult(host, filtered.size() + statuses.size(), filtered.size());
  }

  /**
   * {@code findNodesThatPassFilters}: from {@code nextStartNodeIndex} onwards, wrapping around, in
   * parallel, until {@link GenericScheduler#numFeasibleNodesToFind} nodes pass or every node was
   * examined; the failed nodes' merged statuses go into {@code statuses}, in snapshot order.
   * Without Filter plugins, the first {@code numFeasibleNodesToFind} nodes of the snapshot.
   */
  List<NodeInfo> findNodesThatPassFilters(
      Framework fwk, CycleState state, Pod pod, Map<String, Status> statuses) {
    List<NodeInfo> allNodes = snapshot.list();
    int n = allNodes.size();
    int numNodesToFind = GenericScheduler.numFeasibleNodesToFind(n, percentageOfNodesToScore);
    if (!fwk.hasFilterPlugins()) {
      // v1.18 takes the first numNodesToFind nodes of the list, not those from nextStartNodeIndex
      // on (v1.19 does), and still moves the start on.
      List<NodeInfo> first = new ArrayList<>(allNodes.subList(0, numNodesToFind));
      nextStartNodeIndex = (nextStartNodeIndex + numNodesToFind) % n;
      return first;
    }
    NodeInfo[] filtered = new NodeInfo[numNodesToFind];
    AtomicInteger filteredLen = new AtomicInteger();
    // The nodes that did not pass, with their position in the snapshot so that they can be put
    // in snapshot order: one list per chunk, handed over once. A queue shared node by node made
    // the workers wait on each other at its tail, a third of a cycle where most nodes fail.
    Queue<List<Failure>> failedChunks = new ConcurrentLinkedQueue<>();
    AtomicReference<RuntimeException> firstError = new AtomicReference<>();
    Parallelizer.Stop stop = new Parallelizer.Stop();
    int start = nextStartNodeIndex;
    // Filter's latency is observed here, once per cycle over all nodes (the nominated pods' AddPod
    // included), not per node in the framework: upstream's choice, as its comment says.
    long beginCheckNode = metrics == null ? 0 : metrics.start();
    // The node's failure, or null when it passed (it is then among the filtered) or threw.
    IntFunction<Failure> checkNode =
        i -> {
          int index = (start + i) % n;
          NodeInfo nodeInfo = allNodes.get(index);
          Status status;
          try {
            status = podPassesFiltersOnNode(fwk, state, pod, nodeInfo);
          } catch (RuntimeException e) {
            firstError.compareAndSet(null, e);
            stop.stop();
            return null;
          }
          if (status.isSuccess()) {
            int length = filteredLen.incrementAndGet();
            if (length > numNodesToFind) {
              stop.stop();
              filteredLen.decrementAndGet();
            } else {
              filtered[length - 1] = nodeInfo;
            }
            return null;
          }
          return new Failure(index, status);
        };
    // The loop over each chunk is this call site's own (see Parallelizer.ChunkConsumer).
    parallelizer.untilChunks(
        stop,
        n,
        (from, to, s) -> {
          List<Failure> failed = null;
          for (int i = from; i < to && !s.isStopped(); i++) {
            Failure f = checkNode.apply(i);
            if (f != null) {
              if (failed == null) {
                failed = new ArrayList<>(to - i);
              }
              failed.add(f);
            }
          }
          if (failed != null) {
            failedChunks.add(failed);
          }
        });
    int failures = 0;
    for (List<Failure> chunk : failedChunks) {
      failures += chunk.size();
    }
    int processed = filteredLen.get() + failures;
    nextStartNodeIndex = (start + processed) % n;
    if (metrics != null) {
      metrics.observeExtensionPoint(
          "Filter",
          (firstError.get() == null ? Code.SUCCESS : Code.ERROR).toString(),
          beginCheckNode);
    }
    if (firstError.get() != null) {
      throw firstError.get();
    }
    // Node order for the statuses: the snapshot's, so that messages do not depend on threads.
    Failure[] inOrder = new Failure[failures];
    int k = 0;
    for (List<Failure> chunk : failedChunks) {
      for (Failure f : chunk) {
        inOrder[k++] = f;
      }
    }
    Arrays.sort(inOrder, Comparator.comparingInt(Failure::index));
    for (Failure f : inOrder) {
      statuses.put(allNodes.get(f.index()).nodeName(), f.status());
    }
    return new ArrayList<>(Arrays.asList(Arrays.copyOf(filtered, filteredLen.get())));
  }

  private static List<Node> nodesOf(List<NodeInfo> nodeInfos) {
    List<Node> nodes = new ArrayList<>(nodeInfos.size());
    for (NodeInfo ni : nodeInfos) {
      nodes.add(ni.node());
    }
    return nodes;
  }

  /**
   * {@code findNodesThatPassExtenders}: each interested extender filters what the previous ones
   * left, until no node is left. A node an extender rejects gets its message as an Unschedulable
   * status (appended to a status the node already has). A failing extender is skipped when it is
   * ignorable; otherwise its error ends the cycle, unwrapped, as upstream returns it.
   */
  List<Node> findNodesThatPassExtenders(
      Pod pod, List<Node> filtered, Map<String, Status> statuses, CycleRecorder rec) {
    List<Node> nodes = filtered;
    for (SchedulerExtender extender : extenders) {
      if (nodes.isEmpty()) {
        break;
      }
      if (!extender.isInterested(pod)) {
        continue;
      }
      SchedulerExtender.FilterResult r;
      try {
        r = extender.filter(pod, nodes, snapshot);
      } catch (RuntimeException e) {
        if (extender.isIgnorable()) {
          continue;
        }
        throw new SchedulingError.AlgorithmFailure(e.getMessage(), e);
      }
      // Sorted, so that the merged statuses and the explanation do not depend on map order.
      Map<String, String> failed = new java.util.TreeMap<>(r.failedNodes());
      failed.forEach(
          (node, message) -> {
            Status old = statuses.get(node);
            statuses.put(
                node, old == null ? Status.unschedulable(message) : old.withReason(message));
          });
      nodes = new ArrayList<>(r.nodes());
      if (rec != null) {
        List<String> kept = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
          kept.add(n.getMetadata().getName());
        }
        rec.extenderFilter(extender.name(), kept, failed);
      }
    }
    return nodes;
  }

  /**
   * {@code podPassesFiltersOnNode}: the filters, twice when pods of equal or higher priority are
   * nominated to the node: first as if they ran there (on a cloned state and NodeInfo), then, if
   * that passed, without them. Both must pass: the pod must fit whether or not the nominated pods
   * arrive.
   *
   * @return the merged status (success when the pod fits)
   * @throws StatusException when a filter or PreFilter extension failed with an error
   */
  public Status podPassesFiltersOnNode(Framework fwk, CycleState state, Pod pod, NodeInfo info) {
    Status status = null;
    boolean podsAdded = false;
    for (int i = 0; i < 2; i++) {
      CycleState stateToUse = state;
      NodeInfo nodeInfoToUse = info;
      if (i == 0) {
        Nominated added = addNominatedPods(fwk, pod, state, info);
        podsAdded = added.podsAdded();
        stateToUse = added.state();
        nodeInfoToUse = added.nodeInfo();
      } else if (!podsAdded || !status.isSuccess()) {
        break;
      }
      status = fwk.runFilterPlugins(stateToUse, pod, nodeInfoToUse).merge();
      if (!status.isSuccess() && !status.isUnschedulable()) {
        throw new StatusException(status);
      }
    }
    return status;
  }

  /** A node that did not pass, by its position in the snapshot's list. */
  private record Failure(int index, Status status) {}

  private record Nominated(boolean podsAdded, CycleState state, NodeInfo nodeInfo) {}

  /** {@code addNominatedPods}. */
  private Nominated addNominatedPods(Framework fwk, Pod pod, CycleState state, NodeInfo nodeInfo) {
    if (nodeInfo == null || nodeInfo.node() == null) {
      return new Nominated(false, state, nodeInfo);
    }
    List<Pod> nominatedPods = nominator.nominatedPodsForNode(nodeInfo.nodeName());
    if (nominatedPods.isEmpty()) {
      return new Nominated(false, state, nodeInfo);
    }
    NodeInfo nodeInfoOut = nodeInfo.clone();
    CycleState stateOut = state.clone();
    boolean podsAdded = false;
    int priority = GenericScheduler.podPriority(pod);
    String uid = pod.getMetadata().getUid();
    for (Pod p : nominatedPods) {
      if (GenericScheduler.podPriority(p) >= priority
          && !Objects.equals(p.getMetadata().getUid(), uid)) {
        nodeInfoOut.addPod(p);
        Status status = fwk.runPreFilterExtensionAddPod(stateOut, pod, p, nodeInfoOut);
        if (!status.isSuccess()) {
          throw new StatusException(status);
        }
        podsAdded = true;
      }
    }
    return new Nominated(podsAdded, stateOut, nodeInfoOut);
  }

  /**
   * {@code prioritizeNodes}: every Score plugin's weighted scores summed per node, then every
   * interested extender's score times its weight, scaled from 0-{@value
   * SchedulerExtender#MAX_EXTENDER_PRIORITY} to 0-100; 1 for every node when there are neither
   * Score plugins nor extenders. A prioritize error is ignored: the other scores decide.
   */
  NodeScoreList prioritizeNodes(
      Framework fwk, CycleState state, Pod pod, List<Node> nodes, List<NodeInfo> nodeInfos) {
    NodeScoreList result = NodeScoreList.sharingNames(names(nodes, nodeInfos));
    if (extenders.isEmpty() && !fwk.hasScorePlugins()) {
      for (int i = 0; i < nodes.size(); i++) {
        result.setScore(i, 1);
      }
      return result;
    }
    Map<String, NodeScoreList> scoresMap = fwk.runScorePlugins(state, pod, nodes, nodeInfos);
    for (NodeScoreList l : scoresMap.values()) {
      addScores(result, l);
    }
    if (!extenders.isEmpty()) {
      addExtenderScores(pod, nodes, result, state.recorder());
    }
    return result;
  }

  private static String[] names(List<Node> nodes, List<NodeInfo> nodeInfos) {
    String[] names = new String[nodes.size()];
    for (int i = 0; i < names.length; i++) {
      names[i] =
          nodeInfos == null ? nodes.get(i).getMetadata().getName() : nodeInfos.get(i).nodeName();
    }
    return names;
  }

  // A loop of its own, for the JIT (see FrameworkImpl.runScorePluginsUntimed).
  private static void addScores(NodeScoreList into, NodeScoreList scores) {
    for (int i = 0, n = into.size(); i < n; i++) {
      into.setScore(i, into.score(i) + scores.score(i));
    }
  }

  private void addExtenderScores(
      Pod pod, List<Node> nodes, NodeScoreList result, CycleRecorder rec) {
    ExtenderScores.add(
        extenders,
        pod,
        nodes,
        result,
        rec == null
            ? null
            : (extender, r) -> rec.extenderScore(extender.name(), r.weight(), r.scores()));
  }

  /** The extenders, in the order they are called. */
  public List<SchedulerExtender> extenders() {
    return extenders;
  }

  /** Where the next search starts, an index into the snapshot's node list. */
  int nextStartNodeIndex() {
    return nextStartNodeIndex;
  }
}
