package io.kubelab.kubelet.eviction;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.kubelab.apimachinery.resource.Quantities;
import io.kubelab.apimachinery.resource.ResourceNames;
import io.kubelab.kubelet.stats.Summary;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Orders pods for eviction under each kind of pressure: the pod evicted first comes first.
 *
 * <p>Upstream: {@code pkg/kubelet/eviction/helpers.go} ({@code rankMemoryPressure}, {@code
 * rankPIDPressure}, {@code rankDiskPressureFunc}, {@code buildSignalToRankFunc}, the comparators
 * {@code exceedMemoryRequests}, {@code priority}, {@code memory}, {@code exceedDiskRequests},
 * {@code disk}, {@code cmpBool}, and {@code podDiskUsage}). Every comparator first puts pods
 * without statistics ahead. Memory: pods using more than they requested, then lower priority, then
 * the larger use above request. Disk: the same with the measured filesystems. PID (v1.18): priority
 * only. Go's {@code sort.Sort} is not stable; here ties keep the order of the active pods.
 */
public final class Rankers {
  private Rankers() {}

  /** Which filesystem statistics a disk ranking measures (upstream {@code fsStatsType}). */
  public enum FsStatsType {
    ROOT,
    LOGS,
    LOCAL_VOLUME_SOURCE
  }

  /** A ranking: sorts the list in place, given the pods' statistics by UID. */
  @FunctionalInterface
  public interface RankFunc {
    void rank(List<Pod> pods, Map<String, Summary.PodStats> stats);
  }

  /** Upstream {@code rankMemoryPressure}. */
  public static final RankFunc MEMORY =
      (pods, stats) ->
          sortByKeys(
              pods,
              stats,
              (p, st) -> {
                long usage = memoryUsage(st.memory());
                long request = request(p, ResourceNames.MEMORY);
                return new Key(usage > request, podPriority(p), usage - request);
              });

  /** Upstream {@code rankPIDPressure} (v1.18): priority alone. */
  public static final RankFunc PID = (pods, stats) -> pods.sort(Rankers::priority);

  /** Upstream {@code rankDiskPressureFunc}: {@code resource} is ephemeral-storage or inodes. */
  public static RankFunc disk(Set<FsStatsType> measured, String resource) {
    return (pods, stats) ->
        sortByKeys(
            pods,
            stats,
            (p, st) -> {
              long usage = podDiskUsage(st, p, measured, resource);
              // Upstream subtracts the ephemeral-storage request even for inodes.
              return new Key(
                  usage > request(p, resource),
                  podPriority(p),
                  usage - request(p, ResourceNames.EPHEMERAL_STORAGE));
            });
  }

  /**
   * What the three comparators of a memory or disk ranking look at, computed once per pod rather
   * than in every comparison: whether usage exceeds the request, the priority, and the usage above
   * the request.
   */
  private record Key(boolean exceeds, int priority, long overRequest) {}

  private record Ranked(Pod pod, Key key) {}

  private static void sortByKeys(
      List<Pod> pods,
      Map<String, Summary.PodStats> stats,
      java.util.function.BiFunction<Pod, Summary.PodStats, Key> keyOf) {
    List<Ranked> ranked = new java.util.ArrayList<>(pods.size());
    for (Pod p : pods) {
      Summary.PodStats st = stats.get(uid(p));
      ranked.add(new Ranked(p, st == null ? null : keyOf.apply(p, st)));
    }
    // exceeds-requests, then priority, then the larger use above request first; every comparator
    // but priority puts pods without statistics ahead.
    ranked.sort(
        withStats((Key a, Key b) -> cmpBool(a.exceeds(), b.exceeds()))
            .thenComparing((a, b) -> priority(a.pod(), b.pod()))
            .thenComparing(
                withStats((Key a, Key b) -> Long.compare(b.overRequest(), a.overRequest()))));
    for (int i = 0; i < pods.size(); i++) {
      pods.set(i, ranked.get(i).pod());
    }
  }

  private static Comparator<Ranked> withStats(Comparator<Key> cmp) {
    return (a, b) -> {
      if (a.key() == null || b.key() == null) {
        return cmpBool(a.key() == null, b.key() == null);
      }
      return cmp.compare(a.key(), b.key());
    };
  }

