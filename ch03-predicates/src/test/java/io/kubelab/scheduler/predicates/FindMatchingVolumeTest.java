package io.kubelab.scheduler.predicates;

import static io.kubelab.scheduler.predicates.StorageFixtures.pv;
import static io.kubelab.scheduler.predicates.StorageFixtures.pvc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which available volume a claim of a pod would take on a node, and the checks behind it, as
 * upstream's {@code FindMatchingVolume}, {@code IsVolumeBoundToClaim}, {@code
 * CheckVolumeModeMismatches} and {@code CheckAccessModes} decide ({@code
 * pkg/controller/volume/persistentvolume/util/util.go}, v1.17); the tables follow {@code
 * TestVolumeModeCheck} and {@code TestCheckAccessModes} of its {@code index_test.go}.
 */
class FindMatchingVolumeTest {

  static final String HOST = "kubernetes.io/hostname";
  static final Map<String, String> NODE_1 = Map.of(HOST, "node1");

  static StorageFixtures.ClaimFixture claim(String size) {
    return pvc("ns", "data").request(size).storageClass("fast");
  }

  static StorageFixtures.VolumeFixture volume(String name, String size) {
    return pv(name).capacity(size).storageClass("fast");
  }

  static String match(PersistentVolumeClaim c, PersistentVolume... volumes) {
    PersistentVolume v =
        SchedulerVolumeBinder.findMatchingVolume(c, List.of(volumes), NODE_1, Set.of());
    return v == null ? null : v.getMetadata().getName();
  }

  @Test
  void theSmallestVolumeThatIsLargeEnoughWins() {
    PersistentVolumeClaim c = claim("1G").build();
    assertThat(
            match(
                c,
                volume("small", "500M").build(),
                volume("large", "5G").build(),
                volume("fits", "2G").build(),
                volume("larger", "3G").build()))
        .isEqualTo("fits");
    assertThat(match(c, volume("exact", "1G").build(), volume("more", "2G").build()))
        .as("exactly the requested size is enough")
        .isEqualTo("exact");
    assertThat(match(c, volume("first", "2G").build(), volume("second", "2G").build()))
        .as("of equal sizes the first one seen")
        .isEqualTo("first");
    assertThat(match(c, volume("small", "999M").build())).isNull();
  }

  @Test
  void unusableVolumesAreSkipped() {
    PersistentVolumeClaim c = claim("1G").accessModes("ReadWriteOnce").build();
    PersistentVolume good = volume("good", "9G").accessModes("ReadWriteOnce").build();
    PersistentVolumeClaim other = pvc("ns", "other").build();
    List<PersistentVolume> unusable =
        List.of(
            volume("block", "1G").accessModes("ReadWriteOnce").volumeMode("Block").build(),
            volume("deleting", "1G").accessModes("ReadWriteOnce").deleting().build(),
            volume("released", "1G").accessModes("ReadWriteOnce").phase("Released").build(),
            volume("taken", "1G").accessModes("ReadWriteOnce").claimRef(other).build(),
            volume("slow", "1G").accessModes("ReadWriteOnce").storageClass("slow").build(),
            volume("elsewhere", "1G")
                .accessModes("ReadWriteOnce")
                .nodeAffinity(HOST, "node2")
                .build(),
            volume("read-only", "1G").accessModes("ReadOnlyMany").build(),
            volume("no-modes", "1G").build());
    for (PersistentVolume v : unusable) {
      assertThat(match(c, v, good)).as(v.getMetadata().getName()).isEqualTo("good");
    }
    assertThat(
            SchedulerVolumeBinder.findMatchingVolume(
                c,
                List.of(volume("excluded", "1G").accessModes("ReadWriteOnce").build(), good),
                NODE_1,
                Set.of("excluded")))
        .isSameAs(good);
    assertThat(
            match(
                c,
                volume("here", "1G")
                    .accessModes("ReadWriteOnce")
                    .nodeAffinity(HOST, "node1")
                    .build()))
        .isEqualTo("here");
  }

