package io.kubelab.scheduler;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.storage.CSINode;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.apimachinery.objects.ShallowCopy;
import io.kubelab.scheduler.framework.plugins.PodBinder;
import io.kubelab.scheduler.preemption.PodPreemptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A cluster kept in maps: the API server and its watch as far as the scheduler sees them.
 *
 * <p>It stands in for what the scheduler reaches through the API server in upstream: the informers
 * ({@link InformerSource}), {@code pods/binding} ({@link PodBinder}), the pod reads, deletes and
 * status updates of {@code podPreemptorImpl} and {@code podConditionUpdaterImpl} in {@code
 * pkg/scheduler/scheduler.go} (v1.18), and the GET of the error func. Every change is delivered to
 * the registered handlers on the calling thread, before the call returns, one change at a time in
 * the order made, as one informer would deliver them. Objects handed to handlers are shared: treat
 * them as read-only, as upstream treats informer objects.
 *
 * <p>A binding is refused as the API server refuses it: {@code pods "x" not found} (404), and
 * {@code Operation cannot be fulfilled on pods/binding "x": pod x is already assigned to node "n"}
 * (409). An accepted binding sets {@code spec.nodeName} and the {@code PodScheduled=True}
 * condition. Deleting a pod removes it at once: there is no kubelet to honour a grace period.
 */
