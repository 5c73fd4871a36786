package io.kubelab.scheduler.predicates;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static io.kubelab.scheduler.predicates.StorageFixtures.pv;
import static io.kubelab.scheduler.predicates.StorageFixtures.pvc;
import static io.kubelab.scheduler.predicates.StorageFixtures.storageClass;
import static io.kubelab.scheduler.predicates.TestSupport.nodeInfo;
import static io.kubelab.scheduler.predicates.TestSupport.reasons;
import static io.kubelab.scheduler.predicates.VolumeZonePredicate.LABEL_ZONE_FAILURE_DOMAIN;
import static io.kubelab.scheduler.predicates.VolumeZonePredicate.LABEL_ZONE_REGION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * NoVolumeZoneConflict, upstream's {@code TestVolumeZonePredicate}, {@code
 * TestVolumeZonePredicateMultiZone} and {@code TestVolumeZonePredicateWithVolumeBinding} ({@code
 * predicates_test.go}, v1.17), case for case.
 */
class VolumeZonePredicateTest {

  /** {@code createPodWithVolume(pod, pv, pvc)}. */
  static Pod podWithVolume(String pvc) {
    return pod("pod_1").pvcVolume("vol_1", pvc).build();
  }

  static Node host(String... labels) {
    return node("host1").withoutLabel(Fixtures.LABEL_HOSTNAME).labels(labels).build();
  }

  static boolean fits(VolumeListers listers, Pod pod, Node node) {
    PredicateResult r = new VolumeZonePredicate(listers).check(pod, null, nodeInfo(node));
    if (!r.fits()) {
      assertThat(reasons(r)).containsExactly("node(s) had no available volume zone");
    }
    return r.fits();
  }

  static final VolumeListers SINGLE_ZONE =
      VolumeListers.of(
          List.of(
              pvc("default", "PVC_1").prebound("Vol_1").build(),
              pvc("default", "PVC_2").prebound("Vol_2").build(),
              pvc("default", "PVC_3").prebound("Vol_3").build(),
              pvc("default", "PVC_4").prebound("Vol_not_exist").build()),
          List.of(
              pv("Vol_1").label(LABEL_ZONE_FAILURE_DOMAIN, "us-west1-a").build(),
              pv("Vol_2")
                  .label(LABEL_ZONE_REGION, "us-west1-b")
                  .label("uselessLabel", "none")
                  .build(),
              pv("Vol_3").label(LABEL_ZONE_REGION, "us-west1-c").build()),
          List.of());

