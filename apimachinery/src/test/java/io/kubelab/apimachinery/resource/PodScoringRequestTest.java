package io.kubelab.apimachinery.resource;

import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link PodRequests#scoringRequest}: what v1.17's resource priorities charge the incoming pod
 * with. Upstream's {@code TestGetNonZeroRequest} and {@code TestGetLeastRequestResource} cases, per
 * container.
 */
class PodScoringRequestTest {

  private static final long MI = 1024L * 1024;

  @Test
  void aContainerWithoutCpuOrMemoryRequestsCountsTheDefaults() {
    assertThat(PodRequests.scoringRequest(pod("p").build())).isEqualTo(Resource.of(100, 200 * MI));
    assertThat(PodRequests.scoringRequest(pod("p").requests("200m", null).build()))
        .isEqualTo(Resource.of(200, 200 * MI));
    assertThat(PodRequests.scoringRequest(pod("p").requests(null, "400Mi").build()))
        .isEqualTo(Resource.of(100, 400 * MI));
    assertThat(PodRequests.scoringRequest(pod("p").requests("200m", "400Mi").build()))
        .isEqualTo(Resource.of(200, 400 * MI));
  }

  @Test
  void anExplicitZeroStaysZero() {
    assertThat(PodRequests.scoringRequest(pod("p").requests("0", "0").build()))
        .isEqualTo(Resource.ZERO);
  }

  @Test
  void aPodWithoutContainersRequestsNothing() {
    assertThat(PodRequests.scoringRequest(pod("p").noContainers().build()))
        .isEqualTo(Resource.ZERO);
  }

  @Test
  void containersAddUpAndInitContainersAreIgnored() {
    Pod p =
        pod("p")
            .container("a")
            .requests("1", null)
            .container("b")
            .requests(null, "1Gi")
            .initContainer("init")
            .requests("8", "8Gi")
            .build();
    // a: 1000m + default 200Mi; b: default 100m + 1Gi
    assertThat(PodRequests.scoringRequest(p)).isEqualTo(Resource.of(1100, 200 * MI + 1024 * MI));
  }

  @Test
  void ephemeralStorageAndScalarResourcesCountAsRequested() {
    Pod p =
        pod("p")
            .container("a")
            .request("ephemeral-storage", "1Gi")
            .request("intel.com/foo", "4")
            .container("b")
            .request("intel.com/foo", "2")
            .build();
    Resource r = PodRequests.scoringRequest(p);
    assertThat(r.ephemeralStorage()).isEqualTo(1024 * MI);
    assertThat(r.scalar("intel.com/foo")).isEqualTo(6);
    assertThat(r.milliCpu()).isEqualTo(200);
  }

  @Test
  void overheadIsAddedInWholeUnitsAsUpstreamsValueDoes() {
    // 250m of CPU overhead adds Value() = 1 (rounded up), not 250: upstream's arithmetic.
    Pod p = pod("p").requests("500m", "1Gi").overhead("250m", "64Mi").build();
    assertThat(PodRequests.scoringRequest(p)).isEqualTo(Resource.of(501, 1088 * MI));
    p.getSpec().setOverhead(Map.of("intel.com/foo", new Quantity("3"), "pods", new Quantity("1")));
    assertThat(PodRequests.scoringRequest(p).scalar("intel.com/foo")).isEqualTo(3);
  }

  @Test
  void aMalformedQuantityNamesThePodAndField() {
    assertThatThrownBy(() -> PodRequests.scoringRequest(pod("web").requests("lots", null).build()))
        .hasMessageContaining("Pod default/web")
        .hasMessageContaining("spec.containers[0].resources.requests.cpu");
    Pod p = pod("web").build();
    p.getSpec().setOverhead(Map.of("cpu", new Quantity("x")));
    assertThatThrownBy(() -> PodRequests.scoringRequest(p))
        .hasMessageContaining("Pod default/web: spec.overhead.cpu");
  }
}
