package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TopologySelectorLabelRequirement;
import io.fabric8.kubernetes.api.model.TopologySelectorTerm;
import io.fabric8.kubernetes.api.model.Volume;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.NodeSelectors;
import io.kubelab.apimachinery.resource.PodRequests;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Small helpers about storage objects that several volume predicates share.
 *
 * <p>Upstream: {@code GetPersistentVolumeClaimClass}, {@code GetPersistentVolumeClass} and {@code
 * MatchTopologySelectorTerms} in {@code pkg/apis/core/v1/helper/helpers.go}, {@code
 * CheckNodeAffinity} in {@code pkg/volume/util/util.go}, {@code LabelZonesToSet} in {@code
 * k8s.io/cloud-provider/volume/helpers/zones.go} (v1.17).
 */
final class VolumeUtil {

  private VolumeUtil() {}

  /** The storage-class annotation that predates {@code spec.storageClassName} and wins over it. */
  static final String BETA_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";

  /**
   * A zone label value may list several zones, joined by this ({@code LabelMultiZoneDelimiter}).
   */
  static final String LABEL_MULTI_ZONE_DELIMITER = "__";

  /** {@code GetPersistentVolumeClaimClass}: the beta annotation, else the field, else "". */
  static String persistentVolumeClaimClass(PersistentVolumeClaim pvc) {
    String fromAnnotation = betaClass(pvc.getMetadata());
    if (fromAnnotation != null) {
      return fromAnnotation;
    }
    String sc = pvc.getSpec() == null ? null : pvc.getSpec().getStorageClassName();
    return sc == null ? "" : sc;
  }

  /** {@code GetPersistentVolumeClass}: the same rule for a volume. */
  static String persistentVolumeClass(PersistentVolume pv) {
    String fromAnnotation = betaClass(pv.getMetadata());
    if (fromAnnotation != null) {
      return fromAnnotation;
    }
    String sc = pv.getSpec() == null ? null : pv.getSpec().getStorageClassName();
    return sc == null ? "" : sc;
  }

  private static String betaClass(ObjectMeta meta) {
    Map<String, String> ann = meta == null ? null : meta.getAnnotations();
    return ann == null ? null : ann.get(BETA_STORAGE_CLASS_ANNOTATION);
  }

  /**
   * {@code CheckNodeAffinity}: a volume without {@code spec.nodeAffinity.required} may be used
   * anywhere; otherwise one of its terms must match the node's labels. Upstream passes no node
   * fields, so a {@code matchFields} term sees an empty {@code metadata.name}.
   */
  static boolean checkNodeAffinity(PersistentVolume pv, Map<String, String> nodeLabels) {
    if (pv.getSpec() == null || pv.getSpec().getNodeAffinity() == null) {
      return true;
    }
    NodeSelector required = pv.getSpec().getNodeAffinity().getRequired();
    if (required == null) {
      return true;
    }
    List<NodeSelectorTerm> terms = required.getNodeSelectorTerms();
    if (terms == null) {
      return false;
    }
    for (NodeSelectorTerm t : terms) {
      if (NodeSelectors.matchesTerm(t, nodeLabels, "")) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code MatchTopologySelectorTerms}: no terms match every node; otherwise some term whose {@code
   * key In values} requirements all hold. A term without requirements, or with a requirement that
   * is not well formed, matches nothing.
   */
  static boolean matchTopologySelectorTerms(
      List<TopologySelectorTerm> terms, Map<String, String> nodeLabels) {
    if (terms == null || terms.isEmpty()) {
      return true;
    }
    for (TopologySelectorTerm term : terms) {
      List<TopologySelectorLabelRequirement> reqs = term.getMatchLabelExpressions();
      if (reqs == null || reqs.isEmpty()) {
        continue;
      }
      List<LabelSelectorRequirement> exprs = new ArrayList<>(reqs.size());
      for (TopologySelectorLabelRequirement r : reqs) {
        exprs.add(new LabelSelectorRequirement(r.getKey(), "In", r.getValues()));
      }
      try {
        if (LabelSelectors.compile(new LabelSelector(exprs, null), "allowedTopologies")
            .matches(nodeLabels)) {
          return true;
        }
      } catch (LabelSelectors.InvalidSelectorException e) {
        // Upstream skips a term it cannot turn into a selector.
      }
    }
    return false;
  }

  /**
   * {@code LabelZonesToSet}: {@code "zone-a__zone-b"} is the set of both; surrounding blanks are
   * trimmed.
   *
   * @return null when an element is empty (upstream's error, which the caller logs and skips)
   */
  static Set<String> labelZonesToSet(String value) {
    Set<String> zones = new LinkedHashSet<>();
    // Go's strings.Split keeps trailing empty elements, so split with a negative limit.
    for (String z : value.split(LABEL_MULTI_ZONE_DELIMITER, -1)) {
      String trimmed = z.strip();
      if (trimmed.isEmpty()) {
        return null;
      }
      zones.add(trimmed);
    }
    return zones;
  }

  /**
   * The claim name of a PVC volume; upstream's "PersistentVolumeClaim had no name" error for an
   * empty one, naming the pod and field.
   */
  static String claimName(Pod pod, int index, Volume vol) {
    String name = vol.getPersistentVolumeClaim().getClaimName();
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(
          PodRequests.describe(pod)
              + ": spec.volumes["
              + index
              + "].persistentVolumeClaim.claimName: PersistentVolumeClaim had no name");
    }
    return name;
  }

  /** The object's namespace; a missing one is the empty namespace, as in Go. */
  static String namespace(HasMetadata o) {
    String ns = o.getMetadata() == null ? null : o.getMetadata().getNamespace();
    return ns == null ? "" : ns;
  }

  /** The pod's volumes, never null. */
  static List<Volume> volumes(Pod pod) {
    List<Volume> v = pod.getSpec().getVolumes();
    return v == null ? List.of() : v;
  }
}
