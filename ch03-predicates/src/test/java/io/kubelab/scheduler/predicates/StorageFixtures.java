package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.AWSElasticBlockStoreVolumeSource;
import io.fabric8.kubernetes.api.model.CSIPersistentVolumeSource;
import io.fabric8.kubernetes.api.model.GCEPersistentDiskVolumeSource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TopologySelectorLabelRequirement;
import io.fabric8.kubernetes.api.model.TopologySelectorTerm;
import io.fabric8.kubernetes.api.model.VolumeNodeAffinity;
import io.fabric8.kubernetes.api.model.VolumeResourceRequirements;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Storage objects for this module's tests, in the shape of upstream's {@code makeTestPVC}, {@code
 * makeTestPV} and storage-class literals ({@code scheduler_binder_test.go}, {@code
 * predicates_test.go}, v1.17).
 */
final class StorageFixtures {

  private StorageFixtures() {}

  static ClaimFixture pvc(String namespace, String name) {
    return new ClaimFixture(namespace, name);
  }

  static VolumeFixture pv(String name) {
    return new VolumeFixture(name);
  }

  static ClassFixture storageClass(String name) {
    return new ClassFixture(name);
  }

  /** A claim under construction. */
  static final class ClaimFixture {
    private final ObjectMeta meta = new ObjectMeta();
    private final PersistentVolumeClaimSpec spec = new PersistentVolumeClaimSpec();

    ClaimFixture(String namespace, String name) {
      meta.setName(name);
      meta.setNamespace(namespace);
      meta.setUid("pvc-uid");
      meta.setAnnotations(new LinkedHashMap<>());
    }

    /** {@code spec.storageClassName}; null leaves it unset. */
    ClaimFixture storageClass(String name) {
      spec.setStorageClassName(name);
      return this;
    }

    ClaimFixture annotation(String key, String value) {
      meta.getAnnotations().put(key, value);
      return this;
    }

    ClaimFixture request(String size) {
      spec.setResources(
          new VolumeResourceRequirements(null, Map.of("storage", new Quantity(size))));
      return this;
    }

    /** Pre-bound: the claim names its volume, the PV controller has not finished. */
    ClaimFixture prebound(String pvName) {
      spec.setVolumeName(pvName);
      return this;
    }

    /** Bound: the volume name and {@code pv.kubernetes.io/bind-completed}. */
    ClaimFixture bound(String pvName) {
      spec.setVolumeName(pvName);
      return annotation(SchedulerVolumeBinder.ANN_BIND_COMPLETED, "yes");
    }

    ClaimFixture selectedNode(String node) {
      return annotation(SchedulerVolumeBinder.ANN_SELECTED_NODE, node);
    }

    ClaimFixture accessModes(String... modes) {
      spec.setAccessModes(new ArrayList<>(List.of(modes)));
      return this;
    }

    ClaimFixture volumeMode(String mode) {
      spec.setVolumeMode(mode);
      return this;
    }

    ClaimFixture selector(LabelSelector selector) {
      spec.setSelector(selector);
      return this;
    }

    PersistentVolumeClaim build() {
      PersistentVolumeClaim c = new PersistentVolumeClaim();
      c.setMetadata(meta);
      c.setSpec(spec);
      return c;
    }
  }

  /** A persistent volume under construction; {@code Available} unless said otherwise. */
  static final class VolumeFixture {
    private final ObjectMeta meta = new ObjectMeta();
    private final PersistentVolumeSpec spec = new PersistentVolumeSpec();
    private final PersistentVolumeStatus status = new PersistentVolumeStatus();

    VolumeFixture(String name) {
      meta.setName(name);
      meta.setLabels(new LinkedHashMap<>());
      meta.setAnnotations(new LinkedHashMap<>());
      status.setPhase("Available");
    }

    VolumeFixture capacity(String size) {
      spec.setCapacity(Map.of("storage", new Quantity(size)));
      return this;
    }

