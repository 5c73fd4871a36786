package io.kubelab.explain;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.storage.CSINode;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.manifest.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every object of a manifest that the v1.18 scheduler watches, typed: what its informers would
 * hold. Anything else in the file is an error naming the object, never silently dropped.
 *
 * <p>Upstream: the informers {@code cmd/kube-scheduler/app/server.go} starts and {@code
 * addAllEventHandlers} ({@code pkg/scheduler/eventhandlers.go}, v1.18) listens to: pods, nodes,
 * services, persistent volumes and claims, storage classes and CSINodes (events), and the listers
 * the plugins and preemption read: ReplicationControllers, ReplicaSets and StatefulSets
 * (spreading), PodDisruptionBudgets (preemption), PriorityClasses (admission sets {@code
 * spec.priority} from them before the scheduler sees a pod). Kinds outside the core group arrive
 * from the manifest loader untyped and are typed here.
 *
 * @param nodes the nodes
 * @param pods the pods, as written
 * @param services the Services
 * @param replicationControllers the ReplicationControllers
 * @param replicaSets the {@code apps/v1} ReplicaSets
 * @param statefulSets the {@code apps/v1} StatefulSets
 * @param podDisruptionBudgets the PodDisruptionBudgets ({@code policy/v1} read as v1beta1, whose
 *     fields it has)
 * @param persistentVolumes the PersistentVolumes
 * @param persistentVolumeClaims the PersistentVolumeClaims
 * @param storageClasses the {@code storage.k8s.io} StorageClasses
 * @param csiNodes the {@code storage.k8s.io} CSINodes
 * @param priorityClasses the PriorityClasses
 */
