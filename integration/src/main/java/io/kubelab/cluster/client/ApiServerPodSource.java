package io.kubelab.cluster.client;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;

/**
 * A kubelet's pod source: the pods bound to one node, from any API server, as a list-watch with the
 * field selector {@code spec.nodeName=NODE} over every namespace, delivered as additions, updates
 * and deletions.
 *
 * <p>Upstream: {@code pkg/kubelet/config/apiserver.go} ({@code NewSourceApiserver}: a {@code
 * ListWatch} of pods with {@code fields.OneTermEqualSelector("spec.nodeName", nodeName)}, fed by a
 * reflector). Here a fabric8 {@code SharedIndexInformer} does the list, the watch, the resume from
 * the last resourceVersion and the relist after a 410.
 */
public final class ApiServerPodSource implements AutoCloseable {

  /** Where the pod source delivers what it sees (upstream: the kubelet's {@code PodUpdate}s). */
  public interface Listener {
    void podAdded(Pod pod);

    void podUpdated(Pod oldPod, Pod newPod);

    void podDeleted(Pod pod);
  }

  private final SharedIndexInformer<Pod> informer;

  /** Starts listing and watching; {@code listener} is called on the informer's thread. */
  public ApiServerPodSource(KubernetesClient client, String nodeName, Listener listener) {
    this.informer =
        client
            .pods()
            .inAnyNamespace()
            .withField("spec.nodeName", nodeName)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    listener.podAdded(pod);
                  }

                  @Override
                  public void onUpdate(Pod oldPod, Pod newPod) {
                    listener.podUpdated(oldPod, newPod);
                  }

                  @Override
                  public void onDelete(Pod pod, boolean finalStateUnknown) {
                    listener.podDeleted(pod);
                  }
                },
                0);
  }

  /** Whether the first list has been delivered. */
  public boolean hasSynced() {
    return informer.hasSynced();
  }

  /** The pods bound to the node, as last seen. */
  public List<Pod> pods() {
    return informer.getStore().list();
  }

  @Override
  public void close() {
    informer.close();
  }
}
