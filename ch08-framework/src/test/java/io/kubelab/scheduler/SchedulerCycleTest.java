package io.kubelab.scheduler;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static io.kubelab.scheduler.Harness.scheduledCondition;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.kubelab.scheduler.InMemoryEventRecorder.Event;
import io.kubelab.scheduler.algorithm.SchedulerExtender;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.BindPlugin;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleRecorder;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.PermitPlugin;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.framework.config.ExtensionPoint;
import io.kubelab.scheduler.framework.config.KubeSchedulerConfiguration;
import io.kubelab.scheduler.framework.config.Plugin;
import io.kubelab.scheduler.framework.config.PluginSet;
import io.kubelab.scheduler.framework.config.Plugins;
import io.kubelab.scheduler.framework.profile.Profiles;
import io.kubelab.scheduler.metrics.SchedulerMetrics;
import io.kubelab.scheduler.preemption.PodPreemptor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rarer roads through {@code scheduleOne} and the binding cycle: a pod of no profile, a pod
 * assumed twice, a Permit error, binding through an extender, a Bind plugin that skips, graceful
 * victims, nominations preemption clears, what {@code close} gives back, and what a cycle tells its
 * recorder.
 */
@Timeout(30)
class SchedulerCycleTest {

  /** What a cycle told its recorder, as "point plugin code message" lines. */
  static final class Recorder implements CycleRecorder {
    final List<String> heard = new CopyOnWriteArrayList<>();

    @Override
    public void bind(String plugin, Status status) {
      heard.add("bind " + plugin + " " + status.code() + " " + status.message());
    }

    @Override
    public void selectedNode(String nodeName) {
      heard.add("selected " + nodeName);
    }

    @Override
    public void schedulingFailed(String reason, String message) {
      heard.add("failed " + reason + " " + message);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The scheduling cycle

  @Test
  void aPodNamingNoProfileIsDroppedWithoutAWord() throws Exception {
    try (Harness h = new Harness()) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      // Only a bug would queue it: the informer filter passes only the profiles' pods.
      h.queue.add(pod("stray").schedulerName("nobody").build());

      assertThat(h.scheduler.scheduleOne(Duration.ZERO)).isTrue();

      assertThat(h.events.events()).isEmpty();
      assertThat(h.queue.pendingPods()).isEmpty();
      assertThat(h.scheduler.scheduleOne(Duration.ZERO)).isFalse();
    }
  }

  @Test
  void everyPodPoppedCountsAsACycleWhateverBecameOfIt() throws Exception {
    try (Harness h = new Harness()) {
      Pod leaving = pod("leaving").build();
      leaving.getMetadata().setDeletionTimestamp("2020-01-01T00:00:00Z");
      h.cluster.createPod(leaving);
      assertThat(h.scheduler.scheduleOne(Duration.ZERO)).as("skipped").isTrue();

      h.cluster.createPod(pod("nowhere").build());
      assertThat(h.scheduler.scheduleOne(Duration.ZERO)).as("no nodes").isTrue();
      assertThat(h.notes("default/nowhere")).containsExactly("no nodes available to schedule pods");

      assertThat(h.scheduler.scheduleOne(Duration.ZERO)).as("nothing left").isFalse();
    }
  }

  @Test
  void aFailedReserveStillCountsAsACycle() throws Exception {
    TestPlugin plugin = new TestPlugin();
    plugin.reserve = Status.error("no quota");
    try (Harness h = new Harness(plugin.options())) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").build());

      assertThat(h.scheduler.scheduleOne(Duration.ZERO)).isTrue();
      assertThat(plugin.calls).containsExactly("reserve:p@n1");
    }
  }

