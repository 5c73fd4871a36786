package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.framework.BindPlugin;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkHandle;
import io.kubelab.scheduler.framework.Status;

/**
 * Binds a pod by posting a {@code Binding} (namespace, name and UID of the pod; target the node).
 *
 * <p>Upstream: {@code pkg/scheduler/framework/plugins/defaultbinder/default_binder.go} (v1.18). A
 * refused binding is an Error with the client's message.
 */
public final class DefaultBinder implements BindPlugin {

  /** {@code Name}. */
  public static final String NAME = "DefaultBinder";

  private final FrameworkHandle handle;

  DefaultBinder(FrameworkHandle handle) {
    this.handle = handle;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status bind(CycleState state, Pod p, String nodeName) {
    Binding binding =
        new BindingBuilder()
            .withNewMetadata()
            .withNamespace(p.getMetadata().getNamespace())
            .withName(p.getMetadata().getName())
            .withUid(p.getMetadata().getUid())
            .endMetadata()
            .withNewTarget()
            .withKind("Node")
            .withName(nodeName)
            .endTarget()
            .build();
    try {
      handle.component(PodBinder.class).bind(binding);
    } catch (RuntimeException e) {
      return Status.error(e.getMessage() == null ? e.toString() : e.getMessage());
    }
    return Status.SUCCESS;
  }
}
