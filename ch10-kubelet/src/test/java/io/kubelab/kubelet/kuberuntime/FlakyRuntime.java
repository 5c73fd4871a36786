package io.kubelab.kubelet.kuberuntime;

import io.kubelab.kubelet.container.ContainerConfig;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.container.ContainerRuntimeException;
import io.kubelab.kubelet.container.ExecResult;
import io.kubelab.kubelet.container.FakeRuntime;
import io.kubelab.kubelet.container.PodStatus;
import io.kubelab.kubelet.container.Runtime;
import io.kubelab.kubelet.container.RuntimePod;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link FakeRuntime} whose CRI calls fail on demand, as a real runtime's do: creating a sandbox,
 * stopping one, starting a container of some name, or stopping a container (refused at once, or
 * failing later like an asynchronous call).
 */
final class FlakyRuntime implements Runtime {
  final FakeRuntime fake;
  boolean failRunSandbox;
  boolean failStopSandbox;
  final Set<String> failStart = new HashSet<>();
  final Set<ContainerId> refuseStop = new HashSet<>();
  final Set<ContainerId> failStopLater = new HashSet<>();

  FlakyRuntime(FakeRuntime fake) {
    this.fake = fake;
  }

  @Override
  public List<RuntimePod> getPods(boolean all) {
    return fake.getPods(all);
  }

  @Override
  public PodStatus getPodStatus(String uid, String name, String namespace) {
    return fake.getPodStatus(uid, name, namespace);
  }

  @Override
  public ContainerId runPodSandbox(String podUid, String name, String namespace, int attempt) {
    if (failRunSandbox) {
      throw new ContainerRuntimeException("rpc error: sandbox network not ready");
    }
    return fake.runPodSandbox(podUid, name, namespace, attempt);
  }

  @Override
  public void stopPodSandbox(ContainerId sandbox) {
    if (failStopSandbox) {
      throw new ContainerRuntimeException("rpc error: cannot tear down the network");
    }
    fake.stopPodSandbox(sandbox);
  }

  @Override
  public ContainerId startContainer(String podUid, ContainerConfig config) {
    if (failStart.contains(config.name())) {
      throw new ContainerRuntimeException("executable file not found in $PATH");
    }
    return fake.startContainer(podUid, config);
  }

  @Override
  public CompletionStage<Void> stopContainer(ContainerId id, long gracePeriodSeconds) {
    if (refuseStop.contains(id)) {
      throw new ContainerRuntimeException("rpc error: container " + id + " is stuck");
    }
    if (failStopLater.contains(id)) {
      return CompletableFuture.<Void>completedFuture(null)
          .thenRun(
              () -> {
                throw new ContainerRuntimeException("rpc error: deadline exceeded stopping " + id);
              });
    }
    return fake.stopContainer(id, gracePeriodSeconds);
  }

  @Override
  public void removeContainer(ContainerId id) {
    fake.removeContainer(id);
  }

  @Override
  public ExecResult runInContainer(ContainerId id, List<String> command, Duration timeout) {
    return fake.runInContainer(id, command, timeout);
  }
}
