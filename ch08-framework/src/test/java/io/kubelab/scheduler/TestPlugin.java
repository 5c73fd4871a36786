package io.kubelab.scheduler;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.PermitPlugin;
import io.kubelab.scheduler.framework.PostBindPlugin;
import io.kubelab.scheduler.framework.PreBindPlugin;
import io.kubelab.scheduler.framework.ReservePlugin;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.framework.UnreservePlugin;
import io.kubelab.scheduler.framework.config.ExtensionPoint;
import io.kubelab.scheduler.framework.config.KubeSchedulerConfiguration;
import io.kubelab.scheduler.framework.config.Plugin;
import io.kubelab.scheduler.framework.config.PluginSet;
import io.kubelab.scheduler.framework.config.Plugins;
import io.kubelab.scheduler.framework.profile.Profiles;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A plugin at Reserve, Permit, PreBind, PostBind and Unreserve whose answers a test sets. */
final class TestPlugin
    implements ReservePlugin, PermitPlugin, PreBindPlugin, PostBindPlugin, UnreservePlugin {

  static final String NAME = "TestPlugin";

  volatile Status reserve = Status.SUCCESS;
  volatile PermitPlugin.Result permit = PermitPlugin.Result.ALLOW;
  volatile Status preBind = Status.SUCCESS;

  /** Runs inside Reserve and inside Permit, before the answer: what happens meanwhile. */
  volatile Runnable onReserve = () -> {};

  volatile Runnable onPermit = () -> {};

  /** "point:pod@node" for every call, in order. */
  final List<String> calls = new CopyOnWriteArrayList<>();

  /**
   * A plugin that holds every pod at Permit for {@code timeout}, until a test allows or rejects it.
   */
  static TestPlugin waitingAtPermit(Duration timeout) {
    TestPlugin p = new TestPlugin();
    p.permit = PermitPlugin.Result.waitFor(timeout);
    return p;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status reserve(CycleState state, Pod pod, String nodeName) {
    calls.add("reserve:" + pod.getMetadata().getName() + "@" + nodeName);
    onReserve.run();
    return reserve;
  }

  @Override
  public PermitPlugin.Result permit(CycleState state, Pod pod, String nodeName) {
    calls.add("permit:" + pod.getMetadata().getName() + "@" + nodeName);
    onPermit.run();
    return permit;
  }

  @Override
  public Status preBind(CycleState state, Pod pod, String nodeName) {
    calls.add("preBind:" + pod.getMetadata().getName() + "@" + nodeName);
    return preBind;
  }

  @Override
  public void postBind(CycleState state, Pod pod, String nodeName) {
    calls.add("postBind:" + pod.getMetadata().getName() + "@" + nodeName);
  }

  @Override
  public void unreserve(CycleState state, Pod pod, String nodeName) {
    calls.add("unreserve:" + pod.getMetadata().getName() + "@" + nodeName);
  }

  /** Harness options with this plugin enabled at its five points of the default profile. */
  Harness.Options options() {
    Harness.Options o = new Harness.Options();
    o.registry = Profiles.registry().register(NAME, (args, handle) -> this);
    PluginSet set = PluginSet.enabled(Plugin.of(NAME));
    Plugins plugins = Plugins.empty();
    for (ExtensionPoint p :
        List.of(
            ExtensionPoint.RESERVE,
            ExtensionPoint.PERMIT,
            ExtensionPoint.PRE_BIND,
            ExtensionPoint.POST_BIND,
            ExtensionPoint.UNRESERVE)) {
      plugins = plugins.with(p, set);
    }
    o.config =
        KubeSchedulerConfiguration.of(
            new KubeSchedulerConfiguration.Profile(
                KubeSchedulerConfiguration.DEFAULT_SCHEDULER_NAME, plugins, List.of(), null));
    return o;
  }
}
