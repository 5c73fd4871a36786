package io.kubelab.scheduler.predicates;

import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.NodeInfo;
import org.junit.jupiter.api.Test;

/**
 * A predicate that needs the node object cannot judge a NodeInfo without one (a node the cache has
 * already forgotten): upstream returns {@code node not found}, which ends the scheduling attempt
 * instead of failing the node.
 */
class NodeNotFoundTest {

  static final NodeInfo NO_NODE = new NodeInfo();

  @Test
  void everyPredicateThatReadsTheNodeSaysWhichOneAndForWhichPod() {
    Pod onHost = pod("web").nodeName("n1").build();
    assertThatThrownBy(() -> GeneralPredicates.podFitsHost(onHost, null, NO_NODE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("HostName: node not found (while checking Pod default/web)");
    Pod plain = pod("web").build();
    assertThatThrownBy(() -> GeneralPredicates.podMatchNodeSelector(plain, null, NO_NODE))
        .hasMessage("MatchNodeSelector: node not found (while checking Pod default/web)");
    assertThatThrownBy(() -> GeneralPredicates.podFitsResources(plain, null, NO_NODE))
        .hasMessage("PodFitsResources: node not found (while checking Pod default/web)");
    assertThatThrownBy(() -> new InterPodAffinityPredicate(() -> null).check(plain, null, NO_NODE))
        .hasMessage("MatchInterPodAffinity: node not found (while checking Pod default/web)");
    assertThatThrownBy(() -> EvenPodsSpreadPredicate.evenPodsSpread(plain, null, NO_NODE))
        .hasMessage("EvenPodsSpread: node not found (while checking Pod default/web)");
    Pod withDisk = pod("db").gcePersistentDisk("v", "disk", false).build();
    assertThatThrownBy(
            () -> new CsiMaxVolumeLimitPredicate(VolumeListers.NONE).check(withDisk, null, NO_NODE))
        .hasMessage("MaxCSIVolumeCountPred: node not found (while checking Pod default/db)");
    assertThatThrownBy(() -> GeneralPredicates.podFitsHost(onHost, null, null))
        .hasMessage("HostName: node not found (while checking Pod default/web)");
  }

  @Test
  void aVolumeCountNeedsTheNodeOnlyWhenThePodHasVolumes() {
    Pod none = pod("web").build();
    none.getSpec().setVolumes(null);
    CsiMaxVolumeLimitPredicate csi = new CsiMaxVolumeLimitPredicate(VolumeListers.NONE);
    org.assertj.core.api.Assertions.assertThat(csi.check(none, null, NO_NODE).fits()).isTrue();
    none.getSpec().setVolumes(new java.util.ArrayList<>());
    org.assertj.core.api.Assertions.assertThat(csi.check(none, null, NO_NODE).fits()).isTrue();
  }
}
