package io.kubelab.scheduler.cache;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinity;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.Selector;
import io.kubelab.apimachinery.resource.PodRequests;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pod's pod-affinity and anti-affinity terms, parsed once, when the pod joins a {@link NodeInfo}.
 *
 * <p>v1.18 compiles every existing pod's terms again in every scheduling cycle (the inter-pod
 * affinity filter walks the anti-affinity terms of every pod with affinity, its score the terms of
 * every such pod). v1.20 parses them once per pod into {@code framework.PodInfo} ({@code
 * RequiredAffinityTerms}, {@code RequiredAntiAffinityTerms}, {@code PreferredAffinityTerms}, {@code
 * PreferredAntiAffinityTerms}); this is that record. It relies on the rule upstream's informer
 * cache relies on: a pod object in the cache is never changed in place (an update replaces it).
 *
 * <p>A term whose selector does not compile keeps its error, and {@link Term#selector()} throws it
 * when a cycle reaches the term, naming the pod and field: the error surfaces where and when v1.18
 * meets it, and a term that never applies costs nothing. A missing term or weight reads as Go's
 * zero value (an empty term: no topology key, a selector that selects nothing).
 *
 * @param namespace the pod's namespace ("" when it has none, as in Go)
 * @param requiredAffinity {@code podAffinity.requiredDuringSchedulingIgnoredDuringExecution}
 * @param requiredAntiAffinity {@code
 *     podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution}
 * @param preferredAffinity {@code podAffinity.preferredDuringSchedulingIgnoredDuringExecution},
 *     each with its weight
 * @param preferredAntiAffinity the same for {@code podAntiAffinity}
 */
public record PodAffinityInfo(
    String namespace,
    List<Term> requiredAffinity,
    List<Term> requiredAntiAffinity,
    List<Term> preferredAffinity,
    List<Term> preferredAntiAffinity) {

  /** The field paths of the four lists, as errors name them. */
  public static final String REQUIRED_AFFINITY =
      "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution";

  public static final String REQUIRED_ANTI_AFFINITY =
      "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution";
  public static final String PREFERRED_AFFINITY =
      "spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution";
  public static final String PREFERRED_ANTI_AFFINITY =
      "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution";

  /**
   * One term, compiled.
   *
   * @param topologyKey as written ("" when absent, as in Go)
   * @param namespaces the term's namespaces, or else the owner's
   * @param compiled the compiled label selector (a missing one selects nothing); null when {@code
   *     error} is set
   * @param error why the selector does not compile, naming the pod and field; null when it does
   * @param weight the weight of a preferred term (0 when absent), 0 for a required one
   */
  public record Term(
      String topologyKey, Set<String> namespaces, Selector compiled, String error, long weight) {

    /**
     * The compiled selector.
     *
     * @throws LabelSelectors.InvalidSelectorException naming the pod and field, for a selector that
     *     does not compile
     */
    public Selector selector() {
      if (error != null) {
        throw new LabelSelectors.InvalidSelectorException(error);
      }
      return compiled;
    }

    /**
     * Does {@code pod} fall under this term? The namespace is checked first, then the selector.
     *
     * @throws LabelSelectors.InvalidSelectorException when the namespace matches and the selector
     *     does not compile
     */
    public boolean matches(Pod pod) {
      String ns = pod.getMetadata().getNamespace();
      if (!namespaces.contains(ns == null ? "" : ns)) {
        return false;
      }
      Map<String, String> labels = pod.getMetadata().getLabels();
      return selector().matches(labels == null ? Map.of() : labels);
    }
  }

  public PodAffinityInfo {
    requiredAffinity = List.copyOf(requiredAffinity);
    requiredAntiAffinity = List.copyOf(requiredAntiAffinity);
    preferredAffinity = List.copyOf(preferredAffinity);
    preferredAntiAffinity = List.copyOf(preferredAntiAffinity);
  }

  /** The parsed terms of {@code pod}, or null when it has no pod affinity or anti-affinity. */
  public static PodAffinityInfo of(Pod pod) {
    Affinity a = pod.getSpec() == null ? null : pod.getSpec().getAffinity();
    if (a == null || (a.getPodAffinity() == null && a.getPodAntiAffinity() == null)) {
      return null;
    }
    PodAffinity pa = a.getPodAffinity();
    PodAntiAffinity anti = a.getPodAntiAffinity();
    return new PodAffinityInfo(
        pod.getMetadata().getNamespace() == null ? "" : pod.getMetadata().getNamespace(),
        required(
            pod,
            pa == null ? null : pa.getRequiredDuringSchedulingIgnoredDuringExecution(),
            REQUIRED_AFFINITY),
        required(
            pod,
            anti == null ? null : anti.getRequiredDuringSchedulingIgnoredDuringExecution(),
            REQUIRED_ANTI_AFFINITY),
        preferred(
            pod,
            pa == null ? null : pa.getPreferredDuringSchedulingIgnoredDuringExecution(),
            PREFERRED_AFFINITY),
        preferred(
            pod,
            anti == null ? null : anti.getPreferredDuringSchedulingIgnoredDuringExecution(),
            PREFERRED_ANTI_AFFINITY));
  }

  private static List<Term> required(Pod owner, List<PodAffinityTerm> terms, String field) {
    if (terms == null) {
      return List.of();
    }
    List<Term> out = new ArrayList<>(terms.size());
    for (int i = 0; i < terms.size(); i++) {
      out.add(term(owner, terms.get(i), 0, field + "[" + i + "]"));
    }
    return out;
  }

  private static List<Term> preferred(
      Pod owner, List<WeightedPodAffinityTerm> terms, String field) {
    if (terms == null) {
      return List.of();
    }
    List<Term> out = new ArrayList<>(terms.size());
    for (int i = 0; i < terms.size(); i++) {
      WeightedPodAffinityTerm w = terms.get(i);
      long weight = w == null || w.getWeight() == null ? 0 : w.getWeight();
      out.add(
          term(
              owner,
              w == null ? null : w.getPodAffinityTerm(),
              weight,
              field + "[" + i + "].podAffinityTerm"));
    }
    return out;
  }

  private static Term term(Pod owner, PodAffinityTerm t, long weight, String path) {
    String ownerNamespace =
        owner.getMetadata().getNamespace() == null ? "" : owner.getMetadata().getNamespace();
    if (t == null) {
      return new Term("", Set.of(ownerNamespace), Selector.NOTHING, null, weight);
    }
    List<String> ns = t.getNamespaces();
    Set<String> namespaces;
    if (ns == null || ns.isEmpty()) {
      namespaces = Set.of(ownerNamespace);
    } else {
      // A null in the list is Go's zero value, the empty namespace.
      Set<String> named = new java.util.HashSet<>();
      for (String n : ns) {
        named.add(n == null ? "" : n);
      }
      namespaces = Set.copyOf(named);
    }
    String key = t.getTopologyKey() == null ? "" : t.getTopologyKey();
    try {
      Selector s = LabelSelectors.compileCached(t.getLabelSelector(), "");
      return new Term(key, namespaces, s, null, weight);
    } catch (LabelSelectors.InvalidSelectorException e) {
      return new Term(
          key,
          namespaces,
          null,
          PodRequests.describe(owner) + ": " + path + ".labelSelector" + e.getMessage(),
          weight);
    }
  }
}
