package io.kubelab.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubelab.cluster.apiserver.ApiServer;
import io.kubelab.scheduler.framework.profile.Profiles;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole stack on loopback: a pod created through the API is scheduled by the scheduler, started
 * by its node's kubelet and reported Running, all through real HTTP between separate clients.
 */
@Timeout(120)
class LocalClusterTest {

  private LocalCluster cluster;
  private KubernetesClient client;

  private static Node node(String name, String zone) {
    Map<String, Quantity> size =
        Map.of(
            "cpu",
            new Quantity("2"),
            "memory",
            new Quantity("4Gi"),
            "pods",
            new Quantity("20"),
            "ephemeral-storage",
            new Quantity("100Gi"));
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(Map.of("kubernetes.io/hostname", name, "topology.kubernetes.io/zone", zone))
        .endMetadata()
        .withNewSpec()
        .endSpec()
        .withNewStatus()
        .withCapacity(size)
        .withAllocatable(size)
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  private static PodBuilder pod(String name, String cpu) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("nginx:1.19")
        .withNewResources()
        .addToRequests("cpu", new Quantity(cpu))
        .endResources()
        .endContainer()
        .endSpec();
  }

  @BeforeEach
  void start() throws Exception {
    List<HasMetadata> objects = List.of(node("node-a", "zone-1"), node("node-b", "zone-2"));
    cluster = LocalCluster.start(ApiServer.builder().build(), objects, Profiles.default118(), 1);
    client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(Config.empty())
                    .withMasterUrl(cluster.url())
                    .withNamespace("default")
                    .withHttp2Disable(true)
                    .build())
            .build();
    eventually("kubelets on both nodes", () -> cluster.nodeNames().size() == 2);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static void eventually(String what, Supplier<Boolean> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within 30 s");
      }
      Thread.sleep(20);
    }
  }

  private Pod get(String name) {
    return client.pods().withName(name).get();
  }

  private String phase(String name) {
    Pod p = get(name);
    return p == null ? null : p.getStatus().getPhase();
  }

  private static String condition(Pod p, String type) {
    return p.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .map(PodCondition::getStatus)
        .findFirst()
        .orElse(null);
  }

  private List<Pod> podsOf(String rs) {
    return client.pods().withLabel("app", rs).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  @Test
  void aReplicaSetKeepsItsReplicasRunningAndReportsThem() throws Exception {
    ReplicaSet rs =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName("web")
            .endMetadata()
            .withNewSpec()
            .withReplicas(3)
            .withNewSelector()
            .addToMatchLabels("app", "web")
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", "web")
            .endMetadata()
            .withSpec(pod("ignored", "100m").build().getSpec())
            .endTemplate()
            .endSpec()
            .build();
    String uid = client.apps().replicaSets().resource(rs).create().getMetadata().getUid();

    eventually(
        "three ready replicas",
        () -> {
          ReplicaSet now = client.apps().replicaSets().withName("web").get();
          return now.getStatus() != null
              && Integer.valueOf(3).equals(now.getStatus().getReadyReplicas());
        });
    List<Pod> pods = podsOf("web");
    assertThat(pods).hasSize(3);
    for (Pod p : pods) {
      assertThat(p.getMetadata().getName()).startsWith("web-");
      assertThat(p.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.getKind()).isEqualTo("ReplicaSet");
                assertThat(o.getUid()).isEqualTo(uid);
                assertThat(o.getController()).isTrue();
              });
      assertThat(p.getStatus().getPhase()).isEqualTo("Running");
    }
    ReplicaSet now = client.apps().replicaSets().withName("web").get();
    assertThat(now.getStatus().getReplicas()).isEqualTo(3);
    assertThat(now.getStatus().getAvailableReplicas()).isEqualTo(3);
    assertThat(now.getStatus().getObservedGeneration()).isEqualTo(1L);

    // a deleted replica is replaced
    String victim = pods.get(0).getMetadata().getName();
    client.pods().withName(victim).delete();
    eventually(
        "a replacement for " + victim,
        () -> {
          List<Pod> left = podsOf("web");
          return left.size() == 3
              && left.stream().noneMatch(p -> p.getMetadata().getName().equals(victim))
              && left.stream().allMatch(p -> "Running".equals(p.getStatus().getPhase()));
        });

    // scaled down through the scale subresource, as kubectl scale does
    client.apps().replicaSets().withName("web").scale(1);
    eventually("one replica left", () -> podsOf("web").size() == 1);
    eventually(
        "status of one",
        () ->
            Integer.valueOf(1)
                .equals(
                    client.apps().replicaSets().withName("web").get().getStatus().getReplicas()));

    List<Event> events =
        client.v1().events().inNamespace("default").list().getItems().stream()
            .filter(e -> "ReplicaSet".equals(e.getInvolvedObject().getKind()))
            .toList();
    assertThat(events)
        .extracting(Event::getReason)
        .contains("SuccessfulCreate", "SuccessfulDelete");
    assertThat(events)
        .allSatisfy(
            e -> {
              assertThat(e.getSource().getComponent()).isEqualTo("replicaset-controller");
              assertThat(e.getInvolvedObject().getUid()).isEqualTo(uid);
              assertThat(e.getInvolvedObject().getApiVersion()).isEqualTo("apps/v1");
            });
    assertThat(events)
        .filteredOn(e -> e.getReason().equals("SuccessfulCreate"))
        .extracting(Event::getMessage)
        .allMatch(m -> m.matches("Created pod: web-[a-z0-9]{5}"))
        .hasSize(4);

    // deleting the ReplicaSet collects its pods (chapter 11's garbage collector)
    client.apps().replicaSets().withName("web").delete();
    eventually(
        "no pods of web", () -> client.pods().withLabel("app", "web").list().getItems().isEmpty());
  }

  @Test
  void aPodCreatedThroughTheApiIsScheduledStartedAndReportedRunning() throws Exception {
    client.pods().resource(pod("web", "500m").build()).create();

    eventually("web Running", () -> "Running".equals(phase("web")));
    Pod web = get("web");
    String node = web.getSpec().getNodeName();
    assertThat(node).isIn("node-a", "node-b");
    assertThat(condition(web, "PodScheduled")).isEqualTo("True");
    eventually("web Ready", () -> "True".equals(condition(get("web"), "Ready")));
    web = get("web");
    // each node's pods get their IPs from the node's own /24 of 10.244.0.0/16, in name order
    assertThat(web.getStatus().getPodIP())
        .isEqualTo(node.equals("node-a") ? "10.244.0.2" : "10.244.1.2");
    assertThat(web.getStatus().getQosClass()).isEqualTo("Burstable");
    assertThat(web.getStatus().getContainerStatuses())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getName()).isEqualTo("app");
              assertThat(c.getReady()).isTrue();
              assertThat(c.getState().getRunning()).isNotNull();
            });

    // The scheduler's event and the kubelet's, each from its own component.
    eventually(
        "Scheduled and Started events",
        () -> {
          List<String> reasons =
              client.v1().events().inNamespace("default").list().getItems().stream()
                  .filter(e -> "web".equals(e.getInvolvedObject().getName()))
                  .map(Event::getReason)
                  .toList();
          return reasons.contains("Scheduled") && reasons.contains("Started");
        });
    Event started =
        client.v1().events().inNamespace("default").list().getItems().stream()
            .filter(e -> "Started".equals(e.getReason()))
            .findFirst()
            .orElseThrow();
    assertThat(started.getSource().getComponent()).isEqualTo("kubelet");
    assertThat(started.getSource().getHost()).isEqualTo(node);
    assertThat(started.getMessage()).isEqualTo("Started container app");
  }

  @Test
  void eachKubeletReportsItsNodesConditionsAndRenewsItsLease() throws Exception {
    eventually(
        "node-a reported",
        () ->
            client.nodes().withName("node-a").get().getStatus().getConditions().stream()
                .anyMatch(c -> "KubeletReady".equals(c.getReason())));
    Node a = client.nodes().withName("node-a").get();
    assertThat(a.getStatus().getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus() + " " + c.getReason())
        // a strategic merge by type: the file's Ready stays first, the new conditions follow it
        .containsExactly(
            "Ready=True KubeletReady",
            "MemoryPressure=False KubeletHasSufficientMemory",
            "DiskPressure=False KubeletHasNoDiskPressure",
            "PIDPressure=False KubeletHasSufficientPID");
    eventually(
        "node-a's lease",
        () -> client.leases().inNamespace("kube-node-lease").withName("node-a").get() != null);
    var lease = client.leases().inNamespace("kube-node-lease").withName("node-a").get();
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("node-a");
    assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(40);
    assertThat(lease.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("Node");
              assertThat(o.getName()).isEqualTo("node-a");
              assertThat(o.getUid()).isEqualTo(a.getMetadata().getUid());
            });
    var created = lease.getSpec().getRenewTime();
    eventually(
        "node-a's lease renewed (every 10 s)",
        () ->
            client
                .leases()
                .inNamespace("kube-node-lease")
                .withName("node-a")
                .get()
                .getSpec()
                .getRenewTime()
                .isAfter(created));
    eventually(
        "node events",
        () ->
            client.v1().events().inNamespace("default").list().getItems().stream()
                .anyMatch(
                    e ->
                        "NodeHasSufficientMemory".equals(e.getReason())
                            && "node-a".equals(e.getInvolvedObject().getName())
                            && "Node node-a status is now: NodeHasSufficientMemory"
                                .equals(e.getMessage())));
  }

  @Test
  void aDeletedPodIsStoppedByItsKubeletAndThenGone() throws Exception {
    client.pods().resource(pod("web", "100m").build()).create();
    eventually("web Running", () -> "Running".equals(phase("web")));
    String node = get("web").getSpec().getNodeName();

    client.pods().withName("web").delete();
    // Graceful: the server only marks the pod; the kubelet stops it and finishes the deletion.
    Pod marked = get("web");
    assertThat(marked).isNotNull();
    assertThat(marked.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(marked.getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(30L);
    eventually("web gone", () -> get("web") == null);
    assertThat(cluster.kubelet(node).runtime().stops())
        .extracting(s -> s.gracePeriodSeconds())
        .contains(30L);
  }

  @Test
  void initContainersRunToCompletionBeforeTheAppContainer() throws Exception {
    client
        .pods()
        .resource(
            pod("db", "100m")
                .editSpec()
                .addNewInitContainer()
                .withName("migrate")
                .withImage("busybox")
                .endInitContainer()
                .endSpec()
                .build())
        .create();
    eventually("db Running", () -> "Running".equals(phase("db")));
    Pod db = get("db");
    String node = db.getSpec().getNodeName();
    // the runtime started migrate, and only then app
    assertThat(cluster.kubelet(node).started(db.getMetadata().getUid()))
        .containsExactly("migrate", "app");
    assertThat(get("db").getStatus().getInitContainerStatuses())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getState().getTerminated().getExitCode()).isZero();
              assertThat(c.getState().getTerminated().getReason()).isEqualTo("Completed");
            });
  }

  @Test
  void aNodeCreatedLaterGetsAKubeletAndPodsLandOnIt() throws Exception {
    Node late = node("node-c", "zone-3");
    late.getMetadata().getLabels().put("disk", "ssd");
    late.getSpec().setPodCIDR("10.244.7.0/24");
    client.nodes().resource(late).create();
    eventually("kubelet on node-c", () -> cluster.nodeNames().contains("node-c"));

    client
        .pods()
        .resource(
            pod("cache", "100m").editSpec().addToNodeSelector("disk", "ssd").endSpec().build())
        .create();
    eventually("cache Running", () -> "Running".equals(phase("cache")));
    assertThat(get("cache").getSpec().getNodeName()).isEqualTo("node-c");
    assertThat(get("cache").getStatus().getPodIP()).isEqualTo("10.244.7.2");

    client.nodes().withName("node-c").delete();
    eventually("node-c's kubelet stopped", () -> !cluster.nodeNames().contains("node-c"));
  }

  @Test
  void aPodThatFitsNowhereStaysPendingWithTheSchedulersReason() throws Exception {
    client.pods().resource(pod("huge", "64").build()).create();
    eventually(
        "huge unschedulable",
        () -> {
          Pod p = get("huge");
          return p.getStatus().getConditions().stream()
              .anyMatch(
                  c -> c.getType().equals("PodScheduled") && "Unschedulable".equals(c.getReason()));
        });
    Pod huge = get("huge");
    assertThat(huge.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(huge.getSpec().getNodeName()).isNull();
    assertThat(
            huge.getStatus().getConditions().stream()
                .filter(c -> c.getType().equals("PodScheduled"))
                .findFirst()
                .orElseThrow()
                .getMessage())
        .isEqualTo("0/2 nodes are available: 2 Insufficient cpu.");
  }
}
