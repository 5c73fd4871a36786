package io.kubelab.scheduler.framework.core;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.algorithm.PodNominator;
import io.kubelab.scheduler.algorithm.SchedulingError;
import io.kubelab.scheduler.algorithm.Victims;
import io.kubelab.scheduler.cache.Cache;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.Framework;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.framework.StatusException;
import io.kubelab.scheduler.preemption.Eligibility;
import io.kubelab.scheduler.preemption.PdbViolations;
import io.kubelab.scheduler.preemption.PickOneNode;
import io.kubelab.scheduler.preemption.Preemption;
import io.kubelab.scheduler.preemption.PreemptionResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Preemption driven by the framework: candidate nodes chosen by their Filter statuses, victims
 * selected with the Filter plugins and the PreFilter extensions.
 *
 * <p>Upstream: {@code Preempt}, {@code nodesWherePreemptionMightHelp}, {@code
 * selectNodesForPreemption} and {@code selectVictimsOnNode} in {@code
 * pkg/scheduler/core/generic_scheduler.go} (v1.18). What v1.17 did with predicate failure reasons
 * (chapter 06's unresolvable list), v1.18 does with the code: a node whose merged status is
 * UnschedulableAndUnresolvable is skipped; every other node, examined or not, is a candidate. On a
 * candidate, chapter 06's {@link Preemption#selectVictimsOnNode} removes and re-adds pods on a
 * clone of the node and of the cycle state, keeping the plugins' precomputed state in step through
 * {@code RemovePod}/{@code AddPod}, and asks {@link
 * FrameworkGenericScheduler#podPassesFiltersOnNode} whether the pod fits. The choice among
 * candidates is chapter 06's tie-break, after the scheduler's extenders that support preemption
 * reviewed the candidates ({@code processPreemptionWithExtenders}, chapter 06's {@link
 * Preemption#processPreemptionWithExtenders}).
 */
public final class FrameworkPreemption {

  private final FrameworkGenericScheduler scheduler;
  private final Snapshot snapshot;
  private final Parallelizer parallelizer;
  private final PodNominator nominator;
  private final boolean enableNonPreempting;

  /**
   * @param scheduler whose filters decide the fit; its snapshot is the one of the failed cycle
   * @param snapshot that snapshot
   * @param enableNonPreempting the NonPreemptingPriority gate (honour {@code preemptionPolicy:
   *     Never})
   */
  public FrameworkPreemption(
      FrameworkGenericScheduler scheduler,
      Snapshot snapshot,
      Parallelizer parallelizer,
      PodNominator nominator,
      boolean enableNonPreempting) {
    this.scheduler = scheduler;
    this.snapshot = snapshot;
    this.parallelizer = parallelizer;
    this.nominator = nominator == null ? PodNominator.NONE : nominator;
    this.enableNonPreempting = enableNonPreempting;
  }

  /**
   * {@code Preempt}: after {@code fitError}, the node where the pod should wait and the pods to
   * evict there.
   *
   * @param state the failed cycle's state (PreFilter has run); it is cloned, never changed
   * @param pdbs the cluster's PodDisruptionBudgets
   * @param now the time victims without a start time count as started at
   */
  public PreemptionResult preempt(
      Framework fwk,
      CycleState state,
      Pod pod,
      FitError fitError,
      List<PodDisruptionBudget> pdbs,
      Instant now) {
    PreemptionResult result = decide(fwk, state, pod, fitError, pdbs, now);
    if (state.recorder() != null) {
      state.recorder().preemption(result.nodeName(), result.victims());
    }
    return result;
  }

  private PreemptionResult decide(
      Framework fwk,
      CycleState state,
      Pod pod,
      FitError fitError,
      List<PodDisruptionBudget> pdbs,
      Instant now) {
    List<NodeInfo> all = snapshot.list();
    // Nodes are looked up by name only for a pod already nominated somewhere, and for the chosen
    // one: a map of every node, built for each preemption, was serial work the size of the
    // cluster.
    if (!Eligibility.podEligibleToPreemptOthers(pod, this::nodeInfo, enableNonPreempting)) {
      return PreemptionResult.NONE;
    }
    if (all.isEmpty()) {
      throw new SchedulingError.NoNodesAvailable();
    }
    List<NodeInfo> potentialNodes = nodesWherePreemptionMightHelp(all, fitError);
    if (potentialNodes.isEmpty()) {
      return new PreemptionResult(Optional.empty(), List.of(), List.of(pod));
    }
    Map<String, Victims> nodeToVictims =
        selectNodesForPreemption(fwk, state, pod, potentialNodes, PdbViolations.of(pdbs), now);
    // Only extenders that support preemption see the candidates; one that does not may still
    // refuse the nominated node in a later cycle, and the pod then goes elsewhere.
    nodeToVictims =
        Preemption.processPreemptionWithExtenders(
            pod, nodeToVictims, scheduler.extenders(), snapshot);
    String candidate = PickOneNode.pickOneNodeForPreemption(nodeToVictims, now);
    if (candidate == null) {
      return PreemptionResult.NONE;
    }
    return new PreemptionResult(
        Optional.of(snapshot.get(candidate).node()),
        nodeToVictims.get(candidate).pods(),
        Preemption.getLowerPriorityNominatedPods(nominator, pod, candidate));
  }

  /** The snapshot's NodeInfo of a node, or null when it has none (or only a ghost's). */
  private NodeInfo nodeInfo(String nodeName) {
    try {
      return snapshot.get(nodeName);
    } catch (Cache.CacheException e) {
      return null;
    }
  }

  /**
   * {@code nodesWherePreemptionMightHelp} (v1.18): every node but those whose filter status is
   * UnschedulableAndUnresolvable.
   */
  static List<NodeInfo> nodesWherePreemptionMightHelp(List<NodeInfo> nodes, FitError fitError) {
    List<NodeInfo> out = new ArrayList<>();
    for (NodeInfo ni : nodes) {
      Status s = fitError.filteredNodesStatuses().get(ni.nodeName());
      if (Status.codeOf(s) == Code.UNSCHEDULABLE_AND_UNRESOLVABLE) {
        continue;
      }
      out.add(ni);
    }
    return out;
  }

  /** {@code selectNodesForPreemption}: one candidate per piece, in parallel. */
  Map<String, Victims> selectNodesForPreemption(
      Framework fwk,
      CycleState state,
      Pod pod,
      List<NodeInfo> potentialNodes,
      PdbViolations pdbs,
      Instant now) {
    Victims[] results = new Victims[potentialNodes.size()];
    // One node per chunk, as upstream's checkNode pieces; the loop is this call site's own (see
    // Parallelizer.ChunkConsumer).
    parallelizer.untilChunks(
        null,
        potentialNodes.size(),
        1,
        (from, to, stop) -> {
          for (int i = from; i < to && !stop.isStopped(); i++) {
            NodeInfo nodeInfoCopy = potentialNodes.get(i).clone();
            CycleState stateCopy = state.cloneWithoutRecorder();
            results[i] =
                Preemption.selectVictimsOnNode(
                    pod, trial(fwk, stateCopy, pod, nodeInfoCopy), pdbs, now);
          }
        });
    Map<String, Victims> nodeToVictims = new LinkedHashMap<>();
    for (int i = 0; i < results.length; i++) {
      if (results[i] != null) {
        nodeToVictims.put(potentialNodes.get(i).nodeName(), results[i]);
      }
    }
    return nodeToVictims;
  }

  /** One node's state for {@code selectVictimsOnNode}: NodeInfo and CycleState kept in step. */
  private Preemption.VictimTrial trial(
      Framework fwk, CycleState state, Pod pod, NodeInfo nodeInfo) {
    return new Preemption.VictimTrial() {
      @Override
      public NodeInfo nodeInfo() {
        return nodeInfo;
      }

      @Override
      public void removePod(Pod p) {
        nodeInfo.removePod(p);
        Status s = fwk.runPreFilterExtensionRemovePod(state, pod, p, nodeInfo);
        if (!s.isSuccess()) {
          throw new StatusException(s);
        }
      }

      @Override
      public void addPod(Pod p) {
        nodeInfo.addPod(p);
        Status s = fwk.runPreFilterExtensionAddPod(state, pod, p, nodeInfo);
        if (!s.isSuccess()) {
          throw new StatusException(s);
        }
      }

      @Override
      public boolean fits() {
        return scheduler.podPassesFiltersOnNode(fwk, state, pod, nodeInfo).isSuccess();
      }
    };
  }
}
