package io.kubelab.scheduler.preemption;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.scheduler.algorithm.FitError;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.PodNominator;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import io.kubelab.scheduler.algorithm.SchedulerExtender;
import io.kubelab.scheduler.algorithm.SchedulingError;
import io.kubelab.scheduler.algorithm.Victims;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Chooses where a pod that fits nowhere should preempt, and whom: the algorithm half of preemption,
 * with no side effects.
 *
 * <p>Upstream: {@code genericScheduler.Preempt}, {@code selectNodesForPreemption}, {@code
 * selectVictimsOnNode}, {@code processPreemptionWithExtenders} and {@code
 * getLowerPriorityNominatedPods} in {@code pkg/scheduler/core/generic_scheduler.go} (v1.17). It
 * works on the generic scheduler's snapshot as the failed scheduling attempt left it (upstream does
 * not refresh it either: a fresh snapshot might show room that the preemptor would then wait behind
 * other pods to use), runs the same predicates through {@link GenericScheduler#podFitsOnNode},
 * nominated pods included, and asks the same extenders.
 *
 * <p>Not thread-safe: like the generic scheduler it is driven by the one scheduling thread. The
 * candidate nodes are evaluated in parallel on its {@link Parallelizer}; {@link #close()} stops the
 * threads if this object created them.
 */
public final class Preemption implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Preemption.class.getName());

  private final GenericScheduler scheduler;
  private final PdbLister pdbLister;
  private final boolean enableNonPreempting;
  private final Clock clock;
  private final Parallelizer parallelizer;
  private final boolean ownsParallelizer;

  private Preemption(Builder b) {
    this.scheduler = b.scheduler;
    this.pdbLister = b.pdbLister;
    this.enableNonPreempting = b.enableNonPreempting;
    this.clock = b.clock;
    if (b.parallelizer != null) {
      this.parallelizer = b.parallelizer;
      this.ownsParallelizer = false;
    } else {
      this.parallelizer = new Parallelizer("preemption-worker", b.parallelism);
      this.ownsParallelizer = true;
    }
  }

  /**
   * A builder for preemption on behalf of {@code scheduler}.
   *
   * @param clock what victims without {@code status.startTime} count as having started at
   */
  public static Builder builder(GenericScheduler scheduler, Clock clock) {
    return new Builder(scheduler, clock);
  }

  /**
   * Upstream's {@code Preempt}: when {@code scheduleErr} is a {@link FitError} and the pod may
   * preempt, finds the nodes where evicting lower-priority pods would make it fit, lets the
   * extenders review them, and picks one.
   *
   * @param pod the pod that did not fit (as re-read from the API server)
   * @param scheduleErr what the scheduling attempt threw; anything but a FitError means no
   *     preemption
   * @return the node, its victims and the nominations to clear; {@link PreemptionResult#NONE} when
   *     preemption is not possible or not allowed
   * @throws SchedulingError.NoNodesAvailable when the snapshot has no nodes
   * @throws SchedulingError.AlgorithmFailure when the predicate metadata cannot be computed
   * @throws PreemptionException when listing PDBs or a non-ignorable extender fails, or the chosen
   *     node is no longer in the snapshot
   */
  public PreemptionResult preempt(Pod pod, RuntimeException scheduleErr) {
    if (!(scheduleErr instanceof FitError fitError)) {
      return PreemptionResult.NONE;
    }
    Snapshot snapshot = scheduler.snapshot();
    Map<String, NodeInfo> nodeInfos = byName(snapshot.list());
    if (!Eligibility.podEligibleToPreemptOthers(pod, nodeInfos, enableNonPreempting)) {
      LOG.fine(() -> "Pod " + describe(pod) + " is not eligible for more preemption.");
      return PreemptionResult.NONE;
    }
    if (nodeInfos.isEmpty()) {
      throw new SchedulingError.NoNodesAvailable();
    }
    List<Node> potentialNodes =
        Eligibility.nodesWherePreemptionMightHelp(snapshot.list(), fitError);
    if (potentialNodes.isEmpty()) {
      LOG.fine(() -> "Preemption will not help schedule pod " + describe(pod) + " on any node.");
      // The pod's old nomination, if any, is stale: have it cleared.
      return new PreemptionResult(Optional.empty(), List.of(), List.of(pod));
    }
    List<PodDisruptionBudget> pdbs;
    try {
      pdbs = pdbLister.list();
    } catch (RuntimeException e) {
      throw new PreemptionException("listing PodDisruptionBudgets: " + e.getMessage(), e);
    }
    Map<String, Victims> nodeToVictims = selectNodesForPreemption(pod, potentialNodes, pdbs);
    // Only extenders that support preemption see the candidates. One that does not may still
    // reject the nominated node in a later cycle; the pod then goes elsewhere.
    nodeToVictims = processPreemptionWithExtenders(pod, nodeToVictims);
    String candidateNode = PickOneNode.pickOneNodeForPreemption(nodeToVictims, clock.now());
    if (candidateNode == null) {
      return PreemptionResult.NONE;
    }
    // Lower-priority pods nominated to this node may no longer fit there. Clearing their
    // nomination sends them back to the active queue to find another place.
    List<Pod> nominatedPods = getLowerPriorityNominatedPods(pod, candidateNode);
    NodeInfo nodeInfo = nodeInfos.get(candidateNode);
    if (nodeInfo != null) {
      return new PreemptionResult(
          Optional.of(nodeInfo.node()), nodeToVictims.get(candidateNode).pods(), nominatedPods);
    }
    throw new PreemptionException(
        "preemption failed: the target node "
            + candidateNode
            + " has been deleted from scheduler cache",
        null);
  }

  /**
   * Upstream's {@code selectNodesForPreemption}: {@link #selectVictimsOnNode} on a copy of every
   * candidate node, in parallel. Nodes the snapshot does not know are skipped.
   *
   * @return node name → victims for the nodes where the pod would fit, in {@code potentialNodes}
   *     order
   */
  Map<String, Victims> selectNodesForPreemption(
      Pod pod, List<Node> potentialNodes, List<PodDisruptionBudget> pdbs) {
    Snapshot snapshot = scheduler.snapshot();
    Map<String, NodeInfo> nodeInfos = byName(snapshot.list());
    PredicateMetadata meta = producePredicateMetadata(pod, snapshot);
    PdbViolations violations = PdbViolations.of(pdbs);
    Instant now = clock.now();
    Victims[] results = new Victims[potentialNodes.size()];
    // One node per piece, as v1.17's workqueue.ParallelizeUntil hands them out: each is costly.
    parallelizer.until(
        null,
        potentialNodes.size(),
        1,
        i -> {
          NodeInfo nodeInfo = nodeInfos.get(potentialNodes.get(i).getMetadata().getName());
          if (nodeInfo == null) {
            return;
          }
          NodeInfo nodeInfoCopy = nodeInfo.clone();
          PredicateMetadata metaCopy = meta == null ? null : meta.shallowCopy();
          results[i] = selectVictimsOnNode(pod, metaCopy, nodeInfoCopy, violations, now);
        });
    Map<String, Victims> nodeToVictims = new LinkedHashMap<>();
    for (int i = 0; i < results.length; i++) {
      if (results[i] != null) {
        nodeToVictims.put(potentialNodes.get(i).getMetadata().getName(), results[i]);
      }
    }
    return nodeToVictims;
  }

  /**
   * Upstream's {@code selectVictimsOnNode} for the predicates of this chapter's generic scheduler:
   * {@link #selectVictimsOnNode(Pod, VictimTrial, PdbViolations, Instant)} on a trial that keeps
   * the NodeInfo copy and the metadata copy in step and checks the fit with {@link
   * GenericScheduler#podFitsOnNode}.
   *
   * @param meta a copy of the pod's predicate metadata (or null), changed in place
   * @param nodeInfo a copy of the node's NodeInfo, changed in place
   * @return the victims and how many of them violate a PDB, or null when the pod cannot fit here
   *     (or adding or removing a pod failed)
   */
  Victims selectVictimsOnNode(
      Pod pod, PredicateMetadata meta, NodeInfo nodeInfo, PdbViolations pdbs, Instant now) {
    VictimTrial trial =
        new VictimTrial() {
          @Override
          public NodeInfo nodeInfo() {
            return nodeInfo;
          }

          @Override
          public void removePod(Pod p) {
            Preemption.removePod(p, meta, nodeInfo);
          }

          @Override
          public void addPod(Pod p) {
            nodeInfo.addPod(p);
            if (meta != null) {
              meta.addPod(p, nodeInfo.node());
            }
          }

          @Override
          public boolean fits() {
            return scheduler.podFitsOnNode(pod, meta, nodeInfo).fits();
          }
        };
    return selectVictimsOnNode(pod, trial, pdbs, now);
  }

  /**
   * One node's state as preemption changes it: a copy of its NodeInfo and of whatever the fit check
   * precomputed for the preemptor, kept in step as pods are removed and added back. Chapter 02's
   * predicates with their metadata are one such state; chapter 08's filter plugins with their cycle
   * state another.
   */
  public interface VictimTrial {

    /** The NodeInfo copy being changed. */
    NodeInfo nodeInfo();

    /** Removes {@code p} from the node and the precomputed state; throws when it cannot. */
    void removePod(Pod p);

    /** Adds {@code p} back to the node and the precomputed state; throws when it cannot. */
    void addPod(Pod p);

    /**
     * Whether the preemptor fits the node as it is now.
     *
     * @throws RuntimeException when the check itself failed; the caller treats it as "does not fit"
     */
    boolean fits();
  }

  /**
   * Upstream's {@code selectVictimsOnNode}: the smallest set of lower-priority pods to evict from
   * this node, preferring to keep the more important ones.
   *
   * <ol>
   *   <li>Remove every pod of lower priority than {@code pod} from the node and the metadata; if
   *       the pod still does not fit, preemption cannot help here. (A pod that needs affinity to
   *       one of those lower-priority pods is not supported, on purpose.)
   *   <li>Sort the removed pods most important first, split them into PDB-violating and other pods,
   *       and try to put each back ("reprieve" it): violating pods first, then the others, each
   *       group from the highest priority down. A pod stays if the preemptor still fits with it;
   *       otherwise it is a victim.
   * </ol>
   *
   * <p>Public for chapter 08, whose framework-driven preemption selects victims with it.
   *
   * @return the victims and how many of them violate a PDB, or null when the pod cannot fit here
   *     (or adding or removing a pod failed)
   */
  public static Victims selectVictimsOnNode(
      Pod pod, VictimTrial trial, PdbViolations pdbs, Instant now) {
    NodeInfo nodeInfo = trial.nodeInfo();
    int podPriority = PodOrder.priority(pod);
    List<Pod> potentialVictims = new ArrayList<>();
    try {
      for (Pod p : List.copyOf(nodeInfo.pods())) {
        if (PodOrder.priority(p) < podPriority) {
          potentialVictims.add(p);
          trial.removePod(p);
        }
      }
    } catch (RuntimeException e) {
      LOG.warning(
          () -> "removing pods from node " + nodeInfo.nodeName() + " failed: " + e.getMessage());
      return null;
    }
    try {
      if (!trial.fits()) {
        return null;
      }
    } catch (RuntimeException e) {
      LOG.warning(
          () ->
              "Encountered error while selecting victims on node "
                  + nodeInfo.nodeName()
                  + ": "
                  + e.getMessage());
      return null;
    }
    PodOrder.sortMoreImportantFirst(potentialVictims, now);
    PdbViolations.Split split = pdbs.filterPodsWithPDBViolation(potentialVictims);
    List<Pod> victims = new ArrayList<>();
    int numViolatingVictim = 0;
    try {
      for (Pod p : split.violating()) {
        if (!reprievePod(p, trial, victims)) {
          numViolatingVictim++;
        }
      }
      for (Pod p : split.nonViolating()) {
        reprievePod(p, trial, victims);
      }
    } catch (RuntimeException e) {
      LOG.warning(() -> "Failed to reprieve pod: " + e.getMessage());
      return null;
    }
    return new Victims(victims, numViolatingVictim);
  }

  /**
   * Puts {@code p} back on the node; if the preemptor no longer fits, takes it off again and adds
   * it to {@code victims}.
   *
   * @return true when {@code p} could stay
   */
  private static boolean reprievePod(Pod p, VictimTrial trial, List<Pod> victims) {
    trial.addPod(p);
    boolean fits;
    try {
      fits = trial.fits();
    } catch (RuntimeException e) {
      // Upstream ignores the error here: the pod simply does not fit with p.
      fits = false;
    }
    if (!fits) {
      trial.removePod(p);
      victims.add(p);
    }
    return fits;
  }

  private static void removePod(Pod p, PredicateMetadata meta, NodeInfo nodeInfo) {
    nodeInfo.removePod(p);
    if (meta != null) {
      meta.removePod(p, nodeInfo.node());
    }
  }

  /**
   * Upstream's {@code processPreemptionWithExtenders}: every extender that supports preemption and
   * is interested in the pod reviews the candidates in turn, each seeing what the previous one
   * returned; once no candidate is left the others are not asked. A failing extender is skipped
   * when ignorable and fails the preemption otherwise.
   */
  Map<String, Victims> processPreemptionWithExtenders(Pod pod, Map<String, Victims> nodeToVictims) {
    return processPreemptionWithExtenders(
        pod, nodeToVictims, scheduler.extenders(), scheduler.snapshot());
  }

  /**
   * {@link #processPreemptionWithExtenders(Pod, Map)} for any list of extenders and snapshot.
   * Public for chapter 08's framework-driven preemption.
   */
  public static Map<String, Victims> processPreemptionWithExtenders(
      Pod pod,
      Map<String, Victims> nodeToVictims,
      List<SchedulerExtender> extenders,
      Snapshot snapshot) {
    if (nodeToVictims.isEmpty()) {
      return nodeToVictims;
    }
    Map<String, Victims> current = nodeToVictims;
    for (SchedulerExtender extender : extenders) {
      if (!extender.supportsPreemption() || !extender.isInterested(pod)) {
        continue;
      }
      Map<String, Victims> newNodeToVictims;
      try {
        newNodeToVictims =
            extender.processPreemption(pod, Collections.unmodifiableMap(current), snapshot);
        Objects.requireNonNull(newNodeToVictims, "the extender returned no map");
      } catch (RuntimeException e) {
        if (extender.isIgnorable()) {
          LOG.warning(
              () ->
                  "Skipping extender "
                      + extender.name()
                      + " as it returned error "
                      + e.getMessage()
                      + " and has ignorable flag set");
          continue;
        }
        throw new PreemptionException(
            "extender \""
                + extender.name()
                + "\" preemption for "
                + describe(pod)
                + ": "
                + e.getMessage(),
            e);
      }
      current = new LinkedHashMap<>(newNodeToVictims);
      if (current.isEmpty()) {
        break;
      }
    }
    return current;
  }

  /**
   * Upstream's {@code getLowerPriorityNominatedPods}: the pods nominated to {@code nodeName} with a
   * lower priority than {@code pod}. They are not re-checked (upstream judges that not worth the
   * cost, as few pods are nominated to one node): all are returned for clearing.
   */
  List<Pod> getLowerPriorityNominatedPods(Pod pod, String nodeName) {
    return getLowerPriorityNominatedPods(scheduler.nominator(), pod, nodeName);
  }

  /**
   * {@link #getLowerPriorityNominatedPods(Pod, String)} for any nominator. Public for chapter 08's
   * framework-driven preemption.
   */
  public static List<Pod> getLowerPriorityNominatedPods(
      PodNominator nominator, Pod pod, String nodeName) {
    List<Pod> pods = nominator.nominatedPodsForNode(nodeName);
    if (pods == null || pods.isEmpty()) {
      return List.of();
    }
    int podPriority = PodOrder.priority(pod);
    List<Pod> lowerPriorityPods = new ArrayList<>();
    for (Pod p : pods) {
      if (PodOrder.priority(p) < podPriority) {
        lowerPriorityPods.add(p);
      }
    }
    return lowerPriorityPods;
  }

  private PredicateMetadata producePredicateMetadata(Pod pod, Snapshot snapshot) {
    try {
      return scheduler.predicateMetadataProducer().produce(pod, snapshot);
    } catch (RuntimeException e) {
      throw new SchedulingError.AlgorithmFailure(
          "computing predicate metadata for " + describe(pod) + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, NodeInfo> byName(List<NodeInfo> list) {
    Map<String, NodeInfo> m = new HashMap<>(list.size() * 2);
    for (NodeInfo ni : list) {
      m.put(ni.nodeName(), ni);
    }
    return m;
  }

  private static String describe(Pod pod) {
    return PodRequests.describe(pod);
  }

  /** Stops the worker threads if this object created its own {@link Parallelizer}. */
  @Override
  public void close() {
    if (ownsParallelizer) {
      parallelizer.close();
    }
  }

  /** Configures a {@link Preemption}. */
  public static final class Builder {
    private final GenericScheduler scheduler;
    private final Clock clock;
    private PdbLister pdbLister = PdbLister.NONE;
    private boolean enableNonPreempting;
    private Parallelizer parallelizer;
    private int parallelism =
        Math.max(
            1,
            Math.min(Parallelizer.DEFAULT_PARALLELISM, Runtime.getRuntime().availableProcessors()));

    private Builder(GenericScheduler scheduler, Clock clock) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Where the PodDisruptionBudgets come from; none by default. */
    public Builder pdbLister(PdbLister pdbLister) {
      this.pdbLister = Objects.requireNonNull(pdbLister, "pdbLister");
      return this;
    }

    /**
     * The NonPreemptingPriority feature gate: when on, a pod with {@code preemptionPolicy: Never}
     * never preempts. Off by default, as in v1.17 (alpha there).
     */
    public Builder nonPreemptingPriority(boolean enabled) {
      this.enableNonPreempting = enabled;
      return this;
    }

    /** A shared parallelizer, which {@link Preemption#close()} will not close. */
    public Builder parallelizer(Parallelizer parallelizer) {
      this.parallelizer = Objects.requireNonNull(parallelizer, "parallelizer");
      return this;
    }

    /** Workers of the own parallelizer; upstream's 16 capped at the number of cores. */
    public Builder parallelism(int workers) {
      if (workers < 1) {
        throw new IllegalArgumentException("parallelism must be >= 1, got " + workers);
      }
      this.parallelism = workers;
      return this;
    }

    public Preemption build() {
      return new Preemption(this);
    }
  }
}
