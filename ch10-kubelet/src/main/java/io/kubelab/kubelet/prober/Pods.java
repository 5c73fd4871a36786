package io.kubelab.kubelet.prober;

import io.fabric8.kubernetes.api.model.Pod;

/** Upstream {@code pkg/kubelet/util/format.Pod}: {@code name_namespace(uid)} in messages. */
final class Pods {
  private Pods() {}

  static String format(Pod pod) {
    return pod.getMetadata().getName()
        + "_"
        + pod.getMetadata().getNamespace()
        + "("
        + pod.getMetadata().getUid()
        + ")";
  }
}
