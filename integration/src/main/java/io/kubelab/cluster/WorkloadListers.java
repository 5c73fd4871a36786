package io.kubelab.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.manifest.Manifest;
import io.kubelab.scheduler.spread.InMemoryListers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Services, ReplicationControllers, ReplicaSets and StatefulSets of a manifest, as the
 * scheduler's informers would hold them: what chapter 05's spreading priorities and the Policy's
 * service-affinity arguments read.
 *
 * <p>Upstream counterpart: the shared informer factory's listers the scheduler is started with
 * ({@code cmd/kube-scheduler/app/server.go}). {@code apps/v1} objects arrive from the manifest
 * loader as generic resources and are typed here; a selector that does not compile is an error
 * naming the object, as the API server would have refused the object.
 */
public final class WorkloadListers {

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private WorkloadListers() {}

  /**
   * Every Service, ReplicationController, {@code apps/v1} ReplicaSet and StatefulSet of {@code
   * manifest}. Deployments are left out: the scheduler sees their pods through their ReplicaSets.
   *
   * @throws IllegalArgumentException for an object that cannot be read or a malformed selector
   */
  public static InMemoryListers from(Manifest manifest) {
    InMemoryListers l = new InMemoryListers();
    for (Service s : manifest.services()) {
      l.add(s);
    }
    for (ReplicationController rc : manifest.ofType(ReplicationController.class)) {
      l.add(rc);
    }
    for (GenericKubernetesResource g : manifest.generic()) {
      if (!"apps/v1".equals(g.getApiVersion())) {
        continue;
      }
      if ("ReplicaSet".equals(g.getKind())) {
        ReplicaSet rs = convert(g, ReplicaSet.class);
        check(rs.getSpec() == null ? null : rs.getSpec().getSelector(), g);
        l.add(rs);
      } else if ("StatefulSet".equals(g.getKind())) {
        StatefulSet ss = convert(g, StatefulSet.class);
        check(ss.getSpec() == null ? null : ss.getSpec().getSelector(), g);
        l.add(ss);
      }
    }
    return l;
  }

  private static <T> T convert(GenericKubernetesResource g, Class<T> type) {
    try {
      return JSON.convertValue(g, type);
    } catch (JacksonException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          g.getKind() + " " + key(g) + ": cannot be read: " + e.getMessage(), e);
    }
  }

  private static void check(
      io.fabric8.kubernetes.api.model.LabelSelector selector, GenericKubernetesResource g) {
    LabelSelectors.compile(selector, g.getKind() + " " + key(g) + ": spec.selector");
  }

  private static String key(GenericKubernetesResource g) {
    String ns = g.getMetadata() == null ? null : g.getMetadata().getNamespace();
    String name = g.getMetadata() == null ? null : g.getMetadata().getName();
    return (ns == null || ns.isEmpty() ? "default" : ns) + "/" + name;
  }
}
