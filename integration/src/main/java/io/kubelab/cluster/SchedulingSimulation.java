package io.kubelab.cluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.manifest.Manifest;
import io.kubelab.scheduler.algorithm.AlgorithmConfig;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.AlgorithmProviders;
import io.kubelab.scheduler.algorithm.AlgorithmRegistry;
import io.kubelab.scheduler.algorithm.Configurator;
import io.kubelab.scheduler.algorithm.FitError;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.algorithm.ScheduleResult;
import io.kubelab.scheduler.algorithm.SchedulingError;
import io.kubelab.scheduler.algorithm.policy.Policy;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.predicates.PredicateSettings;
import io.kubelab.scheduler.predicates.Predicates;
import io.kubelab.scheduler.priorities.Priorities;
import io.kubelab.scheduler.spread.Spread;
import io.kubelab.scheduler.spread.SpreadListers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Chapter 02's classic pipeline in one JVM, kubelets included: what {@code kubelab schedule} ran
 * before it ran chapter 08's scheduler ({@link io.kubelab.explain.FrameworkSimulation}); kept so
 * that the generic scheduler's own predicate loop can still be run end to end and compared. A
 * scheduler fed from a manifest: the ch01 cache, the ch02 generic scheduler built from a Policy,
 * the ch03 predicates, the ch04 priorities and the ch05 spreading priorities (their Services,
 * ReplicationControllers, ReplicaSets and StatefulSets come from the manifest too). Nodes and bound
 * pods go into the cache as an informer would put them; pending pods are scheduled one at a time in
 * the scheduling queue's order (higher priority first, then older), and each placement is assumed,
 * bound and confirmed before the next pod, as kube-scheduler's scheduleOne does.
 *
 * <p>Each node runs a {@link NodeAgent}, chapter 10's kubelet: a bound pod is handed to its node's
 * agent, which starts its containers in a fake runtime; after the last pod is scheduled the
 * simulation lets {@link Kubelets#RUN_TIME} of virtual time pass, so that every agent's PLEG
 * relists and the pods it runs are reported Running to an {@link InMemoryApiServer}. Pods bound in
 * the input are taken as already running and are not handed to the agents.
 *
 * <p>Virtual time: the cache and every agent share one {@link FakeClock}; binding is instantaneous,
 * so no assumed pod ever expires during a run. No thread is started.
 */
public final class SchedulingSimulation implements AutoCloseable {

  /** The scheduler name a pod must carry (or leave empty) to be scheduled here. */
  public static final String DEFAULT_SCHEDULER_NAME = "default-scheduler";

  private final FakeClock clock = new FakeClock();
  private final Kubelets kubelets;
  private final SchedulerCache cache = new SchedulerCache(clock);
  private final Snapshot snapshot = new Snapshot();
  private final GenericScheduler scheduler;
  private final List<Pod> pending = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  /**
   * Loads the manifest and builds a scheduler from {@code policy}.
   *
   * @param seed seeds selectHost's tie-breaking so that a run is reproducible
   * @throws IllegalArgumentException for a malformed object or an invalid policy
   */
  public SchedulingSimulation(Manifest manifest, Policy policy, long seed) {
    AlgorithmRegistry registry = new AlgorithmRegistry();
    AlgorithmProviders.registerAll(registry);
    // The embedded default policy names EvenPodsSpread, which v1.17 registers only with its
    // (alpha) feature gate on: this cluster runs with the gate on.
    Predicates.registerAll(registry, PredicateSettings.V1_17_DEFAULTS.withEvenPodsSpread(true));
    Priorities.registerAll(registry);
    Spread.registerAll(registry);
    // The informers' view of what selects a pod: for SelectorSpread and the Policy's
    // service-affinity arguments.
    SpreadListers listers = WorkloadListers.from(manifest).spreadListers();
    AlgorithmFactoryArgs args =
        new AlgorithmFactoryArgs(
            snapshot,
            AlgorithmFactoryArgs.DEFAULT_HARD_POD_AFFINITY_SYMMETRIC_WEIGHT,
            Map.of(SpreadListers.class, listers));
    AlgorithmConfig config = new Configurator(registry, args).createFromConfig(policy);
    this.scheduler =
        GenericScheduler.builder(cache, snapshot)
            .algorithm(config)
            .random(new Random(seed))
            // One worker: parallel filtering lists feasible nodes in completion order, which
            // would make selectHost's seeded tie-breaking depend on thread timing.
            .parallelism(1)
            .build();

    Map<String, Integer> priorities = new HashMap<>();
    for (PriorityClass pc : manifest.priorityClasses()) {
      priorities.put(pc.getMetadata().getName(), pc.getValue() == null ? 0 : pc.getValue());
    }
    for (Node n : manifest.nodes()) {
      cache.addNode(n);
    }
    this.kubelets = new Kubelets(manifest.nodes(), clock);
    for (Pod raw : manifest.pods()) {
      Pod p = normalize(raw, priorities);
      String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
      if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
        continue; // the scheduler's pod informer never sees terminated pods
      }
      String nodeName = p.getSpec().getNodeName();
      if (nodeName != null && !nodeName.isEmpty()) {
        cache.addPod(p);
      } else {
        String sched = p.getSpec().getSchedulerName();
        if (sched != null && !sched.isEmpty() && !DEFAULT_SCHEDULER_NAME.equals(sched)) {
          notes.add(
              p.getMetadata().getNamespace()
                  + "/"
                  + p.getMetadata().getName()
                  + " is left pending: schedulerName is \""
                  + sched
                  + "\", not "
                  + DEFAULT_SCHEDULER_NAME);
          continue;
        }
        pending.add(p);
        kubelets.pending(p);
      }
    }
    pending.sort(QUEUE_ORDER);
  }

  /** The v1.18 queue's PrioritySort: higher priority first, then the earlier timestamp. */
  public static final Comparator<Pod> QUEUE_ORDER =
      Comparator.comparing((Pod p) -> -priorityOf(p))
          .thenComparing(p -> createdAt(p))
          .thenComparing(p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName());

  /** Pods waiting to be scheduled, in queue order. */
  public List<Pod> pending() {
    return List.copyOf(pending);
  }

  /** Things the simulation noticed about its input (pods it will not schedule, and why). */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  public int nodeCount() {
    return cache.nodeCount();
  }

  /**
   * Schedules every pending pod in order, hands each bound pod to its node's agent, then lets the
   * agents run for {@link Kubelets#RUN_TIME}. Returns where each pod landed.
   */
  public List<Placement> run() {
    List<Placement> out = new ArrayList<>();
    for (Pod pod : pending) {
      out.add(scheduleOne(pod));
    }
    kubelets.run();
    return out;
  }

  /** Lets virtual time pass: due PLEG relists and sync loops run on this thread. */
  public void advance(Duration d) {
    clock.step(d);
  }

  /** The pod's status.phase in the API server: Running once its kubelet reported it. */
  public String phase(Placement p) {
    return kubelets.phase(p.pod());
  }

  /** One agent per node, in the input's node order. */
  public List<NodeAgent> agents() {
    return kubelets.agents();
  }

  /**
   * The agent of {@code nodeName}.
   *
   * @throws IllegalArgumentException if there is no such node
   */
  public NodeAgent agent(String nodeName) {
    return kubelets.agent(nodeName);
  }

  private Placement scheduleOne(Pod pod) {
    ScheduleResult result;
    try {
      result = scheduler.schedule(pod);
    } catch (FitError e) {
      return new Placement(
          pod, null, e.failedPredicates().size(), 0, e.getMessage(), verdicts(pod));
    } catch (SchedulingError e) {
      return new Placement(pod, null, 0, 0, e.getMessage(), Map.of());
    }
    Map<String, List<String>> verdicts = verdicts(pod);
    Pod bound =
        new PodBuilder(pod).editSpec().withNodeName(result.suggestedHost()).endSpec().build();
    // scheduleOne: assume, bind (instant here), then the informer confirms the binding.
    cache.assumePod(bound);
    cache.finishBinding(bound);
    cache.addPod(bound);
    kubelets.bind(pod, result.suggestedHost());
    return new Placement(
        pod, result.suggestedHost(), result.evaluatedNodes(), result.feasibleNodes(), "", verdicts);
  }

  /** Every node's verdict for {@code pod} against the current snapshot, in node order. */
  private Map<String, List<String>> verdicts(Pod pod) {
    cache.updateSnapshot(snapshot);
    PredicateMetadata meta = scheduler.predicateMetadataProducer().produce(pod, snapshot);
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (NodeInfo info : snapshot.list()) {
      PredicateResult r =
          scheduler.podFitsOnNode(pod, meta == null ? null : meta.shallowCopy(), info);
      List<String> reasons = new ArrayList<>();
      for (PredicateFailureReason reason : r.reasons()) {
        reasons.add(reason.getReason());
      }
      out.put(info.nodeName(), reasons);
    }
    return out;
  }

  /**
   * A pod as the scheduler sees it: namespace defaulted, a UID made up when the manifest has none,
   * {@code spec.priority} resolved from its PriorityClass.
   *
   * @throws IllegalArgumentException for a pod without a name or spec, or naming no PriorityClass
   */
  public static Pod normalize(Pod raw, Map<String, Integer> priorities) {
    PodBuilder b = new PodBuilder(raw);
    ObjectMeta m = raw.getMetadata();
    if (m == null || m.getName() == null || m.getName().isEmpty()) {
      throw new IllegalArgumentException("Pod: metadata.name is missing");
    }
    String ns =
        m.getNamespace() == null || m.getNamespace().isEmpty() ? "default" : m.getNamespace();
    b.editMetadata().withNamespace(ns).endMetadata();
    if (m.getUid() == null || m.getUid().isEmpty()) {
      // Hand-written manifests have no UIDs; the cache keys pods by UID.
      b.editMetadata().withUid("kubelab-" + ns + "-" + m.getName()).endMetadata();
    }
    if (raw.getSpec() == null) {
      throw new IllegalArgumentException("Pod " + ns + "/" + m.getName() + ": spec is missing");
    }
    if (raw.getSpec().getPriority() == null) {
      String pcName = raw.getSpec().getPriorityClassName();
      if (pcName != null && !pcName.isEmpty()) {
        Integer value = priorities.get(pcName);
        if (value == null) {
          throw new IllegalArgumentException(
              "Pod "
                  + ns
                  + "/"
                  + m.getName()
                  + ": spec.priorityClassName \""
                  + pcName
                  + "\" names no PriorityClass in the input");
        }
        b.editSpec().withPriority(value).endSpec();
      }
    }
    return b.build();
  }

  private static int priorityOf(Pod p) {
    Integer prio = p.getSpec().getPriority();
    return prio == null ? 0 : prio;
  }

  private static String createdAt(Pod p) {
    String ts = p.getMetadata().getCreationTimestamp();
    return ts == null ? "" : ts;
  }

  @Override
  public void close() {
    kubelets.close();
    scheduler.close();
    cache.close();
  }
}
