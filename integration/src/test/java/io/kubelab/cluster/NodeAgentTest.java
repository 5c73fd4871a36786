package io.kubelab.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.manifest.Manifest;
import io.kubelab.apimachinery.manifest.Manifests;
import io.kubelab.cli.Kubelab;
import io.kubelab.explain.FrameworkSimulation;
import io.kubelab.explain.PodResult;
import io.kubelab.explain.SchedulerProfile;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.container.ContainerState;
import io.kubelab.kubelet.container.ContainerStatus;
import io.kubelab.kubelet.container.FakeRuntime;
import io.kubelab.kubelet.container.RuntimePod;
import io.kubelab.kubelet.pleg.PodLifeCycleEventType;
import io.kubelab.kubelet.pleg.PodLifecycleEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The demo's second act: every pod the scheduler binds is started by its node's kubelet. */
class NodeAgentTest {

  /**
   * What {@code kubelab demo} and {@code schedule -f} run: chapter 08's scheduler over the
   * manifest, then each node's kubelet starts the pods bound to it (a pod preemption deleted is not
   * started) and {@link Kubelets#RUN_TIME} of virtual time passes.
   */
  private static final class ScheduledCluster implements AutoCloseable {
    private final FrameworkSimulation scheduler;
    private final Kubelets kubelets;

    ScheduledCluster(Manifest manifest, long seed) {
      scheduler = new FrameworkSimulation(manifest, SchedulerProfile.default118(), seed);
      kubelets = new Kubelets(manifest.nodes());
      scheduler.pending().forEach(kubelets::pending);
    }

    List<PodResult> run() {
      List<PodResult> results = scheduler.run();
      for (PodResult r : results) {
        if (r.bound() && !scheduler.evicted().containsKey(r.key())) {
          kubelets.bind(r.pod(), r.node());
        }
      }
      kubelets.run();
      return results;
    }

    List<Pod> pending() {
      return scheduler.pending();
    }

    String phase(PodResult r) {
      return kubelets.phase(r.pod());
    }

    NodeAgent agent(String nodeName) {
      return kubelets.agent(nodeName);
    }

    List<NodeAgent> agents() {
      return kubelets.agents();
    }

    void advance(Duration d) {
      kubelets.advance(d);
    }

    @Override
    public void close() {
      kubelets.close();
      scheduler.close();
    }
  }

  private static ScheduledCluster demo(long seed) {
    return new ScheduledCluster(
        Manifests.parse(Kubelab.resource(Kubelab.DEMO_CLUSTER), Kubelab.DEMO_CLUSTER), seed);
  }

  private static ScheduledCluster of(String yaml) {
    return new ScheduledCluster(Manifests.parse(yaml, "test.yaml"), 1);
  }

  private static String uid(PodResult p) {
    return p.pod().getMetadata().getUid();
  }

  private static List<PodLifecycleEvent> eventsOf(NodeAgent agent, String uid) {
    return agent.events().stream().filter(e -> e.id().equals(uid)).toList();
  }

  @Test
  void everyScheduledPodRunsOnItsNodeWithOneContainerStartedPerContainer() {
    for (long seed = 1; seed <= 5; seed++) {
      try (ScheduledCluster sim = demo(seed)) {
        List<PodResult> ps = sim.run();
        assertThat(ps.stream().filter(PodResult::bound)).hasSize(6);
        for (PodResult p : ps) {
          if (!p.bound()) {
            continue;
          }
          String what = p.key() + " on " + p.node() + ", seed " + seed;
          assertThat(sim.phase(p)).as(what).isEqualTo("Running");
          NodeAgent agent = sim.agent(p.node());
          assertThat(agent.pods()).extracting(pod -> pod.getMetadata().getUid()).contains(uid(p));

          FakeRuntime rt = agent.runtime();
          var status = rt.getPodStatus(uid(p), "", "");
          List<String> specNames =
              p.pod().getSpec().getContainers().stream().map(c -> c.getName()).toList();
          assertThat(status.containerStatuses())
              .as(what)
              .extracting(ContainerStatus::name)
              .containsExactlyInAnyOrderElementsOf(specNames);
          assertThat(status.containerStatuses())
              .extracting(ContainerStatus::state)
              .containsOnly(ContainerState.RUNNING);

          // One ContainerStarted per container, plus one for the pod's sandbox, and nothing else.
          Set<String> expected = new HashSet<>();
          for (String name : specNames) {
            expected.add(rt.containerId(uid(p), name).id());
          }
          List<PodLifecycleEvent> events = eventsOf(agent, uid(p));
          assertThat(events)
              .as(what)
              .hasSize(specNames.size() + 1)
              .extracting(PodLifecycleEvent::type)
              .containsOnly(PodLifeCycleEventType.CONTAINER_STARTED);
          List<String> started = new ArrayList<>();
          events.forEach(e -> started.add(e.data()));
          assertThat(started).doesNotHaveDuplicates().containsAll(expected);
        }
      }
    }
  }

