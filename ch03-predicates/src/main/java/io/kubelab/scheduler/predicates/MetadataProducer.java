package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.scheduler.algorithm.PredicateMetadataProducer;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Builds {@link PodPredicateMetadata} for one pod over one snapshot: the work that would otherwise
 * be repeated for each of thousands of nodes.
 *
 * <p>Upstream: {@code MetadataProducerFactory.GetPredicateMetadata}, {@code
 * getPodAffinityMetadata}, {@code getTPMapMatchingExistingAntiAffinity}, {@code
 * getTPMapMatchingIncomingAffinityAntiAffinity} and {@code getEvenPodsSpreadMetadata} in {@code
 * pkg/scheduler/algorithm/predicates/metadata.go} (v1.17), and {@code
 * RegisterPredicateMetadataProducerWithExtendedResourceOptions} for the ignored extended resources.
 * Upstream fans the node scans out over 16 goroutines; with a {@link Parallelizer} we do the same,
 * each node writing into its own slot, then merge in node order so the result never depends on
 * thread timing.
 */
public final class MetadataProducer implements PredicateMetadataProducer {

  private static final Logger LOG = Logger.getLogger(MetadataProducer.class.getName());

  private static final String AFFINITY_FIELD =
      "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution";
  private static final String ANTI_AFFINITY_FIELD =
      "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution";

  private final Set<String> ignoredExtendedResources;
  private final Parallelizer parallelizer;

  /** A sequential producer that ignores no extended resources. */
  public MetadataProducer() {
    this(Set.of(), null);
  }

  /**
   * @param ignoredExtendedResources extended resources that PodFitsResources must not check
   *     (extender {@code managedResources} with {@code ignoredByScheduler})
   * @param parallelizer scans nodes in parallel when non-null; the caller owns and closes it
   */
  public MetadataProducer(Set<String> ignoredExtendedResources, Parallelizer parallelizer) {
    this.ignoredExtendedResources = Set.copyOf(ignoredExtendedResources);
    this.parallelizer = parallelizer;
  }

  /**
   * Upstream's {@code GetPredicateMetadata}: null for a null pod, and null when the metadata cannot
   * be computed (a malformed label selector in the pod's affinity or spread constraints, or in an
   * existing pod's anti-affinity). Upstream logs that error and carries on: each predicate then
   * takes its path for missing metadata, which judges the pod the slow way or, for EvenPodsSpread,
   * fails the attempt.
   */
  @Override
  public PodPredicateMetadata produce(Pod pod, Snapshot snapshot) {
    if (pod == null) {
      return null;
    }
    try {
      return compute(pod, snapshot);
    } catch (IllegalArgumentException e) {
      LOG.severe(() -> "Error calculating predicate metadata: " + e.getMessage());
      return null;
    }
  }

  private PodPredicateMetadata compute(Pod pod, Snapshot snapshot) {
    // Spread first, as upstream: its error is the one logged when both are malformed.
    EvenPodsSpreadMetadata spread =
        EvenPodsSpreadMetadata.compute(
            pod, EvenPodsSpreadMetadata.hardConstraints(pod), snapshot.list(), parallelizer);
    List<PodAffinityTerm> affinityTerms = AffinityTerms.requiredAffinityTerms(pod);
    List<PodAffinityTerm> antiAffinityTerms = AffinityTerms.requiredAntiAffinityTerms(pod);
    List<AffinityTerms.TermProperties> affinityProps =
        AffinityTerms.properties(pod, affinityTerms, AFFINITY_FIELD);
    List<AffinityTerms.TermProperties> antiAffinityProps =
        AffinityTerms.properties(pod, antiAffinityTerms, ANTI_AFFINITY_FIELD);

    // Existing pods' anti-affinity: only nodes that run pods with affinity can contribute.
    List<NodeInfo> withAffinity = snapshot.havePodsWithAffinityList();
    TopologyPairsMaps[] existingPerNode = new TopologyPairsMaps[withAffinity.size()];
    forEachNode(
        withAffinity.size(),
        i -> {
          NodeInfo ni = withAffinity.get(i);
          TopologyPairsMaps m = new TopologyPairsMaps();
          for (Pod existing : ni.podsWithAffinity()) {
            addExistingAntiAffinityPairs(pod, existing, ni.node(), m);
          }
          existingPerNode[i] = m;
        });
    TopologyPairsMaps existingAntiAffinity = merge(existingPerNode);

    // The incoming pod's own terms: every pod in the cluster is a candidate.
    TopologyPairsMaps potentialAffinity = new TopologyPairsMaps();
    TopologyPairsMaps potentialAntiAffinity = new TopologyPairsMaps();
    if (!affinityTerms.isEmpty() || !antiAffinityTerms.isEmpty()) {
      List<NodeInfo> all = snapshot.list();
      TopologyPairsMaps[] aff = new TopologyPairsMaps[all.size()];
      TopologyPairsMaps[] anti = new TopologyPairsMaps[all.size()];
      forEachNode(
          all.size(),
          i -> {
            NodeInfo ni = all.get(i);
            TopologyPairsMaps a = new TopologyPairsMaps();
            TopologyPairsMaps b = new TopologyPairsMaps();
            for (Pod existing : ni.pods()) {
              addIncomingAffinityPairs(
                  existing,
                  ni.node(),
                  affinityTerms,
                  affinityProps,
                  antiAffinityTerms,
                  antiAffinityProps,
                  a,
                  b);
            }
            aff[i] = a;
            anti[i] = b;
          });
      potentialAffinity = merge(aff);
      potentialAntiAffinity = merge(anti);
    }

    return new PodPredicateMetadata(
        pod,
        PodRequests.of(pod),
        ignoredExtendedResources,
        GeneralPredicates.containerPorts(pod),
        affinityProps,
        antiAffinityProps,
        existingAntiAffinity,
        potentialAffinity,
        potentialAntiAffinity,
        spread);
  }

