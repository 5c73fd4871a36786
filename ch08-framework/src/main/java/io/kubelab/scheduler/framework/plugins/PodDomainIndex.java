package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.labels.Selector;
import io.kubelab.scheduler.cache.Cache;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.PodAffinityInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.predicates.AffinityTerms;
import io.kubelab.scheduler.predicates.EvenPodsSpreadMetadata;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ObjLongConsumer;

/**
 * Not upstream: what InterPodAffinity's and PodTopologySpread's PreFilter (and PodTopologySpread's
 * PreScore) count, kept from one cycle to the next and updated by the nodes that changed.
 *
 * <p>v1.18's plugins walk every pod on every node in every cycle of a pod with pod (anti-)affinity
 * or topology spread constraints (and every pod with affinity on the nodes that have some, in every
 * cycle at all). Yet whether a term or a spread constraint counts a pod depends on three things
 * only: the pod's namespace, its labels and (for spreading) whether it is terminating. Pods alike
 * in those form one <em>class</em>, and a term or selector matches a whole class or none of it.
 * This index keeps, per class, the nodes its pods run on and how many; per class and {@link Slice}
 * (a topology key, over the nodes that carry a given set of keys), how many of its pods run in each
 * domain; per slice, how many nodes each domain has; and per distinct term of the existing pods
 * (required anti-affinity for the filter, required affinity and preferred terms for the score), how
 * many such terms run in each domain of its key. A cycle then matches its terms and selectors
 * against the classes, and the incoming pod against the distinct terms, instead of every pod: the
 * counts it reads are the sums upstream's walk reaches.
 *
 * <p>It follows the snapshot through {@link Snapshot#changesSince}: each cycle re-reads only the
 * nodes whose NodeInfo changed since the last one (the node just bound to, mostly), and reads the
 * whole snapshot again when it is another snapshot or the log no longer reaches back. A slice is
 * counted the first time a cycle asks for it and kept up to date from then on. Counts it hands out
 * are read by the cycle's Filter and Score and must not be kept past the cycle: the next one
 * updates them in place. One index serves one plugin of one profile, used by one scheduling cycle
 * at a time (the scheduling loop is serial). It keeps the pods' and nodes' label maps as they are,
 * relying on the rule chapter 01's {@code PodAffinityInfo} relies on: an object in the cache is
 * never changed in place (an update replaces it, and the snapshot logs the node).
 */
final class PodDomainIndex implements EvenPodsSpreadMetadata.DomainCounts {

  /** How many slices are kept up to date at most; see {@link #remember}. */
  static final int MAX_SLICES = 64;

  /**
   * Pods no term or selector can tell apart: the same namespace ("" when none), whether they are
   * terminating (they have a deletion timestamp), and the same labels.
   */
  record PodClass(String namespace, boolean terminating, Map<String, String> labels) {

    static PodClass of(Pod pod) {
      return new PodClass(
          AffinityTerms.namespace(pod),
          pod.getMetadata().getDeletionTimestamp() != null,
          AffinityTerms.labels(pod));
    }

    boolean matches(Set<String> namespaces, Selector selector) {
      return namespaces.contains(namespace) && selector.matches(labels);
    }
  }

  /**
   * A topology key counted over the nodes that carry every key of {@code required} (the keys of all
   * of a pod's spread constraints; none for inter-pod affinity, which counts every node that has
   * the key).
   */
  record Slice(String key, List<String> required) {

    /** The node's domain in this slice, or null when the node is not counted in it. */
    String domain(Map<String, String> labels) {
      if (key == null) {
        return null;
      }
      for (String k : required) {
        if (k == null || !labels.containsKey(k)) {
          return null;
        }
      }
      return labels.get(key);
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

  /** One distinct term of the existing pods: how many pods carry it, and where. */
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
      List<Map<PodAffinityInfo.Term, Long>> terms) {}

  /** The kinds of existing pods' terms the index counts, index for index with its term maps. */
  enum TermKind {
    /** Required anti-affinity: InterPodAffinity's Filter. */
    REQUIRED_ANTI_AFFINITY,
    /** Required affinity: scored with {@code hardPodAffinityWeight}. */
    REQUIRED_AFFINITY,
    /** Preferred affinity: scored with its weight. */
    PREFERRED_AFFINITY,
    /** Preferred anti-affinity: scored with its weight, negated. */
    PREFERRED_ANTI_AFFINITY;

