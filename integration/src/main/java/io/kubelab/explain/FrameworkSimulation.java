package io.kubelab.explain;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.manifest.Manifest;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.cluster.SchedulingSimulation;
import io.kubelab.scheduler.algorithm.PodNominator;
import io.kubelab.scheduler.algorithm.ScheduleResult;
import io.kubelab.scheduler.algorithm.SchedulingError;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.framework.StatusException;
import io.kubelab.scheduler.framework.core.FitError;
import io.kubelab.scheduler.framework.core.FrameworkGenericScheduler;
import io.kubelab.scheduler.framework.core.FrameworkPreemption;
import io.kubelab.scheduler.framework.plugins.PodBinder;
import io.kubelab.scheduler.preemption.PreemptionResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The ch08 framework run over a manifest, every decision recorded: each pending pod goes through
 * the scheduling cycle (PreFilter, Filter, PreScore, Score, selectHost) and, when a node was found,
 * the binding cycle (assume, Reserve, Permit, PreBind, Bind, PostBind); when none was, preemption
 * chooses a node and victims, the victims are deleted, the pod is nominated and tried again. A
 * {@link DecisionRecorder} rides on every attempt's cycle state.
 *
 * <p>Upstream: {@code scheduleOne} in {@code pkg/scheduler/scheduler.go} and {@code preempt}
 * (v1.18), run synchronously and in queue order: binding is in memory and instantaneous, so the
 * binding cycle runs before the next pod is scheduled. Unschedulable pods wait until the cluster
 * changes (a pod bound, a victim deleted), then every one of them is tried again, as upstream's
 * {@code MoveAllToActiveQueue} does; the run ends when a full round of retries changes nothing.
 * Pods whose {@code schedulerName} names no profile are reported, not scheduled.
 *
 * <p>Virtual time: one {@link FakeClock}, stepped 1 ms per binding. Filter runs on one worker, so
 * the order of feasible nodes, and with it the seeded tie-break, is reproducible.
 */
public final class FrameworkSimulation implements AutoCloseable {

  private final FakeClock clock = new FakeClock();
  private final SchedulerCache cache = new SchedulerCache(clock);
  private final Snapshot snapshot = new Snapshot();
  private final Parallelizer parallelizer = new Parallelizer("kubelab-explain", 1);
  private final Map<String, FrameworkImpl> frameworks;
  private final FrameworkGenericScheduler scheduler;
  private final FrameworkPreemption preemption;
  private final List<PodDisruptionBudget> pdbs;
  private final Map<String, Pod> nominated = new LinkedHashMap<>();
  private final List<Pod> pending = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<Binding> bindings = new ArrayList<>();
  private final Map<String, String> evictedBy = new LinkedHashMap<>();
  private final int nodeCount;

