package io.kubelab.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.storage.CSINode;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.kubelab.apimachinery.objects.ShallowCopy;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.scheduler.cache.Cache;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.queue.QueueEvents;
import io.kubelab.scheduler.queue.SchedulingQueue;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the scheduler does with each informer event: bound pods go to the cache, pending pods of its
 * profiles to the queue, and cluster changes that may help pending pods move them out of the
 * unschedulable queue.
 *
 * <p>Upstream: {@code addAllEventHandlers} and the handlers of {@code
 * pkg/scheduler/eventhandlers.go} (v1.18), handler by handler:
 *
 * <ul>
 *   <li>pods with {@code spec.nodeName} (assigned): add → {@code cache.AddPod} then {@code
 *       AssignedPodAdded}; update → {@code cache.UpdatePod} then {@code AssignedPodUpdated}; delete
 *       → {@code cache.RemovePod} then a move ({@code AssignedPodDelete});
 *   <li>pods without one whose {@code schedulerName} names a profile: add → {@code queue.Add};
 *       update → {@code queue.Update} unless {@link #skipPodUpdate}; delete → {@code queue.Delete}
 *       and the profile's waiting pod is rejected;
 *   <li>nodes: add → cache and a move ({@code NodeAdd}); update → cache, then a move with {@code
 *       Unknown} when no pod is unschedulable, else only when {@link
 *       NodeChanges#nodeSchedulingPropertiesChange} names a change; delete → cache only;
 *   <li>PVs and PVCs added or updated, services added, updated or deleted, CSINodes added or
 *       updated, and StorageClasses added with {@code volumeBindingMode: WaitForFirstConsumer}: a
 *       move.
 * </ul>
 *
 * An error from the cache is logged, never thrown back to the informer.
 */
final class EventHandlers {

  private static final Logger LOG = Logger.getLogger(EventHandlers.class.getName());

  /** {@code storagev1.VolumeBindingWaitForFirstConsumer}. */
  static final String WAIT_FOR_FIRST_CONSUMER = "WaitForFirstConsumer";

  private final Cache cache;
  private final SchedulingQueue queue;
  private final Map<String, FrameworkImpl> profiles;

  EventHandlers(Cache cache, SchedulingQueue queue, Map<String, FrameworkImpl> profiles) {
    this.cache = cache;
    this.queue = queue;
    this.profiles = profiles;
  }

  /** {@code addAllEventHandlers}. */
  void register(InformerSource informers) {
    informers.addPodHandler(
        new FilteringResourceEventHandler<>(
            EventHandlers::assignedPod,
            handler(this::addPodToCache, this::updatePodInCache, this::deletePodFromCache)));
    informers.addPodHandler(
        new FilteringResourceEventHandler<>(
            p -> !assignedPod(p) && responsibleForPod(p),
            handler(
                this::addPodToSchedulingQueue,
                this::updatePodInSchedulingQueue,
                this::deletePodFromSchedulingQueue)));
    informers.addNodeHandler(
        handler(this::addNodeToCache, this::updateNodeInCache, this::deleteNodeFromCache));
    informers.addCSINodeHandler(
        handler(
            (CSINode n) -> queue.moveAllToActiveOrBackoffQueue(QueueEvents.CSI_NODE_ADD),
            (o, n) -> queue.moveAllToActiveOrBackoffQueue(QueueEvents.CSI_NODE_UPDATE),
            null));
    informers.addPersistentVolumeHandler(
        handler(
            (PersistentVolume pv) -> queue.moveAllToActiveOrBackoffQueue(QueueEvents.PV_ADD),
            (o, n) -> queue.moveAllToActiveOrBackoffQueue(QueueEvents.PV_UPDATE),
            null));
    informers.addPersistentVolumeClaimHandler(
        handler(
            (PersistentVolumeClaim pvc) -> queue.moveAllToActiveOrBackoffQueue(QueueEvents.PVC_ADD),
            (o, n) -> queue.moveAllToActiveOrBackoffQueue(QueueEvents.PVC_UPDATE),
            null));
    informers.addServiceHandler(
        handler(
            (Service s) -> queue.moveAllToActiveOrBackoffQueue(QueueEvents.SERVICE_ADD),
            (o, n) -> queue.moveAllToActiveOrBackoffQueue(QueueEvents.SERVICE_UPDATE),
            s -> queue.moveAllToActiveOrBackoffQueue(QueueEvents.SERVICE_DELETE)));
    informers.addStorageClassHandler(handler(this::onStorageClassAdd, null, null));
  }

  /** {@code assignedPod}: the pod has a node. */
  static boolean assignedPod(Pod pod) {
    String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    return nodeName != null && !nodeName.isEmpty();
  }

  /** {@code responsibleForPod}: one of the profiles is named as the pod's scheduler. */
  boolean responsibleForPod(Pod pod) {
    return pod.getSpec() != null && profiles.containsKey(pod.getSpec().getSchedulerName());
  }

  // ---------------------------------------------------------------------------------------------
  // Assigned pods → cache

  void addPodToCache(Pod pod) {
    try {
      cache.addPod(pod);
    } catch (RuntimeException e) {
      LOG.severe(() -> "scheduler cache AddPod failed: " + e.getMessage());
    }
    queue.assignedPodAdded(pod);
  }

  void updatePodInCache(Pod oldPod, Pod newPod) {
    try {
      cache.updatePod(oldPod, newPod);
    } catch (RuntimeException e) {
      LOG.severe(() -> "scheduler cache UpdatePod failed: " + e.getMessage());
    }
    queue.assignedPodUpdated(newPod);
  }

  void deletePodFromCache(Pod pod) {
    try {
      cache.removePod(pod);
    } catch (RuntimeException e) {
      LOG.severe(() -> "scheduler cache RemovePod failed: " + e.getMessage());
    }
    queue.moveAllToActiveOrBackoffQueue(QueueEvents.ASSIGNED_POD_DELETE);
  }

  // ---------------------------------------------------------------------------------------------
  // Pending pods → queue

  void addPodToSchedulingQueue(Pod pod) {
    queue.add(pod);
  }

  void updatePodInSchedulingQueue(Pod oldPod, Pod newPod) {
    if (skipPodUpdate(cache, newPod)) {
      return;
    }
    queue.update(oldPod, newPod);
  }

  void deletePodFromSchedulingQueue(Pod pod) {
    queue.delete(pod);
    FrameworkImpl prof = profiles.get(pod.getSpec().getSchedulerName());
    if (prof == null) {
      LOG.severe(
          () ->
              "profile not found for scheduler name \"" + pod.getSpec().getSchedulerName() + "\"");
      return;
    }
    prof.rejectWaitingPod(pod.getMetadata().getUid());
  }

  /**
   * {@code skipPodUpdate}: an update of an assumed pod is ignored when it differs from the assumed
   * copy only in {@code resourceVersion}, {@code spec.nodeName}, annotations, managed fields,
   * finalizers or {@code status.conditions}. Such updates arrive while the pod is being bound (our
   * own condition writes, controllers annotating it); queueing them would schedule the pod again.
   */
  static boolean skipPodUpdate(Cache cache, Pod pod) {
    boolean assumed;
    Pod assumedPod;
    try {
      assumed = cache.isAssumedPod(pod);
      if (!assumed) {
        return false;
      }
      assumedPod = cache.getPod(pod);
    } catch (RuntimeException e) {
      LOG.log(
          Level.SEVERE,
          "failed to check whether "
              + PodRequests.describe(pod)
              + " is assumed: "
              + e.getMessage());
      return false;
    }
    if (!stripped(assumedPod).equals(stripped(pod))) {
      return false;
    }
    LOG.fine(() -> "Skipping " + PodRequests.describe(pod) + " update");
    return true;
  }

  private static Pod stripped(Pod pod) {
    // Copies of the three objects it clears fields of; what they refer to is only compared.
    Pod p = ShallowCopy.of(pod);
    p.setMetadata(ShallowCopy.of(pod.getMetadata()));
    p.setSpec(ShallowCopy.of(pod.getSpec()));
    p.setStatus(ShallowCopy.of(pod.getStatus()));
    if (p.getMetadata() != null) {
      p.getMetadata().setResourceVersion(null);
      p.getMetadata().setAnnotations(null);
      p.getMetadata().setManagedFields(null);
      p.getMetadata().setFinalizers(null);
    }
    if (p.getSpec() != null) {
      p.getSpec().setNodeName(null);
    }
    if (p.getStatus() != null) {
      p.getStatus().setConditions(null);
    }
    return p;
  }

  // ---------------------------------------------------------------------------------------------
  // Nodes

  void addNodeToCache(Node node) {
    try {
      cache.addNode(node);
    } catch (RuntimeException e) {
      LOG.severe(() -> "scheduler cache AddNode failed: " + e.getMessage());
    }
    queue.moveAllToActiveOrBackoffQueue(QueueEvents.NODE_ADD);
  }

  void updateNodeInCache(Node oldNode, Node newNode) {
    try {
      cache.updateNode(oldNode, newNode);
    } catch (RuntimeException e) {
      LOG.severe(() -> "scheduler cache UpdateNode failed: " + e.getMessage());
    }
    // With no unschedulable pod the comparison is skipped, but the move still happens: a pod being
    // scheduled right now may fail and should then be retried because of this change.
    if (queue.numUnschedulablePods() == 0) {
      queue.moveAllToActiveOrBackoffQueue(QueueEvents.UNKNOWN);
      return;
    }
    String event = NodeChanges.nodeSchedulingPropertiesChange(newNode, oldNode);
    if (event != null) {
      queue.moveAllToActiveOrBackoffQueue(event);
    }
  }

  void deleteNodeFromCache(Node node) {
    try {
      cache.removeNode(node);
    } catch (RuntimeException e) {
      LOG.severe(() -> "scheduler cache RemoveNode failed: " + e.getMessage());
    }
  }

  void onStorageClassAdd(StorageClass sc) {
    if (WAIT_FOR_FIRST_CONSUMER.equals(sc.getVolumeBindingMode())) {
      queue.moveAllToActiveOrBackoffQueue(QueueEvents.STORAGE_CLASS_ADD);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** {@code ResourceEventHandlerFuncs}: a null function ignores its events. */
  static <T> ResourceEventHandler<T> handler(
      Consumer<T> add, java.util.function.BiConsumer<T, T> update, Consumer<T> delete) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        if (add != null) {
          add.accept(obj);
        }
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        if (update != null) {
          update.accept(oldObj, newObj);
        }
      }

      @Override
      public void onDelete(T obj) {
        if (delete != null) {
          delete.accept(obj);
        }
      }
    };
  }
}
