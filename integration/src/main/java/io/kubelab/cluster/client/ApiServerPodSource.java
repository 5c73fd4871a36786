package io.kubelab.cluster.client;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubelab.kubelet.config.PodSource;
import io.kubelab.kubelet.config.PodUpdate;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * A kubelet's pod source: the pods bound to one node, from any API server, as a list-watch with the
 * field selector {@code spec.nodeName=NODE} over every namespace. After the first list and after
 * every change it sends the whole list, a {@code SET}; chapter 10's {@code PodConfig} turns the
 * lists into the additions, updates and removals the kubelet's sync loop takes.
 *
 * <p>Upstream: {@code pkg/kubelet/config/apiserver.go} ({@code NewSourceApiserver}: a {@code
 * ListWatch} of pods with {@code fields.OneTermEqualSelector("spec.nodeName", nodeName)}, fed by a
 * reflector into an {@code UndeltaStore}, whose every change sends {@code PodUpdate{Op: SET}}).
 * Here a fabric8 {@code SharedIndexInformer} does the list, the watch, the resume from the last
 * resourceVersion and the relist after a 410.
 */
public final class ApiServerPodSource implements PodSource {

  private static final Logger LOG = Logger.getLogger(ApiServerPodSource.class.getName());

  private final KubernetesClient client;
  private final String nodeName;

  /** The pods bound to {@code nodeName}, from the API server {@code client} talks to. */
  public ApiServerPodSource(KubernetesClient client, String nodeName) {
    this.client = client;
    this.nodeName = nodeName;
  }

  /**
   * Starts listing and watching; {@code updates} is called with a {@code SET} once the first list
   * is in and after every change, never concurrently. Closing the handle stops the informer.
   */
  @Override
  public AutoCloseable watch(Consumer<PodUpdate> updates) {
    Object lock = new Object();
    boolean[] closed = {false};
    SharedIndexInformer<Pod> informer =
        client.pods().inAnyNamespace().withField("spec.nodeName", nodeName).runnableInformer(0);
    // As upstream's reflector, which lists and watches again after any error, never gives up.
    informer.exceptionHandler(
        (started, t) -> {
          LOG.warning("pod source of node " + nodeName + ": " + t + "; listing and watching again");
          return true;
        });
    Runnable send =
        () -> {
          synchronized (lock) {
            if (!closed[0] && informer.hasSynced()) {
              List<Pod> pods = informer.getStore().list();
              updates.accept(new PodUpdate(PodUpdate.Op.SET, pods, PodUpdate.API_SOURCE));
            }
          }
        };
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {
            send.run();
          }

          @Override
          public void onUpdate(Pod oldPod, Pod newPod) {
            send.run();
          }

          @Override
          public void onDelete(Pod pod, boolean finalStateUnknown) {
            send.run();
          }
        });
    // The first list, even an empty one, tells the kubelet the source has been seen.
    informer
        .start()
        .whenComplete(
            (ok, failed) -> {
              if (failed == null) {
                send.run();
              } else {
                LOG.warning("pod source of node " + nodeName + ": first list failed: " + failed);
              }
            });
    return () -> {
      synchronized (lock) {
        closed[0] = true; // no list after this, not even one already on its way
      }
      informer.close();
    };
  }
}