  @Test
  void unschedulablePodsStayPendingAndRunNowhere() {
    try (ScheduledCluster sim = demo(1)) {
      List<PodResult> ps = sim.run();
      List<PodResult> unschedulable = ps.stream().filter(p -> !p.bound()).toList();
      assertThat(unschedulable)
          .extracting(p -> p.pod().getMetadata().getName())
          .containsExactlyInAnyOrder("web-4", "render-farm", "eu-north-only");
      for (PodResult p : unschedulable) {
        assertThat(sim.phase(p)).isEqualTo("Pending");
        for (NodeAgent agent : sim.agents()) {
          assertThat(agent.runtime().getPods(true))
              .as(p.key() + " on " + agent.nodeName())
              .extracting(RuntimePod::uid)
              .doesNotContain(uid(p));
          assertThat(eventsOf(agent, uid(p))).isEmpty();
        }
      }
    }
  }

  @Test
  void aCrashedContainerIsReportedByThePlegAsContainerDied() {
    try (ScheduledCluster sim = demo(1)) {
      PodResult postgres =
          sim.run().stream()
              .filter(p -> p.pod().getMetadata().getName().equals("postgres"))
              .findFirst()
              .orElseThrow();
      NodeAgent agent = sim.agent(postgres.node());
      String container = postgres.pod().getSpec().getContainers().get(0).getName();
      ContainerId id = agent.runtime().containerId(uid(postgres), container);
      int before = agent.events().size();

      agent.runtime().crash(id, 1);
      assertThat(agent.events()).hasSize(before); // nothing until the next relist
      sim.advance(Duration.ofSeconds(1));

      assertThat(agent.events().subList(before, agent.events().size()))
          .containsExactly(
              new PodLifecycleEvent(uid(postgres), PodLifeCycleEventType.CONTAINER_DIED, id.id()));
      // restartPolicy defaults to Always: the pod stays Running while the kubelet restarts it.
      assertThat(sim.phase(postgres)).isEqualTo("Running");
    }
  }

  private static final String NODE_AND_POD =
      """
      apiVersion: v1
      kind: List
      items:
      - apiVersion: v1
        kind: Node
        metadata: {name: n1}
        status:
          capacity: {cpu: "4", memory: 8Gi, pods: "10"}
          allocatable: {cpu: "4", memory: 8Gi, pods: "10"}
      - apiVersion: v1
        kind: Pod
        metadata: {name: db, namespace: shop, uid: u-db}
        spec:
          nodeName: n1
          containers:
          - name: postgres
            image: postgres
            resources: {requests: {cpu: "1", memory: 1Gi}}
      """;

  /** One node's agent on its own clock and API server, without a scheduler. */
  @Test
  void theApiServerGetsTheStatusManagersStatusAndSeesTheKubeletRestartACrashedContainer() {
    var manifest = Manifests.parse(NODE_AND_POD, "test.yaml");
    FakeClock clock = new FakeClock();
    InMemoryApiServer api = new InMemoryApiServer();
    Pod db = manifest.pods().get(0);
    api.create(db);
    try (NodeAgent agent = new NodeAgent(manifest.nodes().get(0), clock, api)) {
      agent.handlePodAddition(db);
      clock.step(Duration.ofSeconds(3));

      Pod stored = api.find("u-db").orElseThrow();
      assertThat(stored.getStatus().getPhase()).isEqualTo("Running");
      assertThat(stored.getStatus().getPodIP()).startsWith("10.244.");
      assertThat(stored.getStatus().getQosClass()).isEqualTo("Burstable");
      assertThat(stored.getStatus().getConditions())
          .extracting(c -> c.getType() + "=" + c.getStatus())
          .contains("Ready=True", "ContainersReady=True", "Initialized=True");
      FakeRuntime rt = agent.runtime();
      ContainerId first = rt.containerId("u-db", "postgres");
      // Burstable: 1000 - 1000 * 1Gi / 8Gi.
      assertThat(rt.config(first).oomScoreAdj()).isEqualTo(875);

      rt.crash(first, 1);
      clock.step(Duration.ofSeconds(3));

      assertThat(rt.containerId("u-db", "postgres")).isNotEqualTo(first);
      var cs = api.find("u-db").orElseThrow().getStatus().getContainerStatuses().get(0);
      assertThat(cs.getRestartCount()).isEqualTo(1);
      assertThat(cs.getState().getRunning()).isNotNull();
      assertThat(cs.getLastState().getTerminated().getExitCode()).isEqualTo(1);
      assertThat(agent.kubeletEvents())
          .extracting(e -> e.reason() + " " + e.message())
          .containsExactly(
              "Created Created container postgres",
              "Started Started container postgres",
              "Created Created container postgres",
              "Started Started container postgres");
    }
    assertThat(clock.pendingTimers()).isZero(); // closed: nothing left on the clock
  }

