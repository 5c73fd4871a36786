package io.kubelab.cluster.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubelab.apimachinery.clock.FakeClock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fabric8 client against the server: every type, every verb, as a real client uses them. */
@Timeout(60)
class Fabric8ClientTest {

  private final FakeClock clock = new FakeClock();
  private ApiServer server;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    server = ApiServer.builder().clock(clock).historySize(50).build().start();
    client = Servers.client(server);
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void aWebSocketUpgradeGetsAnEmpty200SoClientsFallBackToHttpWatches() throws Exception {
    try (Socket s = new Socket("127.0.0.1", URI.create(server.url()).getPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream()
          .write(
              ("GET /api/v1/namespaces/default/pods?watch=true HTTP/1.1\r\n"
                      + "Host: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                      + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      var in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
      List<String> headers = new ArrayList<>();
      for (String l = in.readLine(); l != null && !l.isEmpty(); l = in.readLine()) {
        headers.add(l.toLowerCase(Locale.ROOT));
      }
      assertThat(headers).contains("content-length: 0");
    }
  }

  @Test
  void fabric8FallsBackToAnHttpWatchWithoutRetrying() throws Exception {
    // With retries on and a back-off longer than the test's timeout, a retried WebSocket attempt
    // (as a 503 would cause) could not sync in time.
    KubernetesClient retrying =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(Config.empty())
                    .withMasterUrl(server.url())
                    .withRequestRetryBackoffLimit(10)
                    .withRequestRetryBackoffInterval(120_000)
                    .build())
            .build();
    try (SharedIndexInformer<Pod> informer =
        retrying.pods().inNamespace("default").runnableInformer(0)) {
      BlockingQueue<String> added = new LinkedBlockingQueue<>();
      informer.addEventHandler(
          new ResourceEventHandler<Pod>() {
            @Override
            public void onAdd(Pod p) {
              added.add(p.getMetadata().getName());
            }

            @Override
            public void onUpdate(Pod o, Pod p) {}

            @Override
            public void onDelete(Pod p, boolean unknown) {}
          });
      informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
      client.pods().resource(pod("after-sync")).create();
      assertThat(added.poll(20, TimeUnit.SECONDS))
          .as("the HTTP watch delivers the new pod")
          .isEqualTo("after-sync");
    } finally {
      retrying.close();
    }
  }

  static Pod pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels("app", "web")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage("nginx:1.19")
        .withNewResources()
        .addToRequests("cpu", new Quantity("100m"))
        .endResources()
        .endContainer()
        .endSpec()
        .build();
  }

  private static void eventually(Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(20);
    }
  }