    VolumeFixture storageClass(String name) {
      spec.setStorageClassName(name);
      return this;
    }

    VolumeFixture annotation(String key, String value) {
      meta.getAnnotations().put(key, value);
      return this;
    }

    VolumeFixture label(String key, String value) {
      meta.getLabels().put(key, value);
      return this;
    }

    /** {@code spec.nodeAffinity.required}: {@code key In (values)}, one term. */
    VolumeFixture nodeAffinity(String key, String... values) {
      NodeSelectorRequirement r =
          new NodeSelectorRequirement(key, "In", new ArrayList<>(List.of(values)));
      NodeSelectorTerm t = new NodeSelectorTerm(new ArrayList<>(List.of(r)), null);
      spec.setNodeAffinity(new VolumeNodeAffinity(new NodeSelector(new ArrayList<>(List.of(t)))));
      return this;
    }

    /** {@code spec.claimRef} to the claim, with its UID. */
    VolumeFixture claimRef(PersistentVolumeClaim claim) {
      ObjectReference ref = new ObjectReference();
      ref.setKind("PersistentVolumeClaim");
      ref.setName(claim.getMetadata().getName());
      ref.setNamespace(claim.getMetadata().getNamespace());
      ref.setUid(claim.getMetadata().getUid());
      spec.setClaimRef(ref);
      return this;
    }

    VolumeFixture phase(String phase) {
      status.setPhase(phase);
      return this;
    }

    VolumeFixture accessModes(String... modes) {
      spec.setAccessModes(new ArrayList<>(List.of(modes)));
      return this;
    }

    VolumeFixture volumeMode(String mode) {
      spec.setVolumeMode(mode);
      return this;
    }

    VolumeFixture deleting() {
      meta.setDeletionTimestamp("2020-01-01T00:00:00Z");
      return this;
    }

    VolumeFixture ebs(String volumeId) {
      spec.setAwsElasticBlockStore(
          new AWSElasticBlockStoreVolumeSource("ext4", 0, false, volumeId));
      return this;
    }

    VolumeFixture gcePd(String pdName) {
      spec.setGcePersistentDisk(new GCEPersistentDiskVolumeSource("ext4", 0, pdName, false));
      return this;
    }

    VolumeFixture csi(String driver, String handle) {
      CSIPersistentVolumeSource csi = new CSIPersistentVolumeSource();
      csi.setDriver(driver);
      csi.setVolumeHandle(handle);
      spec.setCsi(csi);
      return this;
    }

    PersistentVolume build() {
      PersistentVolume pv = new PersistentVolume();
      pv.setMetadata(meta);
      pv.setSpec(spec);
      pv.setStatus(status);
      return pv;
    }
  }

  /** A storage class under construction: no binding mode until one is set. */
  static final class ClassFixture {
    private final StorageClass sc = new StorageClass();

    ClassFixture(String name) {
      ObjectMeta meta = new ObjectMeta();
      meta.setName(name);
      sc.setMetadata(meta);
    }

    ClassFixture provisioner(String provisioner) {
      sc.setProvisioner(provisioner);
      return this;
    }

    ClassFixture waitForFirstConsumer() {
      sc.setVolumeBindingMode("WaitForFirstConsumer");
      return this;
    }

    ClassFixture immediate() {
      sc.setVolumeBindingMode("Immediate");
      return this;
    }

    /** One allowed-topology term: {@code key In (values)}. */
    ClassFixture allowedTopology(String key, String... values) {
      List<TopologySelectorTerm> terms =
          sc.getAllowedTopologies() == null
              ? new ArrayList<>()
              : new ArrayList<>(sc.getAllowedTopologies());
      terms.add(
          new TopologySelectorTerm(
              List.of(new TopologySelectorLabelRequirement(key, List.of(values)))));
      sc.setAllowedTopologies(terms);
      return this;
    }

    StorageClass build() {
      return sc;
    }
  }
}