  private static final String ONE_NODE =
      """
      apiVersion: v1
      kind: List
      items:
      - apiVersion: v1
        kind: Node
        metadata: {name: n1}
        status: {allocatable: {cpu: "4", memory: 4Gi, pods: "10"}}
      - apiVersion: v1
        kind: Pod
        metadata: {name: job, namespace: batch}
        spec:
          restartPolicy: Never
          initContainers:
          - {name: migrate, image: busybox}
          containers:
          - {name: main, image: busybox}
          - {name: sidecar, image: busybox}
      """;

  @Test
  void initContainersRunFirstAndANeverRestartedFailureFailsThePod() {
    try (ScheduledCluster sim = of(ONE_NODE)) {
      PodResult job = sim.run().get(0);
      assertThat(job.node()).isEqualTo("n1");
      assertThat(sim.phase(job)).isEqualTo("Running");
      NodeAgent agent = sim.agent("n1");
      assertThat(agent.containersStarted()).isEqualTo(3);

      // Spec order, init container first: the fake runtime's IDs count up.
      FakeRuntime rt = agent.runtime();
      String migrate = rt.containerId(uid(job), "migrate").id();
      String main = rt.containerId(uid(job), "main").id();
      String sidecar = rt.containerId(uid(job), "sidecar").id();
      assertThat(List.of(migrate, main, sidecar))
          .extracting(id -> Long.parseLong(id.substring(id.lastIndexOf('-') + 1)))
          .isSorted();
      // The init container had already exited 0 at the first relist: the PLEG saw it dead.
      assertThat(eventsOf(agent, uid(job)))
          .contains(
              new PodLifecycleEvent(uid(job), PodLifeCycleEventType.CONTAINER_DIED, migrate),
              new PodLifecycleEvent(uid(job), PodLifeCycleEventType.CONTAINER_STARTED, main),
              new PodLifecycleEvent(uid(job), PodLifeCycleEventType.CONTAINER_STARTED, sidecar));

      rt.crash(rt.containerId(uid(job), "main"), 0);
      sim.advance(Duration.ofSeconds(1));
      assertThat(sim.phase(job)).isEqualTo("Running"); // the sidecar still runs
      rt.crash(rt.containerId(uid(job), "sidecar"), 2);
      sim.advance(Duration.ofSeconds(1));
      assertThat(sim.phase(job)).isEqualTo("Failed");
    }
  }

  @Test
  void sameSeedSameRuntimeHistory() {
    List<List<PodLifecycleEvent>> runs = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      try (ScheduledCluster sim = demo(7)) {
        sim.run();
        List<PodLifecycleEvent> all = new ArrayList<>();
        sim.agents().forEach(a -> all.addAll(a.events()));
        runs.add(all);
      }
    }
    assertThat(runs.get(0)).isNotEmpty().isEqualTo(runs.get(1));
  }

  @Test
  void aKubeletRefusesAPodBoundElsewhere() {
    try (ScheduledCluster sim = of(ONE_NODE)) {
      Pod pod = sim.pending().get(0);
      assertThatThrownBy(() -> sim.agent("n1").handlePodAddition(pod))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Pod batch/job")
          .hasMessageContaining("spec.nodeName");
      assertThatThrownBy(() -> sim.agent("n9")).hasMessage("no node named \"n9\"");
    }
  }

  @Test
  void closingTheSimulationLeavesNoThreadBehind() {
    Set<Thread> before = nonDaemonThreads();
    for (long seed = 1; seed <= 3; seed++) {
      try (ScheduledCluster sim = demo(seed)) {
        sim.run();
        sim.advance(Duration.ofSeconds(30));
      }
    }
    Set<Thread> leaked = nonDaemonThreads();
    leaked.removeAll(before);
    assertThat(leaked).isEmpty();
  }

  private static Set<Thread> nonDaemonThreads() {
    Set<Thread> out = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && !t.isDaemon()) {
        out.add(t);
      }
    }
    return out;
  }
}
