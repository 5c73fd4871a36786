package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.Cache;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.PodAffinityInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.predicates.AffinityTerms;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Not upstream: what InterPodAffinity's PreFilter counts, kept from one cycle to the next and
 * updated by the nodes that changed.
 *
 * <p>v1.18's PreFilter walks every pod on every node in every cycle of a pod with pod
 * (anti-)affinity (and every pod with affinity on the nodes that have some, in every cycle at all).
 * Yet whether a term matches a pod depends on two things only, the pod's namespace and labels: pods
 * alike in both form one <em>class</em>, and a term matches a whole class or none of it. This index
 * keeps, per class, the nodes its pods run on and how many; per class and topology key (asked for
 * the first time by a term), how many of its pods run in each topology domain; and per distinct
 * required anti-affinity term of the existing pods, how many such terms run in each domain of its
 * key. A cycle then matches the incoming pod's terms against the classes, and the incoming pod
 * against the distinct terms, instead of every pod: the counts it reads are the sums upstream's
 * walk reaches.
 *
 * <p>It follows the snapshot through {@link Snapshot#changesSince}: each cycle re-reads only the
 * nodes whose NodeInfo changed since the last one (the node just bound to, mostly), and reads the
 * whole snapshot again when it is another snapshot or the log no longer reaches back. Counts it
 * hands out are read by the cycle's Filter and must not be kept past it: the next cycle updates
 * them in place. Used by one scheduling cycle at a time (the scheduling loop is serial).
 */
final class PodAffinityIndex {

  /** Pods no term can tell apart: the same namespace ("" when none) and the same labels. */
  record PodClass(String namespace, Map<String, String> labels) {

    static PodClass of(Pod pod) {
      return new PodClass(AffinityTerms.namespace(pod), AffinityTerms.labels(pod));
    }

    boolean matches(Set<String> namespaces, io.kubelab.apimachinery.labels.Selector selector) {
      return namespaces.contains(namespace) && selector.matches(labels);
    }
  }

  /** How many pods (or terms) are counted in each value of one topology key, and their sum. */
  static final class ValueCounts {
    private final Map<String, Long> byValue = new HashMap<>();
    private long total;

    /** Counts {@code n} more in {@code value}; nothing for a node without the key. */
    void add(String value, long n) {
      if (value == null || n == 0) {
        return;
      }
      byValue.merge(value, n, (a, b) -> a + b == 0 ? null : a + b);
      total += n;
    }

    long get(String value) {
      Long n = byValue.get(value);
      return n == null ? 0 : n;
    }

    long total() {
      return total;
    }

    Map<String, Long> byValue() {
      return byValue;
    }
  }

  /** One distinct required anti-affinity term of the existing pods: how many pods carry it. */
  static final class TermCounts {
    private final ValueCounts counts = new ValueCounts();
    private long owners;

    ValueCounts counts() {
      return counts;
    }
  }

  /** What one node contributed, kept to take it back when the node changes. */
  private record NodeEntry(
      Map<String, String> labels,
      Map<PodClass, Long> classes,
      Map<PodAffinityInfo.Term, Long> antiTerms) {}

  private Snapshot snapshot;
  private long position;
  private long rebuilds;
  private final Map<String, NodeEntry> nodes = new HashMap<>();
  private final Map<PodClass, Map<String, Long>> classNodes = new HashMap<>();
  private final Map<PodClass, Map<String, ValueCounts>> byKey = new HashMap<>();
  private final Map<PodAffinityInfo.Term, TermCounts> antiTerms = new HashMap<>();

  /** Brings the index up to {@code s}: by its change log when it can, else from scratch. */
  void sync(Snapshot s) {
    if (s != snapshot || !s.changesSince(position, this::reindex)) {
      rebuild(s);
    }
    position = s.changePosition();
  }

  /** How often the index was built from scratch (for tests). */
  long rebuilds() {
    return rebuilds;
  }

  /** Every class with at least one pod on a node of the snapshot. */
  Set<PodClass> classes() {
    return classNodes.keySet();
  }

  /**
   * How many pods of class {@code c} run in each value of {@code key}: computed from the class's
   * nodes the first time a term asks, then kept up to date.
   */
  ValueCounts counts(PodClass c, String key) {
    Map<String, ValueCounts> keys = byKey.computeIfAbsent(c, k -> new HashMap<>(4));
    ValueCounts vc = keys.get(key);
    if (vc == null) {
      vc = new ValueCounts();
      Map<String, Long> where = classNodes.get(c);
      if (where != null) {
        for (Map.Entry<String, Long> e : where.entrySet()) {
          vc.add(value(nodes.get(e.getKey()).labels(), key), e.getValue());
        }
      }
      keys.put(key, vc);
    }
    return vc;
  }

  /** The distinct required anti-affinity terms of the existing pods, each with its counts. */
  Map<PodAffinityInfo.Term, TermCounts> antiAffinityTerms() {
    return antiTerms;
  }

  private void rebuild(Snapshot s) {
    rebuilds++;
    snapshot = s;
    nodes.clear();
    classNodes.clear();
    byKey.clear();
    antiTerms.clear();
    for (NodeInfo ni : s.list()) {
      add(ni);
    }
  }

  /**
   * Takes back what the node contributed and counts what it holds now (nothing once it is gone).
   */
  private void reindex(String nodeName) {
    NodeEntry old = nodes.remove(nodeName);
    if (old != null) {
      apply(nodeName, old, -1);
    }
    NodeInfo ni;
    try {
      ni = snapshot.get(nodeName);
    } catch (Cache.CacheException gone) {
      return;
    }
    add(ni);
  }

  private void add(NodeInfo ni) {
    Node node = ni.node();
    if (node == null) {
      return; // upstream skips a NodeInfo without its node
    }
    Map<String, String> labels = node.getMetadata().getLabels();
    Map<PodClass, Long> classes = new HashMap<>();
    for (Pod p : ni.pods()) {
      classes.merge(PodClass.of(p), 1L, Long::sum);
    }
    Map<PodAffinityInfo.Term, Long> terms = new HashMap<>();
    for (PodAffinityInfo info : ni.affinityInfos()) {
      for (PodAffinityInfo.Term t : info.requiredAntiAffinity()) {
        terms.merge(t, 1L, Long::sum);
      }
    }
    NodeEntry entry = new NodeEntry(labels == null ? Map.of() : labels, classes, terms);
    nodes.put(ni.nodeName(), entry);
    apply(ni.nodeName(), entry, 1);
  }

  /** Adds ({@code sign} 1) or takes back (−1) one node's contribution. */
  private void apply(String nodeName, NodeEntry entry, long sign) {
    for (Map.Entry<PodClass, Long> e : entry.classes().entrySet()) {
      PodClass c = e.getKey();
      long n = sign * e.getValue();
      Map<String, Long> where = classNodes.computeIfAbsent(c, k -> new HashMap<>());
      where.merge(nodeName, n, (a, b) -> a + b == 0 ? null : a + b);
      if (where.isEmpty()) {
        classNodes.remove(c);
        byKey.remove(c);
        continue;
      }
      Map<String, ValueCounts> keys = byKey.get(c);
      if (keys != null) {
        for (Map.Entry<String, ValueCounts> k : keys.entrySet()) {
          k.getValue().add(value(entry.labels(), k.getKey()), n);
        }
      }
    }
    for (Map.Entry<PodAffinityInfo.Term, Long> e : entry.antiTerms().entrySet()) {
      PodAffinityInfo.Term t = e.getKey();
      long n = sign * e.getValue();
      TermCounts tc = antiTerms.computeIfAbsent(t, k -> new TermCounts());
      tc.owners += n;
      if (tc.owners == 0) {
        antiTerms.remove(t);
        continue;
      }
      tc.counts.add(value(entry.labels(), t.topologyKey()), n);
    }
  }

  private static String value(Map<String, String> labels, String key) {
    return key == null ? null : labels.get(key);
  }
}