  /**
   * @param seed seeds selectHost's tie-break
   * @throws IllegalArgumentException for a malformed pod or an invalid profile
   */
  public FrameworkSimulation(Manifest manifest, SchedulerProfile profile, long seed) {
    this.frameworks =
        profile
            .builder()
            .build(
                () ->
                    FrameworkImpl.builder(
                            io.kubelab.scheduler.framework.profile.Profiles.registry())
                        .snapshot(snapshot)
                        .clock(clock)
                        .parallelizer(parallelizer)
                        .component(PodBinder.class, bindings::add));
    PodNominator nominator =
        nodeName -> {
          List<Pod> out = new ArrayList<>();
          for (Pod p : nominated.values()) {
            if (nodeName.equals(
                p.getStatus() == null ? null : p.getStatus().getNominatedNodeName())) {
              out.add(p);
            }
          }
          return out;
        };
    this.scheduler =
        new FrameworkGenericScheduler(
            cache, snapshot, parallelizer, nominator, 0, new Random(seed));
    this.preemption = new FrameworkPreemption(scheduler, snapshot, parallelizer, nominator, true);
    this.pdbs = manifest.podDisruptionBudgets();

    Map<String, Integer> priorities = new HashMap<>();
    for (PriorityClass pc : manifest.priorityClasses()) {
      priorities.put(pc.getMetadata().getName(), pc.getValue() == null ? 0 : pc.getValue());
    }
    for (Node n : manifest.nodes()) {
      cache.addNode(n);
    }
    this.nodeCount = cache.nodeCount();
    for (Pod raw : manifest.pods()) {
      Pod p = SchedulingSimulation.normalize(raw, priorities);
      String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
      if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
        continue;
      }
      String nodeName = p.getSpec().getNodeName();
      if (nodeName != null && !nodeName.isEmpty()) {
        cache.addPod(p);
      } else if (!frameworks.containsKey(schedulerName(p))) {
        notes.add(
            p.getMetadata().getNamespace()
                + "/"
                + p.getMetadata().getName()
                + " is left pending: schedulerName is \""
                + schedulerName(p)
                + "\", which no profile of "
                + profile.name()
                + " has");
      } else {
        pending.add(p);
      }
    }
    pending.sort(SchedulingSimulation.QUEUE_ORDER);
  }

  private static String schedulerName(Pod p) {
    String s = p.getSpec().getSchedulerName();
    return s == null || s.isEmpty() ? SchedulingSimulation.DEFAULT_SCHEDULER_NAME : s;
  }

  public int nodeCount() {
    return nodeCount;
  }

  /** Pods waiting to be scheduled, in queue order. */
  public List<Pod> pending() {
    return List.copyOf(pending);
  }

  /** Things the run noticed about its input (pods it will not schedule, and why). */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  /** The bindings the Bind plugins posted, in order. */
  public List<Binding> bindings() {
    return List.copyOf(bindings);
  }

  /** Pods preemption deleted: {@code namespace/name} → the preemptor's {@code namespace/name}. */
  public Map<String, String> evicted() {
    return java.util.Collections.unmodifiableMap(evictedBy);
  }

  /** Schedules every pending pod; returns one result per pending pod, in queue order. */
  public List<PodResult> run() {
    Map<String, PodResult> results = new LinkedHashMap<>();
    for (Pod p : pending) {
      results.put(key(p), null);
    }
    Deque<Pod> active = new ArrayDeque<>(pending);
    List<Pod> unschedulable = new ArrayList<>();
    Map<String, Integer> attempts = new HashMap<>();
    boolean changedSinceRetry = false;
    while (true) {
      while (!active.isEmpty()) {
        Pod pod = active.poll();
        int n = attempts.merge(key(pod), 1, Integer::sum);
        PodResult previous = results.get(key(pod));
        Attempt a = attempt(pod);
        String nominatedNode =
            !a.decision().nominatedNode().isEmpty()
                ? a.decision().nominatedNode()
                : previous == null ? "" : previous.nominatedNode();
        List<String> victims = new ArrayList<>(previous == null ? List.of() : previous.victims());
        victims.addAll(a.decision().victims());
        Decision preempting =
            !a.decision().nominatedNode().isEmpty()
                ? a.decision()
                : previous == null ? null : previous.preemptingAttempt();
        results.put(
            key(pod),
            new PodResult(
                pod, a.node(), nominatedNode, victims, n, a.message(), a.decision(), preempting));
        if (a.node().isEmpty()) {
          if (a.retry()) {
            unschedulable.add(a.pod());
          }
        } else {
          nominated.remove(key(pod));
        }
        if (a.changedCluster()) {
          changedSinceRetry = true;
          // MoveAllToActiveQueue: the cluster changed, every unschedulable pod may fit now.
          active.addAll(unschedulable);
          unschedulable.clear();
        }
      }
      if (unschedulable.isEmpty() || !changedSinceRetry) {
        break;
      }
      changedSinceRetry = false;
      active.addAll(unschedulable);
      unschedulable.clear();
    }
    return List.copyOf(results.values());
  }

  /** One attempt's result; {@code pod} carries its nomination. */
  private record Attempt(
      Pod pod,
      String node,
      String message,
      Decision decision,
      boolean changedCluster,
      boolean retry) {}

  private Attempt attempt(Pod pod) {
    FrameworkImpl fwk = frameworks.get(schedulerName(pod));
    DecisionRecorder rec = new DecisionRecorder();
    CycleState state = new CycleState();
    state.setRecorder(rec);
    ScheduleResult result;
    try {
      result = scheduler.schedule(fwk, state, pod);
    } catch (FitError e) {
      rec.error(e.getMessage());
      PreemptionResult pr = preemption.preempt(fwk, state, pod, e, pdbs, clock.now());
      Pod next = pod;
      boolean changed = false;
      if (!pr.nodeName().isEmpty()) {
        for (Pod victim : pr.victims()) {
          cache.removePod(victim);
          evictedBy.put(key(victim), key(pod));
          changed = true;
        }
        next =
            new PodBuilder(pod)
                .editOrNewStatus()
                .withNominatedNodeName(pr.nodeName())
                .endStatus()
                .build();
        nominated.put(key(pod), next);
        for (Pod clear : pr.nominatedPodsToClear()) {
          nominated.remove(key(clear));
        }
        // A fresh nomination is itself a change the queue's other pods must see.
        changed = true;
      }
      return new Attempt(next, "", e.getMessage(), rec.decision(), changed, true);
    } catch (StatusException e) {
      rec.error(e.status().message());
      return new Attempt(pod, "", e.status().message(), rec.decision(), false, true);
    } catch (SchedulingError e) {
      rec.error(e.getMessage());
      return new Attempt(pod, "", e.getMessage(), rec.decision(), false, false);
    }
    String host = result.suggestedHost();
    Pod assumed = new PodBuilder(pod).editSpec().withNodeName(host).endSpec().build();
    cache.assumePod(assumed);
    String failure = bindingCycle(fwk, state, assumed, host);
    if (failure != null) {
      fwk.runUnreservePlugins(state, assumed, host);
      cache.forgetPod(assumed);
      rec.error(failure);
      return new Attempt(pod, "", failure, rec.decision(), false, true);
    }
    cache.finishBinding(assumed);
    cache.addPod(assumed);
    clock.step(Duration.ofMillis(1));
    return new Attempt(assumed, host, "", rec.decision(), true, false);
  }

  /** Reserve, Permit, PreBind, Bind, PostBind; null when bound, else the failure message. */
  private String bindingCycle(FrameworkImpl fwk, CycleState state, Pod assumed, String host) {
    Status s = fwk.runReservePlugins(state, assumed, host);
    if (!s.isSuccess()) {
      return s.message();
    }
    s = fwk.runPermitPlugins(state, assumed, host);
    if (s.code() == Code.WAIT) {
      Status verdict = fwk.permitVerdictNow(assumed);
      if (verdict == null) {
        fwk.rejectWaitingPod(assumed.getMetadata().getUid());
        return "pod \""
            + assumed.getMetadata().getName()
            + "\" is waiting on permit: a run without time does not wait";
      }
      s = verdict;
    }
    if (!s.isSuccess()) {
      return s.message();
    }
    s = fwk.runPreBindPlugins(state, assumed, host);
    if (!s.isSuccess()) {
      return s.message();
    }
    s = fwk.runBindPlugins(state, assumed, host);
    if (!s.isSuccess()) {
      return s.message();
    }
    fwk.runPostBindPlugins(state, assumed, host);
    return null;
  }

  private static String key(Pod p) {
    return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }

  @Override
  public void close() {
    parallelizer.close();
    cache.close();
  }
}
