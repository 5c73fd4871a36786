package io.kubelab.cluster.controller.deployment;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kubelab.cluster.controller.ControllerUtils;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The arithmetic and bookkeeping of Deployments: surge and unavailability, revisions, the
 * annotations a Deployment writes on its ReplicaSets, its conditions, and which ReplicaSet is new.
 *
 * <p>Upstream: {@code pkg/controller/deployment/util/deployment_util.go}, {@code ComputeHash} and
 * the {@code ReplicaSetsBy...} orders of {@code pkg/controller/controller_utils.go} and {@code
 * intstr.GetScaledValueFromIntOrPercent} (v1.18).
 */
public final class DeploymentUtil {

  private DeploymentUtil() {}

  /** The Deployment's revision, copied to its ReplicaSets. */
  public static final String REVISION_ANNOTATION = "deployment.kubernetes.io/revision";

  public static final String REVISION_HISTORY_ANNOTATION =
      "deployment.kubernetes.io/revision-history";
  public static final String DESIRED_REPLICAS_ANNOTATION =
      "deployment.kubernetes.io/desired-replicas";
  public static final String MAX_REPLICAS_ANNOTATION = "deployment.kubernetes.io/max-replicas";

  /** {@code apps.DefaultDeploymentUniqueLabelKey}. */
  public static final String POD_TEMPLATE_HASH = "pod-template-hash";

  // condition reasons
  public static final String REPLICA_SET_UPDATED_REASON = "ReplicaSetUpdated";
  public static final String FAILED_RS_CREATE_REASON = "ReplicaSetCreateError";
  public static final String NEW_REPLICA_SET_REASON = "NewReplicaSetCreated";
  public static final String FOUND_NEW_RS_REASON = "FoundNewReplicaSet";
  public static final String NEW_RS_AVAILABLE_REASON = "NewReplicaSetAvailable";
  public static final String TIMED_OUT_REASON = "ProgressDeadlineExceeded";
  public static final String PAUSED_DEPLOY_REASON = "DeploymentPaused";
  public static final String RESUMED_DEPLOY_REASON = "DeploymentResumed";
  public static final String MINIMUM_REPLICAS_AVAILABLE = "MinimumReplicasAvailable";
  public static final String MINIMUM_REPLICAS_UNAVAILABLE = "MinimumReplicasUnavailable";

  public static final String AVAILABLE = "Available";
  public static final String PROGRESSING = "Progressing";
  public static final String REPLICA_FAILURE = "ReplicaFailure";

  /** {@code maxRevHistoryLengthInChars}. */
  static final int MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000;

  /** Annotations a Deployment does not copy to its ReplicaSets ({@code annotationsToSkip}). */
  static final Set<String> ANNOTATIONS_TO_SKIP =
      Set.of(
          "kubectl.kubernetes.io/last-applied-configuration",
          REVISION_ANNOTATION,
          REVISION_HISTORY_ANNOTATION,
          DESIRED_REPLICAS_ANNOTATION,
          MAX_REPLICAS_ANNOTATION,
          "deprecated.deployment.rollback.to");

  // ---- numbers ------------------------------------------------------------------------------

  static int replicas(Deployment d) {
    Integer r = d.getSpec().getReplicas();
    return r == null ? 1 : r;
  }

  static int replicas(ReplicaSet rs) {
    Integer r = rs.getSpec().getReplicas();
    return r == null ? 1 : r;
  }

  static int count(Integer n) {
    return n == null ? 0 : n;
  }

  /** {@code IsRollingUpdate} (a missing strategy is none). */
  static boolean isRollingUpdate(Deployment d) {
    return d.getSpec().getStrategy() != null
        && "RollingUpdate".equals(d.getSpec().getStrategy().getType());
  }