  @Test
  void aPermitErrorIsASchedulerErrorNotUnschedulable() throws Exception {
    TestPlugin plugin = new TestPlugin();
    plugin.permit = new PermitPlugin.Result(Status.error("quota service down"), Duration.ZERO);
    try (Harness h = new Harness(plugin.options())) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").build());

      assertThat(h.scheduler.scheduleOne(Duration.ZERO)).isTrue();

      Pod p = h.pod("default", "p");
      assertThat(scheduledCondition(p).getReason()).isEqualTo("SchedulerError");
      assertThat(scheduledCondition(p).getMessage()).contains("quota service down");
      assertThat(plugin.calls).containsExactly("reserve:p@n1", "permit:p@n1", "unreserve:p@n1");
      assertThat(h.inCache(p)).isFalse();
    }
  }

  @Test
  void aPodRequeuedWhileAssumedFailsToBeAssumedAgainAndIsUnreserved() throws Exception {
    TestPlugin plugin = TestPlugin.waitingAtPermit(Duration.ofSeconds(10));
    try (Harness h = new Harness(plugin.options())) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").label("app", "web").build());
      h.scheduler.scheduleOne(Duration.ZERO);
      Pod p = h.pod("default", "p");
      // A relevant update of the assumed, not yet bound, pod puts it back in the queue.
      h.cluster.updatePod(
          new PodBuilder(p).editMetadata().addToLabels("app", "db").endMetadata().build());

      assertThat(h.scheduler.scheduleOne(Duration.ZERO)).isTrue();

      // Upstream v1.18: "AssumePod failed: %v", reason SchedulerError, then Unreserve.
      List<String> notes = h.notes("default/p");
      assertThat(notes).hasSize(1);
      assertThat(notes.get(0))
          .startsWith("AssumePod failed: pod ")
          .endsWith(" is in the cache, so can't be assumed");
      PodCondition c = scheduledCondition(h.pod("default", "p"));
      assertThat(c.getReason()).isEqualTo("SchedulerError");
      assertThat("AssumePod failed: " + c.getMessage()).isEqualTo(notes.get(0));
      assertThat(plugin.calls)
          .containsExactly("reserve:p@n1", "permit:p@n1", "reserve:p@n1", "unreserve:p@n1");
      // The first cycle's pod still waits, assumed.
      assertThat(h.schedulerCache.isAssumedPod(p)).isTrue();
      h.rejectWaitingPod(p);
      h.awaitBindings();
    }
  }

  @Test
  void anIrrelevantUpdateQueuedDuringTheCycleIsSkippedOnceThePodIsAssumed() throws Exception {
    TestPlugin plugin = TestPlugin.waitingAtPermit(Duration.ofSeconds(10));
    try (Harness h = new Harness(plugin.options())) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").build());
      AtomicBoolean once = new AtomicBoolean();
      // Before assume the pod is nobody's: the update goes to the queue.
      plugin.onReserve =
          () -> {
            if (once.compareAndSet(false, true)) {
              Pod now = h.pod("default", "p");
              h.cluster.updatePod(
                  new PodBuilder(now)
                      .editMetadata()
                      .addToAnnotations("touched", "yes")
                      .endMetadata()
                      .build());
            }
          };
      h.scheduler.scheduleOne(Duration.ZERO);
      assertThat(h.scheduler.bindingsInFlight()).isEqualTo(1);
      assertThat(h.queue.pendingPods()).extracting(q -> q.getMetadata().getName()).contains("p");

      assertThat(h.scheduler.scheduleOne(Duration.ZERO)).isTrue();

      assertThat(h.events.events()).isEmpty();
      assertThat(plugin.calls).containsExactly("reserve:p@n1", "permit:p@n1");
      assertThat(h.queue.pendingPods()).isEmpty();
      h.waitingPod(h.pod("default", "p")).allow(TestPlugin.NAME);
      h.awaitBindings();
      assertThat(h.scheduler.bindingsInFlight()).isZero();
      assertThat(h.nodeOf("default", "p")).isEqualTo("n1");
    }
  }

  @Test
  void aCycleTellsItsRecorderWhatItChoseAndWhyItFailed() throws Exception {
    Recorder rec = new Recorder();
    Harness.Options o = new Harness.Options();
    o.builder = b -> b.cycleRecorders(p -> rec);
    try (Harness h = new Harness(o)) {
      h.cluster.createNode(node("n1").allocatable("1", "4Gi").build());
      h.cluster.createNode(node("n2").allocatable("1", "4Gi").build());
      h.cluster.createPod(pod("big").requests("2", "1Gi").build());
      h.scheduler.scheduleOne(Duration.ZERO);
      assertThat(rec.heard)
          .containsExactly("failed Unschedulable 0/2 nodes are available: 2 Insufficient cpu.");

      rec.heard.clear();
      h.cluster.createPod(pod("small").requests("1", "1Gi").build());
      h.settle();
      assertThat(rec.heard.get(0)).matches("selected n[12]");
      assertThat(rec.heard).hasSize(2).last().asString().startsWith("bind DefaultBinder Success");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Binding

  /** An extender that keeps every node and may bind. */
  static final class BindingExtender implements SchedulerExtender {
    final String name;
    final boolean binder;
    final boolean interested;
    volatile InMemoryCluster cluster;
    volatile RuntimeException fails;
    final List<Binding> bindings = new CopyOnWriteArrayList<>();

    BindingExtender(String name, boolean binder, boolean interested) {
      this.name = name;
      this.binder = binder;
      this.interested = interested;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public FilterResult filter(Pod pod, List<Node> nodes, Snapshot snapshot) {
      return new FilterResult(nodes, Map.of());
    }

    @Override
    public PrioritizeResult prioritize(Pod pod, List<Node> nodes) {
      return new PrioritizeResult(Map.of(), 1);
    }

    @Override
    public void bind(Binding binding) {
      bindings.add(binding);
      if (fails != null) {
        throw fails;
      }
      cluster.bind(binding);
    }

    @Override
    public boolean isBinder() {
      return binder;
    }

    @Override
    public boolean isInterested(Pod pod) {
      return interested;
    }

    @Override
    public boolean isIgnorable() {
      return false;
    }
  }

  private final BindingExtender notABinder = new BindingExtender("filters-only", false, true);
  private final BindingExtender notInterested = new BindingExtender("other-pods", true, false);
  private final BindingExtender binder = new BindingExtender("binder", true, true);
  private final AtomicInteger bindPluginCalls = new AtomicInteger();
  private final Recorder rec = new Recorder();

  private Harness withExtenders() {
    Harness.Options o = new Harness.Options();
    o.binder =
        c ->
            b -> {
              bindPluginCalls.incrementAndGet();
              c.bind(b);
            };
    o.builder =
        b -> b.extenders(List.of(notABinder, notInterested, binder)).cycleRecorders(p -> rec);
    Harness h = new Harness(o);
    binder.cluster = h.cluster;
    notABinder.cluster = h.cluster;
    notInterested.cluster = h.cluster;
    return h;
  }

  @Test
  void theFirstInterestedBinderExtenderBindsInsteadOfTheBindPlugins() throws Exception {
    try (Harness h = withExtenders()) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").uid("uid-p").build());

      h.settle();

      assertThat(h.nodeOf("default", "p")).isEqualTo("n1");
      assertThat(notABinder.bindings).isEmpty();
      assertThat(notInterested.bindings).isEmpty();
      assertThat(bindPluginCalls).hasValue(0);
      Binding b = binder.bindings.get(0);
      assertThat(binder.bindings).hasSize(1);
      assertThat(b.getMetadata().getNamespace()).isEqualTo("default");
      assertThat(b.getMetadata().getName()).isEqualTo("p");
      assertThat(b.getMetadata().getUid()).isEqualTo("uid-p");
      assertThat(b.getTarget().getKind()).isEqualTo("Node");
      assertThat(b.getTarget().getName()).isEqualTo("n1");
      assertThat(h.notes("default/p")).containsExactly("Successfully assigned default/p to n1");
      assertThat(rec.heard).contains("bind binder Success ");
    }
  }

  @Test
  void anExtendersBindingErrorIsABindingRejection() throws Exception {
    binder.fails = new IllegalStateException("extender unreachable");
    try (Harness h = withExtenders()) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").build());

      h.scheduler.scheduleOne(Duration.ZERO);
      h.awaitBindings();

      Pod p = h.pod("default", "p");
      assertThat(p.getSpec().getNodeName()).isNull();
      assertThat(h.inCache(p)).isFalse();
      assertThat(bindPluginCalls).hasValue(0);
      assertThat(h.notes("default/p")).containsExactly("Binding rejected: extender unreachable");
      assertThat(scheduledCondition(p).getReason()).isEqualTo("SchedulerError");
      assertThat(rec.heard).contains("bind binder Error extender unreachable");
    }
  }

  @Test
  void anExtenderBindsAndFailsAlikeWithoutACycleRecorder() throws Exception {
    Harness.Options o = new Harness.Options();
    o.builder = b -> b.extenders(List.of(binder));
    try (Harness h = new Harness(o)) {
      binder.cluster = h.cluster;
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("ok").build());
      h.settle();
      assertThat(h.notes("default/ok")).containsExactly("Successfully assigned default/ok to n1");

      binder.fails = new IllegalStateException("extender unreachable");
      h.cluster.createPod(pod("refused").build());
      h.scheduler.scheduleOne(Duration.ZERO);
      h.awaitBindings();
      assertThat(h.notes("default/refused"))
          .containsExactly("Binding rejected: extender unreachable");
    }
  }

  /** A Bind plugin that leaves every pod to another. */
  private static final class SkippingBinder implements BindPlugin {
    @Override
    public String name() {
      return "SkippingBinder";
    }

    @Override
    public Status bind(CycleState state, Pod pod, String nodeName) {
      return Status.of(Code.SKIP, "not mine");
    }
  }

  @Test
  void whenEveryBindPluginSkipsTheBindingIsRejectedWithItsStatus() throws Exception {
    Harness.Options o = new Harness.Options();
    SkippingBinder skipper = new SkippingBinder();
    o.registry = Profiles.registry().register(skipper.name(), (args, handle) -> skipper);
    Plugins plugins =
        Plugins.empty()
            .with(
                ExtensionPoint.BIND,
                new PluginSet(List.of(Plugin.of(skipper.name())), List.of(Plugin.of("*"))));
    o.config =
        KubeSchedulerConfiguration.of(
            new KubeSchedulerConfiguration.Profile(
                KubeSchedulerConfiguration.DEFAULT_SCHEDULER_NAME, plugins, List.of(), null));
    try (Harness h = new Harness(o)) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").build());

      h.scheduler.scheduleOne(Duration.ZERO);
      h.awaitBindings();

      Pod p = h.pod("default", "p");
      assertThat(p.getSpec().getNodeName()).isNull();
      // Upstream: fmt.Errorf("bind status: %s, %v", code, message).
      assertThat(h.notes("default/p"))
          .containsExactly("Binding rejected: bind status: Skip, not mine");
      assertThat(scheduledCondition(p).getMessage()).isEqualTo("bind status: Skip, not mine");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Preemption

  /** The cluster's pod API calls, with a test's say over two of them. */
  private static class Preemptor implements PodPreemptor {
    volatile InMemoryCluster cluster;

    @Override
    public Pod getUpdatedPod(Pod pod) {
      return cluster.getUpdatedPod(pod);
    }

    @Override
    public void deletePod(Pod pod) {
      cluster.deletePod(pod);
    }

    @Override
    public void setNominatedNodeName(Pod pod, String nodeName) {
      cluster.setNominatedNodeName(pod, nodeName);
    }
  }

  @Test
  void aNominationTheApiServerRefusesIsWithdrawnFromTheQueueAndNoVictimIsDeleted()
      throws Exception {
    Preemptor preemptor =
        new Preemptor() {
          @Override
          public void setNominatedNodeName(Pod pod, String nodeName) {
            throw new InMemoryCluster.ApiException(409, "the object has been modified");
          }
        };
    Harness.Options o = new Harness.Options();
    // The error func cannot read the pod back either: nothing requeues it meanwhile.
    o.builder =
        b ->
            b.podPreemptor(preemptor)
                .podGetter(
                    (ns, name) -> {
                      throw new InMemoryCluster.ApiException(503, "etcd leader changed");
                    });
    try (Harness h = new Harness(o)) {
      preemptor.cluster = h.cluster;
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("low").priority(0).requests("2", "1Gi").nodeName("n1").build());
      h.cluster.createPod(pod("high").priority(1000).requests("2", "1Gi").build());

      h.scheduler.scheduleOne(Duration.ZERO);

      // The queue had the nomination first; it is withdrawn when the API server refuses it.
      assertThat(h.queue.nominatedPodsForNode("n1")).isEmpty();
      assertThat(h.cluster.pod("default", "low")).isPresent();
      assertThat(h.events.events()).extracting(Event::reason).containsExactly("FailedScheduling");
    }
  }

  @Test
  void aVictimWaitingAtPermitIsRejectedEvenWhileItsDeletionIsGraceful() throws Exception {
    // A graceful delete only sets the deletion timestamp: the informer sees an update, not a
    // delete.
    Preemptor preemptor =
        new Preemptor() {
          @Override
          public void deletePod(Pod pod) {
            Pod now = cluster.getUpdatedPod(pod);
            Pod terminating = new PodBuilder(now).build();
            terminating.getMetadata().setDeletionTimestamp("2020-01-01T00:00:30Z");
            cluster.updatePod(terminating);
          }
        };
    TestPlugin plugin = TestPlugin.waitingAtPermit(Duration.ofSeconds(10));
    Harness.Options o = plugin.options();
    o.builder = b -> b.podPreemptor(preemptor);
    try (Harness h = new Harness(o)) {
      preemptor.cluster = h.cluster;
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("low").priority(0).requests("2", "1Gi").build());
      h.scheduler.scheduleOne(Duration.ZERO); // "low" is assumed and waits at Permit
      plugin.permit = PermitPlugin.Result.ALLOW;
      h.cluster.createPod(pod("high").priority(1000).requests("2", "1Gi").build());

      h.scheduler.scheduleOne(Duration.ZERO);

      assertThat(h.scheduler.awaitBindings(Duration.ofSeconds(5))).isTrue();
      assertThat(plugin.calls).contains("unreserve:low@n1");
      assertThat(h.pod("default", "low").getMetadata().getDeletionTimestamp()).isNotNull();
      assertThat(scheduledCondition(h.pod("default", "low")).getMessage())
          .isEqualTo("pod \"low\" rejected while waiting on permit: preempted");
    }
  }

  @Test
  void preemptionClearsTheNominationsOfLowerPriorityPodsOnTheChosenNode() throws Exception {
    try (Harness h = new Harness()) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("low").priority(0).requests("2", "1Gi").nodeName("n1").build());
      Pod mid = pod("mid").priority(500).requests("2", "1Gi").build();
      mid.getStatus().setNominatedNodeName("n1");
      h.cluster.createPod(mid);
      h.cluster.createPod(pod("high").priority(1000).requests("2", "1Gi").build());

      h.scheduler.scheduleOne(Duration.ZERO); // "high" pops first

      assertThat(h.pod("default", "high").getStatus().getNominatedNodeName()).isEqualTo("n1");
      assertThat(h.pod("default", "mid").getStatus().getNominatedNodeName()).isNull();
      assertThat(h.cluster.pod("default", "low")).isEmpty();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Latencies

  @Test
  void eachLatencyIsMeasuredFromItsOwnStart() throws Exception {
    // A ticker far from zero: a latency measured from 0 instead of its start would be ~1000 s.
    AtomicLong now = new AtomicLong(1_000_000_000_000L);
    SchedulerMetrics m = new SchedulerMetrics(() -> now.addAndGet(1_000_000));
    Harness.Options o = new Harness.Options();
    o.metrics = m;
    try (Harness h = new Harness(o)) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("low").priority(0).requests("2", "1Gi").nodeName("n1").build());
      h.cluster.createPod(pod("high").priority(1000).requests("2", "1Gi").build());
      h.scheduler.scheduleOne(Duration.ZERO); // preempts "low"
      h.clock.step(Duration.ofSeconds(3));
      h.settle();

      assertThat(h.nodeOf("default", "high")).isEqualTo("n1");
      for (String name :
          List.of(
              SchedulerMetrics.SCHEDULING_ALGORITHM,
              SchedulerMetrics.PREEMPTION_EVALUATION,
              SchedulerMetrics.E2E_SCHEDULING,
              SchedulerMetrics.BINDING)) {
        assertThat(m.histogram(name).count()).as(name).isEqualTo(1);
        assertThat(m.histogram(name).sum()).as(name).isLessThan(1.0);
      }
      // From the first attempt on the scheduler's clock: the 3 s the pod waited, in seconds.
      assertThat(m.histogram(SchedulerMetrics.POD_SCHEDULING).sum()).isEqualTo(3.0);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Closing

  @Test
  void closingRejectsThePodsWaitingAtPermitAndClosesTheQueue() throws Exception {
    TestPlugin plugin = TestPlugin.waitingAtPermit(Duration.ofSeconds(10));
    Harness h = new Harness(plugin.options());
    try {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").build());
      h.scheduler.scheduleOne(Duration.ZERO);
      assertThat(h.scheduler.bindingsInFlight()).isEqualTo(1);

      h.scheduler.close();

      assertThat(h.scheduler.bindingsInFlight()).isZero();
      assertThat(plugin.calls).containsExactly("reserve:p@n1", "permit:p@n1", "unreserve:p@n1");
      assertThat(scheduledCondition(h.pod("default", "p")).getMessage())
          .isEqualTo("pod \"p\" rejected while waiting on permit: scheduler closed");
      // A closed queue answers at once instead of waiting a minute.
      assertThat(h.scheduler.scheduleOne(Duration.ofMinutes(1))).isFalse();
    } finally {
      h.close();
    }
  }

  @Test
  void aPodWhoseCycleEndsAsTheSchedulerClosesIsGivenBack() throws Exception {
    TestPlugin plugin = new TestPlugin();
    try (Harness h = new Harness(plugin.options())) {
      plugin.onPermit = h.scheduler::close;
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").build());

      assertThat(h.scheduler.scheduleOne(Duration.ZERO)).isTrue();

      Pod p = h.pod("default", "p");
      assertThat(p.getSpec().getNodeName()).isNull();
      assertThat(h.inCache(p)).isFalse();
      assertThat(plugin.calls).containsExactly("reserve:p@n1", "permit:p@n1", "unreserve:p@n1");
      assertThat(h.scheduler.bindingsInFlight()).isZero();
    }
  }

  @Test
  void closingCancelsTheRetriesOfAFailedRead() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    Harness.Options o = new Harness.Options();
    o.builder =
        b ->
            b.podGetter(
                (ns, name) -> {
                  reads.incrementAndGet();
                  throw new InMemoryCluster.ApiException(503, "the server is shutting down");
                });
    try (Harness h = new Harness(o)) {
      h.cluster.createPod(pod("p").build());
      h.scheduler.scheduleOne(Duration.ZERO); // no nodes: the error func reads the pod, fails
      assertThat(reads).hasValue(1);

      h.scheduler.close();
      h.clock.step(Duration.ofMinutes(2));

      assertThat(reads).hasValue(1);
    }
  }

  @Test
  void runStartsTheQueuesFlushesAndTheLoop() throws Exception {
    java.util.concurrent.BlockingQueue<String> bound =
        new java.util.concurrent.LinkedBlockingQueue<>();
    Harness.Options o = new Harness.Options();
    o.runQueue = false;
    o.binder =
        c ->
            b -> {
              c.bind(b);
              bound.add(b.getMetadata().getName() + "@" + b.getTarget().getName());
            };
    try (Harness h = new Harness(o)) {
      h.cluster.createNode(node("small").allocatable("1", "4Gi").build());
      h.cluster.createPod(pod("big").requests("2", "1Gi").build());
      h.cluster.createPod(pod("fits").requests("1", "1Gi").build());
      h.scheduler.run();
      // The loop runs on its own thread: it binds the pod that fits and fails the other.
      assertThat(bound.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("fits@small");

      h.cluster.createNode(node("large").allocatable("4", "8Gi").build());
      // The node moved "big" to the backoff queue; only the queue's flush, started by run(),
      // brings it back once its second of backoff is over.
      h.clock.step(Duration.ofSeconds(2));

      assertThat(bound.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("big@large");
    }
  }

  @Test
  void aClosedSchedulerCannotBeStartedNorStartedTwice() throws Exception {
    try (Harness h = new Harness()) {
      h.scheduler.run();
      org.assertj.core.api.Assertions.assertThatThrownBy(h.scheduler::run)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the scheduler was already started or closed");
    }
    try (Harness h = new Harness()) {
      h.scheduler.close();
      org.assertj.core.api.Assertions.assertThatThrownBy(h.scheduler::run)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the scheduler was already started or closed");
    }
  }

  @Test
  void closeKeepsTheCallersInterrupt() throws Exception {
    TestPlugin plugin = TestPlugin.waitingAtPermit(Duration.ofSeconds(10));
    try (Harness h = new Harness(plugin.options())) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").build());
      h.scheduler.scheduleOne(Duration.ZERO); // a binding cycle waits at Permit

      Thread.currentThread().interrupt();
      h.scheduler.close();

      assertThat(Thread.interrupted()).isTrue();
    }
  }

  @Test
  void aMessagelessErrorIsNoteless() {
    assertThat(Scheduler.truncate(null)).isNull();
  }

  @Test
  void bindingCyclesRunOnDaemonThreads() throws Exception {
    List<Boolean> daemon = new CopyOnWriteArrayList<>();
    Harness.Options o = new Harness.Options();
    o.binder =
        c ->
            b -> {
              daemon.add(Thread.currentThread().isDaemon());
              c.bind(b);
            };
    try (Harness h = new Harness(o)) {
      h.cluster.createNode(node("n1").allocatable("2", "4Gi").build());
      h.cluster.createPod(pod("p").build());
      h.settle();
      // A scheduler nobody closed does not keep the JVM alive.
      assertThat(daemon).containsExactly(true);
    }
  }
}
