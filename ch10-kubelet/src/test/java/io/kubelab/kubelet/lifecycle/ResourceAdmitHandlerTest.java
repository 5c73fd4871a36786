package io.kubelab.kubelet.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The kubelet's resource admission (upstream {@code predicateAdmitHandler.Admit} with {@code
 * noderesources.Fits}): the pod count first, a pod that requests nothing always fits, then CPU,
 * memory, ephemeral storage and scalar resources, each compared with allocatable minus what the
 * other active pods request; the first shortfall is the reason ({@code OutOf<resource>}).
 */
class ResourceAdmitHandlerTest {

  private static PodAdmitHandler.Result admit(Node node, Pod pod, Pod... others) {
    return new ResourceAdmitHandler(node)
        .admit(new PodAdmitHandler.Attributes(pod, List.of(others)));
  }

  private static Pod requesting(String name, String resource, String quantity) {
    return Fixtures.pod(name).request(resource, quantity).build();
  }

  private static PodAdmitHandler.Result outOf(String resource, long req, long used, long cap) {
    return PodAdmitHandler.Result.reject(
        "OutOf" + resource,
        "Node didn't have enough resource: "
            + resource
            + ", requested: "
            + req
            + ", used: "
            + used
            + ", capacity: "
            + cap);
  }

  @Test
  void eachResourceFitsExactlyToAllocatableAndOneUnitMoreIsRefusedNamingIt() {
    Node node =
        Fixtures.node("n")
            .allocatable("4", "4Gi")
            .ephemeralStorage("10Gi")
            .scalar("example.com/foo", "4")
            .scalar("hugepages-2Mi", "8Mi")
            .build();
    String[][] cases = {
      // resource, used by the other pod, the rest exactly, one unit more, in the counting unit
      {"cpu", "1", "3", "3001m", "1000", "3001", "4000"},
      {"memory", "1Gi", "3Gi", "3221225473", "1073741824", "3221225473", "4294967296"},
      {"ephemeral-storage", "4Gi", "6Gi", "6442450945", "4294967296", "6442450945", "10737418240"},
      {"example.com/foo", "1", "3", "4", "1", "4", "4"},
      {"hugepages-2Mi", "2Mi", "6Mi", "6291457", "2097152", "6291457", "8388608"},
    };
    for (String[] c : cases) {
      Pod other = requesting("other", c[0], c[1]);
      assertThat(admit(node, requesting("fits", c[0], c[2]), other))
          .as(c[0] + " exactly to allocatable")
          .isEqualTo(PodAdmitHandler.Result.ADMIT);
      assertThat(admit(node, requesting("over", c[0], c[3]), other))
          .as(c[0] + " one unit over")
          .isEqualTo(outOf(c[0], Long.parseLong(c[5]), Long.parseLong(c[4]), Long.parseLong(c[6])));
    }
  }

  @Test
  void theFirstShortfallInUpstreamsOrderIsTheReason() {
    Node node = Fixtures.node("n").allocatable("1", "1Gi").ephemeralStorage("1Gi").build();
    Pod all =
        Fixtures.pod("all")
            .requests("2", "2Gi")
            .request("ephemeral-storage", "2Gi")
            .request("hugepages-2Mi", "2Mi")
            .build();
    assertThat(admit(node, all).reason()).isEqualTo("OutOfcpu");
    Pod noCpu =
        Fixtures.pod("no-cpu")
            .requests(null, "2Gi")
            .request("ephemeral-storage", "2Gi")
            .request("hugepages-2Mi", "2Mi")
            .build();
    assertThat(admit(node, noCpu).reason()).isEqualTo("OutOfmemory");
    Pod storageAndPages =
        Fixtures.pod("storage")
            .request("ephemeral-storage", "2Gi")
            .request("hugepages-2Mi", "2Mi")
            .build();
    assertThat(admit(node, storageAndPages).reason()).isEqualTo("OutOfephemeral-storage");
    assertThat(admit(node, requesting("pages", "hugepages-2Mi", "2Mi")))
        .isEqualTo(outOf("hugepages-2Mi", 2 * 1024 * 1024, 0, 0));
  }

  @Test
  void aPodThatRequestsNothingFitsEvenWhereThePodsAlreadyOvercommitTheNode() {
    // Allocatable can shrink under running pods (a reservation changed, a device plugin left).
    Node node = Fixtures.node("n").allocatable("1", "1Gi").pods(3).build();
    Pod hog = Fixtures.pod("hog").requests("2", "2Gi").build();
    assertThat(admit(node, Fixtures.pod("best-effort").build(), hog))
        .isEqualTo(PodAdmitHandler.Result.ADMIT);
    // Requesting any one resource, even one with room left, is checked against all of them.
    assertThat(admit(node, requesting("tiny-memory", "memory", "1"), hog))
        .isEqualTo(outOf("cpu", 0, 2000, 1000));
  }

