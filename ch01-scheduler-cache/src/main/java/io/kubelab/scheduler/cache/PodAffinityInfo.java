package io.kubelab.scheduler.cache;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinity;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.Selector;
import java.util.ArrayList;
import java.util.List;
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
 * <p>A pod with a malformed selector in any of these terms has no record ({@link #of} returns
 * null): the callers then take v1.18's path for that pod, which reports the error where and as
 * v1.18 does (or not at all, when the term never applies).
 *
 * @param namespace the pod's namespace ("" when it has none, as in Go)
 * @param requiredAffinity {@code podAffinity.requiredDuringSchedulingIgnoredDuringExecution}
 * @param requiredAntiAffinity {@code
 *     podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution}
 * @param preferredAffinity {@code podAffinity.preferredDuringSchedulingIgnoredDuringExecution},
 *     each with its weight; entries without a {@code podAffinityTerm} are left out
 * @param preferredAntiAffinity the same for {@code podAntiAffinity}
 */
public record PodAffinityInfo(
    String namespace,
    List<Term> requiredAffinity,
    List<Term> requiredAntiAffinity,
    List<Term> preferredAffinity,
    List<Term> preferredAntiAffinity) {

  /**
   * One term, compiled.
   *
   * @param topologyKey as written (null when absent)
   * @param namespaces the term's namespaces, or else the owner's
   * @param selector the compiled label selector (a null selector selects nothing)
   * @param weight the weight of a preferred term (0 when absent), 0 for a required one
   */
  public record Term(String topologyKey, Set<String> namespaces, Selector selector, long weight) {

    /** Does {@code pod} fall under this term (namespace, then selector)? */
    public boolean matches(Pod pod) {
      String ns = pod.getMetadata().getNamespace();
      if (!namespaces.contains(ns == null ? "" : ns)) {
        return false;
      }
      var labels = pod.getMetadata().getLabels();
      return selector.matches(labels == null ? java.util.Map.of() : labels);
    }
  }

  public PodAffinityInfo {
    requiredAffinity = List.copyOf(requiredAffinity);
    requiredAntiAffinity = List.copyOf(requiredAntiAffinity);
    preferredAffinity = List.copyOf(preferredAffinity);
    preferredAntiAffinity = List.copyOf(preferredAntiAffinity);
  }

  /**
   * The parsed terms of {@code pod}, or null when the pod has no pod affinity or anti-affinity or
   * one of its terms is malformed (a missing required term, a selector that does not compile).
   */
  public static PodAffinityInfo of(Pod pod) {
    Affinity a = pod.getSpec() == null ? null : pod.getSpec().getAffinity();
    if (a == null || (a.getPodAffinity() == null && a.getPodAntiAffinity() == null)) {
      return null;
    }
    String ns = pod.getMetadata().getNamespace() == null ? "" : pod.getMetadata().getNamespace();
    PodAffinity pa = a.getPodAffinity();
    PodAntiAffinity anti = a.getPodAntiAffinity();
    try {
      return new PodAffinityInfo(
          ns,
          required(ns, pa == null ? null : pa.getRequiredDuringSchedulingIgnoredDuringExecution()),
          required(
              ns, anti == null ? null : anti.getRequiredDuringSchedulingIgnoredDuringExecution()),
          preferred(
              ns, pa == null ? null : pa.getPreferredDuringSchedulingIgnoredDuringExecution()),
          preferred(
              ns, anti == null ? null : anti.getPreferredDuringSchedulingIgnoredDuringExecution()));
    } catch (RuntimeException e) {
      // A malformed selector, a missing term, a null namespace: v1.18's per-cycle path meets the
      // same problem again and reports it where v1.18 does.
      return null;
    }
  }

  private static List<Term> required(String ns, List<PodAffinityTerm> terms) {
    if (terms == null || terms.isEmpty()) {
      return List.of();
    }
    List<Term> out = new ArrayList<>(terms.size());
    for (PodAffinityTerm t : terms) {
      if (t == null) {
        throw new IllegalArgumentException("a term is missing");
      }
      out.add(term(ns, t, 0));
    }
    return out;
  }

  private static List<Term> preferred(String ns, List<WeightedPodAffinityTerm> terms) {
    if (terms == null || terms.isEmpty()) {
      return List.of();
    }
    List<Term> out = new ArrayList<>(terms.size());
    for (WeightedPodAffinityTerm w : terms) {
      if (w == null) {
        throw new IllegalArgumentException("a term is missing");
      }
      if (w.getPodAffinityTerm() != null) {
        out.add(term(ns, w.getPodAffinityTerm(), w.getWeight() == null ? 0 : w.getWeight()));
      }
    }
    return out;
  }

  private static Term term(String ownerNamespace, PodAffinityTerm t, long weight) {
    List<String> ns = t.getNamespaces();
    Set<String> namespaces = ns == null || ns.isEmpty() ? Set.of(ownerNamespace) : Set.copyOf(ns);
    return new Term(
        t.getTopologyKey(),
        namespaces,
        LabelSelectors.compileCached(t.getLabelSelector(), ""),
        weight);
  }
}