    List<PodAffinityInfo.Term> of(PodAffinityInfo info) {
      return switch (this) {
        case REQUIRED_ANTI_AFFINITY -> info.requiredAntiAffinity();
        case REQUIRED_AFFINITY -> info.requiredAffinity();
        case PREFERRED_AFFINITY -> info.preferredAffinity();
        case PREFERRED_ANTI_AFFINITY -> info.preferredAntiAffinity();
      };
    }
  }

  private Snapshot snapshot;
  private long position;
  private long rebuilds;
  private final Map<String, NodeEntry> nodes = new HashMap<>();
  private final Map<PodClass, Map<String, Long>> classNodes = new HashMap<>();
  private final Map<PodClass, Map<Slice, ValueCounts>> bySlice = new HashMap<>();
  private final Map<Slice, ValueCounts> domains = new HashMap<>();
  private final Set<Slice> slices = new HashSet<>();
  private final List<Map<PodAffinityInfo.Term, TermCounts>> terms = new ArrayList<>();

  PodDomainIndex() {
    for (int k = 0; k < TermKind.values().length; k++) {
      terms.add(new HashMap<>());
    }
  }

  /** Brings the index up to {@code s}: by its change log when it can, else from scratch. */
  void sync(Snapshot s) {
    if (s != snapshot || !s.changesSince(position, this::reindex)) {
      rebuild(s);
    }
    position = s.changePosition();
  }

