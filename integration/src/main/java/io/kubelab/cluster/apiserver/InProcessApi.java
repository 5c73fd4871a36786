package io.kubelab.cluster.apiserver;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.kubelab.apimachinery.clock.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import tools.jackson.databind.node.ObjectNode;

/**
 * The API server without HTTP and without threads: the same {@link Registry} over the same MVCC
 * {@link MemoryStorage}, called in process. The {@link ApiServer} serves one over HTTP; a
 * simulation in virtual time (kubelab's {@code schedule} and {@code demo}) uses one directly, so
 * that bindings and statuses follow the registry's rules (a pod is bound once, a status write keeps
 * the spec) while everything stays on the caller's thread.
 *
 * <p>Errors are the server's: an {@link ApiError} (404, 409, 422, ...) names the object.
 */
public final class InProcessApi {

  private final MemoryStorage storage;
  private final Registry registry;

  /** An empty cluster (with the namespaces and priority classes a new cluster has). */
  public InProcessApi(Clock clock, long seed) {
    this.storage = new MemoryStorage();
    Random random = new Random(seed);
    this.registry =
        new Registry(
            storage, clock, random, new ServiceIps(ApiServer.DEFAULT_SERVICE_CIDR, random));
    bootstrap();
  }

  InProcessApi(MemoryStorage storage, Registry registry) {
    this.storage = storage;
    this.registry = registry;
    bootstrap();
  }

  private void bootstrap() {
    for (String ns : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
      ensureNamespace(ns);
    }
    Object[][] classes = {
      {
        "system-node-critical",
        Kinds.SYSTEM_NODE_CRITICAL,
        "Used for system critical pods that must not be moved from their current node."
      },
      {
        "system-cluster-critical",
        2_000_000_000,
        "Used for system critical pods that must run in the cluster, but can be moved to another"
            + " node if necessary."
      }
    };
    for (Object[] pc : classes) {
      ObjectNode o = Json.object();
      o.put("apiVersion", "scheduling.k8s.io/v1");
      o.put("kind", "PriorityClass");
      o.putObject("metadata").put("name", (String) pc[0]);
      o.put("value", (Integer) pc[1]);
      o.put("description", (String) pc[2]);
      registry.create(
          Kinds.PRIORITY_CLASSES, "", Codec.decode(Kinds.PRIORITY_CLASSES, o, false), false);
    }
  }

  private void ensureNamespace(String ns) {
    if (storage.get(Kinds.NAMESPACES.key("", ns)) != null) {
      return;
    }
    ObjectNode o = Json.object();
    o.put("apiVersion", "v1");
    o.put("kind", "Namespace");
    o.putObject("metadata").put("name", ns);
    registry.create(Kinds.NAMESPACES, "", Codec.decode(Kinds.NAMESPACES, o, false), false);
  }

  /** The store behind this API. */
  public MemoryStorage storage() {
    return storage;
  }

  /**
   * Loads objects as they are (with their uids, timestamps and status), as a restore would;
   * namespaces they name are created first.
   *
   * @return how many objects were stored
   * @throws IllegalArgumentException naming the object, for a kind this server does not serve or an
   *     object it refuses
   */
  public int load(List<? extends HasMetadata> objects) {
    List<ObjectNode> trees = new ArrayList<>();
    for (HasMetadata o : objects) {
      trees.add(Json.LENIENT.valueToTree(o));
    }
    int n = 0;
    for (ObjectNode tree : trees) {
      String apiVersion = tree.path("apiVersion").asString("");
      String kind = tree.path("kind").asString("");
      String name = tree.path("metadata").path("name").asString("");
      String ns = tree.path("metadata").path("namespace").asString("");
      ResourceType t = null;
      for (ResourceType k : Kinds.ALL) {
        boolean sameVersion =
            k.apiVersion().equals(apiVersion)
                || k == Kinds.PRIORITY_CLASSES && apiVersion.startsWith("scheduling.k8s.io/");
        if (k.kind().equals(kind) && sameVersion) {
          t = k;
        }
      }
      String id = kind + " " + (ns.isEmpty() ? "" : ns + "/") + name;
      if (t == null) {
        throw new IllegalArgumentException(
            id + ": " + apiVersion + " " + kind + " is not served by this API server");
      }
      if (t.namespaced() && ns.isEmpty()) {
        ns = "default";
      }
      if (t.namespaced()) {
        ensureNamespace(ns);
      }
      if (t == Kinds.NAMESPACES && storage.get(t.key("", name)) != null) {
        continue;
      }
      tree.put("apiVersion", t.apiVersion());
      try {
        ObjectNode obj = Codec.decode(t, tree, false);
        if (t.namespaced()) {
          Json.obj(obj, "metadata").put("namespace", ns);
        }
        registry.create(t, ns, obj, true);
        n++;
      } catch (ApiError e) {
        throw new IllegalArgumentException(id + ": " + e.getMessage(), e);
      }
    }
    return n;
  }

  /** The stored pod, or null. */
  public Pod pod(String namespace, String name) {
    ObjectNode o = storage.get(Kinds.PODS.key(namespace, name));
    return o == null ? null : Json.LENIENT.treeToValue(o, Pod.class);
  }

  /** {@code POST pods/NAME/binding}: binds the pod to {@code node}, once. */
  public void bind(String namespace, String name, String node) {
    ObjectNode b = Json.object();
    b.put("apiVersion", "v1");
    b.put("kind", "Binding");
    b.putObject("metadata").put("name", name).put("namespace", namespace);
    ObjectNode target = b.putObject("target");
    target.put("kind", "Node");
    target.put("name", node);
    registry.bind(namespace, name, b);
  }

  /** {@code PUT pods/NAME/status}: replaces the pod's status, keeps everything else. */
  public Pod updatePodStatus(String namespace, String name, PodStatus status) {
    ObjectNode cur = storage.get(Kinds.PODS.key(namespace, name));
    if (cur == null) {
      throw ApiError.notFound(Kinds.PODS.groupResource(), name);
    }
    ObjectNode next = cur.deepCopy();
    next.set("status", Json.LENIENT.valueToTree(status));
    Registry.Written w = registry.update(Kinds.PODS, namespace, name, next, "status");
    return Json.LENIENT.treeToValue(w.object(), Pod.class);
  }
}
