package io.kubelab.apimachinery.resource;

import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pods built by hand, with the nulls a fabric8 object allows, and limits. */
class PodRequestsEdgesTest {

  @Test
  void nullOverheadAndNullResourcesRequestNothingExtra() {
    Pod p = pod("a").container("app").requests("100m", "1Mi").container("bare").build();
    p.getSpec().setOverhead(null);
    p.getSpec().getContainers().get(1).setResources(null);
    assertThat(PodRequests.of(p)).isEqualTo(Resource.of(100, 1L << 20));
    assertThat(PodRequests.scoringRequest(p))
        .isEqualTo(
            Resource.of(
                100 + PodRequests.DEFAULT_MILLI_CPU_REQUEST,
                (1L << 20) + PodRequests.DEFAULT_MEMORY_REQUEST));
    Container noRequests = new Container();
    noRequests.setResources(new ResourceRequirements());
    noRequests.getResources().setRequests(null);
    assertThat(PodRequests.containerRequests(noRequests, "Pod a", "spec.containers[0]"))
        .isEqualTo(Resource.ZERO);
    assertThat(Resource.of(null, "Pod a: spec.overhead")).isEqualTo(Resource.ZERO);
  }

  @Test
  void scoringCountsOverheadPerResourceNameAndIgnoresThePodCount() {
    Pod p = pod("a").container("app").requests("1", "1Gi").build();
    p.getSpec()
        .setOverhead(
            Map.of(
                "ephemeral-storage", new Quantity("1Ki"),
                "example.com/foo", new Quantity("2"),
                "pods", new Quantity("3")));
    Resource r = PodRequests.scoringRequest(p);
    assertThat(r.milliCpu()).isEqualTo(1000);
    assertThat(r.memory()).isEqualTo(1L << 30);
    assertThat(r.ephemeralStorage()).isEqualTo(1024);
    assertThat(r.allowedPodNumber()).isZero();
    assertThat(r.scalarResources()).containsExactly(Map.entry("example.com/foo", 2L));
  }

  @Test
  void limitsAreParsedLikeRequestsAndNamedAsLimits() {
    Pod p = pod("web-1").container("app").limits("2", "1Gi").container("free").build();
    Container app = p.getSpec().getContainers().get(0);
    assertThat(PodRequests.containerLimits(app, "Pod default/web-1", "spec.containers[0]"))
        .isEqualTo(Resource.of(2000, 1L << 30));
    assertThat(
            PodRequests.containerLimits(
                p.getSpec().getContainers().get(1), "Pod default/web-1", "spec.containers[1]"))
        .isEqualTo(Resource.ZERO);
    Container none = new Container();
    assertThat(PodRequests.containerLimits(none, "Pod default/web-1", "spec.containers[2]"))
        .isEqualTo(Resource.ZERO);
    none.setResources(new ResourceRequirements());
    none.getResources().setLimits(null);
    assertThat(PodRequests.containerLimits(none, "Pod default/web-1", "spec.containers[2]"))
        .isEqualTo(Resource.ZERO);
    app.getResources().getLimits().put("cpu", new Quantity("many"));
    assertThatThrownBy(
            () -> PodRequests.containerLimits(app, "Pod default/web-1", "spec.containers[0]"))
        .hasMessage(
            "Pod default/web-1: spec.containers[0].resources.limits.cpu \"many\" is not a quantity");
  }

  @Test
  void podsAreNamedNamespaceSlashNameOrJustName() {
    Pod p = new Pod();
    assertThat(PodRequests.describe(null)).isEqualTo("Pod <unnamed>");
    assertThat(PodRequests.describe(p)).isEqualTo("Pod <unnamed>");
    p.setMetadata(new ObjectMeta());
    p.getMetadata().setName("web-1");
    assertThat(PodRequests.describe(p)).isEqualTo("Pod web-1");
    p.getMetadata().setNamespace("");
    assertThat(PodRequests.describe(p)).isEqualTo("Pod web-1");
    p.getMetadata().setNamespace("prod");
    assertThat(PodRequests.describe(p)).isEqualTo("Pod prod/web-1");
    assertThatThrownBy(() -> PodRequests.of(null)).hasMessage("pod must not be null");
    assertThatThrownBy(() -> PodRequests.scoringRequest(p))
        .hasMessage("Pod prod/web-1: spec is missing");
  }

  @Test
  void maxWalksTheOtherSidesNamesAsSetMaxResourceDoes() {
    Resource negative = new Resource(0, 0, 0, 0, Map.of("example.com/a", -1L));
    Resource other = new Resource(0, 0, 0, 0, Map.of("example.com/b", 2L));
    assertThat(negative.max(other).scalarResources())
        .containsExactly(Map.entry("example.com/a", -1L), Map.entry("example.com/b", 2L));
    assertThat(negative.add(other).scalarResources())
        .containsExactly(Map.entry("example.com/a", -1L), Map.entry("example.com/b", 2L));
    assertThat(other.subtract(negative).scalarResources())
        .containsExactly(Map.entry("example.com/a", 1L), Map.entry("example.com/b", 2L));
  }
}