  /**
   * {@code intstr.GetScaledValueFromIntOrPercent}: an int as it is, a percentage of {@code total}
   * rounded up or down.
   *
   * @throws IllegalArgumentException for a string that is not a percentage
   */
  static int scaledValue(IntOrString v, int total, boolean roundUp) {
    if (v == null) {
      return 0;
    }
    if (v.getIntVal() != null) {
      return v.getIntVal();
    }
    String s = v.getStrVal();
    if (s == null || !s.endsWith("%")) {
      throw new IllegalArgumentException(
          "invalid value for IntOrString: invalid type: string is not a percentage");
    }
    int percent;
    try {
      percent = Integer.parseInt(s.substring(0, s.length() - 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "invalid value for IntOrString: invalid value \"" + s + "\"");
    }
    double value = percent * (double) total / 100;
    return (int) (roundUp ? Math.ceil(value) : Math.floor(value));
  }

  /**
   * {@code ResolveFenceposts}: surge (rounded up) and unavailable (rounded down) for {@code
   * desired} replicas; both zero would block a rollout, so unavailable becomes 1.
   */
  static int[] resolveFenceposts(IntOrString maxSurge, IntOrString maxUnavailable, int desired) {
    int surge = scaledValue(maxSurge, desired, true);
    int unavailable = scaledValue(maxUnavailable, desired, false);
    if (surge == 0 && unavailable == 0) {
      unavailable = 1;
    }
    return new int[] {surge, unavailable};
  }

  /** {@code MaxUnavailable}: 0 unless a rolling update of a Deployment with replicas. */
  static int maxUnavailable(Deployment d) {
    if (!isRollingUpdate(d) || replicas(d) == 0) {
      return 0;
    }
    var ru = d.getSpec().getStrategy().getRollingUpdate();
    int unavailable;
    try {
      unavailable =
          resolveFenceposts(
              ru == null ? null : ru.getMaxSurge(),
              ru == null ? null : ru.getMaxUnavailable(),
              replicas(d))[1];
    } catch (IllegalArgumentException e) {
      return 0; // upstream ignores ResolveFenceposts' error: (0, 0)
    }
    return Math.min(unavailable, replicas(d));
  }

  /** {@code MaxSurge}: 0 unless a rolling update. */
  static int maxSurge(Deployment d) {
    if (!isRollingUpdate(d)) {
      return 0;
    }
    var ru = d.getSpec().getStrategy().getRollingUpdate();
    try {
      return resolveFenceposts(
          ru == null ? null : ru.getMaxSurge(),
          ru == null ? null : ru.getMaxUnavailable(),
          replicas(d))[0];
    } catch (IllegalArgumentException e) {
      return 0; // upstream ignores ResolveFenceposts' error
    }
  }

  static int replicaCount(List<ReplicaSet> rss) {
    int n = 0;
    for (ReplicaSet rs : rss) {
      if (rs != null) {
        n += replicas(rs);
      }
    }
    return n;
  }

  static int actualReplicaCount(List<ReplicaSet> rss) {
    int n = 0;
    for (ReplicaSet rs : rss) {
      if (rs != null && rs.getStatus() != null) {
        n += count(rs.getStatus().getReplicas());
      }
    }
    return n;
  }

  static int readyReplicaCount(List<ReplicaSet> rss) {
    int n = 0;
    for (ReplicaSet rs : rss) {
      if (rs != null && rs.getStatus() != null) {
        n += count(rs.getStatus().getReadyReplicas());
      }
    }
    return n;
  }

  static int availableReplicaCount(List<ReplicaSet> rss) {
    int n = 0;
    for (ReplicaSet rs : rss) {
      if (rs != null) {
        n += available(rs);
      }
    }
    return n;
  }

  static int available(ReplicaSet rs) {
    return rs.getStatus() == null ? 0 : count(rs.getStatus().getAvailableReplicas());
  }

  /**
   * {@code NewRSNewReplicas}: how big the new ReplicaSet may be now. Rolling: up to {@code replicas
   * + maxSurge} pods in all, never above {@code replicas}; Recreate: {@code replicas}.
   */
  static int newRSNewReplicas(Deployment d, List<ReplicaSet> allRSs, ReplicaSet newRS) {
    if ("Recreate".equals(d.getSpec().getStrategy().getType())) {
      return replicas(d);
    }
    if (!isRollingUpdate(d)) {
      throw new IllegalArgumentException(
          "deployment type " + d.getSpec().getStrategy().getType() + " isn't supported");
    }
    var ru = d.getSpec().getStrategy().getRollingUpdate();
    int surge = scaledValue(ru == null ? null : ru.getMaxSurge(), replicas(d), true);
    int current = replicaCount(allRSs);
    int maxTotal = replicas(d) + surge;
    if (current >= maxTotal) {
      return replicas(newRS);
    }
    int scaleUp = Math.min(maxTotal - current, replicas(d) - replicas(newRS));
    return replicas(newRS) + scaleUp;
  }

  /** {@code IsSaturated}: the new ReplicaSet is at full size and all of it available. */
  static boolean isSaturated(Deployment d, ReplicaSet rs) {
    if (rs == null) {
      return false;
    }
    Integer desired = intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
    return desired != null
        && replicas(rs) == replicas(d)
        && desired == replicas(d)
        && available(rs) == replicas(d);
  }

  /** {@code DeploymentComplete}. */
  static boolean deploymentComplete(Deployment d, DeploymentStatus s) {
    return count(s.getUpdatedReplicas()) == replicas(d)
        && count(s.getReplicas()) == replicas(d)
        && count(s.getAvailableReplicas()) == replicas(d)
        && (s.getObservedGeneration() == null ? 0 : s.getObservedGeneration()) >= generation(d);
  }

  /** {@code DeploymentProgressing}: more updated, fewer old, more ready or more available. */
  static boolean deploymentProgressing(Deployment d, DeploymentStatus s) {
    DeploymentStatus old = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
    int oldOld = count(old.getReplicas()) - count(old.getUpdatedReplicas());
    int newOld = count(s.getReplicas()) - count(s.getUpdatedReplicas());
    return count(s.getUpdatedReplicas()) > count(old.getUpdatedReplicas())
        || newOld < oldOld
        || count(s.getReadyReplicas()) > count(old.getReadyReplicas())
        || count(s.getAvailableReplicas()) > count(old.getAvailableReplicas());
  }

  /** {@code DeploymentTimedOut}: no progress for {@code progressDeadlineSeconds}. */
  static boolean deploymentTimedOut(Deployment d, DeploymentStatus s, Instant now) {
    if (!hasProgressDeadline(d)) {
      return false;
    }
    DeploymentCondition c = condition(s, PROGRESSING);
    if (c == null || NEW_RS_AVAILABLE_REASON.equals(c.getReason())) {
      return false;
    }
    if (TIMED_OUT_REASON.equals(c.getReason())) {
      return true;
    }
    Instant from = ControllerUtils.time(c.getLastUpdateTime());
    if (from == null) {
      from = Instant.EPOCH.minusSeconds(62135596800L); // Go's zero time
    }
    return from.plusSeconds(d.getSpec().getProgressDeadlineSeconds()).isBefore(now);
  }

  static boolean hasProgressDeadline(Deployment d) {
    Integer p = d.getSpec().getProgressDeadlineSeconds();
    return p != null && p != Integer.MAX_VALUE;
  }

  static boolean hasRevisionHistoryLimit(Deployment d) {
    Integer l = d.getSpec().getRevisionHistoryLimit();
    return l != null && l != Integer.MAX_VALUE;
  }

  static long generation(Deployment d) {
    Long g = d.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }

  // ---- which ReplicaSet is new -----------------------------------------------------------

  /** {@code ReplicaSetsByCreationTimestamp}: older first, then by name. */
  static final Comparator<ReplicaSet> BY_CREATION =
      Comparator.comparing(
              (ReplicaSet rs) -> {
                Instant t = ControllerUtils.time(rs.getMetadata().getCreationTimestamp());
                return t == null ? Instant.MIN : t;
              })
          .thenComparing(rs -> rs.getMetadata().getName());

  /** {@code ReplicaSetsBySizeOlder}: bigger first, then older. */
  static final Comparator<ReplicaSet> BY_SIZE_OLDER =
      Comparator.comparingInt((ReplicaSet rs) -> -replicas(rs)).thenComparing(BY_CREATION);

  /** {@code ReplicaSetsBySizeNewer}: bigger first, then newer. */
  static final Comparator<ReplicaSet> BY_SIZE_NEWER =
      Comparator.comparingInt((ReplicaSet rs) -> -replicas(rs))
          .thenComparing(BY_CREATION.reversed());

  /**
   * {@code EqualIgnoreHash}: the templates are equal but for the {@code pod-template-hash} label.
   */
  static boolean equalIgnoreHash(PodTemplateSpec a, PodTemplateSpec b) {
    return withoutHash(a).equals(withoutHash(b));
  }

  private static PodTemplateSpec withoutHash(PodTemplateSpec t) {
    PodTemplateSpec copy = new PodTemplateSpecBuilder(t).build();
    if (copy.getMetadata() != null && copy.getMetadata().getLabels() != null) {
      Map<String, String> labels = new HashMap<>(copy.getMetadata().getLabels());
      labels.remove(POD_TEMPLATE_HASH);
      copy.getMetadata().setLabels(labels.isEmpty() ? null : labels);
    }
    // an empty annotation or label map and none are the same template (Semantic.DeepEqual on
    // what the server stores)
    if (copy.getMetadata() != null
        && copy.getMetadata().getAnnotations() != null
        && copy.getMetadata().getAnnotations().isEmpty()) {
      copy.getMetadata().setAnnotations(null);
    }
    return copy;
  }

  /** {@code FindNewReplicaSet}: the oldest ReplicaSet whose template is the Deployment's. */
  static ReplicaSet findNewReplicaSet(Deployment d, List<ReplicaSet> rsList) {
    List<ReplicaSet> sorted = new ArrayList<>(rsList);
    sorted.sort(BY_CREATION);
    for (ReplicaSet rs : sorted) {
      if (equalIgnoreHash(rs.getSpec().getTemplate(), d.getSpec().getTemplate())) {
        return rs;
      }
    }
    return null;
  }

  /** {@code FindOldReplicaSets}: every other ReplicaSet ({@code allOldRSs}). */
  static List<ReplicaSet> findOldReplicaSets(Deployment d, List<ReplicaSet> rsList) {
    ReplicaSet newRS = findNewReplicaSet(d, rsList);
    // upstream's FindNewReplicaSet sorts the caller's list in place: the old ones come out oldest
    // first
    List<ReplicaSet> sorted = new ArrayList<>(rsList);
    sorted.sort(BY_CREATION);
    List<ReplicaSet> all = new ArrayList<>();
    for (ReplicaSet rs : sorted) {
      if (newRS != null
          && Objects.equals(rs.getMetadata().getUid(), newRS.getMetadata().getUid())) {
        continue;
      }
      all.add(rs);
    }
    return all;
  }

  /** {@code FilterActiveReplicaSets}: those with replicas. */
  static List<ReplicaSet> filterActive(List<ReplicaSet> rss) {
    List<ReplicaSet> out = new ArrayList<>();
    for (ReplicaSet rs : rss) {
      if (rs != null && replicas(rs) > 0) {
        out.add(rs);
      }
    }
    return out;
  }

  /**
   * {@code FindActiveOrLatest}: the one ReplicaSet with replicas, or (none has) the new one or the
   * newest old one; null when several have replicas.
   */
  static ReplicaSet findActiveOrLatest(ReplicaSet newRS, List<ReplicaSet> oldRSs) {
    if (newRS == null && oldRSs.isEmpty()) {
      return null;
    }
    List<ReplicaSet> olds = new ArrayList<>(oldRSs);
    olds.sort(BY_CREATION.reversed());
    List<ReplicaSet> all = new ArrayList<>(olds);
    all.add(newRS);
    List<ReplicaSet> active = filterActive(all);
    return switch (active.size()) {
      case 0 -> newRS != null ? newRS : olds.get(0);
      case 1 -> active.get(0);
      default -> null;
    };
  }

  /**
   * {@code GetProportion}: this ReplicaSet's share of a scaling of the whole Deployment by {@code
   * toAdd} (of which {@code added} is handed out already), from its size over the size the
   * Deployment had ({@code max-replicas}).
   */
  static int proportion(ReplicaSet rs, Deployment d, int toAdd, int added) {
    if (rs == null || replicas(rs) == 0 || toAdd == 0 || toAdd == added) {
      return 0;
    }
    int fraction = replicaSetFraction(rs, d);
    int allowed = toAdd - added;
    return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
  }

  private static int replicaSetFraction(ReplicaSet rs, Deployment d) {
    if (replicas(d) == 0) {
      return -replicas(rs);
    }
    int deploymentReplicas = replicas(d) + maxSurge(d);
    Integer annotated = intAnnotation(rs, MAX_REPLICAS_ANNOTATION);
    if (annotated == null) {
      annotated = d.getStatus() == null ? 0 : count(d.getStatus().getReplicas());
    }
    double newSize = (double) (replicas(rs) * deploymentReplicas) / annotated;
    return (int) Math.round(newSize) - replicas(rs); // integer.RoundToInt32: half away from zero
  }

  // ---- annotations ----------------------------------------------------------------------

  static Integer intAnnotation(ReplicaSet rs, String key) {
    Map<String, String> a = rs.getMetadata().getAnnotations();
    if (a == null || !a.containsKey(key)) {
      return null;
    }
    try {
      return Integer.parseInt(a.get(key));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** {@code Revision}: the revision annotation, 0 without one. */
  static long revision(Map<String, String> annotations) {
    if (annotations == null || !annotations.containsKey(REVISION_ANNOTATION)) {
      return 0;
    }
    try {
      return Long.parseLong(annotations.get(REVISION_ANNOTATION));
    } catch (NumberFormatException e) {
      return 0; // upstream logs the error and skips the ReplicaSet
    }
  }

  /** {@code MaxRevision}. */
  static long maxRevision(List<ReplicaSet> rss) {
    long max = 0;
    for (ReplicaSet rs : rss) {
      max = Math.max(max, revision(rs.getMetadata().getAnnotations()));
    }
    return max;
  }

  /** {@code SetDeploymentRevision}: true if it changed. */
  static boolean setDeploymentRevision(Deployment d, String revision) {
    Map<String, String> a = annotations(d.getMetadata());
    if (!revision.equals(a.get(REVISION_ANNOTATION))) {
      a.put(REVISION_ANNOTATION, revision);
      return true;
    }
    return false;
  }

  static Map<String, String> annotations(io.fabric8.kubernetes.api.model.ObjectMeta meta) {
    if (meta.getAnnotations() == null) {
      meta.setAnnotations(new TreeMap<>());
    } else if (!(meta.getAnnotations() instanceof TreeMap)) {
      meta.setAnnotations(new TreeMap<>(meta.getAnnotations()));
    }
    return meta.getAnnotations();
  }

  /**
   * {@code SetNewReplicaSetAnnotations}: the Deployment's own annotations, the new revision (the
   * old one moves to the revision history, at most 2000 characters), and for a ReplicaSet being
   * created the replicas annotations. True if anything changed.
   */
  static boolean setNewReplicaSetAnnotations(
      Deployment d, ReplicaSet newRS, String newRevision, boolean exists) {
    boolean changed = copyDeploymentAnnotationsToReplicaSet(d, newRS);
    Map<String, String> a = annotations(newRS.getMetadata());
    String oldRevision = a.get(REVISION_ANNOTATION);
    long oldRevisionInt;
    try {
      oldRevisionInt =
          oldRevision == null || oldRevision.isEmpty() ? 0 : Long.parseLong(oldRevision);
    } catch (NumberFormatException e) {
      return false; // "Updating replica set revision OldRevision not int"
    }
    long newRevisionInt = Long.parseLong(newRevision);
    if (oldRevisionInt < newRevisionInt) {
      a.put(REVISION_ANNOTATION, newRevision);
      changed = true;
    }
    if (oldRevision != null && oldRevisionInt < newRevisionInt) {
      String history = a.getOrDefault(REVISION_HISTORY_ANNOTATION, "");
      if (history.isEmpty()) {
        a.put(REVISION_HISTORY_ANNOTATION, oldRevision);
      } else {
        List<String> old = new ArrayList<>(List.of(history.split(",", -1)));
        int totalLen = history.length() + oldRevision.length() + 1;
        int start = 0;
        while (totalLen > MAX_REV_HISTORY_LENGTH_IN_CHARS && start < old.size()) {
          totalLen = totalLen - old.get(start).length() - 1;
          start++;
        }
        if (totalLen <= MAX_REV_HISTORY_LENGTH_IN_CHARS) {
          List<String> kept = new ArrayList<>(old.subList(start, old.size()));
          kept.add(oldRevision);
          a.put(REVISION_HISTORY_ANNOTATION, String.join(",", kept));
        }
      }
    }
    if (!exists && setReplicasAnnotations(newRS, replicas(d), replicas(d) + maxSurge(d))) {
      changed = true;
    }
    return changed;
  }

  private static boolean copyDeploymentAnnotationsToReplicaSet(Deployment d, ReplicaSet rs) {
    boolean changed = false;
    Map<String, String> rsa = annotations(rs.getMetadata());
    Map<String, String> da = d.getMetadata().getAnnotations();
    if (da == null) {
      return false;
    }
    for (Map.Entry<String, String> e : da.entrySet()) {
      if (ANNOTATIONS_TO_SKIP.contains(e.getKey()) || e.getValue().equals(rsa.get(e.getKey()))) {
        continue;
      }
      rsa.put(e.getKey(), e.getValue());
      changed = true;
    }
    return changed;
  }

  /** {@code SetReplicasAnnotations}: desired and max replicas; true if either changed. */
  static boolean setReplicasAnnotations(ReplicaSet rs, int desired, int max) {
    Map<String, String> a = annotations(rs.getMetadata());
    boolean changed = false;
    if (!String.valueOf(desired).equals(a.get(DESIRED_REPLICAS_ANNOTATION))) {
      a.put(DESIRED_REPLICAS_ANNOTATION, String.valueOf(desired));
      changed = true;
    }
    if (!String.valueOf(max).equals(a.get(MAX_REPLICAS_ANNOTATION))) {
      a.put(MAX_REPLICAS_ANNOTATION, String.valueOf(max));
      changed = true;
    }
    return changed;
  }

  /** {@code ReplicasAnnotationsNeedUpdate}. */
  static boolean replicasAnnotationsNeedUpdate(ReplicaSet rs, int desired, int max) {
    Map<String, String> a = rs.getMetadata().getAnnotations();
    return a == null
        || !String.valueOf(desired).equals(a.get(DESIRED_REPLICAS_ANNOTATION))
        || !String.valueOf(max).equals(a.get(MAX_REPLICAS_ANNOTATION));
  }

  // ---- conditions ---------------------------------------------------------------------------

  /** {@code NewDeploymentCondition}: both times now (to the second, as the API keeps them). */
  static DeploymentCondition newCondition(
      String type, String status, String reason, String message, Instant now) {
    String t = now.truncatedTo(ChronoUnit.SECONDS).toString();
    return new DeploymentConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withLastUpdateTime(t)
        .withLastTransitionTime(t)
        .withReason(reason)
        .withMessage(message)
        .build();
  }

  static DeploymentCondition condition(DeploymentStatus s, String type) {
    if (s == null || s.getConditions() == null) {
      return null;
    }
    for (DeploymentCondition c : s.getConditions()) {
      if (type.equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  /**
   * {@code SetDeploymentCondition}: nothing when status and reason agree; else replaces the
   * condition of that type (keeping its transition time when the status is the same) at the end.
   */
  static void setCondition(DeploymentStatus s, DeploymentCondition c) {
    DeploymentCondition current = condition(s, c.getType());
    if (current != null
        && Objects.equals(current.getStatus(), c.getStatus())
        && Objects.equals(current.getReason(), c.getReason())) {
      return;
    }
    DeploymentCondition put = new DeploymentConditionBuilder(c).build();
    if (current != null && Objects.equals(current.getStatus(), c.getStatus())) {
      put.setLastTransitionTime(current.getLastTransitionTime());
    }
    List<DeploymentCondition> out = without(s.getConditions(), c.getType());
    out.add(put);
    s.setConditions(out);
  }

  static void removeCondition(DeploymentStatus s, String type) {
    s.setConditions(without(s.getConditions(), type));
  }

  private static List<DeploymentCondition> without(List<DeploymentCondition> cs, String type) {
    List<DeploymentCondition> out = new ArrayList<>();
    if (cs != null) {
      for (DeploymentCondition c : cs) {
        if (!type.equals(c.getType())) {
          out.add(c);
        }
      }
    }
    return out;
  }

  /** {@code ReplicaSetToDeploymentCondition}. */
  static DeploymentCondition fromReplicaSetCondition(ReplicaSetCondition c) {
    return new DeploymentConditionBuilder()
        .withType(c.getType())
        .withStatus(c.getStatus())
        .withLastTransitionTime(c.getLastTransitionTime())
        .withLastUpdateTime(c.getLastTransitionTime())
        .withReason(c.getReason())
        .withMessage(c.getMessage())
        .build();
  }

  // ---- the pod-template-hash ------------------------------------------------------------------

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** {@code rand.SafeEncodeString}'s alphabet: no vowels, no digits that look like letters. */
  private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

  /**
   * {@code ComputeHash}: FNV-1a (32 bits) of the template, then of the collision count (when set)
   * as 8 little-endian bytes, printed in decimal and mapped onto {@code SafeEncodeString}'s
   * alphabet. Upstream hashes the template as Go's {@code spew} prints it; kubelab hashes its JSON
   * with sorted keys, so the same template gets a hash of the same form but another value.
   */
  static String computeHash(PodTemplateSpec template, Integer collisionCount) {
    int h = 0x811c9dc5;
    String canonical = canonical(JSON.readTree(SERIALIZATION.asJson(template)));
    for (byte b : canonical.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    if (collisionCount != null) {
      int c = collisionCount;
      byte[] bytes = {(byte) c, (byte) (c >>> 8), (byte) (c >>> 16), (byte) (c >>> 24), 0, 0, 0, 0};
      for (byte b : bytes) {
        h ^= b & 0xff;
        h *= 0x01000193;
      }
    }
    return safeEncodeString(Integer.toUnsignedString(h));
  }

  /** {@code rand.SafeEncodeString}. */
  static String safeEncodeString(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      out.append(ALPHANUMS.charAt((b & 0xff) % ALPHANUMS.length()));
    }
    return out.toString();
  }

  /** JSON with every object's keys sorted, so that equal templates print alike. */
  private static String canonical(JsonNode n) {
    if (n.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      for (var e : n.properties()) {
        sorted.put(e.getKey(), e.getValue());
      }
      StringBuilder sb = new StringBuilder("{");
      for (var e : sorted.entrySet()) {
        if (sb.length() > 1) {
          sb.append(',');
        }
        sb.append(JSON.writeValueAsString(e.getKey())).append(':').append(canonical(e.getValue()));
      }
      return sb.append('}').toString();
    }
    if (n.isArray()) {
      StringBuilder sb = new StringBuilder("[");
      for (JsonNode c : n) {
        if (sb.length() > 1) {
          sb.append(',');
        }
        sb.append(canonical(c));
      }
      return sb.append(']').toString();
    }
    return JSON.writeValueAsString(n);
  }
}
