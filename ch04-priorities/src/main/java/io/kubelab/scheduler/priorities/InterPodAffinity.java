package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.algorithm.NodeScoreList.MAX_NODE_SCORE;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.Selector;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.PodAffinityInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * InterPodAffinityPriority: how much the pods already in a node's topology domains want the new pod
 * there, and how much the new pod wants to be near them.
 *
 * <p>Upstream: {@code interpod_affinity.go} (v1.17): {@code buildTopologyPairToScore} (run once per
 * pod by the metadata factory), {@code CalculateInterPodAffinityPriorityMap} and {@code
 * CalculateInterPodAffinityPriorityReduce}. The work is a table {@code topologyScore[key][value]}:
 * for each existing pod E on a node N with labels, and each term whose pod-side matches, the weight
 * goes to the pair (term's topologyKey, N's value for it):
 *
 * <ul>
 *   <li>+w for each of the incoming pod's preferred affinity terms that E matches, −w for each of
 *       its preferred anti-affinity terms;
 *   <li>+{@code hardPodAffinityWeight} for each of E's <em>required</em> affinity terms that the
 *       incoming pod matches (the symmetric weight, 1 by default, skipped when 0);
 *   <li>+w for each of E's preferred affinity terms the incoming pod matches, −w for each of its
 *       preferred anti-affinity terms.
 * </ul>
 *
 * E's required anti-affinity is not scored (the predicate enforces it). When the incoming pod has
 * no pod (anti-)affinity at all, only pods with affinity, on the nodes that have some, can
 * contribute. A node's map score is the sum of its pairs' entries (it can be negative); the reduce
 * scales linearly from {@code min(0, lowest)} to {@code max(0, highest)} onto 0..100.
 */
public final class InterPodAffinity {

  private InterPodAffinity() {}

  static final String PREFERRED_AFFINITY =
      "spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution";
  static final String PREFERRED_ANTI_AFFINITY =
      "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution";

  /** {@code CalculateInterPodAffinityPriorityMap}: the sum over the node's topology pairs. */
  public static long calculateInterPodAffinityPriorityMap(
      Pod pod, PriorityMetadata meta, NodeInfo nodeInfo) {
    Node node = Priorities.requireNode(nodeInfo);
    return score(topologyScore(meta), node);
  }

  /** The node's score: the sum of {@code topologyScore[key][node's value for key]}. */
  public static long score(Map<String, Map<String, Long>> topologyScore, Node node) {
    if (topologyScore.isEmpty()) {
      return 0;
    }
    Map<String, String> labels = node.getMetadata().getLabels();
    if (labels == null) {
      return 0;
    }
    long score = 0;
    for (Map.Entry<String, Map<String, Long>> e : topologyScore.entrySet()) {
      String v = labels.get(e.getKey());
      if (v != null) {
        score += e.getValue().getOrDefault(v, 0L);
      }
    }
    return score;
  }

  /**
   * {@code CalculateInterPodAffinityPriorityReduce}: {@code (long) (100 × (s − min) / (max − min))}
   * in double arithmetic, with max and min starting at 0; nothing happens when the table is empty,
   * and every node gets 0 when all scores are equal.
   */
  public static void calculateInterPodAffinityPriorityReduce(
      Pod pod, PriorityMetadata meta, Snapshot snapshot, NodeScoreList result) {
    normalize(topologyScore(meta), result);
  }

  /** The body of the reduce, for a table computed by the caller (chapter 08's plugin). */
  public static void normalize(Map<String, Map<String, Long>> topologyScore, NodeScoreList result) {
    if (topologyScore.isEmpty()) {
      return;
    }
    long maxCount = 0;
    long minCount = 0;
    for (int i = 0; i < result.size(); i++) {
      long score = result.score(i);
      maxCount = Math.max(maxCount, score);
      minCount = Math.min(minCount, score);
    }
    long maxMinDiff = maxCount - minCount;
    for (int i = 0; i < result.size(); i++) {
      double fScore = 0;
      if (maxMinDiff > 0) {
        fScore =
            (double) MAX_NODE_SCORE * ((double) (result.score(i) - minCount) / (double) maxMinDiff);
      }
      result.setScore(i, (long) fScore);
    }
  }

