package io.kubelab.explain;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.storage.CSINode;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.manifest.Manifest;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.InMemoryCluster;
import io.kubelab.scheduler.InMemoryEventRecorder;
import io.kubelab.scheduler.Scheduler;
import io.kubelab.scheduler.algorithm.SchedulerExtender;
import io.kubelab.scheduler.algorithm.Victims;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.extender.HttpExtender;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.config.KubeSchedulerConfiguration;
import io.kubelab.scheduler.framework.plugins.PodBinder;
import io.kubelab.scheduler.framework.profile.Profiles;
import io.kubelab.scheduler.predicates.VolumeListers;
import io.kubelab.scheduler.preemption.PdbLister;
import io.kubelab.scheduler.queue.PriorityQueue;
import io.kubelab.scheduler.spread.InMemoryListers;
import io.kubelab.scheduler.spread.SpreadListers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Chapter 08's {@link Scheduler} run over a manifest, every decision recorded by the scheduler
 * itself: the file's objects go into an {@link InMemoryCluster}, whose events reach the scheduler's
 * handlers (cache and queue) as an informer delivers them; the pending pods enter the real {@link
 * PriorityQueue}; {@code scheduleOne} runs until the queue has nothing left it can place. A {@link
 * DecisionRecorder} rides on every scheduling cycle ({@link Scheduler.Builder#cycleRecorders}).
 *
 * <p>Upstream: {@code Scheduler.Run} / {@code scheduleOne} ({@code pkg/scheduler/scheduler.go},
 * v1.18), with its queue, cache, profiles, preemption and extenders as configured. Unschedulable
 * pods wait in the queue as upstream's do: preemption deletes its victims, the deletions move the
 * waiting pods to the backoff queue, and the run moves its {@link FakeClock} on, one backoff flush
 * period at a time, until they are retried. The run ends when nothing is active or backing off: the
 * pods left in the unschedulable queue wait for a cluster change that a file cannot bring. Pods
 * whose {@code schedulerName} names no profile are reported, not scheduled (upstream ignores them).
 *
 * <p>Deterministic: Filter runs on one worker, so the order of feasible nodes and with it the
 * seeded tie-break is reproducible; pending pods enter the queue in queue order, one virtual
 * millisecond apart; binding cycles are awaited before the next pod is taken. An extender that
 * binds writes the binding through its own API server in upstream; here the binding it accepted is
 * applied to the in-memory cluster, which stands for that API server.
 */
public final class FrameworkSimulation implements AutoCloseable {

  /** How long (real time) the run waits for binding cycles before it calls the run stuck. */
  static final Duration BINDING_WAIT = Duration.ofSeconds(30);

  private final FakeClock clock = new FakeClock();
  private final InMemoryCluster cluster = new InMemoryCluster(clock);
  private final InMemoryEventRecorder events = new InMemoryEventRecorder();
  private final SchedulerCache cache = new SchedulerCache(clock);
  private final Snapshot snapshot = new Snapshot();
  private final Parallelizer parallelizer = new Parallelizer("kubelab-explain", 1);
  private final List<HttpExtender> httpExtenders;
  private final PriorityQueue queue;
  private final Scheduler scheduler;
  private final List<Pod> pending = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<Binding> bindings = Collections.synchronizedList(new ArrayList<>());
  private final List<AttemptRecord> attempts = new ArrayList<>();
  private final int nodeCount;
  private final int cycleLimit;

  private record AttemptRecord(String pod, DecisionRecorder recorder) {}

  /**
   * @param seed seeds selectHost's tie-break
   * @throws IllegalArgumentException for an object the scheduler does not watch or cannot read, a
   *     malformed pod, an invalid profile or an extender that cannot be configured
   */
  public FrameworkSimulation(Manifest manifest, SchedulerProfile profile, long seed) {
    SchedulerInputs in = SchedulerInputs.of(manifest);
    SchedulerProfile.Settings settings = profile.settings();
    InMemoryListers workloads = new InMemoryListers();
    in.services().forEach(workloads::add);
    in.replicationControllers().forEach(workloads::add);
    in.replicaSets().forEach(workloads::add);
    in.statefulSets().forEach(workloads::add);
    VolumeListers volumes =
        VolumeListers.of(in.persistentVolumeClaims(), in.persistentVolumes(), in.storageClasses());
    PodBinder binder =
        binding -> {
          cluster.bind(binding);
          bindings.add(binding);
        };
    Map<String, FrameworkImpl> frameworks =
        profile
            .builder()
            .build(
                () ->
                    FrameworkImpl.builder(Profiles.registry())
                        .snapshot(snapshot)
                        .clock(clock)
                        .parallelizer(parallelizer)
                        .component(PodBinder.class, binder)
                        .component(VolumeListers.class, volumes)
                        .component(SpreadListers.class, workloads.spreadListers()));
    this.httpExtenders = createExtenders(settings);
    List<SchedulerExtender> extenders = new ArrayList<>();
    for (HttpExtender e : httpExtenders) {
      extenders.add(new AppliedBinding(e));
    }
    this.queue =
        new PriorityQueue(
            frameworks.values().iterator().next().queueSortFunc(),
            clock,
            settings.podInitialBackoff(),
            settings.podMaxBackoff());
    this.scheduler =
        Scheduler.builder()
            .clock(clock)
            .cache(cache)
            .snapshot(snapshot)
            .parallelizer(parallelizer)
            .queue(queue)
            .profiles(frameworks)
            .extenders(extenders)
            .client(cluster)
            .eventRecorder(events)
            .pdbLister(PdbLister.of(in.podDisruptionBudgets()))
            .disablePreemption(settings.disablePreemption())
            .percentageOfNodesToScore(settings.percentageOfNodesToScore())
            .random(new Random(seed))
            .cycleRecorders(this::newAttempt)
            .build();
    scheduler.addAllEventHandlers(cluster);

    Map<String, Integer> priorities = new HashMap<>();
    for (PriorityClass pc : in.priorityClasses()) {
      priorities.put(pc.getMetadata().getName(), pc.getValue() == null ? 0 : pc.getValue());
    }
    for (Node n : in.nodes()) {
      cluster.createNode(n);
    }
    this.nodeCount = in.nodes().size();
    for (StorageClass sc : in.storageClasses()) {
      cluster.createStorageClass(sc);
    }
    for (CSINode n : in.csiNodes()) {
      cluster.createCSINode(n);
    }
    for (PersistentVolume pv : in.persistentVolumes()) {
      cluster.createPersistentVolume(pv);
    }
    for (PersistentVolumeClaim pvc : in.persistentVolumeClaims()) {
      cluster.createPersistentVolumeClaim(pvc);
    }
    for (Service s : in.services()) {
      cluster.createService(s);
    }
    List<Pod> assigned = new ArrayList<>();
    for (Pod raw : in.pods()) {
      Pod p = normalize(raw, priorities);
      String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
      if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
        // The scheduler's pod informer leaves terminated pods out.
        continue;
      }
      String nodeName = p.getSpec().getNodeName();
      if (nodeName != null && !nodeName.isEmpty()) {
        assigned.add(p);
      } else if (!frameworks.containsKey(p.getSpec().getSchedulerName())) {
        notes.add(
            p.getMetadata().getNamespace()
                + "/"
                + p.getMetadata().getName()
                + " is left pending: schedulerName is \""
                + p.getSpec().getSchedulerName()
                + "\", which no profile of "
                + profile.name()
                + " has");
      } else {
        pending.add(p);
      }
    }
    assigned.forEach(cluster::createPod);
    pending.sort(QUEUE_ORDER);
    // The queue's flushes run on the fake clock: the run's clock steps drive them.
    queue.run();
    for (Pod p : pending) {
      cluster.createPod(p);
      clock.step(Duration.ofMillis(1));
    }
    // Enough for every pod to preempt and be retried several times; a run that needs more is
    // cut short with a note rather than left to spin.
    this.cycleLimit = 10 * pending.size() + 100;
  }

  private static List<HttpExtender> createExtenders(SchedulerProfile.Settings settings) {
    List<HttpExtender> out = new ArrayList<>();
    for (int i = 0; i < settings.extenders().size(); i++) {
      try {
        out.add(HttpExtender.create(settings.extenders().get(i)));
      } catch (IllegalArgumentException e) {
        out.forEach(HttpExtender::close);
        throw new IllegalArgumentException("extenders[" + i + "]: " + e.getMessage(), e);
      }
    }
    return out;
  }

  /**
   * The order pending pods enter the queue in: the v1.18 queue's PrioritySort (higher priority
   * first, then the earlier timestamp), then {@code namespace/name} so that the order is total.
   */
  static final Comparator<Pod> QUEUE_ORDER =
      Comparator.comparing((Pod p) -> -priorityOf(p))
          .thenComparing(p -> createdAt(p))
          .thenComparing(p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName());

  private static int priorityOf(Pod p) {
    Integer prio = p.getSpec().getPriority();
    return prio == null ? 0 : prio;
  }

  private static String createdAt(Pod p) {
    String ts = p.getMetadata().getCreationTimestamp();
    return ts == null ? "" : ts;
  }

  /**
   * The pod as the API server would hold it: namespace defaulted, a UID made up when the manifest
   * has none, {@code spec.priority} resolved from its PriorityClass, {@code spec.schedulerName}
   * defaulted.
   *
   * @throws IllegalArgumentException for a pod without a name or spec, or naming no PriorityClass
   */
  static Pod normalize(Pod raw, Map<String, Integer> priorities) {
    ObjectMeta m = raw.getMetadata();
    if (m == null || m.getName() == null || m.getName().isEmpty()) {
      throw new IllegalArgumentException("Pod: metadata.name is missing");
    }
    String ns =
        m.getNamespace() == null || m.getNamespace().isEmpty() ? "default" : m.getNamespace();
    if (raw.getSpec() == null) {
      throw new IllegalArgumentException("Pod " + ns + "/" + m.getName() + ": spec is missing");
    }
    PodBuilder b = new PodBuilder(raw);
    b.editMetadata().withNamespace(ns).endMetadata();
    if (m.getUid() == null || m.getUid().isEmpty()) {
      // Hand-written manifests have no UIDs; the cache keys pods by UID.
      b.editMetadata().withUid("kubelab-" + ns + "-" + m.getName()).endMetadata();
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
    String s = raw.getSpec().getSchedulerName();
    if (s == null || s.isEmpty()) {
      b.editSpec().withSchedulerName(KubeSchedulerConfiguration.DEFAULT_SCHEDULER_NAME).endSpec();
    }
    return b.build();
  }

  private DecisionRecorder newAttempt(Pod pod) {
    DecisionRecorder r = new DecisionRecorder();
    attempts.add(new AttemptRecord(key(pod), r));
    return r;
  }

  public int nodeCount() {
    return nodeCount;
  }

  /** Pods waiting to be scheduled, in queue order. */
  public List<Pod> pending() {
    return List.copyOf(pending);
  }

  /** Things the run noticed about its input and its end (pods it did not schedule, and why). */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  /** The bindings written, in order. */
  public List<Binding> bindings() {
    return List.copyOf(bindings);
  }

  /** Pods preemption deleted: {@code namespace/name} → the preemptor's {@code namespace/name}. */
  public Map<String, String> evicted() {
    Map<String, String> out = new LinkedHashMap<>();
    for (AttemptRecord a : attempts) {
      for (String v : a.recorder().decision().victims()) {
        out.put(v, a.pod());
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Runs the scheduler until the queue has nothing active or backing off; returns one result per
   * pending pod, in queue order.
   *
   * @throws IllegalStateException when a binding cycle does not end in time
   */
  public List<PodResult> run() {
    int cycles = 0;
    try {
      while (true) {
        // Each binding cycle ends before the next pod is taken: upstream binds concurrently, and
        // a binding that lands in the middle of another pod's cycle moves that pod differently.
        while (cycles < cycleLimit && scheduler.scheduleOne(Duration.ZERO)) {
          cycles++;
          awaitBindings();
        }
        awaitBindings();
        if (cycles >= cycleLimit) {
          notes.add(
              "the run stopped after "
                  + cycles
                  + " scheduling cycles; "
                  + queue.pendingPods().size()
                  + " pod(s) were still queued");
          break;
        }
        if (scheduler.scheduleOne(Duration.ZERO)) {
          // A failed binding put a pod back.
          cycles++;
          awaitBindings();
          continue;
        }
        int backingOff =
            queue.pendingPodsByQueue().get(PriorityQueue.SubQueue.BACKOFF.metricName());
        if (backingOff == 0) {
          break;
        }
        // Retries wait out their backoff: move time to the next flush.
        clock.step(PriorityQueue.BACKOFF_FLUSH_PERIOD);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    return results();
  }

  private void awaitBindings() throws InterruptedException {
    if (!scheduler.awaitBindings(BINDING_WAIT)) {
      throw new IllegalStateException(
          "a binding cycle did not end within " + BINDING_WAIT.toSeconds() + " s");
    }
  }

  private List<PodResult> results() {
    Map<String, List<Decision>> byPod = new LinkedHashMap<>();
    for (AttemptRecord a : attempts) {
      byPod.computeIfAbsent(a.pod(), k -> new ArrayList<>()).add(a.recorder().decision());
    }
    Map<String, String> evicted = evicted();
    List<PodResult> out = new ArrayList<>();
    for (Pod p : pending) {
      String key = key(p);
      List<Decision> ds = byPod.getOrDefault(key, List.of());
      Decision last = ds.isEmpty() ? null : ds.get(ds.size() - 1);
      Decision preempting = null;
      List<String> victims = new ArrayList<>();
      for (Decision d : ds) {
        victims.addAll(d.victims());
        if (!d.nominatedNode().isEmpty()) {
          preempting = d;
        }
      }
      Optional<Pod> now = cluster.pod(p.getMetadata().getNamespace(), p.getMetadata().getName());
      String node = now.map(x -> x.getSpec().getNodeName()).orElse(null);
      String nominated =
          now.map(x -> x.getStatus() == null ? null : x.getStatus().getNominatedNodeName())
              .orElse(null);
      if (nominated == null || nominated.isEmpty()) {
        nominated = preempting == null ? "" : preempting.nominatedNode();
      }
      String message;
      if (now.isEmpty()) {
        node = null;
        message = "deleted: a victim of the preemption by " + evicted.get(key);
      } else if (node != null && !node.isEmpty()) {
        message = "";
      } else if (last == null) {
        message = "not attempted";
      } else {
        message = last.error();
      }
      Pod shown =
          nominated.isEmpty()
              ? p
              : new PodBuilder(p)
                  .editOrNewStatus()
                  .withNominatedNodeName(nominated)
                  .endStatus()
                  .build();
      out.add(
          new PodResult(
              shown,
              node == null ? "" : node,
              nominated,
              victims,
              ds.size(),
              message,
              last == null ? new DecisionRecorder().decision() : last,
              preempting));
    }
    return out;
  }

  private static String key(Pod p) {
    return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }

  @Override
  public void close() {
    scheduler.close();
    parallelizer.close();
    cache.close();
    httpExtenders.forEach(HttpExtender::close);
  }

  /**
   * An extender whose accepted bindings are applied to the in-memory cluster, which stands for the
   * API server the extender would write them to.
   */
  private final class AppliedBinding implements SchedulerExtender {
    private final HttpExtender delegate;

    AppliedBinding(HttpExtender delegate) {
      this.delegate = delegate;
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public FilterResult filter(Pod pod, List<Node> nodes, Snapshot s) {
      return delegate.filter(pod, nodes, s);
    }

    @Override
    public PrioritizeResult prioritize(Pod pod, List<Node> nodes) {
      return delegate.prioritize(pod, nodes);
    }

    @Override
    public void bind(Binding binding) {
      delegate.bind(binding);
      cluster.bind(binding);
      bindings.add(binding);
    }

    @Override
    public boolean isBinder() {
      return delegate.isBinder();
    }

    @Override
    public boolean isInterested(Pod pod) {
      return delegate.isInterested(pod);
    }

    @Override
    public boolean isIgnorable() {
      return delegate.isIgnorable();
    }

    @Override
    public boolean supportsPreemption() {
      return delegate.supportsPreemption();
    }

    @Override
    public Map<String, Victims> processPreemption(
        Pod pod, Map<String, Victims> nodeNameToVictims, Snapshot nodeInfos) {
      return delegate.processPreemption(pod, nodeNameToVictims, nodeInfos);
    }
  }
}