public record SchedulerInputs(
    List<Node> nodes,
    List<Pod> pods,
    List<Service> services,
    List<ReplicationController> replicationControllers,
    List<ReplicaSet> replicaSets,
    List<StatefulSet> statefulSets,
    List<PodDisruptionBudget> podDisruptionBudgets,
    List<PersistentVolume> persistentVolumes,
    List<PersistentVolumeClaim> persistentVolumeClaims,
    List<StorageClass> storageClasses,
    List<CSINode> csiNodes,
    List<PriorityClass> priorityClasses) {

  /** What the error for another kind lists. */
  public static final String WATCHED_KINDS =
      "Pod, Node, PriorityClass, PodDisruptionBudget, Service, ReplicationController, ReplicaSet,"
          + " StatefulSet, PersistentVolume, PersistentVolumeClaim, StorageClass, CSINode";

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private static final Set<String> STORAGE_VERSIONS =
      Set.of("storage.k8s.io/v1", "storage.k8s.io/v1beta1");

  public SchedulerInputs {
    nodes = List.copyOf(nodes);
    pods = List.copyOf(pods);
    services = List.copyOf(services);
    replicationControllers = List.copyOf(replicationControllers);
    replicaSets = List.copyOf(replicaSets);
    statefulSets = List.copyOf(statefulSets);
    podDisruptionBudgets = List.copyOf(podDisruptionBudgets);
    persistentVolumes = List.copyOf(persistentVolumes);
    persistentVolumeClaims = List.copyOf(persistentVolumeClaims);
    storageClasses = List.copyOf(storageClasses);
    csiNodes = List.copyOf(csiNodes);
    priorityClasses = List.copyOf(priorityClasses);
  }

  /**
   * Types every object of {@code manifest}.
   *
   * @throws IllegalArgumentException naming the object (kind, namespace/name) and the field, for a
   *     kind the scheduler does not watch, an object that cannot be read as its kind, or a selector
   *     that does not compile
   */
  public static SchedulerInputs of(Manifest manifest) {
    List<Node> nodes = new ArrayList<>();
    List<Pod> pods = new ArrayList<>();
    List<Service> services = new ArrayList<>();
    List<ReplicationController> rcs = new ArrayList<>();
    List<ReplicaSet> rss = new ArrayList<>();
    List<StatefulSet> sss = new ArrayList<>();
    List<PodDisruptionBudget> pdbs = new ArrayList<>();
    List<PersistentVolume> pvs = new ArrayList<>();
    List<PersistentVolumeClaim> pvcs = new ArrayList<>();
    List<StorageClass> scs = new ArrayList<>();
    List<CSINode> csiNodes = new ArrayList<>();
    List<PriorityClass> pcs = new ArrayList<>();
    for (HasMetadata o : manifest.objects()) {
      if (o instanceof Node n) {
        nodes.add(n);
      } else if (o instanceof Pod p) {
        pods.add(p);
      } else if (o instanceof Service s) {
        services.add(s);
      } else if (o instanceof ReplicationController rc) {
        selector(rc.getSpec() == null ? null : rc.getSpec().getSelector(), o);
        rcs.add(rc);
      } else if (o instanceof PodDisruptionBudget pdb) {
        pdbs.add(pdb);
      } else if (o instanceof io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget v1) {
        pdbs.add(convert(v1, PodDisruptionBudget.class));
      } else if (o instanceof PersistentVolume pv) {
        pvs.add(pv);
      } else if (o instanceof PersistentVolumeClaim pvc) {
        pvcs.add(pvc);
      } else if (o instanceof PriorityClass pc) {
        pcs.add(pc);
      } else if (o instanceof GenericKubernetesResource g
          && "apps/v1".equals(g.getApiVersion())
          && "ReplicaSet".equals(g.getKind())) {
        ReplicaSet rs = convert(g, ReplicaSet.class);
        LabelSelectors.compile(
            rs.getSpec() == null ? null : rs.getSpec().getSelector(), id(o) + ": spec.selector");
        rss.add(rs);
      } else if (o instanceof GenericKubernetesResource g
          && "apps/v1".equals(g.getApiVersion())
          && "StatefulSet".equals(g.getKind())) {
        StatefulSet ss = convert(g, StatefulSet.class);
        LabelSelectors.compile(
            ss.getSpec() == null ? null : ss.getSpec().getSelector(), id(o) + ": spec.selector");
        sss.add(ss);
      } else if (o instanceof GenericKubernetesResource g
          && STORAGE_VERSIONS.contains(g.getApiVersion())
          && "StorageClass".equals(g.getKind())) {
        scs.add(convert(g, StorageClass.class));
      } else if (o instanceof GenericKubernetesResource g
          && STORAGE_VERSIONS.contains(g.getApiVersion())
          && "CSINode".equals(g.getKind())) {
        csiNodes.add(convert(g, CSINode.class));
      } else {
        throw new IllegalArgumentException(
            id(o)
                + ": kind: "
                + o.getApiVersion()
                + " "
                + o.getKind()
                + " is not an object the scheduler watches (it reads "
                + WATCHED_KINDS
                + ")");
      }
    }
    return new SchedulerInputs(
        nodes, pods, services, rcs, rss, sss, pdbs, pvs, pvcs, scs, csiNodes, pcs);
  }

  private static void selector(java.util.Map<String, String> selector, HasMetadata o) {
    if (selector == null) {
      return;
    }
    io.fabric8.kubernetes.api.model.LabelSelector s =
        new io.fabric8.kubernetes.api.model.LabelSelector(null, selector);
    LabelSelectors.compile(s, id(o) + ": spec.selector");
  }

  private static <T> T convert(HasMetadata o, Class<T> type) {
    try {
      return JSON.convertValue(o, type);
    } catch (JacksonException | IllegalArgumentException e) {
      throw new IllegalArgumentException(id(o) + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /** {@code Kind namespace/name}, or {@code Kind name} for a cluster-scoped object. */
  static String id(HasMetadata o) {
    String ns = o.getMetadata() == null ? null : o.getMetadata().getNamespace();
    String name = o.getMetadata() == null ? null : o.getMetadata().getName();
    return o.getKind() + " " + (ns == null || ns.isEmpty() ? "" : ns + "/") + name;
  }
}