  /**
   * Upstream's {@code getMatchingAntiAffinityTopologyPairsOfPod}: for each required anti-affinity
   * term of {@code existing} (running on {@code node}) that matches {@code incoming}, the node's
   * pair for the term's key. The incoming pod may not land in any of those pairs.
   */
  static void addExistingAntiAffinityPairs(
      Pod incoming, Pod existing, Node node, TopologyPairsMaps into) {
    List<PodAffinityTerm> terms = AffinityTerms.requiredAntiAffinityTerms(existing);
    if (terms.isEmpty()) {
      return;
    }
    List<AffinityTerms.TermProperties> props =
        AffinityTerms.properties(existing, terms, ANTI_AFFINITY_FIELD);
    Map<String, String> nodeLabels = nodeLabels(node);
    String existingName = AffinityTerms.podFullName(existing);
    for (int t = 0; t < terms.size(); t++) {
      AffinityTerms.TermProperties p = props.get(t);
      if (AffinityTerms.podMatchesTermsNamespaceAndSelector(
          incoming, p.namespaces(), p.selector())) {
        String key = terms.get(t).getTopologyKey();
        String value = key == null ? null : nodeLabels.get(key);
        if (value != null) {
          into.addTopologyPair(new TopologyPair(key, value), existingName);
        }
      }
    }
  }

  /**
   * The affinity half of upstream's {@code getTPMapMatchingIncomingAffinityAntiAffinity} (and of
   * {@code AddPod}): {@code existing} counts for the incoming pod's affinity only if it matches
   * <em>all</em> affinity terms, and for anti-affinity if it matches <em>any</em> term, each time
   * in the pair of every term's key that its node has.
   */
  static void addIncomingAffinityPairs(
      Pod existing,
      Node node,
      List<PodAffinityTerm> affinityTerms,
      List<AffinityTerms.TermProperties> affinityProps,
      List<PodAffinityTerm> antiAffinityTerms,
      List<AffinityTerms.TermProperties> antiAffinityProps,
      TopologyPairsMaps affinityInto,
      TopologyPairsMaps antiAffinityInto) {
    // This runs for every pod of the cluster: build the pod's name and read the node's labels
    // only once something matched.
    if (!affinityTerms.isEmpty() && AffinityTerms.podMatchesAll(existing, affinityProps)) {
      Map<String, String> nodeLabels = nodeLabels(node);
      String existingName = AffinityTerms.podFullName(existing);
      for (PodAffinityTerm term : affinityTerms) {
        String value = nodeLabels.get(term.getTopologyKey());
        if (value != null) {
          affinityInto.addTopologyPair(
              new TopologyPair(term.getTopologyKey(), value), existingName);
        }
      }
    }
    for (int t = 0; t < antiAffinityTerms.size(); t++) {
      AffinityTerms.TermProperties p = antiAffinityProps.get(t);
      if (AffinityTerms.podMatchesTermsNamespaceAndSelector(
          existing, p.namespaces(), p.selector())) {
        String key = antiAffinityTerms.get(t).getTopologyKey();
        String value = nodeLabels(node).get(key);
        if (value != null) {
          antiAffinityInto.addTopologyPair(
              new TopologyPair(key, value), AffinityTerms.podFullName(existing));
        }
      }
    }
  }

  private static Map<String, String> nodeLabels(Node node) {
    Map<String, String> l = node.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }

  private void forEachNode(int n, java.util.function.IntConsumer fn) {
    Parallelizer.forEach(parallelizer, n, fn);
  }

  private static TopologyPairsMaps merge(TopologyPairsMaps[] parts) {
    TopologyPairsMaps out = new TopologyPairsMaps();
    for (TopologyPairsMaps p : parts) {
      if (p != null && !p.isEmpty()) {
        out.appendMaps(p);
      }
    }
    return out;
  }
}
