package io.kubelab.scheduler.predicates;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static io.kubelab.scheduler.predicates.MaxPDVolumeCountChecker.VolumeFilter.AZURE_DISK;
import static io.kubelab.scheduler.predicates.MaxPDVolumeCountChecker.VolumeFilter.CINDER;
import static io.kubelab.scheduler.predicates.MaxPDVolumeCountChecker.VolumeFilter.EBS;
import static io.kubelab.scheduler.predicates.MaxPDVolumeCountChecker.VolumeFilter.GCE_PD;
import static io.kubelab.scheduler.predicates.StorageFixtures.pv;
import static io.kubelab.scheduler.predicates.StorageFixtures.pvc;
import static io.kubelab.scheduler.predicates.StorageFixtures.storageClass;
import static io.kubelab.scheduler.predicates.TestSupport.nodeInfo;
import static io.kubelab.scheduler.predicates.TestSupport.reasons;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.AWSElasticBlockStoreVolumeSource;
import io.fabric8.kubernetes.api.model.AzureDiskVolumeSource;
import io.fabric8.kubernetes.api.model.CinderVolumeSource;
import io.fabric8.kubernetes.api.model.GCEPersistentDiskVolumeSource;
import io.fabric8.kubernetes.api.model.HostPathVolumeSource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.predicates.MaxPDVolumeCountChecker.VolumeFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MaxEBSVolumeCount, MaxGCEPDVolumeCount, MaxAzureDiskVolumeCount and MaxCinderVolumeCount:
 * upstream's {@code TestVolumeCountConflicts} table row for row, {@code TestMaxVolumeFunc*} and
 * {@code TestGetMaxVols} ({@code max_attachable_volume_predicate_test.go}, {@code
 * predicates_test.go}, v1.17).
 */
class MaxPDVolumeCountCheckerTest {

  // ---- the pods of TestVolumeCountConflicts; the inline disks are EBS volumes for every filter

  static Volume ebsVolume(String id) {
    Volume v = new Volume();
    v.setName("v-" + id);
    v.setAwsElasticBlockStore(new AWSElasticBlockStoreVolumeSource("ext4", 0, false, id));
    return v;
  }

  static Volume cinderVolume(String id) {
    Volume v = new Volume();
    v.setName("v-" + id);
    v.setCinder(new CinderVolumeSource("ext4", false, null, id));
    return v;
  }

  static Volume hostPath() {
    Volume v = new Volume();
    v.setName("host");
    v.setHostPath(new HostPathVolumeSource("/tmp", null));
    return v;
  }

  static Pod withVolumes(String name, Volume... volumes) {
    Fixtures.PodFixture f = pod(name);
    for (Volume v : volumes) {
      f.volume(v);
    }
    return f.build();
  }

  static Pod claims(String name, String... claimNames) {
    Fixtures.PodFixture f = pod(name);
    for (String c : claimNames) {
      f.pvcVolume("v-" + c, c);
    }
    return f.build();
  }

  static final Pod ONE_VOL = withVolumes("oneVol", ebsVolume("ovp"));
  static final Pod TWO_VOL = withVolumes("twoVol", ebsVolume("tvp1"), ebsVolume("tvp2"));
  static final Pod SPLIT_VOLS = withVolumes("splitVols", hostPath(), ebsVolume("svp"));
  static final Pod NON_APPLICABLE = withVolumes("nonApplicable", hostPath());
  static final Pod EMPTY = pod("empty").build();
  static final Pod UNBOUND_INVALID_SC = claims("a", "unboundPVCwithInvalidSCPod");
  static final Pod UNBOUND_DEFAULT_SC = claims("b", "unboundPVCwithDefaultSCPod");
  static final Pod DELETED_PVC = claims("c", "deletedPVC");
  static final Pod TWO_DELETED_PVC = claims("d", "deletedPVC", "anotherDeletedPVC");
  static final Pod DELETED_PV = claims("e", "pvcWithDeletedPV");
  static final Pod DELETED_PV_2 = claims("f", "pvcWithDeletedPV");
  static final Pod ANOTHER_DELETED_PV = claims("g", "anotherPVCWithDeletedPV");
  static final Pod UNBOUND_PVC = claims("h", "unboundPVC");
  static final Pod UNBOUND_PVC_2 = claims("i", "unboundPVC");
  static final Pod ANOTHER_UNBOUND_PVC = claims("j", "anotherUnboundPVC");
  static final Pod TWO_VOL_CINDER = withVolumes("k", cinderVolume("tvp1"), cinderVolume("tvp2"));
  static final Pod ONE_VOL_CINDER = withVolumes("l", cinderVolume("ovp"));