  private static Map<String, Map<String, Long>> topologyScore(PriorityMetadata meta) {
    if (meta instanceof PodPriorityMetadata m && m.topologyScore() != null) {
      return m.topologyScore();
    }
    return Map.of();
  }

  /**
   * {@code buildTopologyPairToScore}: the {@code topologyScore} table for {@code pod}.
   *
   * @param parallelizer spreads the nodes over workers when non-null (upstream: 16 goroutines
   *     adding under a mutex); each node then fills its own table and the tables are summed in node
   *     order
   * @throws LabelSelectors.InvalidSelectorException naming the pod and field of a malformed term
   *     (upstream logs it and leaves the table empty, so the priority scores nothing)
   */
  public static Map<String, Map<String, Long>> buildTopologyPairToScore(
      Pod pod, Snapshot snapshot, int hardPodAffinityWeight, Parallelizer parallelizer) {
    Affinity affinity = pod.getSpec().getAffinity();
    boolean hasAffinityConstraints = affinity != null && affinity.getPodAffinity() != null;
    boolean hasAntiAffinityConstraints = affinity != null && affinity.getPodAntiAffinity() != null;
    Incoming incoming = new Incoming(pod, preferredTerms(pod), hardPodAffinityWeight);
    boolean allPods = hasAffinityConstraints || hasAntiAffinityConstraints;
    // Upstream walks every node for a pod with (anti-)affinity; but a pod without preferred terms
    // can only be credited by existing pods' own terms, and those pods are on the nodes with
    // affinity: the same table from fewer nodes (SchedulingPodAntiAffinity's pods have required
    // terms only).
    List<NodeInfo> nodes =
        allPods && !incoming.terms().isEmpty()
            ? snapshot.list()
            : snapshot.havePodsWithAffinityList();
    // Every pair a node credits is one of its own (key, its label value): each node sums its
    // credits per key into its own slot, and the slots are added up in node order afterwards.
    List<Map<String, Long>> perNode = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      perNode.add(null);
    }
    Parallelizer.forEach(
        parallelizer,
        nodes.size(),
        i -> perNode.set(i, processNode(nodes.get(i), allPods, incoming)));
    Map<String, Map<String, Long>> table = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      Map<String, Long> credits = perNode.get(i);
      if (credits != null) {
        Map<String, String> nodeLabels = nodes.get(i).node().getMetadata().getLabels();
        credits.forEach(
            (key, w) ->
                table
                    .computeIfAbsent(key, k -> new HashMap<>())
                    .merge(nodeLabels.get(key), w, Long::sum));
      }
    }
    return freeze(table);
  }

  /**
   * The pod's preferred affinity terms (their weights) then its preferred anti-affinity terms
   * (their weights negated), compiled against the pod.
   *
   * @throws LabelSelectors.InvalidSelectorException naming the pod and field of a malformed term
   */
  public static List<CompiledTerm> preferredTerms(Pod pod) {
    Affinity affinity = pod.getSpec().getAffinity();
    List<CompiledTerm> all = new ArrayList<>();
    if (affinity != null && affinity.getPodAffinity() != null) {
      all.addAll(
          weighted(
              pod,
              affinity.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
              PREFERRED_AFFINITY,
              1));
    }
    if (affinity != null && affinity.getPodAntiAffinity() != null) {
      all.addAll(
          weighted(
              pod,
              affinity.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
              PREFERRED_ANTI_AFFINITY,
              -1));
    }
    return List.copyOf(all);
  }

  /** The incoming pod's compiled preferred terms and the symmetric weight. */
  private record Incoming(Pod pod, List<CompiledTerm> terms, int hardPodAffinityWeight) {}

  /**
   * A term of the incoming pod, its namespaces and selector resolved against the pod.
   *
   * @param topologyKey the term's topologyKey
   * @param namespaces its namespaces, or the pod's own
   * @param selector its label selector
   * @param weight the signed weight it adds
   */
  public record CompiledTerm(
      String topologyKey, Set<String> namespaces, Selector selector, long weight) {}

  /**
   * One node's contribution: every existing pod on it against the incoming pod's terms and the
   * incoming pod against the existing pods' terms, all credited to this node's topology pairs. The
   * incoming pod's terms are summed per term first and written once per node.
   */
  private static Map<String, Long> processNode(
      NodeInfo nodeInfo, boolean allPods, Incoming incoming) {
    Node node = nodeInfo.node();
    if (node == null) {
      return null;
    }
    if (incoming.terms().isEmpty() && !anyScoredTerm(nodeInfo, incoming)) {
      return null; // no preferred term of the pod to match, no existing pod's term to match
    }
    Map<String, String> nodeLabels = node.getMetadata().getLabels();
    // processTerm returns before matching when the node has no labels: no pair to credit.
    if (nodeLabels == null || nodeLabels.isEmpty()) {
      return null;
    }
    Credits credits = new Credits(nodeLabels, incoming.pod());
    List<CompiledTerm> terms = incoming.terms();
    String[] values = new String[terms.size()];
    for (int j = 0; j < values.length; j++) {
      values[j] = nodeLabels.get(terms.get(j).topologyKey());
    }
    long[] sums = new long[values.length];
    boolean[] matched = new boolean[values.length];
    for (Pod existing : allPods ? nodeInfo.pods() : nodeInfo.podsWithAffinity()) {
      if (values.length == 0) {
        break;
      }
      // The incoming pod's preferred terms, matched against the existing pod.
      String ns = namespace(existing);
      Map<String, String> labels = null;
      for (int j = 0; j < values.length; j++) {
        CompiledTerm t = terms.get(j);
        if (values[j] == null || !t.namespaces().contains(ns)) {
          continue;
        }
        if (labels == null) {
          labels = labels(existing);
        }
        if (t.selector().matches(labels)) {
          sums[j] += t.weight();
          matched[j] = true;
        }
      }
    }
    // The existing pods' own terms (only pods with pod affinity or anti-affinity have any), as
    // the NodeInfo parsed them when each pod joined it.
    for (PodAffinityInfo existing : nodeInfo.affinityInfos()) {
      processExistingPodTerms(existing, incoming, credits);
    }
    for (int j = 0; j < values.length; j++) {
      if (matched[j]) {
        credits.add(terms.get(j).topologyKey(), sums[j]);
      }
    }
    return credits.toMap();
  }

  /** True when a pod on the node has a term that scores: required affinity, or preferred terms. */
  private static boolean anyScoredTerm(NodeInfo nodeInfo, Incoming incoming) {
    for (PodAffinityInfo existing : nodeInfo.affinityInfos()) {
      if ((incoming.hardPodAffinityWeight() > 0 && !existing.requiredAffinity().isEmpty())
          || !existing.preferredAffinity().isEmpty()
          || !existing.preferredAntiAffinity().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The existing pod's terms that the incoming pod falls under (symmetry): its required affinity
   * with the symmetric weight, its preferred affinity and anti-affinity with their own weights.
   */
  private static void processExistingPodTerms(
      PodAffinityInfo existing, Incoming incoming, Credits credits) {
    if (incoming.hardPodAffinityWeight() > 0) {
      for (PodAffinityInfo.Term t : existing.requiredAffinity()) {
        processTerm(t, incoming.hardPodAffinityWeight(), credits);
      }
    }
    for (PodAffinityInfo.Term t : existing.preferredAffinity()) {
      processTerm(t, t.weight(), credits);
    }
    for (PodAffinityInfo.Term t : existing.preferredAntiAffinity()) {
      processTerm(t, -t.weight(), credits);
    }
  }

  /**
   * {@code processTerm} for a term of an existing pod: credits the fixed node's pair when the pod
   * to check falls under the term. The node's pair and the namespaces are looked at before the
   * selector, so a malformed selector fails the cycle only where its term could apply, as in v1.18.
   */
  private static void processTerm(PodAffinityInfo.Term term, long weight, Credits credits) {
    String key = term.topologyKey();
    if (credits.nodeHas(key)
        && term.namespaces().contains(credits.podNamespace)
        && credits.podMatches(term.selector())) {
      credits.add(key, weight);
    }
  }

  /**
   * One node's credits per topology key (the pair is the node's label value for the key), with two
   * shortcuts for the common case of many existing pods whose terms are alike: the last key looked
   * up on the node and the last selector matched against the incoming pod are remembered (a
   * selector is shared by every term that spells it the same, see {@link
   * LabelSelectors#compileCached}).
   */
  private static final class Credits {
    private final Map<String, String> nodeLabels;
    private final String podNamespace;
    private final Map<String, String> podLabels;
    private final Map<String, long[]> sums = new HashMap<>();
    private String lastLookedUp;
    private boolean lastFound;
    private String lastAdded;
    private long[] lastSum;
    private Selector lastSelector;
    private boolean lastMatched;

    Credits(Map<String, String> nodeLabels, Pod pod) {
      this.nodeLabels = nodeLabels;
      this.podNamespace = namespace(pod);
      this.podLabels = labels(pod);
    }

    boolean nodeHas(String key) {
      if (!key.equals(lastLookedUp)) {
        lastLookedUp = key;
        lastFound = nodeLabels.get(key) != null;
      }
      return lastFound;
    }

    boolean podMatches(Selector selector) {
      if (selector != lastSelector) {
        lastSelector = selector;
        lastMatched = selector.matches(podLabels);
      }
      return lastMatched;
    }

    void add(String key, long weight) {
      if (!key.equals(lastAdded)) {
        lastAdded = key;
        lastSum = sums.computeIfAbsent(key, k -> new long[1]);
      }
      lastSum[0] += weight;
    }

    /** The sums per key, or null when nothing was credited. */
    Map<String, Long> toMap() {
      if (sums.isEmpty()) {
        return null;
      }
      Map<String, Long> out = new HashMap<>();
      sums.forEach((k, v) -> out.put(k, v[0]));
      return out;
    }
  }

  /** Compiles weighted terms of the incoming pod, each weight times {@code multiplier}. */
  private static List<CompiledTerm> weighted(
      Pod owner, List<WeightedPodAffinityTerm> terms, String field, int multiplier) {
    if (terms == null || terms.isEmpty()) {
      return List.of();
    }
    List<CompiledTerm> out = new ArrayList<>(terms.size());
    for (int i = 0; i < terms.size(); i++) {
      WeightedPodAffinityTerm w = terms.get(i);
      long weight = (long) (w.getWeight() == null ? 0 : w.getWeight()) * multiplier;
      PodAffinityTerm term = w.getPodAffinityTerm();
      if (term == null) {
        term = new PodAffinityTerm();
      }
      List<String> ns = term.getNamespaces();
      Set<String> namespaces =
          ns == null || ns.isEmpty() ? Set.of(namespace(owner)) : Set.copyOf(ns);
      String key = term.getTopologyKey() == null ? "" : term.getTopologyKey();
      out.add(
          new CompiledTerm(
              key, namespaces, selector(owner, term, field, i, ".podAffinityTerm"), weight));
    }
    return out;
  }

  /**
   * A term's selector. The error message is built only on failure: existing pods' terms are
   * compiled on every cycle, and a string per term would cost more than the compilation.
   */
  private static Selector selector(
      Pod owner, PodAffinityTerm term, String field, int index, String suffix) {
    try {
      return LabelSelectors.compileCached(term.getLabelSelector(), "");
    } catch (LabelSelectors.InvalidSelectorException e) {
      throw new LabelSelectors.InvalidSelectorException(
          PodRequests.describe(owner)
              + ": "
              + field
              + "["
              + index
              + "]"
              + suffix
              + ".labelSelector"
              + e.getMessage());
    }
  }

  private static Map<String, String> labels(Pod pod) {
    Map<String, String> l = pod.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }

  private static String namespace(Pod pod) {
    String ns = pod.getMetadata().getNamespace();
    return ns == null ? "" : ns;
  }

  private static Map<String, Map<String, Long>> freeze(Map<String, Map<String, Long>> table) {
    if (table.isEmpty()) {
      return Map.of();
    }
    Map<String, Map<String, Long>> out = new HashMap<>();
    table.forEach((k, v) -> out.put(k, Collections.unmodifiableMap(v)));
    return Collections.unmodifiableMap(out);
  }
}
