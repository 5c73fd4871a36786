package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.Selector;
import io.kubelab.apimachinery.resource.Quantities;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The scheduler's half of volume binding: can every claim of a pod be satisfied on a given node?
 *
 * <p>Upstream: {@code volumeBinder.FindPodVolumes}, {@code getPodVolumes}, {@code isPVCBound},
 * {@code checkBoundClaims}, {@code findMatchingVolumes} and {@code checkVolumeProvisions} in {@code
 * pkg/controller/volume/scheduling/scheduler_binder.go}, with {@code FindMatchingVolume}, {@code
 * IsDelayBindingMode}, {@code CheckVolumeModeMismatches} and {@code CheckAccessModes} of {@code
 * pkg/controller/volume/persistentvolume/util/util.go} and {@code ListPVs} of the PV assume cache
 * (v1.17). The pod's claims fall into three groups:
 *
 * <ul>
 *   <li><b>bound</b> (a volume name and the {@value #ANN_BIND_COMPLETED} annotation): the volume's
 *       node affinity must admit the node, else {@code boundVolumesSatisfied} is false;
 *   <li><b>unbound with delayed binding</b> (class with {@code WaitForFirstConsumer}, no volume
 *       name): a claim the provisioner already works on for another node ({@value
 *       #ANN_SELECTED_NODE}) rules this node out; otherwise, smallest claims first, each takes the
 *       smallest available volume that fits it and the node; claims left over must be provisionable
 *       here (a provisioner, and the class's allowed topologies admit the node);
 *   <li><b>unbound with immediate binding</b>, or pre-bound to a volume but not yet bound: the PV
 *       controller should have bound them already, so the pod cannot be scheduled yet: an error.
 * </ul>
 *
 * <p>Where we differ: there is no assume cache (volumes the scheduler assumed for an earlier pod
 * but has not yet bound), no binding cache and no CSI translation; those serve the binding that
 * follows scheduling, which ch08 models. Volumes of equal size are tried in name order, where
 * upstream's order is that of a Go map.
 */
public final class SchedulerVolumeBinder {

  /** {@code AnnBindCompleted}: the PV controller finished binding the claim. */
  public static final String ANN_BIND_COMPLETED = "pv.kubernetes.io/bind-completed";

  /** {@code AnnSelectedNode}: the scheduler asked the provisioner for a volume on this node. */
  public static final String ANN_SELECTED_NODE = "volume.kubernetes.io/selected-node";

  /** {@code NotSupportedProvisioner}: a class whose volumes are only ever created by hand. */
  public static final String NOT_SUPPORTED_PROVISIONER = "kubernetes.io/no-provisioner";

  static final String VOLUME_AVAILABLE = "Available";
  static final String FILESYSTEM = "Filesystem";
  static final String STORAGE = "storage";

  /**
   * A claim and the volume chosen for it ({@code bindingInfo}).
   *
   * @param pvc the claim
   * @param pv the volume it would be bound to
   */
  public record Binding(PersistentVolumeClaim pvc, PersistentVolume pv) {}

  /**
   * What {@code FindPodVolumes} decided for one node.
   *
   * @param unboundVolumesSatisfied every unbound claim has a volume or can be provisioned
   * @param boundVolumesSatisfied every bound claim's volume may be used on the node
   * @param bindings the volumes chosen for unbound claims
   * @param provisions the claims a provisioner would create volumes for
   */
  public record PodVolumes(
      boolean unboundVolumesSatisfied,
      boolean boundVolumesSatisfied,
      List<Binding> bindings,
      List<PersistentVolumeClaim> provisions) {
    public PodVolumes {
      bindings = List.copyOf(bindings);
      provisions = List.copyOf(provisions);
    }
  }

  private final VolumeListers listers;

  public SchedulerVolumeBinder(VolumeListers listers) {
    this.listers = Objects.requireNonNull(listers, "listers");
  }

  /**
   * {@code FindPodVolumes}.
   *
   * @throws IllegalStateException with upstream's message when the pod cannot be judged yet: a
   *     claim or bound volume that does not exist, an immediate claim not bound, a storage class
   *     without binding mode, a class to provision with that is gone
   */
  public PodVolumes findPodVolumes(Pod pod, Node node) {
    List<PersistentVolumeClaim> boundClaims = new ArrayList<>();
    List<PersistentVolumeClaim> claimsToBind = new ArrayList<>();
    List<PersistentVolumeClaim> unboundClaimsImmediate = new ArrayList<>();
    getPodVolumes(pod, boundClaims, claimsToBind, unboundClaimsImmediate);
    if (!unboundClaimsImmediate.isEmpty()) {
      throw new IllegalStateException("pod has unbound immediate PersistentVolumeClaims");
    }
    Map<String, String> nodeLabels = labels(node);
    boolean boundVolumesSatisfied = true;
    if (!boundClaims.isEmpty()) {
      boundVolumesSatisfied = checkBoundClaims(boundClaims, nodeLabels);
    }
    boolean unboundVolumesSatisfied = true;
    List<Binding> bindings = List.of();
    List<PersistentVolumeClaim> provisions = List.of();
    if (!claimsToBind.isEmpty()) {
      List<PersistentVolumeClaim> claimsToFindMatching = new ArrayList<>();
      List<PersistentVolumeClaim> claimsToProvision = new ArrayList<>();
      for (PersistentVolumeClaim claim : claimsToBind) {
        String selectedNode = annotations(claim).get(ANN_SELECTED_NODE);
        if (selectedNode != null) {
          if (!selectedNode.equals(node.getMetadata().getName())) {
            // Being provisioned for another node: this one cannot have it.
            return new PodVolumes(false, boundVolumesSatisfied, List.of(), List.of());
          }
          claimsToProvision.add(claim);
        } else {
          claimsToFindMatching.add(claim);
        }
      }
      if (!claimsToFindMatching.isEmpty()) {
        // Upstream also takes findMatchingVolumes' "all matched" here; the claims left without a
        // volume go on to provisioning, whose answer then replaces it, so it is not kept.
        List<Binding> matched = new ArrayList<>();
        findMatchingVolumes(claimsToFindMatching, nodeLabels, matched, claimsToProvision);
        bindings = matched;
      }
      if (!claimsToProvision.isEmpty()) {
        List<PersistentVolumeClaim> provisioned = new ArrayList<>();
        unboundVolumesSatisfied = checkVolumeProvisions(claimsToProvision, nodeLabels, provisioned);
        provisions = provisioned;
      }
    }
    return new PodVolumes(unboundVolumesSatisfied, boundVolumesSatisfied, bindings, provisions);
  }

  /** {@code getPodVolumes}: the pod's claims sorted into bound, delayed and immediate. */
  private void getPodVolumes(
      Pod pod,
      List<PersistentVolumeClaim> bound,
      List<PersistentVolumeClaim> delayed,
      List<PersistentVolumeClaim> immediate) {
    String namespace = AffinityTerms.namespace(pod);
    List<Volume> volumes = VolumeUtil.volumes(pod);
    for (Volume vol : volumes) {
      if (vol.getPersistentVolumeClaim() == null) {
        continue;
      }
      String name = vol.getPersistentVolumeClaim().getClaimName();
      String key = namespace + "/" + name;
      PersistentVolumeClaim pvc =
          listers
              .claims()
              .get(namespace, name)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "error getting PVC \""
                              + key
                              + "\": could not find v1.PersistentVolumeClaim \""
                              + key
                              + "\""));
      if (isPvcFullyBound(pvc)) {
        bound.add(pvc);
      } else if (isDelayBindingMode(pvc) && volumeName(pvc).isEmpty()) {
        delayed.add(pvc);
      } else {
        // Immediate binding, or pre-bound to a volume: the PV controller binds these.
        immediate.add(pvc);
      }
    }
  }

  private static boolean isPvcFullyBound(PersistentVolumeClaim pvc) {
    return !volumeName(pvc).isEmpty() && annotations(pvc).containsKey(ANN_BIND_COMPLETED);
  }

  /** {@code IsDelayBindingMode}: the claim's class exists and says WaitForFirstConsumer. */
  private boolean isDelayBindingMode(PersistentVolumeClaim pvc) {
    String className = VolumeUtil.persistentVolumeClaimClass(pvc);
    if (className.isEmpty()) {
      return false;
    }
    StorageClass sc = listers.classes().get(className).orElse(null);
    if (sc == null) {
      return false;
    }
    if (sc.getVolumeBindingMode() == null) {
      throw new IllegalStateException(
          "VolumeBindingMode not set for StorageClass \"" + className + "\"");
    }
    return VolumeZonePredicate.WAIT_FOR_FIRST_CONSUMER.equals(sc.getVolumeBindingMode());
  }

  /** {@code checkBoundClaims}: each bound volume's node affinity admits the node. */
  private boolean checkBoundClaims(
      List<PersistentVolumeClaim> claims, Map<String, String> nodeLabels) {
    for (PersistentVolumeClaim pvc : claims) {
      String pvName = volumeName(pvc);
      PersistentVolume pv =
          listers
              .volumes()
              .get(pvName)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "could not find v1.PersistentVolume \"" + pvName + "\""));
      if (!VolumeUtil.checkNodeAffinity(pv, nodeLabels)) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code findMatchingVolumes}: smallest claims first, each takes the best volume left; the claims
   * without one go to {@code unmatched} for provisioning.
   */
  private void findMatchingVolumes(
      List<PersistentVolumeClaim> claims,
      Map<String, String> nodeLabels,
      List<Binding> bindings,
      List<PersistentVolumeClaim> unmatched) {
    List<PersistentVolumeClaim> bySize = new ArrayList<>(claims);
    // A stable sort, like sort.Sort on the few claims of one pod in practice.
    bySize.sort(Comparator.comparing(SchedulerVolumeBinder::requestedStorage));
    Set<String> chosen = new HashSet<>();
    for (PersistentVolumeClaim pvc : bySize) {
      String className = VolumeUtil.persistentVolumeClaimClass(pvc);
      PersistentVolume pv = findMatchingVolume(pvc, listPvs(className), nodeLabels, chosen);
      if (pv == null) {
        unmatched.add(pvc);
        continue;
      }
      chosen.add(pv.getMetadata().getName());
      bindings.add(new Binding(pvc, pv));
    }
  }

  /** {@code ListPVs}: the cache indexes volumes by {@code spec.storageClassName} alone. */
  private List<PersistentVolume> listPvs(String storageClassName) {
    return listers.volumes().listByStorageClass(storageClassName);
  }

  /**
   * {@code FindMatchingVolume} on the scheduler's path (a node is given, delayed binding): a volume
   * pre-bound to the claim wins if big enough (and rules the node out if its affinity does not
   * admit it); otherwise the smallest available, unclaimed, big-enough volume of the claim's class
   * and volume mode, matching its selector and access modes, whose affinity admits the node.
   */
  static PersistentVolume findMatchingVolume(
      PersistentVolumeClaim claim,
      List<PersistentVolume> volumes,
      Map<String, String> nodeLabels,
      Set<String> excluded) {
    BigDecimal requested = requestedStorage(claim);
    String requestedClass = VolumeUtil.persistentVolumeClaimClass(claim);
    Selector selector = null;
    if (claim.getSpec() != null && claim.getSpec().getSelector() != null) {
      String key = VolumeUtil.namespace(claim) + "/" + claim.getMetadata().getName();
      try {
        selector = LabelSelectors.compile(claim.getSpec().getSelector(), "");
      } catch (LabelSelectors.InvalidSelectorException e) {
        throw new IllegalStateException(
            "error creating internal label selector for claim: " + key + ": " + e.getMessage(), e);
      }
    }
    PersistentVolume smallest = null;
    BigDecimal smallestQty = null;
    for (PersistentVolume volume : volumes) {
      if (excluded.contains(volume.getMetadata().getName())) {
        continue;
      }
      if (volumeModeMismatches(claim, volume)) {
        continue;
      }
      if (volume.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      // Upstream evaluates the node affinity here, for every volume; its result only matters
      // below, so it is evaluated there (the same verdicts, without matching the node's labels
      // against each volume already bound elsewhere).
      if (isVolumeBoundToClaim(volume, claim)) {
        if (capacity(volume).compareTo(requested) < 0) {
          continue;
        }
        // The volume was made for this claim; if the node cannot use it, no other will do.
        return VolumeUtil.checkNodeAffinity(volume, nodeLabels) ? volume : null;
      }
      String phase = volume.getStatus() == null ? null : volume.getStatus().getPhase();
      if (!VOLUME_AVAILABLE.equals(phase)) {
        continue;
      }
      if (volume.getSpec().getClaimRef() != null) {
        continue;
      }
      if (selector != null && !selector.matches(labels(volume.getMetadata().getLabels()))) {
        continue;
      }
      if (!VolumeUtil.persistentVolumeClass(volume).equals(requestedClass)) {
        continue;
      }
      if (!VolumeUtil.checkNodeAffinity(volume, nodeLabels)) {
        continue;
      }
      if (!checkAccessModes(claim, volume)) {
        continue;
      }
      BigDecimal volumeQty = capacity(volume);
      if (volumeQty.compareTo(requested) >= 0
          && (smallest == null || smallestQty.compareTo(volumeQty) > 0)) {
        smallest = volume;
        smallestQty = volumeQty;
      }
    }
    return smallest;
  }

  /**
   * {@code IsVolumeBoundToClaim}: the volume's claimRef names the claim (and its UID, when the
   * reference carries one).
   */
  static boolean isVolumeBoundToClaim(PersistentVolume volume, PersistentVolumeClaim claim) {
    ObjectReference ref = volume.getSpec() == null ? null : volume.getSpec().getClaimRef();
    if (ref == null) {
      return false;
    }
    if (!Objects.equals(claim.getMetadata().getName(), ref.getName())
        || !VolumeUtil.namespace(claim)
            .equals(ref.getNamespace() == null ? "" : ref.getNamespace())) {
      return false;
    }
    String uid = ref.getUid();
    return uid == null || uid.isEmpty() || uid.equals(claim.getMetadata().getUid());
  }

  /** {@code CheckVolumeModeMismatches} with the BlockVolume gate on (its v1.17 default). */
  static boolean volumeModeMismatches(PersistentVolumeClaim claim, PersistentVolume pv) {
    String requested = claim.getSpec() == null ? null : claim.getSpec().getVolumeMode();
    String offered = pv.getSpec() == null ? null : pv.getSpec().getVolumeMode();
    return !(requested == null ? FILESYSTEM : requested)
        .equals(offered == null ? FILESYSTEM : offered);
  }

  /** {@code CheckAccessModes}: the volume offers every mode the claim asks for. */
  static boolean checkAccessModes(PersistentVolumeClaim claim, PersistentVolume volume) {
    List<String> wanted = claim.getSpec() == null ? null : claim.getSpec().getAccessModes();
    if (wanted == null || wanted.isEmpty()) {
      return true;
    }
    List<String> offered = volume.getSpec().getAccessModes();
    return offered != null && offered.containsAll(wanted);
  }

  /**
   * {@code checkVolumeProvisions}: every leftover claim can be provisioned on this node. Upstream
   * first rejects a claim without class ("no class for claim"); every claim here binds late, which
   * {@link #isDelayBindingMode} granted only to a claim naming a class, so that check is left out.
   *
   * @throws IllegalStateException "failed to find storage class" when the class is gone since
   */
  private boolean checkVolumeProvisions(
      List<PersistentVolumeClaim> claims,
      Map<String, String> nodeLabels,
      List<PersistentVolumeClaim> provisioned) {
    for (PersistentVolumeClaim claim : claims) {
      String className = VolumeUtil.persistentVolumeClaimClass(claim);
      StorageClass sc =
          listers
              .classes()
              .get(className)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "failed to find storage class \"" + className + "\""));
      String provisioner = sc.getProvisioner();
      if (provisioner == null
          || provisioner.isEmpty()
          || NOT_SUPPORTED_PROVISIONER.equals(provisioner)) {
        provisioned.clear();
        return false;
      }
      if (!VolumeUtil.matchTopologySelectorTerms(sc.getAllowedTopologies(), nodeLabels)) {
        provisioned.clear();
        return false;
      }
      provisioned.add(claim);
    }
    return true;
  }

  private static BigDecimal requestedStorage(PersistentVolumeClaim claim) {
    var resources = claim.getSpec() == null ? null : claim.getSpec().getResources();
    Map<String, Quantity> requests = resources == null ? null : resources.getRequests();
    return quantity(
        requests,
        "PersistentVolumeClaim "
            + VolumeUtil.namespace(claim)
            + "/"
            + claim.getMetadata().getName()
            + ": spec.resources.requests.storage");
  }

  private static BigDecimal capacity(PersistentVolume pv) {
    Map<String, Quantity> capacity = pv.getSpec() == null ? null : pv.getSpec().getCapacity();
    return quantity(
        capacity, "PersistentVolume " + pv.getMetadata().getName() + ": spec.capacity.storage");
  }

  private static BigDecimal quantity(Map<String, Quantity> list, String what) {
    Quantity q = list == null ? null : list.get(STORAGE);
    return q == null ? BigDecimal.ZERO : Quantities.parse(q, what);
  }

  private static String volumeName(PersistentVolumeClaim pvc) {
    String v = pvc.getSpec() == null ? null : pvc.getSpec().getVolumeName();
    return v == null ? "" : v;
  }

  private static Map<String, String> annotations(PersistentVolumeClaim pvc) {
    Map<String, String> a = pvc.getMetadata() == null ? null : pvc.getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }

  private static Map<String, String> labels(Node node) {
    return labels(node.getMetadata().getLabels());
  }

  private static Map<String, String> labels(Map<String, String> l) {
    return l == null ? Map.of() : l;
  }
}