  static Pod onePvcPod(VolumeFilter f) {
    return claims("onePVC", "some" + f.filterType() + "Vol");
  }

  static Pod splitPvcPod(VolumeFilter f) {
    return claims("splitPVC", "someNon" + f.filterType() + "Vol", "some" + f.filterType() + "Vol");
  }

  /** {@code getFakeStorageClassLister}, {@code getFakePVLister}, {@code getFakePVCLister}. */
  static VolumeListers listers(VolumeFilter f) {
    String t = f.filterType();
    return VolumeListers.of(
        List.of(
            pvc("default", "some" + t + "Vol").prebound("some" + t + "Vol").storageClass(t).build(),
            pvc("default", "someNon" + t + "Vol")
                .prebound("someNon" + t + "Vol")
                .storageClass(t)
                .build(),
            pvc("default", "pvcWithDeletedPV").prebound("pvcWithDeletedPV").storageClass(t).build(),
            pvc("default", "anotherPVCWithDeletedPV")
                .prebound("anotherPVCWithDeletedPV")
                .storageClass(t)
                .build(),
            pvc("default", "unboundPVC").storageClass(t).build(),
            pvc("default", "anotherUnboundPVC").storageClass(t).build(),
            pvc("default", "unboundPVCwithDefaultSCPod").storageClass("standard-sc").build(),
            pvc("default", "unboundPVCwithInvalidSCPod").storageClass("invalid-sc").build()),
        List.of(
            pv("some" + t + "Vol").ebs(t.toLowerCase() + "Vol").build(),
            pv("someNon" + t + "Vol").build()),
        List.of(
            storageClass(t).provisioner(f.inTreePluginName()).build(),
            storageClass("standard-sc").provisioner("standard-sc").build()));
  }

  /** {@code getNodeWithPodAndVolumeLimits("node", …)}: the limit in the node's allocatable. */
  static Node limited(VolumeFilter f, int maxVols) {
    return node("node-for-max-pd-test-1")
        .withoutLabel(Fixtures.LABEL_HOSTNAME)
        .scalar(f.volumeLimitKey(), String.valueOf(maxVols))
        .build();
  }

  static boolean fits(VolumeFilter f, int maxVols, Pod newPod, Pod... existing) {
    MaxPDVolumeCountChecker c = new MaxPDVolumeCountChecker(f, listers(f), null);
    PredicateResult r = c.check(newPod, null, nodeInfo(limited(f, maxVols), existing));
    if (!r.fits()) {
      assertThat(reasons(r)).containsExactly("node(s) exceed max volume count");
    }
    return r.fits();
  }

  static Arguments row(
      String name, VolumeFilter f, int maxVols, boolean fits, Pod newPod, Pod... existing) {
    return Arguments.of(f.filterType() + ": " + name, f, maxVols, fits, newPod, existing);
  }

