package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.kubelab.scheduler.cache.PodAffinityInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.StateData;
import io.kubelab.scheduler.predicates.AffinityTerms;
import io.kubelab.scheduler.predicates.TopologyPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * InterPodAffinity's PreFilter state: per topology pair, how many existing pods' required
 * anti-affinity terms match the incoming pod, how many existing pods match all of the incoming
 * pod's required affinity terms, and how many match each of its required anti-affinity terms.
 *
 * <p>Upstream: {@code preFilterState}, {@code topologyToMatchedTermCount}, {@code
 * getTPMapMatchingExistingAntiAffinity}, {@code getTPMapMatchingIncomingAffinityAntiAffinity} and
 * {@code updateWithPod} in {@code pkg/scheduler/framework/plugins/interpodaffinity/filtering.go}
 * (v1.18). Chapter 03's metadata (v1.17) keeps the matching pods' names per pair; v1.18 keeps only
 * counts, and a pair whose count falls to zero is deleted, so "the pair is present" means the same
 * in both. The counts are read from the plugin's {@link PodDomainIndex} (not upstream): v1.18 walks
 * every pod in the cluster for a pod with pod (anti-)affinity; here the pods are matched one class
 * (namespace and labels) at a time and the index's per-domain counts of the matching classes are
 * summed when Filter looks a pair up. The sums are upstream's counts.
 *
 * <p>AddPod and RemovePod ({@link #updateWithPod}) apply the same rules to one pod with a count of
 * +1 or −1. The namespaces of the added pod's own anti-affinity terms default to that pod's
 * namespace, as in chapter 03 and in later releases (some 1.18-era copies of {@code updateWithPod}
 * defaulted them to the incoming pod's namespace instead); the incoming pod's terms count the added
 * pod whatever its {@code spec.nodeName}, as chapter 03 does.
 */
final class InterPodAffinityState implements StateData {

  private static final String AFFINITY_FIELD =
      "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution";
  private static final String ANTI_AFFINITY_FIELD =
      "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution";

  private final Pod pod;
  private final List<PodAffinityTerm> affinityTerms;
  private final List<AffinityTerms.TermProperties> affinityProps;
  private final List<PodAffinityTerm> antiAffinityTerms;
  private final List<AffinityTerms.TermProperties> antiAffinityProps;

  /** {@code topologyToMatchedExistingAntiAffinityTerms}. */
  private final PairTable existingAntiAffinity;

  /** {@code topologyToMatchedAffinityTerms}. */
  private final PairTable affinity;

  /** {@code topologyToMatchedAntiAffinityTerms}. */
  private final PairTable antiAffinity;

  private InterPodAffinityState(
      Pod pod,
      List<PodAffinityTerm> affinityTerms,
      List<AffinityTerms.TermProperties> affinityProps,
      List<PodAffinityTerm> antiAffinityTerms,
      List<AffinityTerms.TermProperties> antiAffinityProps,
      PairTable existingAntiAffinity,
      PairTable affinity,
      PairTable antiAffinity) {
    this.pod = pod;
    this.affinityTerms = affinityTerms;
    this.affinityProps = affinityProps;
    this.antiAffinityTerms = antiAffinityTerms;
    this.antiAffinityProps = antiAffinityProps;
    this.existingAntiAffinity = existingAntiAffinity;
    this.affinity = affinity;
    this.antiAffinity = antiAffinity;
  }

  /**
   * Upstream's PreFilter computation over the snapshot, read from {@code index} (brought up to the
   * snapshot first when the cycle needs it).
   *
   * @throws IllegalArgumentException naming the pod and field when a selector of the pod's terms,
   *     or of an existing pod's anti-affinity terms, is malformed
   */
  static InterPodAffinityState compute(Pod pod, Snapshot snapshot, PodDomainIndex index) {
    PairTable existing = new PairTable();
    PairTable affinityCounts = new PairTable();
    PairTable antiAffinityCounts = new PairTable();
    boolean existingTerms = !snapshot.havePodsWithAffinityList().isEmpty();
    boolean ownTerms = AffinityTerms.hasPodAffinityOrAntiAffinity(pod);
    if (existingTerms || ownTerms) {
      index.sync(snapshot);
    }
    if (existingTerms) {
      // Existing pods' anti-affinity: each distinct term once. Its selector is taken before its
      // namespaces are looked at, as v1.18 compiles it, so a malformed selector fails the cycle
      // whatever the incoming pod's namespace.
      for (Map.Entry<PodAffinityInfo.Term, PodDomainIndex.TermCounts> e :
          index.terms(PodDomainIndex.TermKind.REQUIRED_ANTI_AFFINITY).entrySet()) {
        PodAffinityInfo.Term t = e.getKey();
        if (AffinityTerms.podMatchesTermsNamespaceAndSelector(pod, t.namespaces(), t.selector())) {
          existing.add(t.topologyKey(), e.getValue().counts());
        }
      }
    }
    // The incoming pod's own terms are compiled after the existing pods' are matched, as v1.18's
    // PreFilter runs getTPMapMatchingExistingAntiAffinity first: with a malformed selector on
    // both sides, the existing pod's is the error.
    List<PodAffinityTerm> affinityTerms = AffinityTerms.requiredAffinityTerms(pod);
    List<PodAffinityTerm> antiAffinityTerms = AffinityTerms.requiredAntiAffinityTerms(pod);
    List<AffinityTerms.TermProperties> affinityProps =
        AffinityTerms.properties(pod, affinityTerms, AFFINITY_FIELD);
    List<AffinityTerms.TermProperties> antiAffinityProps =
        AffinityTerms.properties(pod, antiAffinityTerms, ANTI_AFFINITY_FIELD);
    if (ownTerms) {
      // The incoming pod's own terms: every pod in the cluster is a candidate, one class at a time.
      for (PodDomainIndex.PodClass c : index.classes()) {
        if (matchesAll(c, affinityProps)) {
          for (PodAffinityTerm term : affinityTerms) {
            affinityCounts.add(
                term.getTopologyKey(),
                index.counts(c, new PodDomainIndex.Slice(term.getTopologyKey(), List.of())));
          }
        }
        for (int t = 0; t < antiAffinityProps.size(); t++) {
          AffinityTerms.TermProperties p = antiAffinityProps.get(t);
          if (c.matches(p.namespaces(), p.selector())) {
            String key = antiAffinityTerms.get(t).getTopologyKey();
            antiAffinityCounts.add(key, index.counts(c, new PodDomainIndex.Slice(key, List.of())));
          }
        }
      }
    }
    return new InterPodAffinityState(
        pod,
        affinityTerms,
        affinityProps,
        antiAffinityTerms,
        antiAffinityProps,
        existing.seal(),
        affinityCounts.seal(),
        antiAffinityCounts.seal());
  }

  /** {@code podMatchesAllAffinityTermProperties} for a class: false for no terms at all. */
  private static boolean matchesAll(
      PodDomainIndex.PodClass c, List<AffinityTerms.TermProperties> props) {
    if (props.isEmpty()) {
      return false;
    }
    for (AffinityTerms.TermProperties p : props) {
      if (!c.matches(p.namespaces(), p.selector())) {
        return false;
      }
    }
    return true;
  }

  /** Upstream's {@code Clone}: the counts are copied, the pod's terms shared. */
  @Override
  public InterPodAffinityState clone() {
    return new InterPodAffinityState(
        pod,
        affinityTerms,
        affinityProps,
        antiAffinityTerms,
        antiAffinityProps,
        existingAntiAffinity.copy(),
        affinity.copy(),
        antiAffinity.copy());
  }

  /**
   * Upstream's {@code updateWithPod}: counts {@code updated}, running on {@code node}, in ({@code
   * multiplier} = 1, AddPod) or out (−1, RemovePod).
   */
  void updateWithPod(Pod updated, Node node, long multiplier) {
    PodAffinityInfo parsed = PodAffinityInfo.of(updated);
    PairCounts existingPairs =
        parsed == null ? null : existingAntiAffinityPairs(pod, parsed, node, null);
    if (existingPairs != null) {
      existingPairs.addTo(existingAntiAffinity, multiplier);
    }
    // The incoming pod's own terms: nothing to count (nor any node label to read) without them.
    if (!affinityTerms.isEmpty() && AffinityTerms.podMatchesAll(updated, affinityProps)) {
      PairCounts affinityPairs = new PairCounts(node);
      for (PodAffinityTerm term : affinityTerms) {
        affinityPairs.add(term.getTopologyKey(), 1);
      }
      affinityPairs.addTo(affinity, multiplier);
    }
    if (!antiAffinityTerms.isEmpty()) {
      PairCounts antiAffinityPairs = new PairCounts(node);
      for (int t = 0; t < antiAffinityTerms.size(); t++) {
        AffinityTerms.TermProperties p = antiAffinityProps.get(t);
        if (AffinityTerms.podMatchesTermsNamespaceAndSelector(
            updated, p.namespaces(), p.selector())) {
          antiAffinityPairs.add(antiAffinityTerms.get(t).getTopologyKey(), 1);
        }
      }
      antiAffinityPairs.addTo(antiAffinity, multiplier);
    }
  }

  /** {@code satisfyExistingPodsAntiAffinity}: no pair of the node is blocked by an existing pod. */
  boolean satisfiesExistingPodsAntiAffinity(Node node) {
    if (existingAntiAffinity.isEmpty()) {
      return true;
    }
    // Upstream looks up every label of the node; only the keys the table holds can be positive.
    Map<String, String> labels = labels(node);
    for (String key : existingAntiAffinity.keys()) {
      String value = labels.get(key);
      if (value != null && existingAntiAffinity.count(key, value) > 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The affinity half of {@code satisfiesPodsAffinityAntiAffinity}: every term's pair of the node
   * holds a matching pod, unless no pod anywhere matches and the pod matches its own terms (the
   * first pod of a group with affinity to itself).
   */
  boolean satisfiesAffinity(Node node) {
    if (affinityTerms.isEmpty() || nodeMatchesAllTopologyTerms(node)) {
      return true;
    }
    return affinity.isEmpty() && AffinityTerms.podMatchesAll(pod, affinityProps);
  }

  /** The anti-affinity half: no term's pair of the node holds a matching pod. */
  boolean satisfiesAntiAffinity(Node node) {
    Map<String, String> labels = labels(node);
    for (PodAffinityTerm term : antiAffinityTerms) {
      String value = labels.get(term.getTopologyKey());
      if (value != null && antiAffinity.count(term.getTopologyKey(), value) > 0) {
        return false;
      }
    }
    return true;
  }

  private boolean nodeMatchesAllTopologyTerms(Node node) {
    Map<String, String> labels = labels(node);
    for (PodAffinityTerm term : affinityTerms) {
      String value = labels.get(term.getTopologyKey());
      if (value == null || affinity.count(term.getTopologyKey(), value) <= 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code getMatchingAntiAffinityTopologyPairsOfPod}: counts the node's pair of each required
   * anti-affinity term of {@code other} that the incoming pod falls under. Each term's selector is
   * taken before its namespaces are looked at, as v1.18 compiles it, so a malformed selector fails
   * the cycle whatever the incoming pod's namespace.
   *
   * @throws io.kubelab.apimachinery.labels.LabelSelectors.InvalidSelectorException naming the pod
   *     and field of a malformed selector
   */
  private static PairCounts existingAntiAffinityPairs(
      Pod incoming, PodAffinityInfo other, Node node, PairCounts into) {
    PairCounts out = into;
    for (PodAffinityInfo.Term t : other.requiredAntiAffinity()) {
      if (AffinityTerms.podMatchesTermsNamespaceAndSelector(
          incoming, t.namespaces(), t.selector())) {
        if (out == null) {
          out = new PairCounts(node);
        }
        out.add(t.topologyKey(), 1);
      }
    }
    return out;
  }

  /**
   * One table of upstream's {@code topologyToMatchedTermCount}, without copying the cluster's
   * counts into it: per topology key, the index's counts of every class (or distinct term) that
   * matched, summed when a pair is looked up, plus what AddPod and RemovePod changed since. A key
   * that gathers many parts has them summed once into a table of its own.
   */
  static final class PairTable {
    /** Beyond this many parts for one key, a lookup would cost more than one merge per cycle. */
    private static final int MAX_PARTS = 4;

    private final Map<String, List<PodDomainIndex.ValueCounts>> parts;
    private final Map<TopologyPair, Long> changes;
    private long partsTotal;

    PairTable() {
      this(new HashMap<>(4), new HashMap<>(), 0);
    }

    private PairTable(
        Map<String, List<PodDomainIndex.ValueCounts>> parts,
        Map<TopologyPair, Long> changes,
        long partsTotal) {
      this.parts = parts;
      this.changes = changes;
      this.partsTotal = partsTotal;
    }

    /** Adds one class's (or term's) counts for {@code key}; nothing when they are all zero. */
    void add(String key, PodDomainIndex.ValueCounts counts) {
      if (key == null || counts.total() == 0) {
        return;
      }
      parts.computeIfAbsent(key, k -> new ArrayList<>(2)).add(counts);
      partsTotal += counts.total();
    }

    /** Merges the parts of a key that gathered many; the table is read-only from here on. */
    PairTable seal() {
      for (Map.Entry<String, List<PodDomainIndex.ValueCounts>> e : parts.entrySet()) {
        if (e.getValue().size() > MAX_PARTS) {
          PodDomainIndex.ValueCounts sum = new PodDomainIndex.ValueCounts();
          for (PodDomainIndex.ValueCounts c : e.getValue()) {
            c.byValue().forEach(sum::add);
          }
          e.setValue(List.of(sum));
        }
      }
      return this;
    }

    /** A table with its own AddPod/RemovePod changes; the index's counts are shared. */
    PairTable copy() {
      return new PairTable(parts, new HashMap<>(changes), partsTotal);
    }

    /** {@code counts[pair] += n}, a pair at zero deleted, as upstream's {@code updateWithPod}. */
    void change(TopologyPair pair, long n) {
      changes.merge(pair, n, (a, b) -> a + b == 0 ? null : a + b);
    }

    long count(String key, String value) {
      long n = 0;
      List<PodDomainIndex.ValueCounts> p = parts.get(key);
      if (p != null) {
        for (PodDomainIndex.ValueCounts c : p) {
          n += c.get(value);
        }
      }
      if (!changes.isEmpty()) {
        Long d = changes.get(new TopologyPair(key, value));
        if (d != null) {
          n += d;
        }
      }
      return n;
    }

    /** The keys that may hold a positive pair. */
    Set<String> keys() {
      if (changes.isEmpty()) {
        return parts.keySet();
      }
      Set<String> keys = new HashSet<>(parts.keySet());
      for (TopologyPair p : changes.keySet()) {
        keys.add(p.key());
      }
      return keys;
    }

    /** Upstream's {@code len(counts) == 0}: no pair holds a count. */
    boolean isEmpty() {
      if (changes.isEmpty()) {
        return partsTotal == 0;
      }
      return toMap().isEmpty();
    }

    /** The table as upstream's map. */
    Map<TopologyPair, Long> toMap() {
      Map<TopologyPair, Long> out = new HashMap<>();
      parts.forEach(
          (key, list) -> {
            for (PodDomainIndex.ValueCounts c : list) {
              c.byValue().forEach((v, n) -> out.merge(new TopologyPair(key, v), n, Long::sum));
            }
          });
      changes.forEach((pair, n) -> out.merge(pair, n, Long::sum));
      out.values().removeIf(n -> n == 0);
      return out;
    }
  }

  /**
   * One node's topology pairs and how often each was counted. Every pod on a node falls in the
   * node's pair for a key, so counting per key first and adding each pair once per node reaches the
   * counts upstream's per-pod map updates reach ({@code updateWithAffinityTerms}, {@code
   * updateWithAntiAffinityTerms}).
   */
  private static final class PairCounts {
    private final Node node;
    private final Map<String, long[]> byKey = new LinkedHashMap<>(4);

    PairCounts(Node node) {
      this.node = node;
    }

    /** Counts {@code n} in the node's pair for {@code key}; nothing when the node lacks the key. */
    void add(String key, long n) {
      if (key == null || labels(node).get(key) == null) {
        return;
      }
      byKey.computeIfAbsent(key, k -> new long[1])[0] += n;
    }

    /** Adds each count times {@code multiplier} to {@code table}'s changes. */
    void addTo(PairTable table, long multiplier) {
      if (byKey.isEmpty()) {
        return;
      }
      Map<String, String> nodeLabels = labels(node);
      byKey.forEach(
          (key, n) -> table.change(new TopologyPair(key, nodeLabels.get(key)), n[0] * multiplier));
    }
  }

  private static Map<String, String> labels(Node node) {
    Map<String, String> l = node.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }
}
