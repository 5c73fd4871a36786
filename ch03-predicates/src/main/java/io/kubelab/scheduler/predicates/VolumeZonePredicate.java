package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * {@code NoVolumeZoneConflict}: a pod whose bound volume lives in a zone (or region) can only run
 * on a node of that zone.
 *
 * <p>Upstream: {@code VolumeZoneChecker.predicate} in {@code
 * pkg/scheduler/algorithm/predicates/predicates.go} (v1.17). Only the beta labels count, {@value
 * #LABEL_ZONE_FAILURE_DOMAIN} and {@value #LABEL_ZONE_REGION}: a node without either takes any pod;
 * otherwise, for every PVC of the pod that is bound, each of these labels on the PV must list the
 * node's value (a PV label may list several zones, {@code a__b}). An unbound claim whose class
 * binds on first consumer is skipped, since CheckVolumeBinding will pick a volume that fits; any
 * other unbound or missing claim is an error, as is a missing volume.
 */
public final class VolumeZonePredicate implements FitPredicate {

  private static final Logger LOG = Logger.getLogger(VolumeZonePredicate.class.getName());

  /** {@code LabelZoneFailureDomain}. */
  public static final String LABEL_ZONE_FAILURE_DOMAIN = "failure-domain.beta.kubernetes.io/zone";

  /** {@code LabelZoneRegion}. */
  public static final String LABEL_ZONE_REGION = "failure-domain.beta.kubernetes.io/region";

  /** {@code VolumeBindingWaitForFirstConsumer}. */
  static final String WAIT_FOR_FIRST_CONSUMER = "WaitForFirstConsumer";

  private final VolumeListers listers;

  public VolumeZonePredicate(VolumeListers listers) {
    this.listers = listers;
  }

  @Override
  public PredicateResult check(Pod pod, PredicateMetadata meta, NodeInfo nodeInfo) {
    List<Volume> volumes = VolumeUtil.volumes(pod);
    if (volumes.isEmpty()) {
      return PredicateResult.FIT;
    }
    GeneralPredicates.requireNode(pod, nodeInfo, "NoVolumeZoneConflict");
    // Only claims are checked below: without one the answer is yes whatever the node's labels.
    // Upstream reads the labels first; the verdicts are the same.
    if (volumes.stream().allMatch(v -> v.getPersistentVolumeClaim() == null)) {
      return PredicateResult.FIT;
    }
    Node node = nodeInfo.node();
    Map<String, String> nodeConstraints = new HashMap<>();
    Map<String, String> nodeLabels = labels(node.getMetadata().getLabels());
    for (String k : List.of(LABEL_ZONE_FAILURE_DOMAIN, LABEL_ZONE_REGION)) {
      if (nodeLabels.containsKey(k)) {
        nodeConstraints.put(k, nodeLabels.get(k));
      }
    }
    if (nodeConstraints.isEmpty()) {
      // In practice every node of a zoned cluster carries zone labels; this is the fast path.
      return PredicateResult.FIT;
    }
    String namespace = AffinityTerms.namespace(pod);
    for (int i = 0; i < volumes.size(); i++) {
      Volume volume = volumes.get(i);
      if (volume.getPersistentVolumeClaim() == null) {
        continue;
      }
      String pvcName = VolumeUtil.claimName(pod, i, volume);
      PersistentVolumeClaim pvc =
          listers
              .claims()
              .get(namespace, pvcName)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "persistentvolumeclaim \"" + pvcName + "\" not found"));
      String pvName = pvc.getSpec() == null ? null : pvc.getSpec().getVolumeName();
      if (pvName == null || pvName.isEmpty()) {
        String scName = VolumeUtil.persistentVolumeClaimClass(pvc);
        if (!scName.isEmpty()) {
          StorageClass sc = listers.classes().get(scName).orElse(null);
          if (sc != null) {
            if (sc.getVolumeBindingMode() == null) {
              throw new IllegalStateException(
                  "VolumeBindingMode not set for StorageClass \"" + scName + "\"");
            }
            if (WAIT_FOR_FIRST_CONSUMER.equals(sc.getVolumeBindingMode())) {
              continue;
            }
          }
        }
        // Upstream's words, although the claim exists: it is unbound and will not bind late.
        throw new IllegalStateException("PersistentVolumeClaim was not found: \"" + pvcName + "\"");
      }
      PersistentVolume pv =
          listers
              .volumes()
              .get(pvName)
              .orElseThrow(
                  () -> new IllegalStateException("persistentvolume \"" + pvName + "\" not found"));
      for (Map.Entry<String, String> label : labels(pv.getMetadata().getLabels()).entrySet()) {
        String k = label.getKey();
        if (!k.equals(LABEL_ZONE_FAILURE_DOMAIN) && !k.equals(LABEL_ZONE_REGION)) {
          continue;
        }
        String nodeValue = nodeConstraints.getOrDefault(k, "");
        Set<String> volumeZones = VolumeUtil.labelZonesToSet(label.getValue());
        if (volumeZones == null) {
          LOG.warning(
              () ->
                  "Failed to parse label for \""
                      + k
                      + "\": \""
                      + label.getValue()
                      + "\". Ignoring the label.");
          continue;
        }
        if (!volumeZones.contains(nodeValue)) {
          return PredicateResult.fail(PredicateErrors.ERR_VOLUME_ZONE_CONFLICT);
        }
      }
    }
    return PredicateResult.FIT;
  }

  private static Map<String, String> labels(Map<String, String> l) {
    return l == null ? Map.of() : l;
  }
}
