package io.kubelab.scheduler.predicates;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static io.kubelab.scheduler.predicates.TestSupport.nodeInfo;
import static io.kubelab.scheduler.predicates.TestSupport.reasons;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.AWSElasticBlockStoreVolumeSource;
import io.fabric8.kubernetes.api.model.CSIPersistentVolumeSource;
import io.fabric8.kubernetes.api.model.ISCSIVolumeSource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.RBDVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.kubelab.scheduler.algorithm.PredicateResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    assertThat(
            noConflict(
                rbd("r", List.of("a"), "foo", "bar", true),
                rbd("s", List.of("a"), "foo", "bar", true)))
        .as("both read-only")
        .isTrue();
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
    assertThat(noConflict(iscsi("a", "iqn.x", true), iscsi("b", "iqn.x", true))).isTrue();
  }

  // ---- MaxCSIVolumeCountPred

  static final String EBS_CSI = "ebs.csi.aws.com";
  static final String GCE_CSI = "pd.csi.storage.gke.io";

  static PersistentVolumeClaim pvc(String name, String volumeName, String storageClass) {
    PersistentVolumeClaim c = new PersistentVolumeClaim();
    ObjectMeta m = new ObjectMeta();
    m.setName(name);
    m.setNamespace("default");
    c.setMetadata(m);
    PersistentVolumeClaimSpec s = new PersistentVolumeClaimSpec();
    s.setVolumeName(volumeName);
    s.setStorageClassName(storageClass);
    c.setSpec(s);
    return c;
  }

  static PersistentVolume csiPv(String name, String driver, String handle) {
    PersistentVolume pv = new PersistentVolume();
    ObjectMeta m = new ObjectMeta();
    m.setName(name);
    pv.setMetadata(m);
    PersistentVolumeSpec s = new PersistentVolumeSpec();
    CSIPersistentVolumeSource csi = new CSIPersistentVolumeSource();
    csi.setDriver(driver);
    csi.setVolumeHandle(handle);
    s.setCsi(csi);
    pv.setSpec(s);
    return pv;
  }

  /** Claims csi-ebs-0..9 bound to EBS CSI volumes, gce-0..1 to GCE, unbound-0 of class csi-sc. */
  static VolumeListers listers() {
    Map<String, PersistentVolumeClaim> claims = new HashMap<>();
    Map<String, PersistentVolume> pvs = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      claims.put("default/csi-ebs-" + i, pvc("csi-ebs-" + i, "pv-ebs-" + i, null));
      pvs.put("pv-ebs-" + i, csiPv("pv-ebs-" + i, EBS_CSI, "vol-ebs-" + i));
    }
    for (int i = 0; i < 2; i++) {
      claims.put("default/gce-" + i, pvc("gce-" + i, "pv-gce-" + i, null));
      pvs.put("pv-gce-" + i, csiPv("pv-gce-" + i, GCE_CSI, "vol-gce-" + i));
    }
    claims.put("default/unbound-0", pvc("unbound-0", null, "csi-sc"));
    claims.put("default/missing-pv", pvc("missing-pv", "pv-gone", "csi-sc"));
    claims.put("default/in-tree", pvc("in-tree", null, "standard"));
    return VolumeListers.of(
        claims, pvs, Map.of("csi-sc", EBS_CSI, "standard", "kubernetes.io/aws-ebs"));
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
    assertThat(CsiMaxVolumeLimitPredicate.getCsiAttachLimitKey("ebs.csi.aws.com"))
        .isEqualTo("attachable-volumes-csi-ebs.csi.aws.com");
    String longName = "a".repeat(50);
    String key = CsiMaxVolumeLimitPredicate.getCsiAttachLimitKey(longName);
    assertThat(key).hasSize(63).startsWith("attachable-volumes-csi-");
    // sha1 of fifty "a"s (from sha1sum): all 40 hex characters fill the remaining room.
    assertThat(key).isEqualTo("attachable-volumes-csi-6c177354157989a2c6cd7bac80465b13bea25832");
  }
}