  /** The rows shared by the EBS, GCE PD and Azure Disk filters, with each filter's verdicts. */
  static List<Arguments> commonRows(VolumeFilter f, boolean ebs) {
    List<Arguments> r = new ArrayList<>();
    r.add(
        row("fits when node capacity >= new pod's volumes", f, 4, true, ONE_VOL, TWO_VOL, ONE_VOL));
    r.add(row("new pod's volumes above node capacity", f, 2, !ebs, TWO_VOL, ONE_VOL));
    r.add(row("new pod's count ignores non-matching volumes", f, 3, true, SPLIT_VOLS, TWO_VOL));
    r.add(
        row(
            "existing pods' counts ignore non-matching volumes",
            f,
            3,
            true,
            TWO_VOL,
            SPLIT_VOLS,
            NON_APPLICABLE,
            EMPTY));
    r.add(
        row(
            "new pod's count considers PVCs backed by matching volumes",
            f,
            3,
            true,
            onePvcPod(f),
            SPLIT_VOLS,
            NON_APPLICABLE,
            EMPTY));
    r.add(
        row(
            "new pod's count ignores PVCs not backed by matching volumes",
            f,
            3,
            true,
            splitPvcPod(f),
            SPLIT_VOLS,
            ONE_VOL));
    r.add(
        row(
            "existing pods' counts consider PVCs backed by matching volumes",
            f,
            3,
            !ebs,
            TWO_VOL,
            ONE_VOL,
            onePvcPod(f)));
    r.add(
        row(
            "already-mounted volumes are always ok to allow",
            f,
            4,
            true,
            TWO_VOL,
            ONE_VOL,
            TWO_VOL,
            onePvcPod(f)));
    r.add(
        row(
            "the same volumes are not counted multiple times",
            f,
            3,
            true,
            SPLIT_VOLS,
            ONE_VOL,
            ONE_VOL,
            onePvcPod(f)));
    if (ebs) {
      r.add(
          row(
              "missing PVC is not counted towards the PV limit",
              f,
              1,
              false,
              onePvcPod(f),
              ONE_VOL,
              DELETED_PVC));
    }
    r.add(
        row(
            "missing PVC is not counted towards the PV limit",
            f,
            2,
            true,
            onePvcPod(f),
            ONE_VOL,
            DELETED_PVC));
    if (!ebs) {
      r.add(
          row(
              "missing PVC is not counted towards the PV limit",
              f,
              3,
              true,
              onePvcPod(f),
              ONE_VOL,
              DELETED_PVC));
    }
    r.add(
        row(
            "two missing PVCs are not counted towards the PV limit twice",
            f,
            ebs ? 2 : 3,
            true,
            onePvcPod(f),
            ONE_VOL,
            TWO_DELETED_PVC));
    if (ebs) {
      r.add(
          row(
              "unbound PVC with invalid SC is not counted towards the PV limit",
              f,
              1,
              true,
              UNBOUND_INVALID_SC,
              ONE_VOL));
      r.add(
          row(
              "unbound PVC from different provisioner is not counted towards the PV limit",
              f,
              1,
              true,
              UNBOUND_DEFAULT_SC,
              ONE_VOL));
    }
    r.add(
        row(
            "pod with missing PV is counted towards the PV limit",
            f,
            2,
            !ebs,
            onePvcPod(f),
            ONE_VOL,
            DELETED_PV));
    r.add(
        row(
            "pod with missing PV is counted towards the PV limit",
            f,
            3,
            true,
            onePvcPod(f),
            ONE_VOL,
            DELETED_PV));
    r.add(
        row(
            "two pods missing the same PV are counted towards the PV limit only once",
            f,
            2,
            true,
            DELETED_PV_2,
            ONE_VOL,
            DELETED_PV));
    r.add(
        row(
            "two pods missing different PVs are counted towards the PV limit twice",
            f,
            2,
            !ebs,
            ANOTHER_DELETED_PV,
            ONE_VOL,
            DELETED_PV));
    r.add(
        row(
            "pod with unbound PVC is counted towards the PV limit",
            f,
            2,
            !ebs,
            onePvcPod(f),
            ONE_VOL,
            UNBOUND_PVC));
    r.add(
        row(
            "pod with unbound PVC is counted towards the PV limit",
            f,
            3,
            true,
            onePvcPod(f),
            ONE_VOL,
            UNBOUND_PVC));
    r.add(
        row(
            "the same unbound PVC in multiple pods is counted towards the PV limit only once",
            f,
            2,
            true,
            UNBOUND_PVC_2,
            ONE_VOL,
            UNBOUND_PVC));
    r.add(
        row(
            "two different unbound PVCs are counted towards the PV limit as two volumes",
            f,
            2,
            !ebs,
            ANOTHER_UNBOUND_PVC,
            ONE_VOL,
            UNBOUND_PVC));
    return r;
  }

