package io.kubelab.scheduler.predicates;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static io.kubelab.scheduler.predicates.StorageFixtures.pv;
import static io.kubelab.scheduler.predicates.StorageFixtures.pvc;
import static io.kubelab.scheduler.predicates.StorageFixtures.storageClass;
import static io.kubelab.scheduler.predicates.TestSupport.nodeInfo;
import static io.kubelab.scheduler.predicates.TestSupport.reasons;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.AWSElasticBlockStoreVolumeSource;
import io.fabric8.kubernetes.api.model.ISCSIVolumeSource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.RBDVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.kubelab.scheduler.algorithm.PredicateResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NoDiskConflict (upstream {@code TestGCEDiskConflicts}, {@code TestAWSDiskConflicts}, {@code
 * TestRBDDiskConflicts}, {@code TestISCSIDiskConflicts}) and MaxCSIVolumeCountPred (upstream {@code
 * TestCSIVolumeCountPredicate}, {@code csi_volume_predicate_test.go}, v1.17).
 */
class VolumePredicatesTest {

  static final Node NODE = node("m").build();

  static boolean noConflict(Pod p, Pod... existing) {
    PredicateResult r = NoDiskConflict.noDiskConflict(p, null, nodeInfo(NODE, existing));
    if (!r.fits()) {
      assertThat(reasons(r)).containsExactly("node(s) had no available disk");
    }
    return r.fits();
  }

  @Test
  void gcePersistentDisksConflictUnlessBothReadOnly() {
    Pod foo = pod("a").gcePersistentDisk("v", "foo", false).build();
    Pod bar = pod("b").gcePersistentDisk("v", "bar", false).build();
    assertThat(noConflict(pod("p").build())).as("nothing").isTrue();
    assertThat(noConflict(pod("p").build(), foo)).as("pod without volumes").isTrue();
    assertThat(noConflict(foo, bar)).as("different disks").isTrue();
    assertThat(noConflict(foo, pod("c").gcePersistentDisk("v", "foo", false).build())).isFalse();
    Pod roFoo = pod("ro").gcePersistentDisk("v", "foo", true).build();
    assertThat(noConflict(roFoo, pod("ro2").gcePersistentDisk("v", "foo", true).build()))
        .as("both read-only")
        .isTrue();
    assertThat(noConflict(roFoo, foo)).as("one writer").isFalse();
    assertThat(noConflict(foo, roFoo)).as("one writer, the incoming pod").isFalse();
  }

  static Pod ebs(String name, String id) {
    Volume v = new Volume();
    v.setName("v");
    v.setAwsElasticBlockStore(new AWSElasticBlockStoreVolumeSource("ext4", 0, true, id));
    return pod(name).volume(v).build();
  }

  @Test
  void awsVolumesConflictEvenReadOnly() {
    assertThat(noConflict(ebs("a", "foo"), ebs("b", "bar"))).isTrue();
    assertThat(noConflict(ebs("a", "foo"), ebs("b", "foo"))).isFalse();
  }

  static Pod rbd(String name, List<String> monitors, String pool, String image, boolean ro) {
    Volume v = new Volume();
    v.setName("v");
    RBDVolumeSource s = new RBDVolumeSource();
    s.setMonitors(new ArrayList<>(monitors));
    s.setPool(pool);
    s.setImage(image);
    s.setReadOnly(ro);
    v.setRbd(s);
    return pod(name).volume(v).build();
  }

  @Test
  void rbdConflictsOnASharedMonitorPoolAndImage() {
    Pod a = rbd("a", List.of("a", "b"), "foo", "bar", false);
    assertThat(noConflict(a, rbd("b", List.of("c", "d"), "foo", "bar", false)))
        .as("no shared monitor")
        .isTrue();
    assertThat(noConflict(a, rbd("b", List.of("b", "c"), "foo", "bar", false))).isFalse();
    assertThat(noConflict(a, rbd("b", List.of("b"), "foo", "baz", false)))
        .as("other image")
        .isTrue();
    assertThat(noConflict(a, rbd("b", List.of("b"), "other-pool", "bar", false)))
        .as("same monitor and image name in another pool")
        .isTrue();
    assertThat(noConflict(rbd("r", List.of("a"), "foo", "bar", true), a))
        .as("one writer")
        .isFalse();
    assertThat(noConflict(a, rbd("r", List.of("a"), "foo", "bar", true)))
        .as("one writer, the incoming pod")
        .isFalse();
    assertThat(
            noConflict(
                rbd("r", List.of("a"), "foo", "bar", true),
                rbd("s", List.of("a"), "foo", "bar", true)))
        .as("both read-only")
        .isTrue();
  }

