package io.kubelab.apimachinery.testing;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FixturesTest {

  @Test
  void podFixtureReadsLikeProseAndFillsEveryField() {
    Pod p =
        pod("web-1")
            .namespace("prod")
            .label("app", "web")
            .requests("500m", "1Gi")
            .limits("1", "2Gi")
            .hostPort(8080)
            .container("sidecar")
            .request("example.com/gpu", "1")
            .initContainer("migrate")
            .requests("2", null)
            .overhead("100m", "64Mi")
            .priority(100)
            .nodeName("n1")
            .nodeSelector("disktype", "ssd")
            .toleration("dedicated", "Equal", "web", "NoSchedule")
            .requiredNodeAffinity(Fixtures.term(Fixtures.expr(Fixtures.LABEL_ZONE, "In", "zone-a")))
            .requiredPodAntiAffinity(
                Fixtures.affinityTerm(Fixtures.LABEL_HOSTNAME, Fixtures.matchLabels("app", "web")))
            .pvcVolume("data", "web-data")
            .createdAt(Instant.parse("2020-05-01T10:00:00Z"))
            .ownedByReplicaSet("web-7d9f")
            .build();

    assertThat(p.getMetadata().getNamespace()).isEqualTo("prod");
    assertThat(p.getMetadata().getUid()).isEqualTo(Fixtures.uidFor("Pod", "prod/web-1"));
    assertThat(p.getMetadata().getCreationTimestamp()).isEqualTo("2020-05-01T10:00:00Z");
    assertThat(p.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("ReplicaSet");
    assertThat(p.getMetadata().getOwnerReferences().get(0).getController()).isTrue();
    List<Container> cs = p.getSpec().getContainers();
    assertThat(cs).extracting(Container::getName).containsExactly("app", "sidecar");
    assertThat(cs.get(0).getResources().getRequests())
        .containsEntry("cpu", new Quantity("500m"))
        .containsEntry("memory", new Quantity("1Gi"));
    assertThat(cs.get(0).getResources().getLimits()).containsEntry("cpu", new Quantity("1"));
    assertThat(cs.get(0).getPorts().get(0).getHostPort()).isEqualTo(8080);
    assertThat(cs.get(1).getResources().getRequests()).containsOnlyKeys("example.com/gpu");
    assertThat(p.getSpec().getInitContainers().get(0).getResources().getRequests())
        .containsOnlyKeys("cpu");
    assertThat(p.getSpec().getOverhead()).containsOnlyKeys("cpu", "memory");
    assertThat(p.getSpec().getPriority()).isEqualTo(100);
    assertThat(p.getSpec().getNodeName()).isEqualTo("n1");
    assertThat(p.getStatus().getPhase()).isEqualTo("Running");
    assertThat(p.getSpec().getTolerations()).hasSize(1);
    assertThat(
            p.getSpec()
                .getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms())
        .hasSize(1);
    assertThat(
            p.getSpec()
                .getAffinity()
                .getPodAntiAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution())
        .hasSize(1);
  }

  @Test
  void aPodWithoutDeclaredContainersGetsOneEmptyAppContainerUnlessAskedNotTo() {
    assertThat(pod("a").build().getSpec().getContainers())
        .singleElement()
        .satisfies(c -> assertThat(c.getResources()).isNull());
    assertThat(pod("a").noContainers().build().getSpec().getContainers()).isEmpty();
    assertThat(pod("a").build().getStatus().getPhase()).isEqualTo("Pending");
  }

  @Test
  void buildReturnsIndependentObjects() {
    Fixtures.PodFixture f = pod("a").requests("1", "1Gi");
    Pod first = f.build();
    f.request("cpu", "2").label("x", "y");
    assertThat(first.getSpec().getContainers().get(0).getResources().getRequests().get("cpu"))
        .isEqualTo(new Quantity("1"));
    assertThat(first.getMetadata().getLabels()).isEmpty();
    assertThat(f.build()).isNotEqualTo(first);
    assertThat(pod("a").build()).isEqualTo(pod("a").build());
  }

  @Test
  void nodeFixtureHasRealisticDefaultsAndBothZoneLabelGenerations() {
    Node n =
        node("n1")
            .allocatable("4", "8Gi")
            .capacity("4", "9Gi")
            .zone("zone-a")
            .region("region-1")
            .taint("dedicated", "web", "NoSchedule")
            .image(300_000_000L, "nginx:1.19", "nginx@sha256:abc")
            .unschedulable()
            .build();
    assertThat(n.getMetadata().getLabels())
        .containsEntry(Fixtures.LABEL_HOSTNAME, "n1")
        .containsEntry(Fixtures.LABEL_ZONE, "zone-a")
        .containsEntry(Fixtures.LABEL_ZONE_BETA, "zone-a")
        .containsEntry(Fixtures.LABEL_REGION, "region-1")
        .containsEntry(Fixtures.LABEL_REGION_BETA, "region-1");
    assertThat(n.getStatus().getAllocatable())
        .containsEntry("cpu", new Quantity("4"))
        .containsEntry("memory", new Quantity("8Gi"))
        .containsEntry("pods", new Quantity("110"));
    assertThat(n.getStatus().getCapacity()).containsEntry("memory", new Quantity("9Gi"));
    assertThat(n.getSpec().getTaints()).hasSize(1);
    assertThat(n.getSpec().getUnschedulable()).isTrue();
    assertThat(n.getStatus().getImages().get(0).getSizeBytes()).isEqualTo(300_000_000L);
    assertThat(n.getStatus().getConditions())
        .singleElement()
        .satisfies(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Ready=True"));
  }

  @Test
  void nodeCapacityDefaultsToAllocatable() {
    Node n = node("n1").allocatable("2", "4Gi").pods(32).build();
    assertThat(n.getStatus().getCapacity()).isEqualTo(n.getStatus().getAllocatable());
    assertThat(n.getStatus().getAllocatable()).containsEntry("pods", new Quantity("32"));
  }

  @Test
  void generatedClustersHaveUniqueNamesAndPodsBoundOnlyToTheirNodes() {
    qt().withFixedSeed(20200101L)
        .withExamples(60)
        .forAll(Generators.clusters())
        .checkAssert(
            c -> {
              Set<String> nodeNames = new HashSet<>();
              c.nodes().forEach(n -> assertThat(nodeNames.add(n.getMetadata().getName())).isTrue());
              Set<String> podNames = new HashSet<>();
              c.pods().forEach(p -> assertThat(podNames.add(p.getMetadata().getName())).isTrue());
              c.pods().stream()
                  .map(p -> p.getSpec().getNodeName())
                  .filter(n -> n != null)
                  .forEach(n -> assertThat(nodeNames).contains(n));
              assertThat(c.nodes()).isNotEmpty();
            });
  }
}