  static Stream<Arguments> volumeCountConflicts() {
    List<Arguments> rows = new ArrayList<>();
    rows.addAll(commonRows(EBS, true));
    rows.addAll(commonRows(GCE_PD, false));
    rows.addAll(commonRows(AZURE_DISK, false));
    rows.add(
        row(
            "fits when node capacity >= new pod's Cinder volumes",
            CINDER,
            4,
            true,
            ONE_VOL_CINDER,
            TWO_VOL_CINDER));
    rows.add(
        row(
            "not fit when node capacity < new pod's Cinder volumes",
            CINDER,
            2,
            false,
            ONE_VOL_CINDER,
            TWO_VOL_CINDER));
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void volumeCountConflicts(
      String name, VolumeFilter f, int maxVols, boolean fits, Pod newPod, Pod[] existing) {
    assertThat(fits(f, maxVols, newPod, existing)).isEqualTo(fits);
  }

  @Test
  void upstreamsTableHasAllSixtyFourRows() {
    assertThat(volumeCountConflicts().count()).isEqualTo(64);
  }

  // ---- the default limits

  static Node instance(String label, String type) {
    return node("n").label(label, type).build();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "beta.kubernetes.io/instance-type, m5.large, 25",
    "beta.kubernetes.io/instance-type, t3.medium, 25",
    "beta.kubernetes.io/instance-type, r5d.xlarge, 25",
    "beta.kubernetes.io/instance-type, m4.2xlarge, 39",
    "node.kubernetes.io/instance-type, m4.2xlarge, 39",
    "node.kubernetes.io/instance-type, c5.large, 25",
    "node.kubernetes.io/instance-type, z1d.large, 25",
    "node.kubernetes.io/instance-type, a1.t3, 25",
    "node.kubernetes.io/instance-type, x5.large, 39"
  })
  void ebsDefaultsDependOnTheInstanceType(String label, String type, int expected) {
    MaxPDVolumeCountChecker c = new MaxPDVolumeCountChecker(EBS, VolumeListers.NONE, null);
    assertThat(c.maxVolumes(instance(label, type))).isEqualTo(expected);
  }

  @Test
  void ebsWithBothInstanceTypeLabels() {
    Node both =
        node("n")
            .label(MaxPDVolumeCountChecker.LABEL_INSTANCE_TYPE, "m4.2xlarge")
            .label(MaxPDVolumeCountChecker.LABEL_INSTANCE_TYPE_STABLE, "m4.2xlarge")
            .build();
    assertThat(new MaxPDVolumeCountChecker(EBS, VolumeListers.NONE, null).maxVolumes(both))
        .isEqualTo(39);
    Node unlabelled = node("n").build();
    assertThat(new MaxPDVolumeCountChecker(EBS, VolumeListers.NONE, null).maxVolumes(unlabelled))
        .isEqualTo(39);
  }

  @Test
  void theOtherKindsHaveFixedDefaults() {
    Node n = instance(MaxPDVolumeCountChecker.LABEL_INSTANCE_TYPE, "m5.large");
    assertThat(new MaxPDVolumeCountChecker(GCE_PD, VolumeListers.NONE, null).maxVolumes(n))
        .isEqualTo(16);
    assertThat(new MaxPDVolumeCountChecker(AZURE_DISK, VolumeListers.NONE, null).maxVolumes(n))
        .isEqualTo(16);
    assertThat(new MaxPDVolumeCountChecker(CINDER, VolumeListers.NONE, null).maxVolumes(n))
        .isEqualTo(256);
  }

  /** {@code TestGetMaxVols}, plus the cases an environment variable can hold, and the log. */
  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource({
    "invalid, -1, 'Unable to parse maximum PD volumes value, using default: \"invalid\"'",
    "-2, -1, 'Maximum PD volumes must be a positive value, using default'",
    "0, -1, 'Maximum PD volumes must be a positive value, using default'",
    "40, 40, ",
    "+7, 7, ",
    "' 5', -1, 'Unable to parse maximum PD volumes value, using default: \" 5\"'",
    "'', -1, "
  })
  void kubeMaxPdVolsIsUsedOnlyWhenPositive(String raw, long expected, String logged) {
    long[] got = {0};
    List<String> log =
        TestSupport.logged(
            MaxPDVolumeCountChecker.class,
            () -> got[0] = MaxPDVolumeCountChecker.maxVolLimitFromEnv(raw));
    assertThat(got[0]).isEqualTo(expected);
    assertThat(log).isEqualTo(logged == null ? List.of() : List.of(logged));
    assertThat(MaxPDVolumeCountChecker.maxVolLimitFromEnv(null)).isEqualTo(-1);
  }