  /** Upstream {@code buildSignalToRankFunc}. */
  public static Map<Signal, RankFunc> forSignals(boolean withImageFs) {
    Set<FsStatsType> all = EnumSet.allOf(FsStatsType.class);
    Set<FsStatsType> nodeFs =
        withImageFs ? EnumSet.of(FsStatsType.LOGS, FsStatsType.LOCAL_VOLUME_SOURCE) : all;
    Set<FsStatsType> imageFs = withImageFs ? EnumSet.of(FsStatsType.ROOT) : all;
    return Map.of(
        Signal.MEMORY_AVAILABLE, MEMORY,
        Signal.ALLOCATABLE_MEMORY_AVAILABLE, MEMORY,
        Signal.PID_AVAILABLE, PID,
        Signal.NODE_FS_AVAILABLE, disk(nodeFs, ResourceNames.EPHEMERAL_STORAGE),
        Signal.NODE_FS_INODES_FREE, disk(nodeFs, INODES),
        Signal.IMAGE_FS_AVAILABLE, disk(imageFs, ResourceNames.EPHEMERAL_STORAGE),
        Signal.IMAGE_FS_INODES_FREE, disk(imageFs, INODES));
  }

  static final String INODES = "inodes";

  /** Upstream {@code cmpBool}: true before false. */
  static int cmpBool(boolean a, boolean b) {
    if (a == b) {
      return 0;
    }
    return !b ? -1 : 1;
  }

  /** Upstream {@code priority}: the lower priority is evicted first. */
  static int priority(Pod a, Pod b) {
    return Integer.compare(podPriority(a), podPriority(b));
  }

  static int podPriority(Pod p) {
    Integer prio = p.getSpec().getPriority();
    return prio == null ? 0 : prio;
  }

  static String uid(Pod p) {
    return p.getMetadata().getUid();
  }

  /** Upstream {@code memoryUsage}: the working set, 0 when unknown. */
  static long memoryUsage(Summary.MemoryStats m) {
    return m == null || m.workingSetBytes() == null ? 0 : m.workingSetBytes();
  }

  private static long used(Summary.FsStats fs, String resource) {
    if (fs == null) {
      return 0;
    }
    Long v = INODES.equals(resource) ? fs.inodesUsed() : fs.usedBytes();
    return v == null ? 0 : v;
  }

  /**
   * Upstream {@code podDiskUsage}: the containers' rootfs and/or logs, plus the pod's local volumes
   * (hostPath, disk-backed emptyDir, configMap, gitRepo) when measured.
   */
  static long podDiskUsage(
      Summary.PodStats stats, Pod pod, Set<FsStatsType> measured, String resource) {
    long total = 0;
    for (Summary.ContainerStats c : stats.containers()) {
      if (measured.contains(FsStatsType.ROOT)) {
        total += used(c.rootfs(), resource);
      }
      if (measured.contains(FsStatsType.LOGS)) {
        total += used(c.logs(), resource);
      }
    }
    if (measured.contains(FsStatsType.LOCAL_VOLUME_SOURCE)) {
      for (Volume v : pod.getSpec().getVolumes()) {
        boolean local =
            v.getHostPath() != null
                || (v.getEmptyDir() != null && !"Memory".equals(v.getEmptyDir().getMedium()))
                || v.getConfigMap() != null
                || v.getGitRepo() != null;
        if (!local) {
          continue;
        }
        for (Summary.VolumeStats vs : stats.volumeStats()) {
          if (vs.name().equals(v.getName())) {
            total += used(vs.fsStats(), resource);
            break;
          }
        }
      }
    }
    return total;
  }

  /**
   * Upstream {@code GetResourceRequestQuantity}: the containers' requests summed, at least the
   * largest init container's, plus the pod overhead when that total is not zero.
   */
  static long request(Pod pod, String resource) {
    long sum = 0;
    for (Container c : pod.getSpec().getContainers()) {
      sum += requestOf(pod, c, resource);
    }
    for (Container c : pod.getSpec().getInitContainers()) {
      sum = Math.max(sum, requestOf(pod, c, resource));
    }
    Map<String, Quantity> overhead = pod.getSpec().getOverhead();
    if (sum != 0 && overhead != null && overhead.get(resource) != null) {
      sum +=
          Quantities.value(overhead.get(resource), describe(pod) + ": spec.overhead." + resource);
    }
    return sum;
  }

  static long requestOf(Pod pod, Container c, String resource) {
    Map<String, Quantity> requests =
        c.getResources() == null ? null : c.getResources().getRequests();
    Quantity q = requests == null ? null : requests.get(resource);
    return q == null
        ? 0
        : Quantities.value(
            q, describe(pod) + ": container " + c.getName() + " resources.requests." + resource);
  }

  static String describe(Pod pod) {
    return "Pod " + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}
