package io.kubelab.cluster.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubelab.cluster.apiserver.ApiServer;
import io.kubelab.kubelet.config.PodUpdate;
import io.kubelab.kubelet.status.PodStatusClient.ApiException;
import io.kubelab.kubelet.status.PodStatusClient.Reason;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The kubelet's pod source and status client over fabric8, against kubelab's API server. */
@Timeout(60)
class KubeletClientsTest {

  private ApiServer server;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    server = ApiServer.builder().build().start();
    client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(Config.empty())
                    .withMasterUrl(server.url())
                    .withNamespace("default")
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private Pod create(String name, String node) {
    return client
        .pods()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .addNewContainer()
                .withName("c")
                .withImage("nginx")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  private static void eventually(Supplier<Boolean> c) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!c.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(20);
    }
  }

  @Test
  void podSourceSendsTheWholeListOfItsNodesPodsAfterEachChange() throws Exception {
    create("a", "n1");
    create("b", "n2");
    List<PodUpdate> seen = new CopyOnWriteArrayList<>();
    Supplier<List<String>> last =
        () ->
            seen.isEmpty()
                ? List.of("(nothing yet)")
                : seen.get(seen.size() - 1).pods().stream()
                    .map(p -> p.getMetadata().getName())
                    .sorted()
                    .toList();
    AutoCloseable watch = new ApiServerPodSource(client, "n1").watch(seen::add);
    try {
      eventually(() -> last.get().equals(List.of("a")));
      create("c", "n1");
      create("d", "n2");
      eventually(() -> last.get().equals(List.of("a", "c")));
      client.pods().withName("a").withGracePeriod(0).delete();
      eventually(() -> last.get().equals(List.of("c")));
    } finally {
      watch.close();
    }
    assertThat(seen)
        .allSatisfy(
            u -> {
              assertThat(u.op()).isEqualTo(PodUpdate.Op.SET);
              assertThat(u.source()).isEqualTo("api");
              assertThat(u.pods()).allMatch(p -> p.getSpec().getNodeName().equals("n1"));
            });
  }

  @Test
  void podSourceSendsAnEmptyListWhenTheNodeHasNoPods() throws Exception {
    create("b", "n2");
    List<PodUpdate> seen = new CopyOnWriteArrayList<>();
    AutoCloseable watch = new ApiServerPodSource(client, "n1").watch(seen::add);
    try {
      eventually(() -> !seen.isEmpty());
    } finally {
      watch.close();
    }
    assertThat(seen.get(0).op()).isEqualTo(PodUpdate.Op.SET);
    assertThat(seen.get(0).pods()).isEmpty();
  }

  @Test
  void statusClientPatchesTheStatusAndDeletesOnlyTheSamePod() throws Exception {
    Pod pod = create("p", "n1");
    ApiServerPodStatusClient sc = new ApiServerPodStatusClient(client);
    PodStatus old = sc.get("default", "p").getStatus();
    PodStatus running =
        new PodStatusBuilder(old)
            .withPhase("Running")
            .withHostIP("127.0.0.1")
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .build();
    Pod after = sc.patchStatus("default", "p", pod.getMetadata().getUid(), old, running);
    assertThat(after.getStatus().getPhase()).isEqualTo("Running");
    assertThat(after.getStatus().getHostIP()).isEqualTo("127.0.0.1");
    PodStatus noHost = new PodStatusBuilder(running).withHostIP(null).build();
    assertThat(
            sc.patchStatus("default", "p", pod.getMetadata().getUid(), running, noHost)
                .getStatus()
                .getHostIP())
        .isNull();
    assertThat(sc.get("default", "p").getStatus().getQosClass()).isEqualTo("BestEffort");

    // graceful deletion, then the kubelet's confirmation with the pod's UID
    client.pods().withName("p").delete();
    assertThatThrownBy(() -> sc.delete("default", "p", "another-uid"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT));
    assertThat(client.pods().withName("p").get()).isNotNull();
    sc.delete("default", "p", pod.getMetadata().getUid());
    assertThat(client.pods().withName("p").get()).isNull();
    assertThatThrownBy(() -> sc.get("default", "p"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    assertThatThrownBy(() -> sc.delete("default", "p", pod.getMetadata().getUid()))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
  }
}