  @Test
  void kubeMaxPdVolsReplacesEveryDefaultButNotTheNodesOwnLimit() {
    Node m5 = instance(MaxPDVolumeCountChecker.LABEL_INSTANCE_TYPE, "m5.large");
    for (VolumeFilter f : VolumeFilter.values()) {
      assertThat(new MaxPDVolumeCountChecker(f, VolumeListers.NONE, "3").maxVolumes(m5))
          .as(f.name())
          .isEqualTo(3);
    }
    Pod three = withVolumes("three", ebsVolume("a"), ebsVolume("b"), ebsVolume("c"));
    Pod four = withVolumes("four", ebsVolume("a"), ebsVolume("b"), ebsVolume("c"), ebsVolume("d"));
    MaxPDVolumeCountChecker c = new MaxPDVolumeCountChecker(EBS, VolumeListers.NONE, "3");
    assertThat(c.check(three, null, nodeInfo(m5)).fits()).isTrue();
    assertThat(c.check(four, null, nodeInfo(m5)).fits()).isFalse();
    Node allowsFour = node("n").scalar(EBS.volumeLimitKey(), "4").build();
    assertThat(c.check(four, null, nodeInfo(allowsFour)).fits())
        .as("the node's allocatable wins over the variable")
        .isTrue();
  }

  @Test
  void theDefaultLimitAppliesWithoutAnAllocatable() {
    List<Volume> gce = new ArrayList<>();
    for (int i = 0; i < 17; i++) {
      Volume v = new Volume();
      v.setName("pd" + i);
      v.setGcePersistentDisk(new GCEPersistentDiskVolumeSource("ext4", 0, "pd-" + i, false));
      gce.add(v);
    }
    MaxPDVolumeCountChecker c = new MaxPDVolumeCountChecker(GCE_PD, VolumeListers.NONE, null);
    Node plain = node("n").build();
    assertThat(
            c.check(
                    withVolumes("p16", gce.subList(0, 16).toArray(Volume[]::new)),
                    null,
                    nodeInfo(plain))
                .fits())
        .isTrue();
    assertThat(
            c.check(withVolumes("p17", gce.toArray(Volume[]::new)), null, nodeInfo(plain)).fits())
        .isFalse();
  }

  @Test
  void anAllocatableOfZeroAdmitsNoDisk() {
    Node none = node("n").scalar(EBS.volumeLimitKey(), "0").build();
    MaxPDVolumeCountChecker c = new MaxPDVolumeCountChecker(EBS, VolumeListers.NONE, null);
    assertThat(c.check(ONE_VOL, null, nodeInfo(none)).fits()).isFalse();
    assertThat(c.check(NON_APPLICABLE, null, nodeInfo(none)).fits()).isTrue();
  }

  @Test
  void eachFilterCountsItsOwnKindOfDisk() {
    Volume azure = new Volume();
    azure.setName("az");
    azure.setAzureDisk(new AzureDiskVolumeSource(null, "disk-1", "uri", null, null, null));
    Pod p = withVolumes("p", azure);
    Node zero =
        node("n")
            .scalar(AZURE_DISK.volumeLimitKey(), "0")
            .scalar(EBS.volumeLimitKey(), "0")
            .build();
    assertThat(
            new MaxPDVolumeCountChecker(AZURE_DISK, VolumeListers.NONE, null)
                .check(p, null, nodeInfo(zero))
                .fits())
        .isFalse();
    assertThat(
            new MaxPDVolumeCountChecker(EBS, VolumeListers.NONE, null)
                .check(p, null, nodeInfo(zero))
                .fits())
        .isTrue();
  }

  @Test
  void onlyTheClaimsClassFieldIsReadNotTheBetaAnnotation() {
    // matchProvisioner reads spec.storageClassName only: an unbound claim whose class is given by
    // the beta annotation is not counted.
    VolumeListers l =
        VolumeListers.of(
            List.of(
                pvc("default", "annotated")
                    .annotation(VolumeUtil.BETA_STORAGE_CLASS_ANNOTATION, "ebs")
                    .build(),
                pvc("default", "field").storageClass("ebs").build()),
            List.of(),
            List.of(storageClass("ebs").provisioner("kubernetes.io/aws-ebs").build()));
    Node zero = node("n").scalar(EBS.volumeLimitKey(), "0").build();
    MaxPDVolumeCountChecker c = new MaxPDVolumeCountChecker(EBS, l, null);
    assertThat(c.check(claims("p", "annotated"), null, nodeInfo(zero)).fits()).isTrue();
    assertThat(c.check(claims("q", "field"), null, nodeInfo(zero)).fits()).isFalse();
  }

