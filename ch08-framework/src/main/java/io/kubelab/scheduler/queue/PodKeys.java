package io.kubelab.scheduler.queue;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * How the queue names a pod.
 *
 * <p>Upstream: {@code podInfoKeyFunc} ({@code cache.MetaNamespaceKeyFunc}: {@code namespace/name},
 * or just {@code name} without a namespace) keys the two heaps, {@code util.GetPodFullName} ({@code
 * name_namespace}) the unschedulable map, and {@code nsNameForPod} ({@code types.NamespacedName},
 * printed {@code namespace/name}) names pods in messages, all in {@code scheduling_queue.go}
 * (v1.18). Here the last one keys all three queues: it identifies the same pods.
 */
final class PodKeys {

  private PodKeys() {}

  /**
   * The pod's key.
   *
   * @throws IllegalArgumentException when the pod, its metadata or its name is missing
   */
  static String key(Pod pod) {
    return nsName(pod);
  }

  /** {@code nsNameForPod}: {@code namespace/name}; without a namespace, {@code /name} as in Go. */
  static String nsName(Pod pod) {
    String name = name(pod);
    String ns = pod.getMetadata().getNamespace();
    return (ns == null ? "" : ns) + "/" + name;
  }

  /** The pod's UID as the nominator keys it; a missing UID is the empty one, as in Go. */
  static String uid(Pod pod) {
    String uid = pod.getMetadata().getUid();
    return uid == null ? "" : uid;
  }

  /** The nominated node recorded in the pod's status, or "". */
  static String nominatedNodeName(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getNominatedNodeName() == null) {
      return "";
    }
    return pod.getStatus().getNominatedNodeName();
  }

  private static String name(Pod pod) {
    if (pod == null) {
      throw new IllegalArgumentException("pod must not be null");
    }
    ObjectMeta m = pod.getMetadata();
    if (m == null || m.getName() == null || m.getName().isEmpty()) {
      throw new IllegalArgumentException("Pod has no metadata.name: the queue keys pods by it");
    }
    return m.getName();
  }
}