  /** One pod with the given volumes (named v0, v1, ...). */
  static Pod withVolumes(String name, Pod... sources) {
    var b = pod(name);
    int i = 0;
    for (Pod source : sources) {
      for (Volume v : source.getSpec().getVolumes()) {
        Volume copy =
            new io.fabric8.kubernetes.api.model.VolumeBuilder(v).withName("v" + i++).build();
        b.volume(copy);
      }
    }
    return b.build();
  }

  @Test
  void disksOfDifferentKindsNeverConflictEvenWithTheSameName() {
    Pod gce = pod("a").gcePersistentDisk("v", "x", false).build();
    Pod ebs = ebs("b", "x");
    Pod iscsi = iscsi("c", "x", false);
    Pod rbd = rbd("d", List.of("m"), "x", "x", false);
    List<Pod> all = List.of(gce, ebs, iscsi, rbd);
    for (int i = 0; i < all.size(); i++) {
      List<Pod> others = new ArrayList<>(all);
      Pod p = others.remove(i);
      assertThat(noConflict(p, withVolumes("others", others.toArray(new Pod[0]))))
          .as(p.getMetadata().getName())
          .isTrue();
      assertThat(noConflict(withVolumes("mixed", others.toArray(new Pod[0])), p))
          .as("against " + p.getMetadata().getName())
          .isTrue();
    }
    assertThat(noConflict(withVolumes("mixed", ebs, iscsi, gce), withVolumes("other", rbd, gce)))
        .as("the third volume conflicts with the second of the other pod")
        .isFalse();
  }

  @Test
  void podsWithoutVolumesOrWithOtherVolumesNeverConflict() {
    Pod none = pod("none").build();
    none.getSpec().setVolumes(null);
    Pod emptyDir = pod("scratch").emptyDirVolume("tmp").build();
    Pod gce = pod("a").gcePersistentDisk("v", "x", false).build();
    assertThat(noConflict(none, gce)).isTrue();
    assertThat(noConflict(gce, none, emptyDir)).isTrue();
    assertThat(noConflict(emptyDir, gce)).isTrue();
    assertThat(
            noConflict(
                withVolumes("both", emptyDir, gce),
                none,
                pod("b").gcePersistentDisk("v", "x", false).build()))
        .isFalse();
  }

  @Test
  void rbdWithoutMonitorsSharesNoMonitor() {
    Pod a = rbd("a", List.of("m"), "p", "i", false);
    Pod noMonitors = rbd("b", List.of(), "p", "i", false);
    noMonitors.getSpec().getVolumes().get(0).getRbd().setMonitors(null);
    assertThat(noConflict(noMonitors, a)).isTrue();
    assertThat(noConflict(a, noMonitors)).isTrue();
  }

  static Pod iscsi(String name, String iqn, boolean ro) {
    Volume v = new Volume();
    v.setName("v");
    ISCSIVolumeSource s = new ISCSIVolumeSource();
    s.setTargetPortal("127.0.0.1:3260");
    s.setIqn(iqn);
    s.setLun(0);
    s.setReadOnly(ro);
    v.setIscsi(s);
    return pod(name).volume(v).build();
  }

  @Test
  void iscsiConflictsOnTheSameIqnUnlessBothReadOnly() {
    assertThat(
            noConflict(
                iscsi("a", "iqn.2016-12.server:storage.target01", false),
                iscsi("b", "iqn.2017-12.server:storage.target01", false)))
        .isTrue();
    assertThat(noConflict(iscsi("a", "iqn.x", false), iscsi("b", "iqn.x", false))).isFalse();
    assertThat(noConflict(iscsi("a", "iqn.x", true), iscsi("b", "iqn.x", true)))
        .as("both read-only")
        .isTrue();
    assertThat(noConflict(iscsi("a", "iqn.x", true), iscsi("b", "iqn.x", false)))
        .as("one writer")
        .isFalse();
    assertThat(noConflict(iscsi("a", "iqn.x", false), iscsi("b", "iqn.x", true)))
        .as("one writer, the incoming pod")
        .isFalse();
  }

  // ---- MaxCSIVolumeCountPred

  static final String EBS_CSI = "ebs.csi.aws.com";
  static final String GCE_CSI = "pd.csi.storage.gke.io";