  @Test
  void createFillsServerSideFieldsAndDefaults() {
    Pod created = client.pods().resource(pod("web-1")).create();
    assertThat(created.getMetadata().getUid()).isNotEmpty();
    assertThat(created.getMetadata().getResourceVersion()).isNotEmpty();
    assertThat(created.getMetadata().getCreationTimestamp()).isNotEmpty();
    assertThat(created.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(created.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(created.getStatus().getQosClass()).isEqualTo("Burstable");
    assertThat(created.getSpec().getRestartPolicy()).isEqualTo("Always");
    assertThat(created.getSpec().getSchedulerName()).isEqualTo("default-scheduler");
    assertThat(created.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(30L);
    assertThat(created.getSpec().getPriority()).isZero();
    assertThat(created.getSpec().getContainers().get(0).getImagePullPolicy())
        .isEqualTo("IfNotPresent");
    Pod gen =
        client
            .pods()
            .resource(
                new PodBuilder(pod("x"))
                    .editMetadata()
                    .withName(null)
                    .withGenerateName("web-")
                    .endMetadata()
                    .build())
            .create();
    assertThat(gen.getMetadata().getName()).matches("web-[bcdfghjklmnpqrstvwxz2456789]{5}");
  }

  @Test
  void crudOfEveryServedType() {
    List<HasMetadata> objects =
        List.of(
            new NamespaceBuilder().withNewMetadata().withName("team-a").endMetadata().build(),
            new NodeBuilder()
                .withNewMetadata()
                .withName("n1")
                .endMetadata()
                .withNewStatus()
                .addToCapacity("cpu", new Quantity("4"))
                .endStatus()
                .build(),
            pod("p1"),
            new ServiceBuilder()
                .withNewMetadata()
                .withName("svc")
                .endMetadata()
                .withNewSpec()
                .addToSelector("app", "web")
                .addNewPort()
                .withPort(80)
                .endPort()
                .endSpec()
                .build(),
            new EndpointsBuilder()
                .withNewMetadata()
                .withName("svc")
                .endMetadata()
                .addNewSubset()
                .addNewAddress()
                .withIp("10.0.0.1")
                .endAddress()
                .addNewPort()
                .withPort(80)
                .endPort()
                .endSubset()
                .build(),
            new EventBuilder()
                .withNewMetadata()
                .withName("p1.1")
                .endMetadata()
                .withNewInvolvedObject()
                .withKind("Pod")
                .withName("p1")
                .withNamespace("default")
                .endInvolvedObject()
                .withReason("Test")
                .build(),
            replicaSet("rs", 2),
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("dep")
                .endMetadata()
                .withNewSpec()
                .withNewSelector()
                .addToMatchLabels("app", "d")
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", "d")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("c")
                .withImage("nginx")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build(),
            new PodDisruptionBudgetBuilder()
                .withNewMetadata()
                .withName("pdb")
                .endMetadata()
                .withNewSpec()
                .withNewSelector()
                .addToMatchLabels("app", "web")
                .endSelector()
                .withNewMinAvailable(1)
                .endSpec()
                .build(),
            new PriorityClassBuilder()
                .withNewMetadata()
                .withName("high")
                .endMetadata()
                .withValue(1000)
                .build(),
            new LeaseBuilder()
                .withNewMetadata()
                .withName("lease")
                .endMetadata()
                .withNewSpec()
                .withHolderIdentity("me")
                .endSpec()
                .build());
    for (HasMetadata o : objects) {
      HasMetadata created = client.resource(o).create();
      assertThat(created.getMetadata().getResourceVersion()).as(o.getKind()).isNotEmpty();
      HasMetadata got = client.resource(o).get();
      assertThat(got.getMetadata().getUid())
          .as(o.getKind())
          .isEqualTo(created.getMetadata().getUid());
      HasMetadata labelled =
          client
              .resource(got)
              .edit(
                  x -> {
                    x.getMetadata().setLabels(Map.of("edited", "yes"));
                    return x;
                  });
      assertThat(labelled.getMetadata().getLabels()).as(o.getKind()).containsEntry("edited", "yes");
      assertThat(Long.parseLong(labelled.getMetadata().getResourceVersion()))
          .isGreaterThan(Long.parseLong(created.getMetadata().getResourceVersion()));
    }
    assertThat(client.apps().deployments().withName("dep").get().getSpec().getReplicas())
        .isEqualTo(1);
    assertThat(client.services().withName("svc").get().getSpec().getClusterIP()).startsWith("127.");
    for (HasMetadata o : objects) {
      client.resource(o).withGracePeriod(0).delete();
    }
    for (HasMetadata o : objects) {
      if (!o.getKind().equals("Namespace")) {
        assertThat(client.resource(o).get()).as(o.getKind()).isNull();
      }
    }
  }

  static ReplicaSet replicaSet(String name, int replicas) {
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withImage("nginx")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  @Test
  void staleUpdateIsAConflictAndStoresNothing() {
    Pod created = client.pods().resource(pod("p")).create();
    Pod first = new PodBuilder(created).editMetadata().addToLabels("v", "1").endMetadata().build();
    client.pods().resource(first).update();
    Pod stale = new PodBuilder(created).editMetadata().addToLabels("v", "2").endMetadata().build();
    assertThatThrownBy(() -> client.pods().resource(stale).update())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(409);
              assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
              assertThat(e.getStatus().getMessage())
                  .isEqualTo(
                      "Operation cannot be fulfilled on pods \"p\": the object has been modified;"
                          + " please apply your changes to the latest version and try again");
            });
    assertThat(client.pods().withName("p").get().getMetadata().getLabels()).containsEntry("v", "1");
  }

  @Test
  void listPagesThroughOneConsistentSnapshot() {
    for (int i = 0; i < 7; i++) {
      client.pods().resource(pod("p" + i)).create();
    }
    PodList page1 = client.pods().list(new ListOptionsBuilder().withLimit(3L).build());
    assertThat(page1.getItems())
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("p0", "p1", "p2");
    assertThat(page1.getMetadata().getRemainingItemCount()).isEqualTo(4L);
    // changes after the first page do not show in the later ones
    client.pods().withName("p5").withGracePeriod(0).delete();
    client.pods().resource(pod("p3a")).create();
    List<String> rest = new ArrayList<>();
    String cont = page1.getMetadata().getContinue();
    while (cont != null && !cont.isEmpty()) {
      PodList page =
          client.pods().list(new ListOptionsBuilder().withLimit(3L).withContinue(cont).build());
      assertThat(page.getMetadata().getResourceVersion())
          .isEqualTo(page1.getMetadata().getResourceVersion());
      page.getItems().forEach(p -> rest.add(p.getMetadata().getName()));
      cont = page.getMetadata().getContinue();
    }
    assertThat(rest).containsExactly("p3", "p4", "p5", "p6");
  }

  @Test
  void selectorsFilterListsByLabelsAndFields() {
    client.pods().resource(pod("a")).create();
    client
        .pods()
        .resource(
            new PodBuilder(pod("b"))
                .editMetadata()
                .addToLabels("tier", "db")
                .endMetadata()
                .editSpec()
                .withNodeName("n1")
                .endSpec()
                .build())
        .create();
    assertThat(client.pods().withLabel("tier", "db").list().getItems())
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("b");
    assertThat(client.pods().withoutLabel("tier", "db").list().getItems())
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("a");
    assertThat(client.pods().withField("spec.nodeName", "n1").list().getItems())
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("b");
    assertThat(client.pods().withField("spec.nodeName", "").list().getItems())
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("a");
    assertThat(client.pods().withField("status.phase", "Pending").list().getItems()).hasSize(2);
    assertThat(
            client
                .pods()
                .inAnyNamespace()
                .withField("metadata.namespace", "default")
                .list()
                .getItems())
        .hasSize(2);
    assertThatThrownBy(() -> client.pods().withField("spec.bogus", "x").list())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(400));
  }

  /** Collects watch events as "TYPE name rv". */
  static final class Recorder implements Watcher<Pod> {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    volatile WatcherException closed;

    @Override
    public void eventReceived(Action action, Pod pod) {
      events.add(action + " " + pod.getMetadata().getName());
    }

    @Override
    public void onClose(WatcherException cause) {
      closed = cause;
      events.add("CLOSED " + (cause == null ? "" : cause.getMessage()));
    }

    String next() throws InterruptedException {
      String e = events.poll(20, TimeUnit.SECONDS);
      if (e == null) {
        throw new AssertionError("no watch event within 20 s");
      }
      return e;
    }
  }

  @Test
  void watchFromEveryResourceVersionSeesExactlyTheLaterChanges() throws Exception {
    List<String> versions = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    Pod p = client.pods().resource(pod("w")).create();
    versions.add(p.getMetadata().getResourceVersion());
    expected.add("MODIFIED w");
    for (int i = 0; i < 3; i++) {
      p =
          client
              .pods()
              .withName("w")
              .edit(
                  x ->
                      new PodBuilder(x)
                          .editMetadata()
                          .addToLabels("i", "x")
                          .addToAnnotations("n", String.valueOf(System.nanoTime()))
                          .endMetadata()
                          .build());
      versions.add(p.getMetadata().getResourceVersion());
      expected.add("MODIFIED w");
    }
    client.pods().withName("w").withGracePeriod(0).delete();
    expected.set(expected.size() - 1, "DELETED w");
    for (int from = 0; from < versions.size(); from++) {
      Recorder r = new Recorder();
      Watch w =
          client
              .pods()
              .watch(new ListOptionsBuilder().withResourceVersion(versions.get(from)).build(), r);
      try {
        List<String> got = new ArrayList<>();
        for (int k = from; k < versions.size(); k++) {
          got.add(r.next());
        }
        assertThat(got)
            .as("from " + versions.get(from))
            .isEqualTo(expected.subList(from, expected.size()));
        assertThat(r.events.poll(200, TimeUnit.MILLISECONDS)).isNull();
      } finally {
        w.close();
      }
    }
  }

  @Test
  void watchFromACompactedVersionIsGone() throws Exception {
    Pod p = client.pods().resource(pod("old")).create();
    String rv = p.getMetadata().getResourceVersion();
    for (int i = 0; i < 60; i++) {
      client.pods().resource(pod("filler-" + i)).create();
    }
    Recorder r = new Recorder();
    Watch w = client.pods().watch(new ListOptionsBuilder().withResourceVersion(rv).build(), r);
    try {
      String e = r.next();
      assertThat(e).startsWith("CLOSED");
      assertThat(r.closed.isHttpGone()).isTrue();
      assertThat(r.closed.getMessage()).contains("too old resource version: " + rv);
    } finally {
      w.close();
    }
    assertThatThrownBy(
            () ->
                client
                    .pods()
                    .list(
                        new ListOptionsBuilder()
                            .withResourceVersion(rv)
                            .withResourceVersionMatch("Exact")
                            .build()))
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(410);
              assertThat(e.getStatus().getReason()).isEqualTo("Expired");
            });
  }

  @Test
  void informerListsWatchesAndResyncs() throws Exception {
    client.pods().resource(pod("i1")).create();
    List<String> seen = new CopyOnWriteArrayList<>();
    SharedIndexInformer<Pod> informer =
        client
            .pods()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod obj) {
                    seen.add("add " + obj.getMetadata().getName());
                  }

                  @Override
                  public void onUpdate(Pod oldObj, Pod newObj) {
                    seen.add(
                        (oldObj
                                    .getMetadata()
                                    .getResourceVersion()
                                    .equals(newObj.getMetadata().getResourceVersion())
                                ? "resync "
                                : "update ")
                            + newObj.getMetadata().getName());
                  }

                  @Override
                  public void onDelete(Pod obj, boolean deletedFinalStateUnknown) {
                    seen.add("delete " + obj.getMetadata().getName());
                  }
                },
                300);
    try {
      eventually(() -> seen.contains("add i1"));
      client.pods().resource(pod("i2")).create();
      client
          .pods()
          .withName("i1")
          .edit(x -> new PodBuilder(x).editMetadata().addToLabels("x", "y").endMetadata().build());
      client.pods().withName("i2").withGracePeriod(0).delete();
      eventually(() -> seen.containsAll(List.of("add i2", "update i1", "delete i2")));
      eventually(() -> seen.contains("resync i1"));
      assertThat(informer.getStore().list())
          .extracting(x -> x.getMetadata().getName())
          .containsExactly("i1");
    } finally {
      informer.close();
    }
  }

  @Test
  void bindingSetsTheNodeOnceAndTheKubeletsDeleteConfirmsGracefulDeletion() {
    client.pods().resource(pod("b")).create();
    Binding binding =
        new BindingBuilder()
            .withNewMetadata()
            .withName("b")
            .endMetadata()
            .withNewTarget()
            .withKind("Node")
            .withName("n1")
            .endTarget()
            .build();
    client.bindings().resource(binding).create();
    Pod bound = client.pods().withName("b").get();
    assertThat(bound.getSpec().getNodeName()).isEqualTo("n1");
    assertThat(bound.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("PodScheduled");
              assertThat(c.getStatus()).isEqualTo("True");
            });
    assertThatThrownBy(() -> client.bindings().resource(binding).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(409);
              assertThat(e.getStatus().getMessage())
                  .isEqualTo(
                      "Operation cannot be fulfilled on pods/binding \"b\": pod b is already assigned to node \"n1\"");
            });
    // a bound pod is deleted gracefully: marked, kept until the kubelet deletes with grace 0
    client.pods().withName("b").delete();
    Pod terminating = client.pods().withName("b").get();
    assertThat(terminating.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(terminating.getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(30L);
    client.pods().withName("b").withGracePeriod(0).delete();
    assertThat(client.pods().withName("b").get()).isNull();
  }

  @Test
  void statusAndScaleSubresourcesChangeOnlyTheirPart() {
    client.pods().resource(pod("s")).create();
    Pod p = client.pods().withName("s").get();
    p.getStatus().setPhase("Running");
    p.getSpec().setNodeName("sneaky");
    Pod after = client.pods().resource(p).updateStatus();
    assertThat(after.getStatus().getPhase()).isEqualTo("Running");
    assertThat(after.getSpec().getNodeName()).isNull();
    // a status written through the main resource is ignored
    Pod again =
        client
            .pods()
            .withName("s")
            .edit(x -> new PodBuilder(x).editStatus().withPhase("Failed").endStatus().build());
    assertThat(again.getStatus().getPhase()).isEqualTo("Running");

    client.apps().replicaSets().resource(replicaSet("rs", 1)).create();
    client.apps().replicaSets().withName("rs").scale(4);
    assertThat(client.apps().replicaSets().withName("rs").get().getSpec().getReplicas())
        .isEqualTo(4);
    assertThat(client.apps().replicaSets().withName("rs").get().getMetadata().getGeneration())
        .isEqualTo(2L);
  }

  @Test
  void patchesOfAllThreeKinds() {
    client.pods().resource(pod("m")).create();
    client
        .pods()
        .withName("m")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"labels\":{\"app\":null,\"k\":\"v\"}}}");
    assertThat(client.pods().withName("m").get().getMetadata().getLabels())
        .containsExactly(Map.entry("k", "v"));
    client
        .pods()
        .withName("m")
        .patch(
            PatchContext.of(PatchType.JSON),
            "[{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"a\":\"b\"}}]");
    assertThat(client.pods().withName("m").get().getMetadata().getAnnotations())
        .containsEntry("a", "b");
    client
        .pods()
        .withName("m")
        .patch(
            PatchContext.of(PatchType.STRATEGIC_MERGE),
            "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1.20\"}]}}");
    Pod p = client.pods().withName("m").get();
    assertThat(p.getSpec().getContainers()).hasSize(1);
    assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.20");
    assertThat(p.getSpec().getContainers().get(0).getResources().getRequests()).containsKey("cpu");
    assertThatThrownBy(
            () ->
                client
                    .pods()
                    .withName("m")
                    .patch(
                        PatchContext.of(PatchType.JSON),
                        "[{\"op\":\"remove\",\"path\":\"/metadata/nothing\"}]"))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
  }

  @Test
  void deletingAReplicaSetDeletesItsPodsInTheBackgroundOrOrphansThem() throws Exception {
    ReplicaSet rs = client.apps().replicaSets().resource(replicaSet("rs", 2)).create();
    ReplicaSet rs2 = client.apps().replicaSets().resource(replicaSet("keep", 2)).create();
    for (ReplicaSet owner : List.of(rs, rs2)) {
      for (int i = 0; i < 2; i++) {
        client
            .pods()
            .resource(
                new PodBuilder(pod(owner.getMetadata().getName() + "-" + i))
                    .editMetadata()
                    .addToOwnerReferences(
                        new OwnerReferenceBuilder()
                            .withApiVersion("apps/v1")
                            .withKind("ReplicaSet")
                            .withName(owner.getMetadata().getName())
                            .withUid(owner.getMetadata().getUid())
                            .withController(true)
                            .build())
                    .endMetadata()
                    .build())
            .create();
      }
    }
    client.apps().replicaSets().withName("rs").delete();
    eventually(
        () ->
            client.pods().withName("rs-0").get() == null
                && client.pods().withName("rs-1").get() == null);
    client
        .apps()
        .replicaSets()
        .withName("keep")
        .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.ORPHAN)
        .delete();
    eventually(() -> client.apps().replicaSets().withName("keep").get() == null);
    assertThat(client.pods().withName("keep-0").get().getMetadata().getOwnerReferences()).isEmpty();
  }

  @Test
  void aPodCreatedAfterItsOwnerWasDeletedIsCollectedButNotOneWhoseOwnerNeverExisted()
      throws Exception {
    // A controller whose cache has not yet seen its ReplicaSet's deletion may still create a pod
    // for it: the collector deletes that pod, as upstream's does.
    ReplicaSet rs = client.apps().replicaSets().resource(replicaSet("late", 1)).create();
    client.apps().replicaSets().withName("late").delete();
    eventually(() -> client.apps().replicaSets().withName("late").get() == null);
    for (var owner :
        List.of(
            rs.getMetadata().getUid(), "00000000-0000-0000-0000-000000000000" /* never seen */)) {
      String name = owner.startsWith("0000") ? "stray" : "late-0";
      client
          .pods()
          .resource(
              new PodBuilder(pod(name))
                  .editMetadata()
                  .addToOwnerReferences(
                      new OwnerReferenceBuilder()
                          .withApiVersion("apps/v1")
                          .withKind("ReplicaSet")
                          .withName("late")
                          .withUid(owner)
                          .withController(true)
                          .build())
                  .endMetadata()
                  .build())
          .create();
    }
    eventually(() -> client.pods().withName("late-0").get() == null);
    // a later dependent of the dead owner: once it is collected, the collector (which handles
    // events in order) has handled stray's creation too
    client
        .pods()
        .resource(
            new PodBuilder(pod("late-1"))
                .editMetadata()
                .addToOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion("apps/v1")
                        .withKind("ReplicaSet")
                        .withName("late")
                        .withUid(rs.getMetadata().getUid())
                        .withController(true)
                        .build())
                .endMetadata()
                .build())
        .create();
    eventually(() -> client.pods().withName("late-1").get() == null);
    // an owner this server never had is not known to be gone (upstream would look it up and
    // delete the pod too; see chapter 11)
    assertThat(client.pods().withName("stray").get()).isNotNull();
  }

  @Test
  void creatingInATerminatingNamespaceIsForbiddenWithTheNamespaceTerminatingCause()
      throws Exception {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("ending").endMetadata().build())
        .create();
    // a bound pod is deleted gracefully, so the namespace stays Terminating while it waits
    client
        .pods()
        .inNamespace("ending")
        .resource(new PodBuilder(pod("bound")).editSpec().withNodeName("node-1").endSpec().build())
        .create();
    client.namespaces().withName("ending").delete();
    eventually(
        () ->
            client.namespaces().withName("ending").get().getMetadata().getDeletionTimestamp()
                != null);
    assertThatThrownBy(() -> client.pods().inNamespace("ending").resource(pod("late")).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(403);
              assertThat(e.getStatus().getMessage())
                  .isEqualTo(
                      "pods \"late\" is forbidden: unable to create new content in namespace"
                          + " ending because it is being terminated");
              assertThat(e.getStatus().getDetails().getCauses())
                  .singleElement()
                  .satisfies(
                      c -> {
                        assertThat(c.getReason()).isEqualTo("NamespaceTerminating");
                        assertThat(c.getMessage())
                            .isEqualTo("namespace ending is being terminated");
                        assertThat(c.getField()).isEqualTo("metadata.namespace");
                      });
            });
  }

  @Test
  void anObjectHasAtMostOneControllerReference() {
    Pod twice =
        new PodBuilder(pod("twice"))
            .editMetadata()
            .addToOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("apps/v1")
                    .withKind("ReplicaSet")
                    .withName("a")
                    .withUid("uid-a")
                    .withController(true)
                    .build(),
                new OwnerReferenceBuilder()
                    .withApiVersion("apps/v1")
                    .withKind("ReplicaSet")
                    .withName("b")
                    .withUid("uid-b")
                    .withController(true)
                    .build())
            .endMetadata()
            .build();
    assertThatThrownBy(() -> client.pods().resource(twice).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(422);
              assertThat(e.getStatus().getMessage())
                  .contains(
                      "metadata.ownerReferences: Invalid value: ",
                      "Only one reference can have Controller set to true. Found \"true\" in"
                          + " references for a and b");
            });
  }

  @Test
  void foregroundDeletionWaitsForTheDependents() throws Exception {
    ReplicaSet rs = client.apps().replicaSets().resource(replicaSet("fg", 1)).create();
    client
        .pods()
        .resource(
            new PodBuilder(pod("fg-0"))
                .editMetadata()
                .addToOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion("apps/v1")
                        .withKind("ReplicaSet")
                        .withName("fg")
                        .withUid(rs.getMetadata().getUid())
                        .withBlockOwnerDeletion(true)
                        .build())
                .endMetadata()
                .editSpec()
                .withNodeName("n1")
                .endSpec()
                .build())
        .create();
    client
        .apps()
        .replicaSets()
        .withName("fg")
        .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.FOREGROUND)
        .delete();
    // the pod is bound: it terminates gracefully, and the owner waits for it
    eventually(
        () -> client.pods().withName("fg-0").get().getMetadata().getDeletionTimestamp() != null);
    assertThat(client.apps().replicaSets().withName("fg").get().getMetadata().getFinalizers())
        .containsExactly("foregroundDeletion");
    client.pods().withName("fg-0").withGracePeriod(0).delete();
    eventually(() -> client.apps().replicaSets().withName("fg").get() == null);
  }

  @Test
  void deleteCollectionDeletesWhatTheSelectorSelects() {
    for (String n : List.of("a", "b", "c")) {
      client
          .pods()
          .resource(
              new PodBuilder(pod(n))
                  .editMetadata()
                  .addToLabels("group", n.equals("c") ? "other" : "one")
                  .endMetadata()
                  .build())
          .create();
    }
    client.pods().withLabel("group", "one").delete();
    assertThat(client.pods().list().getItems())
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("c");
  }

  @Test
  void evictionRespectsADisruptionBudget() {
    client
        .pods()
        .resource(new PodBuilder(pod("e")).editSpec().withNodeName("n1").endSpec().build())
        .create();
    Pod running = client.pods().withName("e").get();
    running.getStatus().setPhase("Running");
    client.pods().resource(running).updateStatus();
    client
        .policy()
        .v1beta1()
        .podDisruptionBudget()
        .resource(
            new PodDisruptionBudgetBuilder()
                .withNewMetadata()
                .withName("pdb")
                .endMetadata()
                .withNewSpec()
                .withNewSelector()
                .addToMatchLabels("app", "web")
                .endSelector()
                .withNewMinAvailable(1)
                .endSpec()
                .build())
        .create();
    io.fabric8.kubernetes.api.model.policy.v1.Eviction eviction =
        new io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder()
            .withNewMetadata()
            .withName("e")
            .withNamespace("default")
            .endMetadata()
            .build();
    assertThat(client.pods().withName("e").evict(eviction)).isFalse(); // 429: the budget allows 0
    var pdb = client.policy().v1beta1().podDisruptionBudget().withName("pdb").get();
    pdb.setStatus(
        new io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudgetStatusBuilder()
            .withDisruptionsAllowed(1)
            .withObservedGeneration(1L)
            .withCurrentHealthy(2)
            .withDesiredHealthy(1)
            .withExpectedPods(2)
            .build());
    client.policy().v1beta1().podDisruptionBudget().resource(pdb).updateStatus();
    assertThat(client.pods().withName("e").evict(eviction)).isTrue();
    assertThat(client.pods().withName("e").get().getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(
            client
                .policy()
                .v1beta1()
                .podDisruptionBudget()
                .withName("pdb")
                .get()
                .getStatus()
                .getDisruptionsAllowed())
        .isZero();
  }

  @Test
  void bookmarksCarryTheCurrentVersionWhenTheClockSaysSo() throws Exception {
    Pod p = client.pods().resource(pod("bm")).create();
    List<String> lines = new CopyOnWriteArrayList<>();
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    var req =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(
                    server.url()
                        + "/api/v1/namespaces/default/pods?watch=true&allowWatchBookmarks=true&timeoutSeconds=600&resourceVersion="
                        + p.getMetadata().getResourceVersion()))
            .build();
    var resp = http.sendAsync(req, java.net.http.HttpResponse.BodyHandlers.ofLines());
    var stream = resp.get(20, TimeUnit.SECONDS).body();
    Thread reader = new Thread(() -> stream.forEach(lines::add), "test-watch-reader");
    reader.start();
    client.pods().resource(pod("bm2")).create();
    eventually(() -> lines.size() == 1);
    eventually(() -> server.storage().watcherCount() >= 2);
    clock.step(Duration.ofSeconds(61));
    eventually(() -> lines.size() == 2);
    assertThat(lines.get(1))
        .startsWith("{\"type\":\"BOOKMARK\"")
        .contains("\"resourceVersion\":\"" + server.storage().currentRevision() + "\"");
    clock.step(Duration.ofSeconds(600));
    reader.join(20_000);
    assertThat(reader.isAlive()).isFalse();
    assertThat(lines.get(lines.size() - 1)).contains("BOOKMARK"); // the one 2 s before the deadline
  }

  @Test
  void closingTheServerEndsWatchesAndJoinsItsThreads() throws Exception {
    Recorder r = new Recorder();
    Watch w = client.pods().watch(r);
    eventually(() -> server.storage().watcherCount() >= 2); // the GC's and ours
    server.close();
    w.close();
    eventually(
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .noneMatch(
                    t ->
                        t.getName().startsWith("apiserver-http")
                            || t.getName().equals("garbage-collector")));
  }
}
