package io.kubelab.scheduler.predicates;

import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static io.kubelab.scheduler.predicates.StorageFixtures.pv;
import static io.kubelab.scheduler.predicates.StorageFixtures.pvc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TopologySelectorLabelRequirement;
import io.fabric8.kubernetes.api.model.TopologySelectorTerm;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeNodeAffinity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The storage helpers the volume predicates share: a class from the beta annotation or the field
 * ({@code GetPersistentVolumeClaimClass}, {@code GetPersistentVolumeClass}), a volume's node
 * affinity ({@code CheckNodeAffinity}) and a class's allowed topologies ({@code
 * MatchTopologySelectorTerms}), as in v1.17.
 */
class VolumeUtilTest {

  static final String BETA = "volume.beta.kubernetes.io/storage-class";

  @Test
  void theBetaAnnotationWinsOverTheFieldEvenWhenEmpty() {
    assertThat(VolumeUtil.persistentVolumeClaimClass(pvc("ns", "c").storageClass("fast").build()))
        .isEqualTo("fast");
    assertThat(
            VolumeUtil.persistentVolumeClaimClass(
                pvc("ns", "c").storageClass("fast").annotation(BETA, "slow").build()))
        .isEqualTo("slow");
    assertThat(
            VolumeUtil.persistentVolumeClaimClass(
                pvc("ns", "c").storageClass("fast").annotation(BETA, "").build()))
        .as("an empty annotation is the empty class")
        .isEmpty();
    assertThat(VolumeUtil.persistentVolumeClaimClass(pvc("ns", "c").build())).isEmpty();
    PersistentVolumeClaim bare = new PersistentVolumeClaim();
    assertThat(VolumeUtil.persistentVolumeClaimClass(bare)).isEmpty();

    assertThat(VolumeUtil.persistentVolumeClass(pv("v").storageClass("fast").build()))
        .isEqualTo("fast");
    assertThat(
            VolumeUtil.persistentVolumeClass(
                pv("v").storageClass("fast").annotation(BETA, "slow").build()))
        .isEqualTo("slow");
    assertThat(VolumeUtil.persistentVolumeClass(pv("v").build())).isEmpty();
    assertThat(VolumeUtil.persistentVolumeClass(new PersistentVolume())).isEmpty();
    PersistentVolume noAnnotations = pv("v").storageClass("fast").build();
    noAnnotations.getMetadata().setAnnotations(null);
    assertThat(VolumeUtil.persistentVolumeClass(noAnnotations)).isEqualTo("fast");
  }

  static NodeSelectorTerm term(String key, String... values) {
    return new NodeSelectorTerm(
        new ArrayList<>(List.of(new NodeSelectorRequirement(key, "In", List.of(values)))), null);
  }

  static PersistentVolume withAffinity(VolumeNodeAffinity affinity) {
    PersistentVolume v = pv("v").build();
    v.getSpec().setNodeAffinity(affinity);
    return v;
  }

  @Test
  void aVolumesNodeAffinityNeedsOneMatchingTermWhenItRequiresAny() {
    Map<String, String> node = Map.of("zone", "a", "rack", "1");
    assertThat(VolumeUtil.checkNodeAffinity(pv("v").build(), node)).isTrue();
    assertThat(VolumeUtil.checkNodeAffinity(withAffinity(new VolumeNodeAffinity()), node))
        .as("no required selector")
        .isTrue();
    assertThat(
            VolumeUtil.checkNodeAffinity(
                withAffinity(new VolumeNodeAffinity(new NodeSelector())), node))
        .as("a required selector without terms matches no node")
        .isFalse();
    assertThat(
            VolumeUtil.checkNodeAffinity(
                withAffinity(new VolumeNodeAffinity(new NodeSelector(null))), node))
        .as("nor does one whose terms are null: MatchNodeSelectorTerms of nothing is false")
        .isFalse();
    PersistentVolume noSpec = pv("v").build();
    noSpec.setSpec(null);
    assertThat(VolumeUtil.checkNodeAffinity(noSpec, node))
        .as("a volume without spec has no node affinity")
        .isTrue();
    assertThat(
            VolumeUtil.checkNodeAffinity(
                withAffinity(new VolumeNodeAffinity(new NodeSelector(List.of(term("zone", "b"))))),
                node))
        .isFalse();
    assertThat(
            VolumeUtil.checkNodeAffinity(
                withAffinity(
                    new VolumeNodeAffinity(
                        new NodeSelector(List.of(term("zone", "b"), term("rack", "1", "2"))))),
                node))
        .as("the terms are ORed")
        .isTrue();
  }

  static TopologySelectorTerm topology(String... keyThenValues) {
    List<TopologySelectorLabelRequirement> reqs = new ArrayList<>();
    for (int i = 0; i < keyThenValues.length; i += 2) {
      reqs.add(
          new TopologySelectorLabelRequirement(keyThenValues[i], List.of(keyThenValues[i + 1])));
    }
    return new TopologySelectorTerm(reqs);
  }

  @Test
  void allowedTopologiesNeedOneTermWhoseRequirementsAllHold() {
    Map<String, String> node = Map.of("zone", "a", "rack", "1");
    assertThat(VolumeUtil.matchTopologySelectorTerms(null, node)).isTrue();
    assertThat(VolumeUtil.matchTopologySelectorTerms(List.of(), node)).isTrue();
    assertThat(VolumeUtil.matchTopologySelectorTerms(List.of(topology()), node))
        .as("a term without requirements matches nothing")
        .isFalse();
    assertThat(VolumeUtil.matchTopologySelectorTerms(List.of(new TopologySelectorTerm()), node))
        .isFalse();
    assertThat(VolumeUtil.matchTopologySelectorTerms(List.of(new TopologySelectorTerm(null)), node))
        .as("nor does one whose requirements are null")
        .isFalse();
    assertThat(VolumeUtil.matchTopologySelectorTerms(List.of(topology("zone", "a")), node))
        .isTrue();
    assertThat(
            VolumeUtil.matchTopologySelectorTerms(
                List.of(topology("zone", "a", "rack", "2")), node))
        .as("every requirement of a term")
        .isFalse();
    assertThat(
            VolumeUtil.matchTopologySelectorTerms(
                List.of(topology("zone", "b"), topology("zone", "a", "rack", "1")), node))
        .as("any term")
        .isTrue();
    assertThat(
            VolumeUtil.matchTopologySelectorTerms(
                List.of(topology("bad key!", "a"), topology("zone", "a")), node))
        .as("a term that makes no selector is skipped")
        .isTrue();
  }

  @Test
  void aClaimVolumeWithoutAClaimNameIsRejectedNamingTheField() {
    for (String missing : new String[] {"", null}) {
      Pod p = pod("p").pvcVolume("scratch", "data").pvcVolume("v", "x").build();
      Volume v = p.getSpec().getVolumes().get(1);
      v.getPersistentVolumeClaim().setClaimName(missing);
      assertThatThrownBy(() -> VolumeUtil.claimName(p, 1, v))
          .as(String.valueOf(missing))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "Pod default/p: spec.volumes[1].persistentVolumeClaim.claimName:"
                  + " PersistentVolumeClaim had no name");
    }
  }

  @Test
  void anObjectWithoutNamespaceIsInTheEmptyNamespace() {
    assertThat(VolumeUtil.namespace(pvc("ns", "c").build())).isEqualTo("ns");
    assertThat(VolumeUtil.namespace(pvc(null, "c").build())).isEmpty();
    assertThat(VolumeUtil.namespace(new PersistentVolumeClaim())).isEmpty();
  }
}