  /** Claims csi-ebs-0..9 bound to EBS CSI volumes, gce-0..1 to GCE, unbound-0 of class csi-sc. */
  static VolumeListers listers() {
    List<PersistentVolumeClaim> claims = new ArrayList<>();
    List<PersistentVolume> pvs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      claims.add(pvc("default", "csi-ebs-" + i).prebound("pv-ebs-" + i).build());
      pvs.add(pv("pv-ebs-" + i).csi(EBS_CSI, "vol-ebs-" + i).build());
    }
    for (int i = 0; i < 2; i++) {
      claims.add(pvc("default", "gce-" + i).prebound("pv-gce-" + i).build());
      pvs.add(pv("pv-gce-" + i).csi(GCE_CSI, "vol-gce-" + i).build());
    }
    claims.add(pvc("default", "unbound-0").storageClass("csi-sc").build());
    claims.add(pvc("default", "missing-pv").prebound("pv-gone").storageClass("csi-sc").build());
    claims.add(pvc("default", "in-tree").storageClass("standard").build());
    claims.add(
        pvc("default", "beta-annotated")
            .storageClass("standard")
            .annotation(VolumeUtil.BETA_STORAGE_CLASS_ANNOTATION, "csi-sc")
            .build());
    claims.add(pvc("default", "no-class").build());
    claims.add(pvc("default", "unknown-class").storageClass("nope").build());
    claims.add(pvc("default", "in-tree-pv").prebound("pv-ebs-in-tree").build());
    pvs.add(pv("pv-ebs-in-tree").ebs("vol-in-tree").build());
    claims.add(pvc("default", "csi-no-driver").prebound("pv-no-driver").build());
    pvs.add(pv("pv-no-driver").csi("", "vol-x").build());
    claims.add(pvc("default", "csi-no-handle").prebound("pv-no-handle").build());
    pvs.add(pv("pv-no-handle").csi(EBS_CSI, "").build());
    claims.add(pvc("default", "csi-null-driver").prebound("pv-null-driver").build());
    pvs.add(pv("pv-null-driver").csi(null, null).build());
    claims.add(pvc("default", "no-volume-name").prebound("").storageClass("csi-sc").build());
    claims.add(pvc("default", "no-provisioner").storageClass("manual").build());
    claims.add(pvc("default", "null-provisioner").storageClass("unset").build());
    PersistentVolumeClaim noSpec = pvc("default", "no-spec").build();
    noSpec.setSpec(null);
    claims.add(noSpec);
    claims.add(pvc("default", "spec-less-pv").prebound("pv-no-spec").build());
    PersistentVolume specLess = pv("pv-no-spec").build();
    specLess.setSpec(null);
    pvs.add(specLess);
    return VolumeListers.of(
        claims,
        pvs,
        List.of(
            storageClass("csi-sc").provisioner(EBS_CSI).build(),
            storageClass("standard").provisioner("kubernetes.io/aws-ebs").build(),
            storageClass("manual").provisioner("").build(),
            storageClass("unset").build()));
  }

  static Pod claims(String name, String... claimNames) {
    var f = pod(name);
    for (String c : claimNames) {
      f.pvcVolume("v-" + c, c);
    }
    return f.build();
  }

  static Node limited(int ebs) {
    return node("m")
        .scalar(CsiMaxVolumeLimitPredicate.getCsiAttachLimitKey(EBS_CSI), String.valueOf(ebs))
        .build();
  }

  static boolean csiFits(Node n, Pod p, Pod... existing) {
    PredicateResult r =
        new CsiMaxVolumeLimitPredicate(listers()).check(p, null, nodeInfo(n, existing));
    if (!r.fits()) {
      assertThat(reasons(r)).containsExactly("node(s) exceed max volume count");
    }
    return r.fits();
  }

  @Test
  void csiVolumesUpToTheLimitFit() {
    assertThat(
            csiFits(
                limited(4),
                claims("p", "csi-ebs-0", "csi-ebs-1"),
                claims("e", "csi-ebs-2", "csi-ebs-3")))
        .isTrue();
    assertThat(
            csiFits(
                limited(3),
                claims("p", "csi-ebs-0", "csi-ebs-1"),
                claims("e", "csi-ebs-2", "csi-ebs-3")))
        .isFalse();
  }

  @Test
  void aVolumeAlreadyAttachedIsCountedOnce() {
    assertThat(
            csiFits(
                limited(2),
                claims("p", "csi-ebs-0", "csi-ebs-1"),
                claims("e", "csi-ebs-0", "csi-ebs-1")))
        .isTrue();
  }

  @Test
  void limitsArePerDriver() {
    Node n = limited(2);
    assertThat(csiFits(n, claims("p", "gce-0", "gce-1"), claims("e", "csi-ebs-0", "csi-ebs-1")))
        .as("no gce limit")
        .isTrue();
    assertThat(csiFits(n, claims("p", "csi-ebs-2"), claims("e", "csi-ebs-0", "csi-ebs-1", "gce-0")))
        .isFalse();
  }

  @Test
  void unboundClaimsCountByTheirStorageClassProvisioner() {
    assertThat(csiFits(limited(2), claims("p", "unbound-0"), claims("e", "csi-ebs-0", "csi-ebs-1")))
        .isFalse();
    assertThat(
            csiFits(limited(3), claims("p", "unbound-0", "missing-pv"), claims("e", "csi-ebs-0")))
        .isTrue();
    assertThat(
            csiFits(limited(2), claims("p", "missing-pv"), claims("e", "csi-ebs-0", "csi-ebs-1")))
        .isFalse();
  }

  @Test
  void inTreeAndUnknownClaimsAreNotCounted() {
    assertThat(csiFits(limited(0), claims("p", "in-tree", "no-such-claim"))).isTrue();
  }

  @Test
  void aLimitOfZeroMeansNoCsiVolumesAtAll() {
    assertThat(csiFits(limited(0), claims("p", "csi-ebs-0"))).isFalse();
    assertThat(csiFits(limited(0), pod("p").emptyDirVolume("scratch").build()))
        .as("no claims")
        .isTrue();
  }

  @Test
  void aNodeWithoutLimitsTakesAnything() {
    assertThat(csiFits(node("m").build(), claims("p", "csi-ebs-0", "csi-ebs-1", "csi-ebs-2")))
        .isTrue();
  }

  @Test
  void aClaimWithoutANameIsRejectedNamingTheField() {
    Pod p = claims("p", "");
    assertThatThrownBy(
            () -> new CsiMaxVolumeLimitPredicate(listers()).check(p, null, nodeInfo(limited(1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Pod default/p: spec.volumes[0].persistentVolumeClaim.claimName");
  }

  @Test
  void longDriverNamesAreHashedIntoTheLimitKey() {
    assertThat(CsiMaxVolumeLimitPredicate.getCsiAttachLimitKey("com.amazon.ebs"))
        .isEqualTo("attachable-volumes-csi-com.amazon.ebs");
    // Upstream's TestGetCSIAttachLimitKey: 23 characters of the name, then 16 hex digits of its
    // SHA-1 (from sha1sum: 87aab31eac74422c2dbf3907b5f02253e9ea8e48).
    String longName = "com.amazon.kubernetes.eks.ec2.ebs/csi-driver";
    assertThat(CsiMaxVolumeLimitPredicate.getCsiAttachLimitKey(longName))
        .isEqualTo("attachable-volumes-csi-com.amazon.kubernetes.e87aab31eac74422c");
  }

  @Test
  void aNameThatWouldMakeExactlySixtyThreeCharactersIsHashedToo() {
    String forty = "d".repeat(40);
    assertThat(CsiMaxVolumeLimitPredicate.getCsiAttachLimitKey(forty))
        .hasSize(62)
        .startsWith("attachable-volumes-csi-" + "d".repeat(23));
    assertThat(CsiMaxVolumeLimitPredicate.getCsiAttachLimitKey("d".repeat(39)))
        .isEqualTo("attachable-volumes-csi-" + "d".repeat(39));
  }

  @Test
  void anExistingPodWithoutVolumesAttachesNothing() {
    Pod none = pod("none").build();
    none.getSpec().setVolumes(null);
    assertThat(csiFits(limited(1), claims("p", "csi-ebs-0"), none)).isTrue();
    assertThat(csiFits(limited(1), claims("p", "csi-ebs-0"), none, claims("e", "csi-ebs-1")))
        .isFalse();
  }

  @Test
  void theBetaStorageClassAnnotationWinsOverTheField() {
    // "beta-annotated" names class "standard" (in-tree, not counted) in its field and "csi-sc" in
    // the annotation: the annotation decides, so it counts against the EBS CSI limit.
    assertThat(csiFits(limited(1), claims("p", "beta-annotated"), claims("e", "csi-ebs-0")))
        .isFalse();
    assertThat(csiFits(limited(1), claims("p", "in-tree"), claims("e", "csi-ebs-0"))).isTrue();
  }

  @Test
  void claimsWithoutAUsableClassOrWithAnInTreeVolumeAreNotCounted() {
    assertThat(csiFits(limited(0), claims("p", "no-class", "unknown-class", "in-tree-pv")))
        .isTrue();
  }

  @Test
  void aCsiVolumeNeedsADriverAndAHandleAndAClassAProvisionerToBeCounted() {
    assertThat(
            csiFits(
                limited(0),
                claims(
                    "p",
                    "csi-no-driver",
                    "csi-no-handle",
                    "csi-null-driver",
                    "no-provisioner",
                    "null-provisioner")))
        .isTrue();
    assertThat(csiFits(limited(0), claims("p", "no-spec", "spec-less-pv")))
        .as("a claim or a volume without spec names no CSI volume")
        .isTrue();
    assertThat(csiFits(limited(0), claims("p", "no-volume-name")))
        .as("an empty volume name is no volume: counted by its class")
        .isFalse();
  }
}
