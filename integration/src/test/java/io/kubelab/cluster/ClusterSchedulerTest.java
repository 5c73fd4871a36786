package io.kubelab.cluster;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubelab.apimachinery.clock.SystemClock;
import io.kubelab.cluster.apiserver.ApiServer;
import io.kubelab.scheduler.algorithm.policy.Policy;
import io.kubelab.scheduler.extender.ExtenderServer;
import io.kubelab.scheduler.extender.v1.ExtenderFilterResult;
import io.kubelab.scheduler.framework.config.KubeSchedulerConfiguration;
import io.kubelab.scheduler.framework.profile.Profiles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Chapter 08's scheduler against kubelab's API server over HTTP, through fabric8 informers: what
 * {@code kubelab scheduler --kubeconfig} runs. Pods created with a client are bound, the binding
 * shows as {@code spec.nodeName} and a {@code Scheduled} event; a pod that fits nowhere gets the
 * {@code PodScheduled=False} condition and a {@code FailedScheduling} event with upstream's
 * message; a pod for another scheduler is left alone.
 */
@Timeout(120)
class ClusterSchedulerTest {

  private ApiServer server;
  private KubernetesClient client;
  private SystemClock clock;
  private ClusterScheduler scheduler;

  @BeforeEach
  void start() throws InterruptedException {
    server = ApiServer.builder().build().start();
    client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(Config.empty())
                    .withMasterUrl(server.url())
                    .withNamespace("default")
                    .withRequestRetryBackoffLimit(0)
                    .withConnectionTimeout(10_000)
                    .withRequestTimeout(30_000)
                    .build())
            .build();
    clock = new SystemClock();
    for (String n : List.of("n1", "n2", "n3")) {
      client.nodes().resource(node(n).allocatable("2", "4Gi").build()).create();
    }
    scheduler = ClusterScheduler.start(client, Profiles.default118(), clock, 1);
  }

  @AfterEach
  void stop() {
    if (scheduler != null) {
      scheduler.close();
    }
    client.close();
    server.close();
    clock.close();
  }

  private Pod create(Pod p) {
    p.getMetadata().setUid(null);
    p.getMetadata().setResourceVersion(null);
    return client.pods().resource(p).create();
  }

  private Pod await(String name, Predicate<Pod> condition) {
    return client
        .pods()
        .withName(name)
        .waitUntilCondition(p -> p != null && condition.test(p), 60, TimeUnit.SECONDS);
  }

  private static boolean bound(Pod p) {
    return p.getSpec().getNodeName() != null && !p.getSpec().getNodeName().isEmpty();
  }

  @Test
  void podsCreatedThroughTheApiAreBoundWithinCapacityAndReported() throws Exception {
    for (int i = 0; i < 6; i++) {
      create(pod("web-" + i).requests("1", "1Gi").build());
    }
    Map<String, Integer> perNode = new HashMap<>();
    for (int i = 0; i < 6; i++) {
      Pod p = await("web-" + i, ClusterSchedulerTest::bound);
      perNode.merge(p.getSpec().getNodeName(), 1, Integer::sum);
    }
    // 3 nodes of 2 CPUs, 6 pods of 1 CPU: each node takes exactly two.
    assertThat(perNode)
        .containsOnlyKeys("n1", "n2", "n3")
        .allSatisfy((n, c) -> assertThat(c).isEqualTo(2));
    Pod web0 = client.pods().withName("web-0").get();
    List<Event> events = awaitEvents("web-0", "Scheduled");
    assertThat(events.get(0).getMessage())
        .isEqualTo("Successfully assigned default/web-0 to " + web0.getSpec().getNodeName());
    assertThat(events.get(0).getSource().getComponent()).isEqualTo("default-scheduler");
  }

  @Test
  void aPodThatFitsNowhereIsMarkedUnschedulableWithUpstreamsMessage() throws Exception {
    create(pod("huge").requests("10", "1Gi").build());
    Pod p =
        await(
            "huge",
            x ->
                x.getStatus() != null
                    && x.getStatus().getConditions().stream()
                        .anyMatch(c -> "PodScheduled".equals(c.getType())));
    PodCondition c =
        p.getStatus().getConditions().stream()
            .filter(x -> "PodScheduled".equals(x.getType()))
            .findFirst()
            .orElseThrow();
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("Unschedulable");
    assertThat(c.getMessage()).isEqualTo("0/3 nodes are available: 3 Insufficient cpu.");
    assertThat(bound(p)).isFalse();
    assertThat(awaitEvents("huge", "FailedScheduling").get(0).getType()).isEqualTo("Warning");
  }

  @Test
  void podsOfAServiceAreSpreadOverTheNodes() throws Exception {
    // Restart the scheduler after the Service exists, so that its informer has synced it.
    scheduler.close();
    client
        .services()
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("spread")
                .endMetadata()
                .withNewSpec()
                .withSelector(Map.of("app", "spread"))
                .addNewPort()
                .withPort(80)
                .endPort()
                .endSpec()
                .build())
        .create();
    scheduler = ClusterScheduler.start(client, Profiles.default118(), clock, 1);
    // Requests too small to move any resource score (1m of 2 CPUs, 1Mi of 4Gi): every node ties
    // except in DefaultPodTopologySpread, which reads the Service through the client's listers.
    for (int i = 0; i < 6; i++) {
      create(pod("s-" + i).label("app", "spread").requests("1m", "1Mi").build());
    }
    Map<String, Integer> perNode = new HashMap<>();
    for (int i = 0; i < 6; i++) {
      perNode.merge(
          await("s-" + i, ClusterSchedulerTest::bound).getSpec().getNodeName(), 1, Integer::sum);
    }
    assertThat(perNode).isEqualTo(Map.of("n1", 2, "n2", 2, "n3", 2));
  }

  @Test
  void aPodForAnotherSchedulerIsLeftAlone() {
    Pod other = pod("other").requests("1", "1Gi").build();
    other.getSpec().setSchedulerName("someone-else");
    create(other);
    create(pod("mine").requests("1", "1Gi").build());
    await("mine", ClusterSchedulerTest::bound);
    // "mine" was created after "other" and is already bound: the scheduler has seen both.
    Pod o = client.pods().withName("other").get();
    assertThat(bound(o)).isFalse();
    assertThat(o.getStatus() == null ? List.of() : o.getStatus().getConditions()).isEmpty();
  }

  @Test
  void aHighPriorityPodPreemptsThroughTheApi() throws Exception {
    for (var pc : List.of(priorityClass("low", 10), priorityClass("high", 1000))) {
      client.resource(pc).create();
    }
    for (int i = 0; i < 6; i++) {
      Pod p = pod("batch-" + i).requests("1", "1Gi").build();
      p.getSpec().setPriorityClassName("low");
      create(p);
    }
    for (int i = 0; i < 6; i++) {
      await("batch-" + i, ClusterSchedulerTest::bound);
    }
    // The kubelets' part, which no kubelet plays here: a pod marked for graceful deletion is
    // stopped and removed.
    var kubelet =
        client
            .pods()
            .inform(
                new io.fabric8.kubernetes.client.informers.ResourceEventHandler<Pod>() {
                  @Override
                  public void onAdd(Pod p) {
                    onUpdate(p, p);
                  }

                  @Override
                  public void onUpdate(Pod old, Pod p) {
                    if (p.getMetadata().getDeletionTimestamp() != null) {
                      client.pods().resource(p).withGracePeriod(0).delete();
                    }
                  }

                  @Override
                  public void onDelete(Pod p, boolean unknown) {}
                });
    try {
      Pod vip = pod("vip").requests("2", "1Gi").build();
      vip.getSpec().setPriorityClassName("high");
      create(vip);
      Pod bound = await("vip", ClusterSchedulerTest::bound);
      String node = bound.getSpec().getNodeName();
      List<Event> preempted = awaitEvents(null, "Preempted", 2);
      assertThat(preempted).hasSize(2);
      assertThat(preempted)
          .allSatisfy(
              e ->
                  assertThat(e.getMessage()).isEqualTo("Preempted by default/vip on node " + node));
      assertThat(client.pods().list().getItems().stream().map(p -> p.getMetadata().getName()))
          .hasSize(5)
          .contains("vip");
    } finally {
      kubelet.close();
    }
  }

  private static io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass priorityClass(
      String name, int value) {
    return new io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withValue(value)
        .build();
  }

  private List<Event> awaitEvents(String podName, String reason) throws Exception {
    return awaitEvents(podName, reason, 1);
  }

  /** Waits (at most 60 s, on a watch) until at least {@code count} such events exist. */
  private List<Event> awaitEvents(String podName, String reason, int count) throws Exception {
    Predicate<Event> wanted =
        e ->
            (podName == null || podName.equals(e.getInvolvedObject().getName()))
                && reason.equals(e.getReason());
    return client
        .v1()
        .events()
        .inNamespace("default")
        .informOnCondition(list -> list.stream().filter(wanted).count() >= count)
        .get(60, TimeUnit.SECONDS)
        .stream()
        .filter(wanted)
        .toList();
  }

  @Test
  void theConfigurationsExtendersFilterForTheClusterScheduler() throws Exception {
    scheduler.close();
    scheduler = null;
    try (ExtenderServer ext =
        ExtenderServer.builder()
            .prefix("/only-n3")
            .filter(
                "filter",
                a -> {
                  List<String> kept = new ArrayList<>();
                  Map<String, String> failed = new LinkedHashMap<>();
                  for (String n : a.nodeNames()) {
                    if (n.equals("n3")) {
                      kept.add(n);
                    } else {
                      failed.put(n, "not n3");
                    }
                  }
                  return new ExtenderFilterResult(null, kept, failed, "");
                })
            .start()) {
      KubeSchedulerConfiguration d = Profiles.default118();
      KubeSchedulerConfiguration withExtender =
          new KubeSchedulerConfiguration(
              d.profiles(),
              d.percentageOfNodesToScore(),
              d.disablePreemption(),
              d.bindTimeoutSeconds(),
              d.podInitialBackoffSeconds(),
              d.podMaxBackoffSeconds(),
              List.of(
                  new Policy.Extender(
                      ext.urlPrefix().toString(),
                      "filter",
                      "",
                      "",
                      0,
                      "",
                      false,
                      null,
                      Duration.ZERO,
                      true,
                      List.of(),
                      false)));
      scheduler = ClusterScheduler.start(client, withExtender, clock, 1);
      create(pod("a").requests("500m", "512Mi").build());
      create(pod("b").requests("500m", "512Mi").build());

      // n1 and n2 have as much room, but the extender keeps only n3.
      assertThat(await("a", ClusterSchedulerTest::bound).getSpec().getNodeName()).isEqualTo("n3");
      assertThat(await("b", ClusterSchedulerTest::bound).getSpec().getNodeName()).isEqualTo("n3");
      scheduler.close();
      scheduler = null;
    }
  }
}
