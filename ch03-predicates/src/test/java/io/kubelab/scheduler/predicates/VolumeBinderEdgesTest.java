package io.kubelab.scheduler.predicates;

import static io.kubelab.scheduler.predicates.StorageFixtures.pv;
import static io.kubelab.scheduler.predicates.StorageFixtures.pvc;
import static io.kubelab.scheduler.predicates.StorageFixtures.storageClass;
import static io.kubelab.scheduler.predicates.VolumeBindingTest.CLASSES;
import static io.kubelab.scheduler.predicates.VolumeBindingTest.NODE_1;
import static io.kubelab.scheduler.predicates.VolumeBindingTest.PV_NODE_1A;
import static io.kubelab.scheduler.predicates.VolumeBindingTest.UNBOUND;
import static io.kubelab.scheduler.predicates.VolumeBindingTest.WAIT;
import static io.kubelab.scheduler.predicates.VolumeBindingTest.claim;
import static io.kubelab.scheduler.predicates.VolumeBindingTest.podWith;
import static io.kubelab.scheduler.predicates.VolumeBindingTest.volume;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.kubelab.scheduler.predicates.SchedulerVolumeBinder.PodVolumes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The corners of {@code FindPodVolumes} that upstream's scenario tables leave out ({@code
 * scheduler_binder.go}, {@code IsDelayBindingMode} and {@code FindMatchingVolume} of {@code
 * pv_controller}'s util, v1.17): claims whose class is missing or incomplete, classes that cannot
 * provision, and claims and volumes written without the fields a controller would fill in.
 */
class VolumeBinderEdgesTest {

  static PodVolumes find(
      List<PersistentVolumeClaim> claims, List<PersistentVolume> pvs, List<StorageClass> classes) {
    return new SchedulerVolumeBinder(VolumeListers.of(claims, pvs, classes))
        .findPodVolumes(podWith(claims), NODE_1);
  }

  static List<String> provisions(PodVolumes v) {
    return v.provisions().stream().map(c -> c.getMetadata().getName()).toList();
  }

  @Test
  void aClaimWithoutAClassOrWithAnUnknownClassBindsImmediatelySoItMustAlreadyBeBound() {
    // IsDelayBindingMode: no class name, or a class the lister does not know, is not delayed.
    PersistentVolumeClaim noClass = pvc("testns", "no-class").request("1G").build();
    assertThatThrownBy(() -> find(List.of(noClass), List.of(PV_NODE_1A), CLASSES))
        .hasMessage("pod has unbound immediate PersistentVolumeClaims");
    PersistentVolumeClaim unknownClass = claim("unknown-class", "1G", "no-such-class").build();
    assertThatThrownBy(() -> find(List.of(unknownClass), List.of(PV_NODE_1A), CLASSES))
        .hasMessage("pod has unbound immediate PersistentVolumeClaims");
  }