  @Test
  void aVolumeReachedThroughTwoClaimsIsCountedOnce() {
    // Claims count by the ID of their volume: two claims bound to one EBS volume are one disk,
    // even when their class names the EBS provisioner.
    VolumeListers l =
        VolumeListers.of(
            List.of(
                pvc("default", "first").storageClass("ebs").prebound("shared").build(),
                pvc("default", "second").storageClass("ebs").prebound("shared").build()),
            List.of(pv("shared").ebs("vol-shared").build()),
            List.of(storageClass("ebs").provisioner("kubernetes.io/aws-ebs").build()));
    Node one = node("n").scalar(EBS.volumeLimitKey(), "1").build();
    MaxPDVolumeCountChecker c = new MaxPDVolumeCountChecker(EBS, l, null);
    assertThat(c.check(claims("p", "first", "second"), null, nodeInfo(one)).fits()).isTrue();
    assertThat(c.check(claims("p", "second"), null, nodeInfo(one, claims("e", "first"))).fits())
        .as("the node already has the volume through another pod's claim")
        .isTrue();
    assertThat(c.check(ONE_VOL, null, nodeInfo(one, claims("e", "first"))).fits()).isFalse();
  }

  @Test
  void aClaimWhoseVolumeIsGoneCountsByItsClassProvisioner() {
    // filterVolumes: the volume may be deleted or not created yet; the claim still stands for one
    // disk of this kind when its class names the kind's provisioner.
    VolumeListers l =
        VolumeListers.of(
            List.of(
                pvc("default", "ebs-class").storageClass("ebs").prebound("gone").build(),
                pvc("default", "other-class").storageClass("other").prebound("gone").build()),
            List.of(),
            List.of(
                storageClass("ebs").provisioner("kubernetes.io/aws-ebs").build(),
                storageClass("other").provisioner("example.com/csi").build()));
    Node zero = node("n").scalar(EBS.volumeLimitKey(), "0").build();
    MaxPDVolumeCountChecker c = new MaxPDVolumeCountChecker(EBS, l, null);
    assertThat(c.check(claims("p", "ebs-class"), null, nodeInfo(zero)).fits()).isFalse();
    assertThat(c.check(claims("p", "other-class"), null, nodeInfo(zero)).fits()).isTrue();
  }

  @Test
  void objectsWithoutOptionalFieldsAreReadAsEmpty() {
    // Go's zero values: a claim without spec names no volume and no class, so it is not counted;
    // a node without labels has no instance type, so EBS gets the general default.
    PersistentVolumeClaim noSpec = pvc("default", "bare").build();
    noSpec.setSpec(null);
    VolumeListers l = VolumeListers.of(List.of(noSpec), List.of(), List.of());
    Node zero = node("n").scalar(EBS.volumeLimitKey(), "0").build();
    assertThat(
            new MaxPDVolumeCountChecker(EBS, l, null)
                .check(claims("p", "bare"), null, nodeInfo(zero))
                .fits())
        .isTrue();
    Node unlabelled = node("n").build();
    unlabelled.getMetadata().setLabels(null);
    assertThat(new MaxPDVolumeCountChecker(EBS, VolumeListers.NONE, null).maxVolumes(unlabelled))
        .isEqualTo(39);
  }

  @Test
  void aClaimWithoutANameIsRejectedNamingTheField() {
    MaxPDVolumeCountChecker c = new MaxPDVolumeCountChecker(EBS, VolumeListers.NONE, null);
    assertThatThrownBy(() -> c.check(claims("p", ""), null, nodeInfo(node("n").build())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Pod default/p: spec.volumes[0].persistentVolumeClaim.claimName");
    assertThatThrownBy(() -> c.check(ONE_VOL, null, nodeInfo(node("n").build(), claims("e", ""))))
        .as("an existing pod's claim too")
        .hasMessageContaining("Pod default/e: spec.volumes[0]");
  }

  @Test
  void aMissingNodeIsAnErrorOnlyWhenThereIsSomethingToCount() {
    MaxPDVolumeCountChecker c = new MaxPDVolumeCountChecker(EBS, VolumeListers.NONE, null);
    assertThat(c.check(NON_APPLICABLE, null, new io.kubelab.scheduler.cache.NodeInfo()).fits())
        .isTrue();
    assertThatThrownBy(() -> c.check(ONE_VOL, null, new io.kubelab.scheduler.cache.NodeInfo()))
        .hasMessageContaining("MaxEBSVolumeCount: node not found");
  }
}
