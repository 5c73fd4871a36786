package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinity;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.Selector;
import io.kubelab.apimachinery.resource.PodRequests;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reading and matching inter-pod affinity terms.
 *
 * <p>Upstream: {@code GetPodAffinityTerms}, {@code GetPodAntiAffinityTerms}, {@code
 * getAffinityTermProperties}, {@code podMatchesAllAffinityTermProperties}, {@code
 * targetPodMatchesAffinityOfPod} in {@code pkg/scheduler/algorithm/predicates/metadata.go}, and
 * {@code GetNamespacesFromPodAffinityTerm}, {@code PodMatchesTermsNamespaceAndSelector} in {@code
 * pkg/scheduler/algorithm/priorities/util/topologies.go} (v1.17). Upstream's {@code
 * podMatchesAnyAffinityTermProperties} is the loop over anti-affinity terms in {@link
 * MetadataProducer#addIncomingAffinityPairs}, which needs to know which term matched. Only {@code
 * requiredDuringSchedulingIgnoredDuringExecution} terms count for filtering. Public for chapter
 * 08's InterPodAffinity plugin, which matches terms with the same rules.
 */
public final class AffinityTerms {

  private AffinityTerms() {}

  /**
   * A term's compiled namespaces and selector. An empty namespace list means the namespace of the
   * pod that owns the term, not "all namespaces".
   */
  public record TermProperties(Set<String> namespaces, Selector selector) {}

  /** The pod's required affinity terms, or an empty list. */
  public static List<PodAffinityTerm> requiredAffinityTerms(Pod pod) {
    Affinity a = pod.getSpec().getAffinity();
    PodAffinity pa = a == null ? null : a.getPodAffinity();
    List<PodAffinityTerm> t =
        pa == null ? null : pa.getRequiredDuringSchedulingIgnoredDuringExecution();
    return t == null ? List.of() : t;
  }

  /** The pod's required anti-affinity terms, or an empty list. */
  public static List<PodAffinityTerm> requiredAntiAffinityTerms(Pod pod) {
    Affinity a = pod.getSpec().getAffinity();
    PodAntiAffinity pa = a == null ? null : a.getPodAntiAffinity();
    List<PodAffinityTerm> t =
        pa == null ? null : pa.getRequiredDuringSchedulingIgnoredDuringExecution();
    return t == null ? List.of() : t;
  }

  /** True when the pod has a podAffinity or podAntiAffinity section at all. */
  public static boolean hasPodAffinityOrAntiAffinity(Pod pod) {
    Affinity a = pod.getSpec().getAffinity();
    return a != null && (a.getPodAffinity() != null || a.getPodAntiAffinity() != null);
  }

  /**
   * Compiles the terms of {@code owner}.
   *
   * @param field e.g. {@code
   *     spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution}
   * @throws IllegalArgumentException naming the pod and field when a selector is malformed
   */
  public static List<TermProperties> properties(
      Pod owner, List<PodAffinityTerm> terms, String field) {
    List<TermProperties> props = new ArrayList<>(terms.size());
    for (int i = 0; i < terms.size(); i++) {
      PodAffinityTerm term = terms.get(i);
      Selector selector;
      try {
        // This runs for every pod with anti-affinity, every cycle: name the field only on error.
        selector = LabelSelectors.compileCached(term.getLabelSelector(), "");
      } catch (LabelSelectors.InvalidSelectorException e) {
        throw new LabelSelectors.InvalidSelectorException(
            PodRequests.describe(owner)
                + ": "
                + field
                + "["
                + i
                + "].labelSelector"
                + e.getMessage());
      }
      props.add(new TermProperties(namespaces(owner, term), selector));
    }
    return props;
  }

  /** The namespaces a term applies to: its own list, or else the owner's namespace. */
  public static Set<String> namespaces(Pod owner, PodAffinityTerm term) {
    List<String> ns = term.getNamespaces();
    if (ns == null || ns.isEmpty()) {
      return Set.of(namespace(owner));
    }
    return Set.copyOf(ns);
  }

  /** Does {@code pod} fall under a term with these namespaces and selector? */
  public static boolean podMatchesTermsNamespaceAndSelector(
      Pod pod, Set<String> namespaces, Selector selector) {
    return namespaces.contains(namespace(pod)) && selector.matches(labels(pod));
  }

  /** True when the pod matches every term; false for no terms at all. */
  public static boolean podMatchesAll(Pod pod, List<TermProperties> props) {
    if (props.isEmpty()) {
      return false;
    }
    for (TermProperties p : props) {
      if (!podMatchesTermsNamespaceAndSelector(pod, p.namespaces(), p.selector())) {
        return false;
      }
    }
    return true;
  }

  /** The pod's namespace; a missing one counts as the empty namespace, as in Go. */
  public static String namespace(Pod pod) {
    String ns = pod.getMetadata().getNamespace();
    return ns == null ? "" : ns;
  }

  /** The pod's labels, never null. */
  public static Map<String, String> labels(Pod pod) {
    Map<String, String> l = pod.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }

  /** Upstream's {@code GetPodFullName}: {@code name_namespace}. */
  public static String podFullName(Pod pod) {
    return pod.getMetadata().getName() + "_" + namespace(pod);
  }
}