public final class InMemoryCluster
    implements InformerSource, PodBinder, PodPreemptor, PodConditionUpdater, PodGetter {

  /** An API call the server refused, with its HTTP code. */
  public static final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;

    public ApiException(int code, String message) {
      super(message);
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  private final Object lock = new Object();
  private final Clock clock;
  private final Store<Pod> pods = new Store<>("pods");
  private final Store<Node> nodes = new Store<>("nodes");
  private final Store<Service> services = new Store<>("services");
  private final Store<PersistentVolume> pvs = new Store<>("persistentvolumes");
  private final Store<PersistentVolumeClaim> pvcs = new Store<>("persistentvolumeclaims");
  private final Store<StorageClass> storageClasses = new Store<>("storageclasses");
  private final Store<CSINode> csiNodes = new Store<>("csinodes");
  private final Map<String, Integer> bindingsByUid = new HashMap<>();

  /**
   * @param clock stamps the {@code PodScheduled} conditions
   */
  public InMemoryCluster(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  // ---------------------------------------------------------------------------------------------
  // InformerSource

  @Override
  public void addPodHandler(ResourceEventHandler<Pod> handler) {
    pods.handlers.add(Objects.requireNonNull(handler, "handler"));
  }

  @Override
  public void addNodeHandler(ResourceEventHandler<Node> handler) {
    nodes.handlers.add(Objects.requireNonNull(handler, "handler"));
  }

  @Override
  public void addServiceHandler(ResourceEventHandler<Service> handler) {
    services.handlers.add(Objects.requireNonNull(handler, "handler"));
  }

  @Override
  public void addPersistentVolumeHandler(ResourceEventHandler<PersistentVolume> handler) {
    pvs.handlers.add(Objects.requireNonNull(handler, "handler"));
  }

  @Override
  public void addPersistentVolumeClaimHandler(ResourceEventHandler<PersistentVolumeClaim> handler) {
    pvcs.handlers.add(Objects.requireNonNull(handler, "handler"));
  }

  @Override
  public void addStorageClassHandler(ResourceEventHandler<StorageClass> handler) {
    storageClasses.handlers.add(Objects.requireNonNull(handler, "handler"));
  }

  @Override
  public void addCSINodeHandler(ResourceEventHandler<CSINode> handler) {
    csiNodes.handlers.add(Objects.requireNonNull(handler, "handler"));
  }

  // ---------------------------------------------------------------------------------------------
  // Writes: create, update, delete of every kind

  /** Creates a pod; 409 when one with its namespace and name exists. */
  public void createPod(Pod pod) {
    pods.create(pod);
  }

  /** Replaces a pod; 404 when there is none. */
  public void updatePod(Pod pod) {
    pods.update(pod);
  }

  /** Deletes the pod with this namespace and name; 404 when there is none. */
  public void deletePod(String namespace, String name) {
    pods.delete(namespace, name);
  }

  public void createNode(Node node) {
    nodes.create(node);
  }

  public void updateNode(Node node) {
    nodes.update(node);
  }

  public void deleteNode(String name) {
    nodes.delete(null, name);
  }

  public void createService(Service s) {
    services.create(s);
  }

  public void updateService(Service s) {
    services.update(s);
  }

  public void deleteService(String namespace, String name) {
    services.delete(namespace, name);
  }

  public void createPersistentVolume(PersistentVolume pv) {
    pvs.create(pv);
  }

  public void updatePersistentVolume(PersistentVolume pv) {
    pvs.update(pv);
  }

  public void createPersistentVolumeClaim(PersistentVolumeClaim pvc) {
    pvcs.create(pvc);
  }

  public void updatePersistentVolumeClaim(PersistentVolumeClaim pvc) {
    pvcs.update(pvc);
  }

  public void createStorageClass(StorageClass sc) {
    storageClasses.create(sc);
  }

  public void createCSINode(CSINode n) {
    csiNodes.create(n);
  }

  public void updateCSINode(CSINode n) {
    csiNodes.update(n);
  }

  // ---------------------------------------------------------------------------------------------
  // Reads

  /** The pod, or empty. */
  public Optional<Pod> pod(String namespace, String name) {
    synchronized (lock) {
      return Optional.ofNullable(pods.objects.get(key(namespace, name)));
    }
  }

  /** Every pod, in creation order. */
  public List<Pod> pods() {
    synchronized (lock) {
      return new ArrayList<>(pods.objects.values());
    }
  }

  /** Every node, in creation order. */
  public List<Node> nodes() {
    synchronized (lock) {
      return new ArrayList<>(nodes.objects.values());
    }
  }

  /** How many bindings the server accepted for the pod with this UID. */
  public int bindingsAccepted(String uid) {
    synchronized (lock) {
      return bindingsByUid.getOrDefault(uid, 0);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The scheduler's API calls

  /** {@code POST pods/binding}. */
  @Override
  public void bind(Binding binding) {
    String ns = binding.getMetadata().getNamespace();
    String name = binding.getMetadata().getName();
    String target = binding.getTarget() == null ? null : binding.getTarget().getName();
    if (target == null || target.isEmpty()) {
      throw new ApiException(422, "Binding " + ns + "/" + name + ": target.name: Required value");
    }
    synchronized (lock) {
      Pod old = pods.objects.get(key(ns, name));
      if (old == null) {
        throw new ApiException(404, "pods \"" + name + "\" not found");
      }
      String uid = binding.getMetadata().getUid();
      if (uid != null && !uid.equals(old.getMetadata().getUid())) {
        throw new ApiException(
            409,
            "Operation cannot be fulfilled on pods/binding \""
                + name
                + "\": Precondition failed: UID in precondition: "
                + uid
                + ", UID in object meta: "
                + old.getMetadata().getUid());
      }
      String assigned = old.getSpec().getNodeName();
      if (assigned != null && !assigned.isEmpty()) {
        throw new ApiException(
            409,
            "Operation cannot be fulfilled on pods/binding \""
                + name
                + "\": pod "
                + name
                + " is already assigned to node \""
                + assigned
                + "\"");
      }
      Pod bound = withOwnStatus(old);
      bound.setSpec(ShallowCopy.of(old.getSpec()));
      bound.getSpec().setNodeName(target);
      PodCondition scheduled = new PodCondition();
      scheduled.setType(PodConditions.POD_SCHEDULED);
      scheduled.setStatus("True");
      PodConditions.updatePodCondition(bound.getStatus(), scheduled, clock.now());
      bindingsByUid.merge(old.getMetadata().getUid(), 1, Integer::sum);
      pods.replace(old, bound);
    }
  }

  /** {@code GET pods/name}; 404 when it does not exist. */
  @Override
  public Pod getUpdatedPod(Pod pod) {
    return pod(pod.getMetadata().getNamespace(), pod.getMetadata().getName())
        .orElseThrow(
            () -> new ApiException(404, "pods \"" + pod.getMetadata().getName() + "\" not found"));
  }

  /** {@code DELETE pods/name}. */
  @Override
  public void deletePod(Pod pod) {
    deletePod(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
  }

  /** {@code UpdateStatus} with {@code status.nominatedNodeName} set. */
  @Override
  public void setNominatedNodeName(Pod pod, String nominatedNodeName) {
    synchronized (lock) {
      Pod old = existing(pod);
      Pod updated = withOwnStatus(old);
      updated
          .getStatus()
          .setNominatedNodeName(
              nominatedNodeName == null || nominatedNodeName.isEmpty() ? null : nominatedNodeName);
      pods.replace(old, updated);
    }
  }

  /** {@code UpdateStatus} with the condition set, only when it changes the status. */
  @Override
  public void update(Pod pod, PodCondition condition) {
    synchronized (lock) {
      Pod old = existing(pod);
      Pod updated = withOwnStatus(old);
      if (PodConditions.updatePodCondition(updated.getStatus(), condition, clock.now())) {
        pods.replace(old, updated);
      }
    }
  }

  /** {@code GET pods/name}: empty on NotFound. */
  @Override
  public Optional<Pod> get(String namespace, String name) {
    return pod(namespace, name);
  }

  /**
   * A copy of the stored pod to change the status of (and with {@link #bind}, the spec): the stored
   * object, which informers handed out, stays as it is. The copy has its own status; the rest is
   * shared, and nothing changes it.
   */
  private static Pod withOwnStatus(Pod old) {
    Pod copy = ShallowCopy.of(old);
    copy.setStatus(old.getStatus() == null ? new PodStatus() : ShallowCopy.of(old.getStatus()));
    return copy;
  }

  private Pod existing(Pod pod) {
    Pod old = pods.objects.get(key(pod.getMetadata().getNamespace(), pod.getMetadata().getName()));
    if (old == null) {
      throw new ApiException(404, "pods \"" + pod.getMetadata().getName() + "\" not found");
    }
    return old;
  }

  private static String key(String namespace, String name) {
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }

  /** The objects of one kind and the handlers that hear of them. */
  private final class Store<T extends HasMetadata> {
    private final String resource;
    private final Map<String, T> objects = new LinkedHashMap<>();
    private final List<ResourceEventHandler<T>> handlers = new CopyOnWriteArrayList<>();

    Store(String resource) {
      this.resource = resource;
    }

    private String keyOf(T obj) {
      if (obj == null || obj.getMetadata() == null || obj.getMetadata().getName() == null) {
        throw new IllegalArgumentException(resource + ": metadata.name: Required value");
      }
      return key(obj.getMetadata().getNamespace(), obj.getMetadata().getName());
    }

    void create(T obj) {
      synchronized (lock) {
        String k = keyOf(obj);
        if (objects.containsKey(k)) {
          throw new ApiException(
              409, resource + " \"" + obj.getMetadata().getName() + "\" already exists");
        }
        objects.put(k, obj);
        for (ResourceEventHandler<T> h : handlers) {
          h.onAdd(obj);
        }
      }
    }

    void update(T obj) {
      synchronized (lock) {
        T old = objects.get(keyOf(obj));
        if (old == null) {
          throw new ApiException(
              404, resource + " \"" + obj.getMetadata().getName() + "\" not found");
        }
        replace(old, obj);
      }
    }

    /** Must hold {@link #lock}. */
    void replace(T old, T obj) {
      objects.put(keyOf(obj), obj);
      for (ResourceEventHandler<T> h : handlers) {
        h.onUpdate(old, obj);
      }
    }

    void delete(String namespace, String name) {
      synchronized (lock) {
        T old = objects.remove(key(namespace, name));
        if (old == null) {
          throw new ApiException(404, resource + " \"" + name + "\" not found");
        }
        for (ResourceEventHandler<T> h : handlers) {
          h.onDelete(old);
        }
      }
    }
  }
}
