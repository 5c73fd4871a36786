package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
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
    Binding binding = binding(p, nodeName);
    try {
      handle.component(PodBinder.class).bind(binding);
    } catch (RuntimeException e) {
      return Status.error(e.getMessage() == null ? e.toString() : e.getMessage());
    }
    return Status.SUCCESS;
  }

  /**
   * The Binding upstream posts for {@code p} on {@code nodeName}: the pod's namespace, name and UID
   * in the metadata, {@code Node/nodeName} as the target. Built with the model's plain setters:
   * this runs once per pod, and fabric8's builders copy every nested object they are given.
   */
  public static Binding binding(Pod p, String nodeName) {
    ObjectMeta meta = new ObjectMeta();
    meta.setNamespace(p.getMetadata().getNamespace());
    meta.setName(p.getMetadata().getName());
    meta.setUid(p.getMetadata().getUid());
    ObjectReference target = new ObjectReference();
    target.setKind("Node");
    target.setName(nodeName);
    Binding binding = new Binding();
    binding.setMetadata(meta);
    binding.setTarget(target);
    return binding;
  }
}
