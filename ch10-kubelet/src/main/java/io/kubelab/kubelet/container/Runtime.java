package io.kubelab.kubelet.container;

import java.time.Duration;
import java.util.List;

/**
 * The container runtime as the kubelet's mechanisms need it. The integration module supplies a real
 * one; tests use {@link FakeRuntime}.
 *
 * <p>Upstream: {@code pkg/kubelet/container/runtime.go} ({@code Runtime}, {@code
 * ContainerCommandRunner}), cut down to the calls that the PLEG, the prober and the pod workers
 * make. Every method may throw {@link ContainerRuntimeException}.
 */
public interface Runtime {

  /**
   * Lists pods that have containers. With {@code all}, exited containers are included, as the PLEG
   * asks for (upstream {@code GetPods(all bool)}).
   */
  List<RuntimePod> getPods(boolean all);

  /** Inspects one pod: every container's state, times, exit code and restart count. */
  PodStatus getPodStatus(String uid, String name, String namespace);

  /** Starts (or restarts) the named container of a pod, returning the new container's ID. */
  ContainerId startContainer(String podUid, String containerName);

  /** Stops a container; it stays listed as exited until it is removed. */
  void killContainer(ContainerId id);

  /**
   * Runs a command in a running container and waits up to {@code timeout} (upstream {@code
   * RunInContainer}, used by exec probes).
   */
  ExecResult runInContainer(ContainerId id, List<String> command, Duration timeout);
}
