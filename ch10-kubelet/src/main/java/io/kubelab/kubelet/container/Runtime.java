package io.kubelab.kubelet.container;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The container runtime as the kubelet's mechanisms need it. The integration module supplies one;
 * tests use {@link FakeRuntime}.
 *
 * <p>Upstream: {@code pkg/kubelet/container/runtime.go} ({@code Runtime}, {@code
 * ContainerCommandRunner}) and the CRI calls {@code pkg/kubelet/kuberuntime} makes ({@code
 * RunPodSandbox}, {@code StopPodSandbox}, {@code CreateContainer}+{@code StartContainer}, {@code
 * StopContainer}, {@code RemoveContainer}), cut down to what the PLEG, the prober and the pod
 * workers call. Every method may throw {@link ContainerRuntimeException}.
 */
public interface Runtime {

  /**
   * Lists pods that have containers. With {@code all}, exited containers are included, as the PLEG
   * asks for (upstream {@code GetPods(all bool)}).
   */
  List<RuntimePod> getPods(boolean all);

  /** Inspects one pod: every container's state, times, exit code and restart count. */
  PodStatus getPodStatus(String uid, String name, String namespace);

  /**
   * Creates and starts a pod sandbox (its network namespace and IP) and returns its ID (upstream
   * {@code RunPodSandbox}); {@code attempt} counts the sandboxes this pod had before.
   */
  ContainerId runPodSandbox(String podUid, String name, String namespace, int attempt);

  /** Stops a sandbox: it is no longer ready (upstream {@code StopPodSandbox}). */
  void stopPodSandbox(ContainerId sandbox);

  /** Creates and starts a container in the pod's sandbox, returning the new container's ID. */
  ContainerId startContainer(String podUid, ContainerConfig config);

  /**
   * Stops a container: SIGTERM, then SIGKILL after {@code gracePeriodSeconds} (upstream CRI {@code
   * StopContainer(id, timeout)}). Completes once the container has exited; it stays listed as
   * exited until removed.
   */
  CompletionStage<Void> stopContainer(ContainerId id, long gracePeriodSeconds);

  /** Removes an exited container (upstream {@code RemoveContainer}). */
  void removeContainer(ContainerId id);

  /**
   * Runs a command in a running container and waits up to {@code timeout} (upstream {@code
   * RunInContainer}, used by exec probes).
   */
  ExecResult runInContainer(ContainerId id, List<String> command, Duration timeout);
}
