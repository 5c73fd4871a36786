package io.kubelab.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import org.junit.jupiter.api.Test;

/** Upstream {@code pod_manager.go}'s {@code basicManager}: the desired pods, by UID. */
class BasicPodManagerTest {

  private static Pod pod(String name, String uid, String image) {
    return Fixtures.pod(name).uid(uid).image(image).build();
  }

  @Test
  void aPodIsKnownByItsUidAndAnUpdateReplacesIt() {
    BasicPodManager m = new BasicPodManager();
    m.addPod(pod("web", "u1", "nginx:1"));
    m.addPod(pod("db", "u2", "postgres:1"));
    m.updatePod(pod("web", "u1", "nginx:2"));
    assertThat(m.getPods()).extracting(p -> p.getMetadata().getName()).containsExactly("web", "db");
    assertThat(m.getPodByUid("u1"))
        .hasValueSatisfying(
            p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:2"));
    assertThat(m.getPodByUid("u3")).isEmpty();
  }

  @Test
  void aDeletedPodIsGoneAndTheListIsACopy() {
    BasicPodManager m = new BasicPodManager();
    Pod web = pod("web", "u1", "nginx:1");
    m.addPod(web);
    m.getPods().clear();
    assertThat(m.getPods()).hasSize(1);
    m.deletePod(web);
    assertThat(m.getPods()).isEmpty();
    assertThat(m.getPodByUid("u1")).isEmpty();
  }
}