  @Test
  void thePodCountComesFirstAndCountsEveryOtherActivePod() {
    Node node = Fixtures.node("n").allocatable("4", "4Gi").pods(2).build();
    Pod a = Fixtures.pod("a").build();
    Pod b = Fixtures.pod("b").build();
    assertThat(admit(node, Fixtures.pod("second").build(), a))
        .isEqualTo(PodAdmitHandler.Result.ADMIT);
    assertThat(admit(node, requesting("third", "cpu", "100m"), a, b))
        .isEqualTo(outOf("pods", 1, 2, 2));
  }

  @Test
  void aNodeWithoutAPodsAllocatableTakesTheKubeletsDefaultOfAHundredAndTen() {
    Node withoutPods = Fixtures.node("n").allocatable("4", "4Gi").build();
    withoutPods.getStatus().getAllocatable().remove("pods");
    Node withoutStatus = new NodeBuilder(withoutPods).withStatus(null).build();
    Node withoutAllocatable = new NodeBuilder(withoutPods).build();
    withoutAllocatable.getStatus().setAllocatable(null);
    for (Node node : List.of(withoutPods, withoutStatus, withoutAllocatable)) {
      List<Pod> others = new ArrayList<>();
      for (int i = 0; i < 109; i++) {
        others.add(Fixtures.pod("p" + i).build());
      }
      Pod next = Fixtures.pod("next").build();
      assertThat(admit(node, next, others.toArray(Pod[]::new)))
          .isEqualTo(PodAdmitHandler.Result.ADMIT);
      others.add(Fixtures.pod("p109").build());
      assertThat(admit(node, next, others.toArray(Pod[]::new)))
          .isEqualTo(outOf("pods", 1, 110, ResourceAdmitHandler.DEFAULT_MAX_PODS));
    }
    // Without allocatable there is no CPU to give either.
    Node bare = new NodeBuilder(withoutPods).withStatus(null).build();
    assertThat(admit(bare, requesting("cpu", "cpu", "1m"))).isEqualTo(outOf("cpu", 1, 0, 0));
  }

  @Test
  void anExtendedResourceTheNodeDoesNotKnowIsDroppedFromTheRequestNotRefused() {
    // Upstream removeMissingExtendedResources: cluster-level extended resources are unknown to
    // nodes; only what the node lists in allocatable is checked.
    Node node = Fixtures.node("n").allocatable("1", "1Gi").scalar("example.com/foo", "1").build();
    Pod unknown = Fixtures.pod("unknown").request("example.com/bar", "5").build();
    assertThat(admit(node, unknown)).isEqualTo(PodAdmitHandler.Result.ADMIT);
    Pod known = Fixtures.pod("known").request("example.com/foo", "2").build();
    assertThat(admit(node, known)).isEqualTo(outOf("example.com/foo", 2, 0, 1));
    Pod both =
        Fixtures.pod("both")
            .request("example.com/bar", "5")
            .request("cpu", "2")
            .container("sidecar")
            .request("example.com/bar", "5")
            .container("no-resources")
            .container("limits-only")
            .limit("cpu", "1")
            .build();
    both.getSpec().getContainers().get(3).getResources().setRequests(null);
    assertThat(admit(node, both)).isEqualTo(outOf("cpu", 2000, 0, 1000));
    // Hugepages are not extended resources: a node without them has none to give.
    assertThat(admit(node, requesting("pages", "hugepages-1Gi", "1Gi")).reason())
        .isEqualTo("OutOfhugepages-1Gi");
    // The pod handed in is not changed.
    assertThat(unknown.getSpec().getContainers().get(0).getResources().getRequests())
        .containsKey("example.com/bar");
  }

  @Test
  void theSupplierIsReadAtEveryAdmission() {
    AtomicReference<Node> current =
        new AtomicReference<>(Fixtures.node("n").allocatable("1", "1Gi").build());
    ResourceAdmitHandler h = new ResourceAdmitHandler(current::get);
    Pod pod = requesting("p", "cpu", "2");
    assertThat(h.admit(new PodAdmitHandler.Attributes(pod, List.of())).reason())
        .isEqualTo("OutOfcpu");
    current.set(Fixtures.node("n").allocatable("2", "1Gi").build());
    assertThat(h.admit(new PodAdmitHandler.Attributes(pod, List.of())))
        .isEqualTo(PodAdmitHandler.Result.ADMIT);
  }

  /** Over generated allocatable, used and requested CPU: admitted exactly when the sum fits. */
  @Test
  void cpuIsAdmittedExactlyWhenRequestPlusUsedFitsAllocatable() {
    qt().withFixedSeed(1018L)
        .forAll(
            integers().between(0, 8000), integers().between(0, 8000), integers().between(1, 8000))
        .checkAssert(
            (alloc, used, req) -> {
              Node node = Fixtures.node("n").allocatable(alloc + "m", "1Gi").build();
              Pod other = requesting("other", "cpu", used + "m");
              Pod pod = requesting("pod", "cpu", req + "m");
              PodAdmitHandler.Result r = admit(node, pod, other);
              if (req + used <= alloc) {
                assertThat(r).isEqualTo(PodAdmitHandler.Result.ADMIT);
              } else {
                assertThat(r).isEqualTo(outOf("cpu", req, used, alloc));
              }
            });
  }
}
