package io.kubelab.scheduler.cache;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Compares the cache with what the informers say: the nodes and pods of the API server.
 *
 * <p>Upstream: {@code pkg/scheduler/internal/cache/debugger/comparer.go} (v1.18). A node or pod the
 * informers have and the cache lacks is <em>missed</em>; one the cache has and the informers lack
 * is <em>redundant</em>. Pods are compared by UID; pending pods (the scheduling queue's) count as
 * cached. Ghost NodeInfos (a removed node whose pods are still cached) show up as redundant nodes,
 * which is exactly what an operator debugging a stuck cache wants to see.
 */
public final class CacheComparer {

  private static final Logger LOG = Logger.getLogger(CacheComparer.class.getName());

  /**
   * The difference between two name lists, each sorted.
   *
   * @param missed names the informers have and the cache lacks
   * @param redundant names the cache has and the informers lack
   */
  public record Diff(List<String> missed, List<String> redundant) {
    public Diff {
      missed = List.copyOf(missed);
      redundant = List.copyOf(redundant);
    }

    public boolean isEmpty() {
      return missed.isEmpty() && redundant.isEmpty();
    }
  }

  /** The outcome of one {@link #compare()}: nodes and pods. */
  public record Result(Diff nodes, Diff pods) {
    public boolean isEmpty() {
      return nodes.isEmpty() && pods.isEmpty();
    }

    /** Upstream's warning lines, one per mismatching kind; empty when everything matches. */
    public List<String> messages() {
      List<String> m = new ArrayList<>();
      if (!nodes.isEmpty()) {
        m.add(
            "cache mismatch: missed nodes: "
                + goList(nodes.missed())
                + "; redundant nodes: "
                + goList(nodes.redundant()));
      }
      if (!pods.isEmpty()) {
        m.add(
            "cache mismatch: missed pods: "
                + goList(pods.missed())
                + "; redundant pods: "
                + goList(pods.redundant()));
      }
      return m;
    }
  }

  private final Supplier<List<Node>> nodeLister;
  private final Supplier<List<Pod>> podLister;
  private final SchedulerCache cache;
  private final Supplier<List<Pod>> pendingPods;

  /**
   * @param nodeLister what the node informer holds
   * @param podLister what the pod informer holds
   * @param cache the cache to check
   * @param pendingPods the scheduling queue's pods (not in the cache yet, but not missing)
   */
  public CacheComparer(
      Supplier<List<Node>> nodeLister,
      Supplier<List<Pod>> podLister,
      SchedulerCache cache,
      Supplier<List<Pod>> pendingPods) {
    this.nodeLister = Objects.requireNonNull(nodeLister, "nodeLister");
    this.podLister = Objects.requireNonNull(podLister, "podLister");
    this.cache = Objects.requireNonNull(cache, "cache");
    this.pendingPods = Objects.requireNonNull(pendingPods, "pendingPods");
  }

  /** Compares once and logs a warning per mismatch, as upstream does; returns what it found. */
  public Result compare() {
    List<Node> nodes = nodeLister.get();
    List<Pod> pods = podLister.get();
    CacheDump dump = cache.dump();
    List<Pod> pending = pendingPods.get();
    Result r =
        new Result(compareNodes(nodes, dump.nodes()), comparePods(pods, pending, dump.nodes()));
    r.messages().forEach(LOG::warning);
    return r;
  }

  /** Node names of the informer against the cache's NodeInfo keys (ghosts included). */
  public static Diff compareNodes(List<Node> nodes, Map<String, NodeInfo> nodeInfos) {
    List<String> actual = new ArrayList<>();
    for (Node n : nodes) {
      actual.add(n.getMetadata().getName());
    }
    return compareStrings(actual, new ArrayList<>(nodeInfos.keySet()));
  }

  /** Pod UIDs of the informer against the cache's pods plus the pending ones. */
  public static Diff comparePods(
      List<Pod> pods, List<Pod> waitingPods, Map<String, NodeInfo> nodeInfos) {
    List<String> actual = new ArrayList<>();
    for (Pod p : pods) {
      actual.add(uid(p));
    }
    List<String> cached = new ArrayList<>();
    for (NodeInfo ni : nodeInfos.values()) {
      for (Pod p : ni.pods()) {
        cached.add(uid(p));
      }
    }
    for (Pod p : waitingPods) {
      cached.add(uid(p));
    }
    return compareStrings(actual, cached);
  }

  /**
   * A merge of the two sorted lists: an entry only in {@code actual} is missed, only in {@code
   * cached} redundant. Duplicates count one for one, as upstream's merge does.
   */
  static Diff compareStrings(List<String> actual, List<String> cached) {
    List<String> a = new ArrayList<>(actual);
    List<String> c = new ArrayList<>(cached);
    Collections.sort(a);
    Collections.sort(c);
    List<String> missed = new ArrayList<>();
    List<String> redundant = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.size() || j < c.size()) {
      int cmp;
      if (i == a.size()) {
        cmp = 1;
      } else if (j == c.size()) {
        cmp = -1;
      } else {
        cmp = Integer.signum(a.get(i).compareTo(c.get(j)));
      }
      if (cmp == 0) {
        i++;
        j++;
      } else if (cmp < 0) {
        missed.add(a.get(i++));
      } else {
        redundant.add(c.get(j++));
      }
    }
    return new Diff(missed, redundant);
  }

  private static String uid(Pod p) {
    String uid = p.getMetadata() == null ? null : p.getMetadata().getUid();
    return uid == null ? "" : uid;
  }

  /** Go's {@code %s} of a string slice: {@code [a b c]}. */
  static String goList(List<String> l) {
    return "[" + String.join(" ", l) + "]";
  }
}
