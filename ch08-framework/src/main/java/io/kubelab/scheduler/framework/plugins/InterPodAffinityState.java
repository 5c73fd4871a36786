package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.PodAffinityInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.StateData;
import io.kubelab.scheduler.predicates.AffinityTerms;
import io.kubelab.scheduler.predicates.TopologyPair;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * in both. The node scans run on the framework's parallelizer (upstream: 16 goroutines), each node
 * writing its matches into its own slot; the counts are summed afterwards, so the result does not
 * depend on thread timing.
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
  private final Map<TopologyPair, Long> existingAntiAffinity;

  /** {@code topologyToMatchedAffinityTerms}. */
  private final Map<TopologyPair, Long> affinity;

  /** {@code topologyToMatchedAntiAffinityTerms}. */
  private final Map<TopologyPair, Long> antiAffinity;

  private InterPodAffinityState(
      Pod pod,
      List<PodAffinityTerm> affinityTerms,
      List<AffinityTerms.TermProperties> affinityProps,
      List<PodAffinityTerm> antiAffinityTerms,
      List<AffinityTerms.TermProperties> antiAffinityProps,
      Map<TopologyPair, Long> existingAntiAffinity,
      Map<TopologyPair, Long> affinity,
      Map<TopologyPair, Long> antiAffinity) {
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
   * Upstream's PreFilter computation over the snapshot.
   *
   * @param parallelizer scans the nodes in parallel; null scans them one by one
   * @throws IllegalArgumentException naming the pod and field when a selector of the pod's terms,
   *     or of an existing pod's anti-affinity terms, is malformed
   */
  static InterPodAffinityState compute(Pod pod, Snapshot snapshot, Parallelizer parallelizer) {
    List<PodAffinityTerm> affinityTerms = AffinityTerms.requiredAffinityTerms(pod);
    List<PodAffinityTerm> antiAffinityTerms = AffinityTerms.requiredAntiAffinityTerms(pod);
    List<AffinityTerms.TermProperties> affinityProps =
        AffinityTerms.properties(pod, affinityTerms, AFFINITY_FIELD);
    List<AffinityTerms.TermProperties> antiAffinityProps =
        AffinityTerms.properties(pod, antiAffinityTerms, ANTI_AFFINITY_FIELD);

    // Existing pods' anti-affinity: only nodes that run pods with affinity can contribute.
    List<NodeInfo> withAffinity = snapshot.havePodsWithAffinityList();
    PairCounts[] existing = new PairCounts[withAffinity.size()];
    Parallelizer.forEach(
        parallelizer,
        withAffinity.size(),
        i -> {
          NodeInfo ni = withAffinity.get(i);
          Node node = ni.node();
          if (node == null) {
            return; // upstream logs "node not found" and skips it
          }
          // Each existing pod's terms come parsed from the NodeInfo (v1.20's PodInfo).
          PairCounts found = null;
          for (PodAffinityInfo other : ni.affinityInfos()) {
            found = existingAntiAffinityPairs(pod, other, node, found);
          }
          existing[i] = found;
        });

    // The incoming pod's own terms: every pod in the cluster is a candidate.
    Map<TopologyPair, Long> affinityCounts = new HashMap<>();
    Map<TopologyPair, Long> antiAffinityCounts = new HashMap<>();
    if (AffinityTerms.hasPodAffinityOrAntiAffinity(pod)) {
      List<NodeInfo> all = snapshot.list();
      PairCounts[] aff = new PairCounts[all.size()];
      PairCounts[] anti = new PairCounts[all.size()];
      Parallelizer.forEach(
          parallelizer,
          all.size(),
          i -> {
            NodeInfo ni = all.get(i);
            Node node = ni.node();
            if (node == null) {
              return;
            }
            // Every pod on one node falls in the same pair for a term, so the node's pods are
            // counted per term first and each pair is added once per node with its count: the
            // counts upstream's per-pod updates reach, without a pair per matching pod.
            long matchedAll = 0;
            long[] matchedAnti = new long[antiAffinityTerms.size()];
            for (Pod other : ni.pods()) {
              if (!affinityTerms.isEmpty() && AffinityTerms.podMatchesAll(other, affinityProps)) {
                matchedAll++;
              }
              for (int t = 0; t < matchedAnti.length; t++) {
                AffinityTerms.TermProperties p = antiAffinityProps.get(t);
                if (AffinityTerms.podMatchesTermsNamespaceAndSelector(
                    other, p.namespaces(), p.selector())) {
                  matchedAnti[t]++;
                }
              }
            }
            // Most nodes match nothing: their counts are never allocated.
            PairCounts a = null;
            if (matchedAll > 0) {
              a = new PairCounts(node);
              for (PodAffinityTerm term : affinityTerms) {
                a.add(term.getTopologyKey(), matchedAll);
              }
            }
            PairCounts b = null;
            for (int t = 0; t < matchedAnti.length; t++) {
              if (matchedAnti[t] > 0) {
                if (b == null) {
                  b = new PairCounts(node);
                }
                b.add(antiAffinityTerms.get(t).getTopologyKey(), matchedAnti[t]);
              }
            }
            aff[i] = a;
            anti[i] = b;
          });
      sum(aff, affinityCounts);
      sum(anti, antiAffinityCounts);
    }
    Map<TopologyPair, Long> existingCounts = new HashMap<>();
    sum(existing, existingCounts);
    return new InterPodAffinityState(
        pod,
        affinityTerms,
        affinityProps,
        antiAffinityTerms,
        antiAffinityProps,
        existingCounts,
        affinityCounts,
        antiAffinityCounts);
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
        new HashMap<>(existingAntiAffinity),
        new HashMap<>(affinity),
        new HashMap<>(antiAffinity));
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
    PairCounts affinityPairs = new PairCounts(node);
    if (!affinityTerms.isEmpty() && AffinityTerms.podMatchesAll(updated, affinityProps)) {
      for (PodAffinityTerm term : affinityTerms) {
        affinityPairs.add(term.getTopologyKey(), 1);
      }
    }
    affinityPairs.addTo(affinity, multiplier);
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

  /** {@code satisfyExistingPodsAntiAffinity}: no pair of the node is blocked by an existing pod. */
  boolean satisfiesExistingPodsAntiAffinity(Node node) {
    if (existingAntiAffinity.isEmpty()) {
      return true;
    }
    for (Map.Entry<String, String> label : labels(node).entrySet()) {
      if (positive(existingAntiAffinity, new TopologyPair(label.getKey(), label.getValue()))) {
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
      if (value != null && positive(antiAffinity, new TopologyPair(term.getTopologyKey(), value))) {
        return false;
      }
    }
    return true;
  }

  /** Upstream's {@code counts[pair] > 0}. */
  private static boolean positive(Map<TopologyPair, Long> counts, TopologyPair pair) {
    Long n = counts.get(pair);
    return n != null && n > 0;
  }

  private boolean nodeMatchesAllTopologyTerms(Node node) {
    Map<String, String> labels = labels(node);
    for (PodAffinityTerm term : affinityTerms) {
      String value = labels.get(term.getTopologyKey());
      if (value == null || !positive(affinity, new TopologyPair(term.getTopologyKey(), value))) {
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
   * One node's topology pairs and how often each was counted. Every pod on a node falls in the
   * node's pair for a key, so counting per key first and adding each pair once per node reaches the
   * counts upstream's per-pod map updates reach ({@code updateWithAffinityTerms}, {@code
   * updateWithAntiAffinityTerms}, {@code getTPMapMatchingExistingAntiAffinity}).
   */
  private static final class PairCounts {
    private final Node node;
    private final Map<String, long[]> byKey = new LinkedHashMap<>(4);
    private String lastKey;
    private long[] last;

    PairCounts(Node node) {
      this.node = node;
    }

    /** Counts {@code n} in the node's pair for {@code key}; nothing when the node lacks the key. */
    void add(String key, long n) {
      if (key == null) {
        return;
      }
      if (!key.equals(lastKey)) {
        if (labels(node).get(key) == null) {
          return;
        }
        lastKey = key;
        last = byKey.computeIfAbsent(key, k -> new long[1]);
      }
      last[0] += n;
    }

    /** Adds each count times {@code multiplier} to {@code counts}; a count at zero is deleted. */
    void addTo(Map<TopologyPair, Long> counts, long multiplier) {
      Map<String, String> nodeLabels = labels(node);
      byKey.forEach(
          (key, n) ->
              counts.merge(
                  new TopologyPair(key, nodeLabels.get(key)),
                  n[0] * multiplier,
                  (a, b) -> a + b == 0 ? null : a + b));
    }
  }

  private static void sum(PairCounts[] perNode, Map<TopologyPair, Long> into) {
    for (PairCounts c : perNode) {
      if (c != null) {
        c.addTo(into, 1);
      }
    }
  }

  private static Map<String, String> labels(Node node) {
    Map<String, String> l = node.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }
}