  @Test
  void aClassWithoutBindingModeCannotBeJudged() {
    StorageClass noMode = storageClass("no-mode").provisioner("test-provisioner").build();
    PersistentVolumeClaim c = claim("c", "1G", "no-mode").build();
    assertThatThrownBy(() -> find(List.of(c), List.of(), List.of(noMode)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("VolumeBindingMode not set for StorageClass \"no-mode\"");
  }

  @Test
  void theBindCompletedAnnotationAloneDoesNotMakeAClaimBound() {
    // isPVCFullyBound needs a volume name too: without one the claim is still matched.
    PersistentVolumeClaim annotatedOnly =
        claim("unbound-pvc", "1G", WAIT)
            .annotation(SchedulerVolumeBinder.ANN_BIND_COMPLETED, "yes")
            .build();
    PodVolumes v = find(List.of(annotatedOnly), List.of(PV_NODE_1A), CLASSES);
    assertThat(v.unboundVolumesSatisfied()).isTrue();
    assertThat(v.bindings())
        .extracting(b -> b.pv().getMetadata().getName())
        .containsExactly("pv-node1a");
  }

  @Test
  void aClassWithoutAProvisionerCannotProvision() {
    // checkVolumeProvisions: an empty provisioner is as good as kubernetes.io/no-provisioner.
    StorageClass empty =
        storageClass("empty-provisioner").waitForFirstConsumer().provisioner("").build();
    StorageClass unset = storageClass("unset-provisioner").waitForFirstConsumer().build();
    for (StorageClass sc : List.of(empty, unset)) {
      String name = sc.getMetadata().getName();
      PersistentVolumeClaim c = claim("c", "1G", name).build();
      PodVolumes v = find(List.of(c), List.of(), List.of(sc));
      assertThat(v.unboundVolumesSatisfied()).as(name).isFalse();
      assertThat(v.provisions()).as(name).isEmpty();
    }
  }

  @Test
  void oneClaimThatCannotBeProvisionedLeavesNothingToProvision() {
    // Upstream returns no provisioned claims at all when one of them fails, whichever check
    // rejects it; the claims checked before it are dropped too.
    StorageClass good =
        storageClass("a-good").waitForFirstConsumer().provisioner("test-provisioner").build();
    StorageClass none =
        storageClass("b-none")
            .waitForFirstConsumer()
            .provisioner(SchedulerVolumeBinder.NOT_SUPPORTED_PROVISIONER)
            .build();
    StorageClass elsewhere =
        storageClass("c-elsewhere")
            .waitForFirstConsumer()
            .provisioner("test-provisioner")
            .allowedTopology(VolumeBindingTest.NODE_LABEL_KEY, "node2")
            .build();
    PersistentVolumeClaim first = claim("first", "1G", "a-good").build();
    PersistentVolumeClaim second = claim("second", "2G", "b-none").build();
    PersistentVolumeClaim third = claim("third", "2G", "c-elsewhere").build();
    List<StorageClass> classes = List.of(good, none, elsewhere);

    PodVolumes ok = find(List.of(first), List.of(), classes);
    assertThat(provisions(ok)).containsExactly("first");
    for (PersistentVolumeClaim failing : List.of(second, third)) {
      PodVolumes v = find(List.of(first, failing), List.of(), classes);
      assertThat(v.unboundVolumesSatisfied()).as(failing.getMetadata().getName()).isFalse();
      assertThat(v.provisions()).as(failing.getMetadata().getName()).isEmpty();
    }
  }

  @Test
  void aClassDeletedWhileTheBinderWorksIsAnError() {
    // The class lister answers from a live cache: the class seen when the claims were sorted
    // may be gone when provisioning is checked.
    StorageClass sc =
        storageClass("fleeting").waitForFirstConsumer().provisioner("test-provisioner").build();
    PersistentVolumeClaim c = claim("c", "1G", "fleeting").build();
    VolumeListers fixed = VolumeListers.of(List.of(c), List.of(), List.of(sc));
    int[] asked = {0};
    StorageClassLister forgetful = name -> asked[0]++ == 0 ? Optional.of(sc) : Optional.empty();
    SchedulerVolumeBinder binder =
        new SchedulerVolumeBinder(new VolumeListers(fixed.claims(), fixed.volumes(), forgetful));
    assertThatThrownBy(() -> binder.findPodVolumes(podWith(List.of(c)), NODE_1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("failed to find storage class \"fleeting\"");
  }

  @Test
  void aVolumeWithoutStatusIsNotAvailable() {
    // A volume written by hand has no phase yet: the PV controller has not looked at it.
    PersistentVolume noStatus = volume("pv-node1a", "node1", "5G", WAIT).build();
    noStatus.setStatus(null);
    PodVolumes v = find(List.of(UNBOUND), List.of(noStatus), CLASSES);
    assertThat(v.unboundVolumesSatisfied()).isFalse();
    assertThat(v.bindings()).isEmpty();
  }

  @Test
  void claimsAndVolumesWithoutOptionalFieldsAreReadAsEmpty() {
    // Go's zero values: no annotations, no access modes, no labels are empty, not errors.
    PersistentVolumeClaim bare = claim("unbound-pvc", "1G", WAIT).build();
    bare.getMetadata().setAnnotations(null);
    bare.getSpec().setAccessModes(null);
    PersistentVolume unlabelled =
        pv("pv-node1a")
            .capacity("5G")
            .storageClass(WAIT)
            .nodeAffinity(VolumeBindingTest.NODE_LABEL_KEY, "node1")
            .accessModes("ReadWriteOnce")
            .build();
    unlabelled.getMetadata().setLabels(null);
    PodVolumes v = find(List.of(bare), List.of(unlabelled), CLASSES);
    assertThat(v.unboundVolumesSatisfied()).isTrue();
    assertThat(v.bindings()).hasSize(1);

    PersistentVolumeClaim withSelector =
        claim("unbound-pvc", "1G", WAIT)
            .selector(new LabelSelector(null, Map.of("disk", "ssd")))
            .build();
    assertThat(find(List.of(withSelector), List.of(unlabelled), CLASSES).bindings())
        .as("a selector never matches a volume without labels")
        .isEmpty();
  }

  @Test
  void aClaimWithoutSpecAsksForNothingAndSoBindsImmediately() {
    // A claim written without spec has no class and no volume: the PV controller's business.
    PersistentVolumeClaim noSpec = pvc("testns", "no-spec").build();
    noSpec.setSpec(null);
    assertThatThrownBy(() -> find(List.of(noSpec), List.of(), CLASSES))
        .hasMessage("pod has unbound immediate PersistentVolumeClaims");
    assertThat(
            SchedulerVolumeBinder.findMatchingVolume(
                noSpec, List.of(volume("v", "", "1G", "").build()), Map.of(), Set.of()))
        .as("asks for no size and no class: the class-less volume fits")
        .isNotNull();
  }
}
