package io.kubelab.kubelet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pod update (upstream {@code kubetypes.PodUpdate}) as a source hands it to the sync loop. */
class PodUpdateTest {

  @Test
  void anUpdateWithoutAnOperationIsRefused() {
    assertThatThrownBy(() -> new PodUpdate(null, List.of(), PodUpdate.API_SOURCE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("PodUpdate: op must not be null");
  }

  @Test
  void theSourceCanReuseItsListOnceTheUpdateIsHandedOver() {
    List<Pod> pods = new ArrayList<>(List.of(Fixtures.pod("a").build()));
    PodUpdate u = new PodUpdate(PodUpdate.Op.ADD, pods, PodUpdate.API_SOURCE);
    pods.clear();
    assertThat(u.pods()).extracting(p -> p.getMetadata().getName()).containsExactly("a");
    assertThat(u.source()).isEqualTo("api");
  }
}