  @Test
  void aClaimSelectorPicksByTheVolumesLabels() {
    LabelSelector ssd = new LabelSelector(null, Map.of("disk", "ssd"));
    PersistentVolumeClaim c = claim("1G").selector(ssd).build();
    assertThat(
            match(
                c,
                volume("hdd", "1G").label("disk", "hdd").build(),
                volume("unlabelled", "1G").build(),
                volume("ssd", "8G").label("disk", "ssd").build()))
        .isEqualTo("ssd");

    LabelSelector broken =
        new LabelSelector(
            new ArrayList<>(List.of(new LabelSelectorRequirement("disk", "Near", List.of("x")))),
            null);
    PersistentVolumeClaim bad = claim("1G").selector(broken).build();
    assertThatThrownBy(() -> match(bad, volume("any", "1G").build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("error creating internal label selector for claim: ns/data: ");
  }

  @Test
  void aVolumeMadeForTheClaimIsTakenWhateverElseItIs() {
    PersistentVolumeClaim c = claim("1G").build();
    // Pre-bound to this claim: its phase, class and size rank do not matter.
    PersistentVolume mine =
        volume("mine", "10G").claimRef(c).phase("Bound").storageClass("other").build();
    assertThat(match(c, volume("smaller", "1G").build(), mine)).isEqualTo("mine");
    // Too small for the claim: upstream goes on looking.
    PersistentVolume tooSmall = volume("too-small", "500M").claimRef(c).build();
    assertThat(match(c, tooSmall, volume("other", "1G").build())).isEqualTo("other");
    // Made for the claim but not usable on this node: no other volume will do.
    PersistentVolume elsewhere =
        volume("elsewhere", "1G").claimRef(c).nodeAffinity(HOST, "node2").build();
    assertThat(match(c, elsewhere, volume("other", "1G").build())).isNull();
    assertThat(match(c, volume("other", "1G").build(), elsewhere)).isNull();
  }

  @Test
  void aVolumeIsBoundToAClaimItsClaimRefNames() {
    PersistentVolumeClaim c = pvc("ns", "data").build(); // UID pvc-uid
    assertThat(SchedulerVolumeBinder.isVolumeBoundToClaim(pv("v").build(), c)).isFalse();
    assertThat(SchedulerVolumeBinder.isVolumeBoundToClaim(pv("v").claimRef(c).build(), c)).isTrue();
    assertThat(bound(c, "data", "ns", null)).as("no UID in the reference").isTrue();
    assertThat(bound(c, "data", "ns", "")).as("an empty UID").isTrue();
    assertThat(bound(c, "data", "ns", "other-uid")).as("another claim of that name").isFalse();
    assertThat(bound(c, "other", "ns", null)).isFalse();
    assertThat(bound(c, "data", "other-ns", null)).isFalse();
    assertThat(bound(c, "data", null, null)).as("the empty namespace").isFalse();
    PersistentVolumeClaim noNamespace = pvc(null, "data").build();
    assertThat(bound(noNamespace, "data", null, null)).isTrue();
    assertThat(bound(noNamespace, "data", "", null)).isTrue();
  }

  static boolean bound(PersistentVolumeClaim c, String name, String namespace, String uid) {
    PersistentVolume v = pv("v").claimRef(c).build();
    v.getSpec().getClaimRef().setName(name);
    v.getSpec().getClaimRef().setNamespace(namespace);
    v.getSpec().getClaimRef().setUid(uid);
    return SchedulerVolumeBinder.isVolumeBoundToClaim(v, c);
  }

  /** {@code TestVolumeModeCheck}: an unset mode is Filesystem on both sides. */
  @ParameterizedTest(name = "pvc {0} and pv {1}: mismatch {2}")
  @CsvSource({
    "Block, Filesystem, true",
    "Filesystem, Block, true",
    "Block, Block, false",
    "Filesystem, Filesystem, false",
    "Filesystem, , false",
    ", Filesystem, false",
    ", , false",
    ", Block, true",
    "Block, , true",
  })
  void volumeModesMustAgree(String claimMode, String volumeMode, boolean mismatch) {
    PersistentVolumeClaim c = claim("8G").volumeMode(claimMode).build();
    PersistentVolume v = volume("v", "8G").volumeMode(volumeMode).build();
    assertThat(SchedulerVolumeBinder.volumeModeMismatches(c, v)).isEqualTo(mismatch);
  }

  /** {@code TestCheckAccessModes}, against a volume offering ReadWriteOnce and ReadWriteMany. */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "ReadWriteMany, true",
    "ReadWriteMany ReadWriteOnce, true",
    "ReadOnlyMany, false",
    "ReadWriteMany ReadOnlyMany, false",
  })
  void theVolumeMustOfferEveryAccessModeTheClaimAsksFor(String modes, boolean ok) {
    PersistentVolume v = volume("v", "1G").accessModes("ReadWriteOnce", "ReadWriteMany").build();
    PersistentVolumeClaim c = claim("1G").accessModes(modes.split(" ")).build();
    assertThat(SchedulerVolumeBinder.checkAccessModes(c, v)).isEqualTo(ok);
  }

  @Test
  void aClaimWithoutAccessModesTakesAnyVolume() {
    PersistentVolume none = volume("v", "1G").build();
    none.getSpec().setAccessModes(null);
    assertThat(SchedulerVolumeBinder.checkAccessModes(claim("1G").build(), none)).isTrue();
    PersistentVolumeClaim empty = claim("1G").accessModes().build();
    assertThat(SchedulerVolumeBinder.checkAccessModes(empty, none)).isTrue();
    PersistentVolumeClaim rwo = claim("1G").accessModes("ReadWriteOnce").build();
    assertThat(SchedulerVolumeBinder.checkAccessModes(rwo, none)).isFalse();
  }
}
