package io.kubelab.apimachinery.manifest;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects of one or more manifests, in input order, with views by kind.
 *
 * <p>Upstream counterpart: what {@code kubectl apply -f} / {@code resource.Builder} in {@code
 * k8s.io/cli-runtime/pkg/resource} produce from files: a flat, ordered list of decoded objects,
 * lists already expanded into their items. Core kinds and the scheduling and policy kinds the
 * chapters use are typed fabric8 objects; every other kind (apps/v1, CRDs) is a {@link
 * GenericKubernetesResource}, kept rather than dropped.
 *
 * @param objects every object, in the order it appeared; lists are expanded in place
 */
public record Manifest(List<HasMetadata> objects) {

  public Manifest {
    objects = List.copyOf(objects);
  }

  /** Objects grouped by {@code kind}, kinds in order of first appearance. */
  public Map<String, List<HasMetadata>> byKind() {
    Map<String, List<HasMetadata>> m = new LinkedHashMap<>();
    for (HasMetadata o : objects) {
      m.computeIfAbsent(o.getKind(), k -> new ArrayList<>()).add(o);
    }
    m.replaceAll((k, v) -> Collections.unmodifiableList(v));
    return Collections.unmodifiableMap(m);
  }

  /** The objects of one fabric8 type, in input order. */
  public <T extends HasMetadata> List<T> ofType(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (HasMetadata o : objects) {
      if (type.isInstance(o)) {
        out.add(type.cast(o));
      }
    }
    return Collections.unmodifiableList(out);
  }

  public List<Pod> pods() {
    return ofType(Pod.class);
  }

  public List<Node> nodes() {
    return ofType(Node.class);
  }

  public List<Service> services() {
    return ofType(Service.class);
  }

  public List<Endpoints> endpoints() {
    return ofType(Endpoints.class);
  }

  public List<Namespace> namespaces() {
    return ofType(Namespace.class);
  }

  /**
   * Priority classes of every served version ({@code scheduling.k8s.io/v1}, {@code v1beta1} and
   * {@code v1alpha1} have the same fields), as {@code v1} objects.
   */
  public List<PriorityClass> priorityClasses() {
    return ofType(PriorityClass.class);
  }

  /** {@code policy/v1beta1} disruption budgets, the version v1.18 serves. */
  public List<PodDisruptionBudget> podDisruptionBudgets() {
    return ofType(PodDisruptionBudget.class);
  }

  /** Objects of kinds this module has no typed class for, e.g. {@code apps/v1 Deployment}. */
  public List<GenericKubernetesResource> generic() {
    return ofType(GenericKubernetesResource.class);
  }

  /** The number of objects. */
  public int size() {
    return objects.size();
  }
}