  static Stream<Arguments> volumeZonePredicate() {
    return Stream.of(
        Arguments.of(
            "pod without volume",
            pod("pod_1").build(),
            host(LABEL_ZONE_FAILURE_DOMAIN, "us-west1-a"),
            true),
        Arguments.of("node without labels", podWithVolume("PVC_1"), host(), true),
        Arguments.of(
            "label zone failure domain matched",
            podWithVolume("PVC_1"),
            host(LABEL_ZONE_FAILURE_DOMAIN, "us-west1-a", "uselessLabel", "none"),
            true),
        Arguments.of(
            "label zone region matched",
            podWithVolume("PVC_2"),
            host(LABEL_ZONE_REGION, "us-west1-b", "uselessLabel", "none"),
            true),
        Arguments.of(
            "label zone region failed match",
            podWithVolume("PVC_2"),
            host(LABEL_ZONE_REGION, "no_us-west1-b", "uselessLabel", "none"),
            false),
        Arguments.of(
            "label zone failure domain failed match",
            podWithVolume("PVC_1"),
            host(LABEL_ZONE_FAILURE_DOMAIN, "no_us-west1-a", "uselessLabel", "none"),
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void volumeZonePredicate(String name, Pod pod, Node node, boolean fits) {
    assertThat(fits(SINGLE_ZONE, pod, node)).isEqualTo(fits);
  }

  static final VolumeListers MULTI_ZONE =
      VolumeListers.of(
          List.of(
              pvc("default", "PVC_1").prebound("Vol_1").build(),
              pvc("default", "PVC_2").prebound("Vol_2").build(),
              pvc("default", "PVC_3").prebound("Vol_3").build(),
              pvc("default", "PVC_4").prebound("Vol_not_exist").build()),
          List.of(
              pv("Vol_1").label(LABEL_ZONE_FAILURE_DOMAIN, "us-west1-a").build(),
              pv("Vol_2")
                  .label(LABEL_ZONE_FAILURE_DOMAIN, "us-west1-b")
                  .label("uselessLabel", "none")
                  .build(),
              pv("Vol_3").label(LABEL_ZONE_FAILURE_DOMAIN, "us-west1-c__us-west1-a").build()),
          List.of());

  static Stream<Arguments> volumeZonePredicateMultiZone() {
    return Stream.of(
        Arguments.of("node without labels", podWithVolume("PVC_3"), host(), true),
        Arguments.of(
            "label zone failure domain matched",
            podWithVolume("PVC_3"),
            host(LABEL_ZONE_FAILURE_DOMAIN, "us-west1-a", "uselessLabel", "none"),
            true),
        Arguments.of(
            "label zone failure domain failed match",
            podWithVolume("PVC_1"),
            host(LABEL_ZONE_FAILURE_DOMAIN, "us-west1-b", "uselessLabel", "none"),
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void volumeZonePredicateMultiZone(String name, Pod pod, Node node, boolean fits) {
    assertThat(fits(MULTI_ZONE, pod, node)).isEqualTo(fits);
  }

  static final VolumeListers WITH_BINDING =
      VolumeListers.of(
          List.of(
              pvc("default", "PVC_1").prebound("Vol_1").build(),
              pvc("default", "PVC_NoSC").storageClass("Class_0").build(),
              pvc("default", "PVC_EmptySC").build(),
              pvc("default", "PVC_WaitSC").storageClass("Class_Wait").build(),
              pvc("default", "PVC_ImmediateSC").storageClass("Class_Immediate").build()),
          List.of(pv("Vol_1").label(LABEL_ZONE_FAILURE_DOMAIN, "us-west1-a").build()),
          List.of(
              // Upstream's fixture leaves the immediate class's binding mode unset.
              storageClass("Class_Immediate").build(),
              storageClass("Class_Wait").waitForFirstConsumer().build()));

  static final Node TEST_NODE =
      host(LABEL_ZONE_FAILURE_DOMAIN, "us-west1-a", "uselessLabel", "none");

  @Test
  void aBoundVolumeInTheNodesZoneFits() {
    assertThat(fits(WITH_BINDING, podWithVolume("PVC_1"), TEST_NODE)).isTrue();
  }

  @Test
  void anUnboundClaimThatBindsOnFirstConsumerIsLeftToVolumeBinding() {
    assertThat(fits(WITH_BINDING, podWithVolume("PVC_WaitSC"), TEST_NODE)).isTrue();
  }

  @Test
  void otherUnboundClaimsAreErrors() {
    VolumeZonePredicate p = new VolumeZonePredicate(WITH_BINDING);
    assertThatThrownBy(() -> p.check(podWithVolume("PVC_EmptySC"), null, nodeInfo(TEST_NODE)))
        .as("unbound volume empty storage class")
        .hasMessage("PersistentVolumeClaim was not found: \"PVC_EmptySC\"");
    assertThatThrownBy(() -> p.check(podWithVolume("PVC_NoSC"), null, nodeInfo(TEST_NODE)))
        .as("unbound volume no storage class")
        .hasMessage("PersistentVolumeClaim was not found: \"PVC_NoSC\"");
    assertThatThrownBy(() -> p.check(podWithVolume("PVC_ImmediateSC"), null, nodeInfo(TEST_NODE)))
        .as("unbound volume immediate binding mode")
        .hasMessage("VolumeBindingMode not set for StorageClass \"Class_Immediate\"");
  }

  @Test
  void anUnboundClaimOfAnImmediateClassIsAnError() {
    VolumeListers l =
        VolumeListers.of(
            List.of(pvc("default", "c").storageClass("fast").build()),
            List.of(),
            List.of(storageClass("fast").immediate().build()));
    assertThatThrownBy(
            () -> new VolumeZonePredicate(l).check(podWithVolume("c"), null, nodeInfo(TEST_NODE)))
        .hasMessage("PersistentVolumeClaim was not found: \"c\"");
  }

  @Test
  void onlyAPodWithoutVolumesNeedsNoNode() {
    // Upstream returns before reading the node only when the pod has no volume at all; any
    // volume, even one that is not a claim, makes a missing node an error.
    VolumeZonePredicate p = new VolumeZonePredicate(SINGLE_ZONE);
    NodeInfo missing = new NodeInfo();
    assertThat(p.check(pod("bare").build(), null, missing).fits()).isTrue();
    assertThatThrownBy(() -> p.check(pod("p").emptyDirVolume("tmp").build(), null, missing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("NoVolumeZoneConflict: node not found");
  }

  @Test
  void anEmptyVolumeNameIsAnUnboundClaim() {
    VolumeListers l =
        VolumeListers.of(
            List.of(pvc("default", "c").storageClass("Class_Wait").prebound("").build()),
            List.of(),
            List.of(storageClass("Class_Wait").waitForFirstConsumer().build()));
    assertThat(fits(l, podWithVolume("c"), TEST_NODE)).isTrue();
  }

  @Test
  void aClaimWithoutSpecOrAVolumeWithoutLabelsIsReadAsEmpty() {
    // Go's zero values: a claim without spec is unbound and has no class; a volume without labels
    // has no zone, so it fits every node.
    PersistentVolumeClaim noSpec = pvc("default", "bare").build();
    noSpec.setSpec(null);
    PersistentVolume unlabelled = pv("Vol_1").build();
    unlabelled.getMetadata().setLabels(null);
    VolumeListers l =
        VolumeListers.of(
            List.of(noSpec, pvc("default", "PVC_1").prebound("Vol_1").build()),
            List.of(unlabelled),
            List.of());
    VolumeZonePredicate p = new VolumeZonePredicate(l);
    assertThatThrownBy(() -> p.check(podWithVolume("bare"), null, nodeInfo(TEST_NODE)))
        .hasMessage("PersistentVolumeClaim was not found: \"bare\"");
    assertThat(fits(l, podWithVolume("PVC_1"), TEST_NODE)).isTrue();
  }

  @Test
  void missingClaimsAndVolumesAreErrors() {
    VolumeZonePredicate p = new VolumeZonePredicate(SINGLE_ZONE);
    Node zoned = host(LABEL_ZONE_FAILURE_DOMAIN, "us-west1-a");
    assertThatThrownBy(() -> p.check(podWithVolume("PVC_X"), null, nodeInfo(zoned)))
        .hasMessage("persistentvolumeclaim \"PVC_X\" not found");
    assertThatThrownBy(() -> p.check(podWithVolume("PVC_4"), null, nodeInfo(zoned)))
        .hasMessage("persistentvolume \"Vol_not_exist\" not found");
  }

  @Test
  void aNodeWithOnlyARegionFailsAVolumeWithAZone() {
    // The node has no zone label, so its value is "", which no zone list contains.
    assertThat(fits(SINGLE_ZONE, podWithVolume("PVC_1"), host(LABEL_ZONE_REGION, "us-west1")))
        .isFalse();
  }

  @Test
  void theStableTopologyLabelsAreNotRead() {
    // v1.17 compares the beta labels only; topology.kubernetes.io/zone is ignored on both sides.
    Node stable = node("host1").label(Fixtures.LABEL_ZONE, "elsewhere").build();
    assertThat(fits(SINGLE_ZONE, podWithVolume("PVC_1"), stable)).isTrue();
  }

  @Test
  void anUnparsableZoneListIsIgnored() {
    VolumeListers l =
        VolumeListers.of(
            List.of(pvc("default", "c").prebound("v").build()),
            List.of(pv("v").label(LABEL_ZONE_FAILURE_DOMAIN, "a____b").build()),
            List.of());
    List<String> log =
        TestSupport.logged(
            VolumeZonePredicate.class,
            () ->
                assertThat(fits(l, podWithVolume("c"), host(LABEL_ZONE_FAILURE_DOMAIN, "zz")))
                    .isTrue());
    assertThat(log)
        .containsExactly(
            "Failed to parse label for \"failure-domain.beta.kubernetes.io/zone\": \"a____b\"."
                + " Ignoring the label.");
  }

  @Test
  void everyClaimMustMatchAndOtherVolumesAreIgnored() {
    Pod p =
        pod("p").emptyDirVolume("scratch").pvcVolume("a", "PVC_1").pvcVolume("b", "PVC_3").build();
    assertThat(
            fits(
                SINGLE_ZONE,
                p,
                host(LABEL_ZONE_FAILURE_DOMAIN, "us-west1-a", LABEL_ZONE_REGION, "us-west1-c")))
        .isTrue();
    assertThat(
            fits(
                SINGLE_ZONE,
                p,
                host(LABEL_ZONE_FAILURE_DOMAIN, "us-west1-a", LABEL_ZONE_REGION, "us-west1-b")))
        .as("PVC_3's region is us-west1-c")
        .isFalse();
    assertThat(fits(SINGLE_ZONE, p, host(LABEL_ZONE_FAILURE_DOMAIN, "us-west1-a")))
        .as("a node without a region label has region \"\" for a volume that names one")
        .isFalse();
  }

  @Test
  void aClaimWithoutANameIsRejectedNamingTheField() {
    Pod p = pod("p").pvcVolume("v", "").build();
    assertThatThrownBy(
            () ->
                new VolumeZonePredicate(SINGLE_ZONE)
                    .check(p, null, nodeInfo(host(LABEL_ZONE_FAILURE_DOMAIN, "z"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Pod default/p: spec.volumes[0].persistentVolumeClaim.claimName:"
                + " PersistentVolumeClaim had no name");
  }
}
