package io.kubelab.scheduler.priorities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.apimachinery.resource.Resource;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Upstream's {@code TestPriorityMetadata}, and the parts a later chapter adds. */
class MetadataFactoryTest {

  private static final Snapshot EMPTY = Snapshot.of(List.of(), List.of());

  private static PodPriorityMetadata produce(Pod pod) {
    return new MetadataFactory().produce(pod, List.of(), EMPTY);
  }

  @Test
  void noPodNoMetadata() {
    assertThat(produce(null)).isNull();
  }

  @Test
  void tolerationsAndAffinityWithDefaultRequests() {
    Pod pod =
        Fixtures.pod("p")
            .toleration("foo", "Equal", "bar", "PreferNoSchedule")
            .toleration("baz", "Exists", null, "NoSchedule")
            .preferredPodAffinity(
                5,
                Fixtures.affinityTerm(
                    "region",
                    Fixtures.matchExpressions(Fixtures.labelExpr("security", "In", "S1"))))
            .build();
    PodPriorityMetadata m = produce(pod);
    assertThat(m.podLimits()).isEqualTo(Resource.ZERO);
    assertThat(m.podTolerations()).extracting(t -> t.getKey()).containsExactly("foo");
    assertThat(m.affinity()).isSameAs(pod.getSpec().getAffinity());
    // one container without requests: the non-zero defaults
    assertThat(m.podRequest())
        .isEqualTo(
            Resource.of(PodRequests.DEFAULT_MILLI_CPU_REQUEST, PodRequests.DEFAULT_MEMORY_REQUEST));
    assertThat(m.controllerRef()).isNull();
  }

  @Test
  void tolerationsAndRequests() {
    Pod pod =
        Fixtures.pod("p")
            .requests("200m", "2000")
            .toleration("foo", "Equal", "bar", "PreferNoSchedule")
            .build();
    PodPriorityMetadata m = produce(pod);
    assertThat(m.podRequest()).isEqualTo(Resource.of(200, 2000));
    assertThat(m.podLimits()).isEqualTo(Resource.ZERO);
    assertThat(m.affinity()).isNull();
  }

  @Test
  void affinityRequestsAndLimits() {
    Pod pod =
        Fixtures.pod("p")
            .requests("200m", "2000")
            .limits("200m", "2000")
            .preferredNodeAffinity(3, Fixtures.term(Fixtures.expr("disk", "In", "ssd")))
            .ownedByReplicaSet("web")
            .build();
    PodPriorityMetadata m = produce(pod);
    assertThat(m.podLimits()).isEqualTo(Resource.of(200, 2000));
    assertThat(m.podTolerations()).isEmpty();
    assertThat(m.preferredNodeAffinity())
        .extracting(NodeAffinity.PreferredTerm::weight)
        .containsExactly(3L);
    assertThat(m.controllerRef().getKind()).isEqualTo("ReplicaSet");
    assertThat(m.imageNames()).containsExactly("registry.k8s.io/app:1.0");
  }

  @Test
  void theNodeCountIsEveryNodeOfTheSnapshotNotOnlyTheFeasibleOnes() {
    List<Node> nodes =
        List.of(Fixtures.node("a").build(), Fixtures.node("b").build(), Fixtures.node("c").build());
    Snapshot s = Snapshot.of(List.of(), nodes);
    PodPriorityMetadata m =
        new MetadataFactory().produce(Fixtures.pod("p").build(), s.list().subList(0, 1), s);
    assertThat(m.totalNumNodes()).isEqualTo(3);
    assertThat(
            new MetadataFactory()
                .produce(Fixtures.pod("p").build(), List.of(), null)
                .totalNumNodes())
        .isZero();
  }

  private static final MetadataExtension<String> GREETING =
      new MetadataExtension<>(
          "greeting",
          String.class,
          args -> (pod, nodes, snap) -> "hello " + pod.getMetadata().getName());

  private static final MetadataExtension<String> BROKEN =
      new MetadataExtension<>(
          "broken",
          String.class,
          args ->
              (pod, nodes, snap) -> {
                throw new MetadataPart.Unavailable("no selector");
              });

  @Test
  void aPartComputesOncePerPodAndIsReadBackByItsExtension() {
    MetadataFactory f =
        new MetadataFactory(1, null, Map.of(GREETING, GREETING.factory().apply(null)));
    PodPriorityMetadata m = f.produce(Fixtures.pod("web").build(), List.of(), EMPTY);
    assertThat(m.part(GREETING)).isEqualTo("hello web");
    assertThatThrownBy(() -> m.part(BROKEN))
        .hasMessage("priority metadata has no part \"broken\": it was not registered");
  }

  @Test
  void extensionsAreKeyedByIdentityNotByValue() {
    MetadataExtension<String> twin =
        new MetadataExtension<>(GREETING.name(), GREETING.type(), GREETING.factory());
    assertThat(GREETING).isEqualTo(GREETING).isNotEqualTo(twin).isNotEqualTo(BROKEN);
    assertThat(GREETING.hashCode()).isEqualTo(System.identityHashCode(GREETING));
  }

  /** A part that says which workers it was handed. */
  private static MetadataPart<String> workersPart() {
    return MetadataPart.withWorkers(
        (pod, nodes, snapshot, workers) ->
            workers == null ? "alone" : "on " + workers.workers() + " workers");
  }

  @Test
  void partsAreHandedTheSchedulersWorkersOrElseTheFactorysOwn() {
    MetadataExtension<String> ext = new MetadataExtension<>("w", String.class, args -> null);
    Pod pod = Fixtures.pod("web").build();
    try (Parallelizer own = new Parallelizer("own", 2);
        Parallelizer scheduler = new Parallelizer("scheduler", 3)) {
      assertThat(
              new MetadataFactory(1, null, Map.of(ext, workersPart()))
                  .produce(pod, List.of(), EMPTY)
                  .part(ext))
          .isEqualTo("alone");
      MetadataFactory withOwn = new MetadataFactory(1, own, Map.of(ext, workersPart()));
      assertThat(withOwn.produce(pod, List.of(), EMPTY).part(ext)).isEqualTo("on 2 workers");
      assertThat(withOwn.produce(pod, List.of(), EMPTY, scheduler).part(ext))
          .isEqualTo("on 3 workers");
    }
    // A part that does not override the four-argument form computes as before.
    MetadataPart<String> plain = (p, nodes, snap) -> "plain";
    assertThat(plain.compute(pod, List.of(), EMPTY, null)).isEqualTo("plain");
    // The three-argument form of a part made with withWorkers runs without workers.
    assertThat(workersPart().compute(pod, List.of(), EMPTY)).isEqualTo("alone");
  }

  @Test
  void anUnavailablePartMeansNoMetadataAtAll() {
    MetadataFactory f =
        new MetadataFactory(
            1,
            null,
            Map.of(GREETING, GREETING.factory().apply(null), BROKEN, BROKEN.factory().apply(null)));
    assertThat(f.produce(Fixtures.pod("web").build(), List.of(), EMPTY)).isNull();
  }

  @Test
  void aMalformedQuantityNamesThePodAndField() {
    Pod pod = Fixtures.pod("p").requests("lots", null).build();
    assertThatThrownBy(() -> produce(pod))
        .hasMessageContaining("Pod default/p")
        .hasMessageContaining("spec.containers[0].resources.requests.cpu");
  }
}
