package io.kubelab.kubelet.config;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.apimachinery.objects.ShallowCopy;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The kubelet's view of the pods one source has bound to its node, turning what the source says
 * into the minimal changes the sync loop acts on.
 *
 * <p>Upstream: {@code pkg/kubelet/config/config.go} ({@code podStorage.Merge} and {@code merge}, in
 * {@code PodConfigNotificationIncremental} mode, the kubelet's). The API server's source ({@code
 * config/apiserver.go}) sends the whole list of the node's pods, a {@code SET}, after every change
 * it watches; the kubelet's sync loop does not take a {@code SET} ("Kubelet does not support
 * snapshot update"). This storage compares each pod with the one it holds under the same UID:
 *
 * <ul>
 *   <li>a UID it has not seen is an {@code ADD} (annotated with the time it was first seen);
 *   <li>a changed spec, labels, annotations, deletion timestamp or grace period is an {@code
 *       UPDATE}, or a {@code DELETE} (a graceful deletion) when the pod now has a deletion
 *       timestamp;
 *   <li>a change of the status alone is a {@code RECONCILE} (the kubelet owns the status);
 *   <li>a UID missing from a {@code SET} is a {@code REMOVE};
 *   <li>nothing else is passed on.
 * </ul>
 *
 * The changes of one merge go out in upstream's order: removes, adds, updates, deletes, then
 * reconciles; the first {@code SET} from the source always sends an {@code ADD}, empty if there is
 * nothing to add, which tells the kubelet the source has been seen. The pods passed on are copies:
 * the storage changes the ones it holds (upstream's {@code copyPods}).
 *
 * <p>Each pod is annotated with its source ({@code kubernetes.io/config.source}); the kubelet's own
 * annotations (source, mirror, first seen) are not part of the comparison. Two pods with the same
 * namespace and name in one update are a naming conflict: the second is dropped with a warning, as
 * upstream's {@code filterInvalidPods} does (which also records a {@code FailedValidation} event).
 *
 * <p>Not thread-safe; a {@link PodConfig} calls it from one thread.
 */
public final class PodStorage {

  /** Upstream {@code kubetypes.ConfigSourceAnnotationKey}. */
  public static final String CONFIG_SOURCE_ANNOTATION = "kubernetes.io/config.source";

  /** Upstream {@code kubetypes.ConfigMirrorAnnotationKey} ({@code v1.MirrorPodAnnotationKey}). */
  public static final String CONFIG_MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

  /** Upstream {@code kubetypes.ConfigFirstSeenAnnotationKey}. */
  public static final String CONFIG_FIRST_SEEN_ANNOTATION = "kubernetes.io/config.seen";

  private static final List<String> LOCAL_ANNOTATIONS =
      List.of(CONFIG_SOURCE_ANNOTATION, CONFIG_MIRROR_ANNOTATION, CONFIG_FIRST_SEEN_ANNOTATION);

  private static final System.Logger LOG = System.getLogger(PodStorage.class.getName());

  private final Clock clock;
  private final Map<String, Map<String, Pod>> podsBySource = new LinkedHashMap<>();
  private final Set<String> sourcesSeen = new HashSet<>();

  /** A storage that stamps first-seen times from {@code clock}. */
  public PodStorage(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Merges {@code change} from its source and hands the resulting updates to {@code out}, in order.
   */
  public void merge(PodUpdate change, Consumer<PodUpdate> out) {
    String source = change.source();
    for (Pod p : change.pods()) {
      // Checked before anything changes: the pods are keyed by UID.
      if (p.getMetadata() == null
          || p.getMetadata().getUid() == null
          || p.getMetadata().getUid().isEmpty()) {
        throw new IllegalArgumentException(
            "PodStorage: a pod from "
                + source
                + (p.getMetadata() == null
                    ? " has no metadata"
                    : " ("
                        + p.getMetadata().getNamespace()
                        + "/"
                        + p.getMetadata().getName()
                        + ")"
                        + " has no metadata.uid"));
      }
    }
    boolean seenBefore = sourcesSeen.contains(source);
    Map<String, Pod> pods = podsBySource.getOrDefault(source, new LinkedHashMap<>());
    Changes c = new Changes();
    switch (change.op()) {
      case ADD, UPDATE, DELETE -> mergePods(change.pods(), source, pods, pods, c);
      case REMOVE -> {
        for (Pod p : change.pods()) {
          Pod existing = pods.remove(uid(p));
          if (existing != null) {
            c.removes.add(existing);
          }
        }
      }
      case SET -> {
        sourcesSeen.add(source);
        Map<String, Pod> old = pods;
        pods = new LinkedHashMap<>();
        mergePods(change.pods(), source, old, pods, c);
        for (Map.Entry<String, Pod> e : old.entrySet()) {
          if (!pods.containsKey(e.getKey())) {
            c.removes.add(e.getValue());
          }
        }
      }
      case RECONCILE ->
          LOG.log(
              Level.WARNING, "Received invalid update type: " + change.op() + " from " + source);
    }
    podsBySource.put(source, pods);
    boolean firstSet = !seenBefore && sourcesSeen.contains(source);

    send(PodUpdate.Op.REMOVE, c.removes, source, out);
    send(PodUpdate.Op.ADD, c.adds, source, out);
    send(PodUpdate.Op.UPDATE, c.updates, source, out);
    send(PodUpdate.Op.DELETE, c.deletes, source, out);
    if (firstSet && c.adds.isEmpty() && c.updates.isEmpty() && c.deletes.isEmpty()) {
      out.accept(new PodUpdate(PodUpdate.Op.ADD, List.of(), source));
    }
    send(PodUpdate.Op.RECONCILE, c.reconciles, source, out);
  }

  /** Whether a {@code SET} has come from {@code source} (upstream {@code seenSources}). */
  public boolean seen(String source) {
    return sourcesSeen.contains(source);
  }

  /** The pods held for {@code source}, as copies. */
  public List<Pod> pods(String source) {
    return podsBySource.getOrDefault(source, Map.of()).values().stream()
        .map(PodStorage::copy)
        .toList();
  }

  private static final class Changes {
    final List<Pod> adds = new ArrayList<>();
    final List<Pod> updates = new ArrayList<>();
    final List<Pod> deletes = new ArrayList<>();
    final List<Pod> removes = new ArrayList<>();
    final List<Pod> reconciles = new ArrayList<>();
  }

  /** Upstream's {@code updatePodsFunc}: {@code oldPods} and {@code pods} may be the same map. */
  private void mergePods(
      List<Pod> newPods,
      String source,
      Map<String, Pod> oldPods,
      Map<String, Pod> pods,
      Changes c) {
    Set<String> names = new HashSet<>();
    for (Pod incoming : newPods) {
      String fullName =
          incoming.getMetadata().getName() + "_" + incoming.getMetadata().getNamespace();
      if (!names.add(fullName)) {
        LOG.log(
            Level.WARNING,
            "Pod ("
                + fullName
                + ") from "
                + source
                + " failed validation due to duplicate pod name \""
                + incoming.getMetadata().getName()
                + "\", ignoring");
        continue;
      }
      // The pod as the source sent it is the source's (an informer's cache): annotate a copy.
      Pod ref = copy(incoming);
      ref.getMetadata().getAnnotations().put(CONFIG_SOURCE_ANNOTATION, source);
      String uid = uid(ref);
      Pod existing = oldPods.get(uid);
      if (existing != null) {
        pods.put(uid, existing);
        switch (checkAndUpdatePod(existing, ref)) {
          case UPDATE -> c.updates.add(copy(existing));
          case RECONCILE -> c.reconciles.add(copy(existing));
          case GRACEFUL_DELETE -> c.deletes.add(copy(existing));
          case NONE -> {}
        }
        continue;
      }
      ref.getMetadata().getAnnotations().put(CONFIG_FIRST_SEEN_ANNOTATION, clock.now().toString());
      pods.put(uid, ref);
      c.adds.add(copy(ref));
    }
  }

  private enum Need {
    NONE,
    UPDATE,
    RECONCILE,
    GRACEFUL_DELETE
  }

  /**
   * Upstream's {@code checkAndUpdatePod}: updates {@code existing} from {@code ref} and says what
   * the change is.
   */
  private static Need checkAndUpdatePod(Pod existing, Pod ref) {
    if (!podsDifferSemantically(existing, ref)) {
      if (!Objects.equals(existing.getStatus(), ref.getStatus())) {
        // The kubelet is the source of truth of a pod's status: a change there is reconciled.
        existing.setStatus(ref.getStatus());
        return Need.RECONCILE;
      }
      return Need.NONE;
    }
    ObjectMeta em = existing.getMetadata();
    ObjectMeta rm = ref.getMetadata();
    rm.getAnnotations()
        .put(CONFIG_FIRST_SEEN_ANNOTATION, em.getAnnotations().get(CONFIG_FIRST_SEEN_ANNOTATION));
    existing.setSpec(ref.getSpec());
    em.setLabels(rm.getLabels());
    em.setDeletionTimestamp(rm.getDeletionTimestamp());
    em.setDeletionGracePeriodSeconds(rm.getDeletionGracePeriodSeconds());
    existing.setStatus(ref.getStatus());
    updateAnnotations(existing, ref);
    return rm.getDeletionTimestamp() != null ? Need.GRACEFUL_DELETE : Need.UPDATE;
  }

  private static boolean podsDifferSemantically(Pod existing, Pod ref) {
    ObjectMeta em = existing.getMetadata();
    ObjectMeta rm = ref.getMetadata();
    return !(Objects.equals(existing.getSpec(), ref.getSpec())
        && Objects.equals(em.getLabels(), rm.getLabels())
        && Objects.equals(em.getDeletionTimestamp(), rm.getDeletionTimestamp())
        && Objects.equals(em.getDeletionGracePeriodSeconds(), rm.getDeletionGracePeriodSeconds())
        && annotationsEqual(em.getAnnotations(), rm.getAnnotations()));
  }

  /** Upstream's {@code isAnnotationMapEqual}: equal but for the kubelet's own annotations. */
  static boolean annotationsEqual(Map<String, String> existing, Map<String, String> candidate) {
    Map<String, String> e = existing == null ? Map.of() : existing;
    Map<String, String> c = candidate == null ? Map.of() : candidate;
    for (Map.Entry<String, String> kv : c.entrySet()) {
      if (LOCAL_ANNOTATIONS.contains(kv.getKey())) {
        continue;
      }
      if (!kv.getValue().equals(e.get(kv.getKey()))) {
        return false;
      }
    }
    for (String k : e.keySet()) {
      if (!LOCAL_ANNOTATIONS.contains(k) && !c.containsKey(k)) {
        return false; // a stale entry
      }
    }
    return true;
  }

  /** The source's annotations plus the kubelet's own, kept from {@code existing}. */
  private static void updateAnnotations(Pod existing, Pod ref) {
    Map<String, String> annotations = new LinkedHashMap<>(ref.getMetadata().getAnnotations());
    for (String k : LOCAL_ANNOTATIONS) {
      String v = existing.getMetadata().getAnnotations().get(k);
      if (v != null) {
        annotations.put(k, v);
      }
    }
    existing.getMetadata().setAnnotations(annotations);
  }

  private static void send(
      PodUpdate.Op op, List<Pod> pods, String source, Consumer<PodUpdate> out) {
    if (!pods.isEmpty()) {
      out.accept(new PodUpdate(op, pods, source));
    }
  }

  private static String uid(Pod p) {
    return p.getMetadata().getUid();
  }

  /**
   * A copy whose metadata and annotations are its own; spec and status are shared, never changed.
   */
  private static Pod copy(Pod p) {
    Pod c = ShallowCopy.of(p);
    ObjectMeta m = ShallowCopy.of(p.getMetadata());
    m.setAnnotations(
        p.getMetadata().getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(p.getMetadata().getAnnotations()));
    c.setMetadata(m);
    return c;
  }
}