  /**
   * The index as chapter 03's {@code DomainCounts}, brought up to {@code s} when asked (a sync with
   * nothing new in the log reads nothing).
   */
  EvenPodsSpreadMetadata.DomainCounts over(Snapshot s) {
    return (key, required, namespace, selector, action) -> {
      sync(s);
      forEachDomain(key, required, namespace, selector, action);
    };
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
   * How many pods of class {@code c} run in each domain of {@code slice}: computed from the class's
   * nodes the first time a cycle asks, then kept up to date.
   */
  ValueCounts counts(PodClass c, Slice slice) {
    remember(slice);
    Map<Slice, ValueCounts> slices = bySlice.computeIfAbsent(c, k -> new HashMap<>(4));
    ValueCounts vc = slices.get(slice);
    if (vc == null) {
      vc = new ValueCounts();
      Map<String, Long> where = classNodes.get(c);
      if (where != null) {
        for (Map.Entry<String, Long> e : where.entrySet()) {
          vc.add(slice.domain(nodes.get(e.getKey()).labels()), e.getValue());
        }
      }
      slices.put(slice, vc);
    }
    return vc;
  }

  /**
   * How many nodes each domain of {@code slice} has (every node counted in the slice is in one).
   */
  ValueCounts domains(Slice slice) {
    remember(slice);
    ValueCounts vc = domains.get(slice);
    if (vc == null) {
      vc = new ValueCounts();
      for (NodeEntry e : nodes.values()) {
        vc.add(slice.domain(e.labels()), 1);
      }
      domains.put(slice, vc);
    }
    return vc;
  }

  /**
   * Calls {@code action} with each domain of {@code key} among the nodes that carry every key in
   * {@code required}, and how many pods that are not terminating, of {@code namespace}, {@code
   * selector} matches there: v1.18's {@code countPodsMatchSelector} summed per domain.
   */
  @Override
  public void forEachDomain(
      String key,
      List<String> required,
      String namespace,
      Selector selector,
      ObjLongConsumer<String> action) {
    // The same keys in another order are the same nodes: one slice for them.
    List<String> keys =
        required.stream()
            .distinct()
            .sorted(Comparator.nullsFirst(Comparator.naturalOrder()))
            .toList();
    Slice slice = new Slice(key, keys);
    Map<String, Long> matched = new HashMap<>();
    if (selector != Selector.NOTHING) {
      for (PodClass c : classNodes.keySet()) {
        if (!c.terminating() && c.namespace().equals(namespace) && selector.matches(c.labels())) {
          counts(c, slice).byValue().forEach((v, n) -> matched.merge(v, n, Long::sum));
        }
      }
    }
    for (String domain : domains(slice).byValue().keySet()) {
      Long n = matched.get(domain);
      action.accept(domain, n == null ? 0 : n);
    }
  }

  /**
   * Notes a slice a cycle asks for. Every slice kept is updated on every node change, so after
   * {@value #MAX_SLICES} distinct ones (pods with many different key sets over time) the counts per
   * slice are all dropped and counted again as cycles ask for them.
   */
  private void remember(Slice slice) {
    if (slices.contains(slice)) {
      return;
    }
    if (slices.size() >= MAX_SLICES) {
      slices.clear();
      bySlice.clear();
      domains.clear();
    }
    slices.add(slice);
  }

  /** How many slices are kept (for tests). */
  int slicesKept() {
    return slices.size();
  }

  /** The distinct terms of one kind of the existing pods, each with its counts. */
  Map<PodAffinityInfo.Term, TermCounts> terms(TermKind kind) {
    return terms.get(kind.ordinal());
  }

  private void rebuild(Snapshot s) {
    rebuilds++;
    snapshot = s;
    nodes.clear();
    classNodes.clear();
    bySlice.clear();
    domains.clear();
    slices.clear();
    terms.forEach(Map::clear);
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

  /** Counts a node of the snapshot (its list and {@code get} hold only NodeInfos with a node). */
  private void add(NodeInfo ni) {
    Map<String, String> labels = ni.node().getMetadata().getLabels();
    Map<PodClass, Long> classes = new HashMap<>();
    for (Pod p : ni.pods()) {
      classes.merge(PodClass.of(p), 1L, Long::sum);
    }
    List<Map<PodAffinityInfo.Term, Long>> kinds = new ArrayList<>(TermKind.values().length);
    for (TermKind kind : TermKind.values()) {
      Map<PodAffinityInfo.Term, Long> m = new HashMap<>();
      for (PodAffinityInfo info : ni.affinityInfos()) {
        for (PodAffinityInfo.Term t : kind.of(info)) {
          m.merge(t, 1L, Long::sum);
        }
      }
      kinds.add(m);
    }
    NodeEntry entry = new NodeEntry(labels == null ? Map.of() : labels, classes, kinds);
    nodes.put(ni.nodeName(), entry);
    apply(ni.nodeName(), entry, 1);
  }

  /** Adds ({@code sign} 1) or takes back (−1) one node's contribution. */
  private void apply(String nodeName, NodeEntry entry, long sign) {
    for (Map.Entry<Slice, ValueCounts> d : domains.entrySet()) {
      d.getValue().add(d.getKey().domain(entry.labels()), sign);
    }
    for (Map.Entry<PodClass, Long> e : entry.classes().entrySet()) {
      PodClass c = e.getKey();
      long n = sign * e.getValue();
      Map<String, Long> where = classNodes.computeIfAbsent(c, k -> new HashMap<>());
      where.merge(nodeName, n, (a, b) -> a + b == 0 ? null : a + b);
      if (where.isEmpty()) {
        classNodes.remove(c);
        bySlice.remove(c);
        continue;
      }
      Map<Slice, ValueCounts> slices = bySlice.get(c);
      if (slices != null) {
        for (Map.Entry<Slice, ValueCounts> k : slices.entrySet()) {
          k.getValue().add(k.getKey().domain(entry.labels()), n);
        }
      }
    }
    for (int k = 0; k < terms.size(); k++) {
      Map<PodAffinityInfo.Term, TermCounts> counted = terms.get(k);
      for (Map.Entry<PodAffinityInfo.Term, Long> e : entry.terms().get(k).entrySet()) {
        PodAffinityInfo.Term t = e.getKey();
        long n = sign * e.getValue();
        TermCounts tc = counted.computeIfAbsent(t, x -> new TermCounts());
        tc.owners += n;
        if (tc.owners == 0) {
          counted.remove(t);
          continue;
        }
        tc.counts.add(value(entry.labels(), t.topologyKey()), n);
      }
    }
  }

  private static String value(Map<String, String> labels, String key) {
    return key == null ? null : labels.get(key);
  }
}
