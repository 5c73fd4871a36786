package io.kubelab.scheduler.extender;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.SchedulerExtender;
import java.util.List;
import java.util.Optional;

/**
 * Which extender binds a pod, and the binding it is given.
 *
 * <p>Upstream: {@code getBinderFunc} in {@code pkg/scheduler/factory.go} (v1.17): the first
 * extender that binds and is interested in the pod binds it; otherwise the scheduler posts the
 * binding to the API server itself. v1.18's {@code Scheduler.extendersBinding} makes the same
 * choice before the framework's Bind plugins run. An extender's binding error is the binding's
 * error: neither release consults {@code ignorable} here.
 */
public final class ExtenderBinding {

  private ExtenderBinding() {}

  /** The extender that binds {@code pod}, if any. */
  public static Optional<SchedulerExtender> binderFor(
      List<? extends SchedulerExtender> extenders, Pod pod) {
    for (SchedulerExtender e : extenders) {
      if (e.isBinder() && e.isInterested(pod)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /**
   * The {@code v1.Binding} of {@code pod} to {@code node}: the pod's namespace, name and UID, and a
   * {@code Node} target.
   */
  public static Binding binding(Pod pod, String node) {
    return new BindingBuilder()
        .withNewMetadata()
        .withNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .withUid(pod.getMetadata().getUid())
        .endMetadata()
        .withNewTarget()
        .withKind("Node")
        .withName(node)
        .endTarget()
        .build();
  }
}
