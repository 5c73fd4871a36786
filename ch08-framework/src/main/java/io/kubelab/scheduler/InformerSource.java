package io.kubelab.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.storage.CSINode;
import io.fabric8.kubernetes.api.model.storage.StorageClass;

/**
 * The informers the scheduler watches: where its event handlers are registered.
 *
 * <p>Upstream: the pod informer and the {@code SharedInformerFactory} that {@code
 * addAllEventHandlers} in {@code pkg/scheduler/eventhandlers.go} (v1.18) registers on. The
 * integration feeds it from its API server's watch; {@link InMemoryCluster} delivers its own
 * changes on the thread that made them. Every handler hears every event of its kind, in the order
 * the source saw them; handlers must not block.
 */
public interface InformerSource {

  void addPodHandler(ResourceEventHandler<Pod> handler);

  void addNodeHandler(ResourceEventHandler<Node> handler);

  void addServiceHandler(ResourceEventHandler<Service> handler);

  void addPersistentVolumeHandler(ResourceEventHandler<PersistentVolume> handler);

  void addPersistentVolumeClaimHandler(ResourceEventHandler<PersistentVolumeClaim> handler);

  void addStorageClassHandler(ResourceEventHandler<StorageClass> handler);

  void addCSINodeHandler(ResourceEventHandler<CSINode> handler);
}
