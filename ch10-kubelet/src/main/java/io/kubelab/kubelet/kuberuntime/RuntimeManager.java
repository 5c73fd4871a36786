package io.kubelab.kubelet.kuberuntime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.kubelet.container.ContainerConfig;
import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.container.ContainerRuntimeException;
import io.kubelab.kubelet.container.ContainerState;
import io.kubelab.kubelet.container.ContainerStatus;
import io.kubelab.kubelet.container.PodStatus;
import io.kubelab.kubelet.container.Runtime;
import io.kubelab.kubelet.container.RuntimePod;
import io.kubelab.kubelet.container.SandboxStatus;
import io.kubelab.kubelet.events.Event;
import io.kubelab.kubelet.events.EventSink;
import io.kubelab.kubelet.prober.results.Result;
import io.kubelab.kubelet.prober.results.ResultsManager;
import io.kubelab.kubelet.qos.Policy;
import io.kubelab.kubelet.util.GoDurations;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Brings a pod's containers to what its spec and status call for: the kubelet's {@code
 * SyncPod}/{@code KillPod} over the {@link Runtime}.
 *
 * <p>Upstream: {@code pkg/kubelet/kuberuntime/kuberuntime_manager.go} ({@code computePodActions},
 * {@code podSandboxChanged}, {@code SyncPod}, {@code doBackOff}, {@code killPodWithSyncResult}),
 * {@code kuberuntime_container.go} ({@code startContainer}, {@code killContainer}, {@code
 * killContainersWithSyncResult}, {@code pruneInitContainersBeforeStart}, {@code
 * findNextInitContainerToRun}, {@code isInitContainerFailed}) and {@code
 * pkg/kubelet/container/helpers.go} ({@code ShouldContainerBeRestarted}), as of v1.18. Not
 * modelled: image pulls, container spec hashes (a changed container spec does not restart it),
 * lifecycle hooks, ephemeral containers, host-network pods, and the sandbox's network namespace.
 *
 * <p>Stopping a container takes time (its grace period), so {@link #syncPod} and {@link #killPod}
 * return stages that complete when every step is done; the other runtime calls are quick.
 */
public final class RuntimeManager {

  private static final System.Logger LOG = System.getLogger(RuntimeManager.class.getName());

  /** Upstream {@code minimumGracePeriodInSeconds}. */
  public static final long MINIMUM_GRACE_PERIOD_SECONDS = 2;

  private final Runtime runtime;
  private final ResultsManager livenessManager;
  private final ResultsManager startupManager;
  private final long memoryCapacity;
  private final EventSink events;
  private final Clock clock;

  /**
   * @param memoryCapacity the node's memory capacity in bytes, for the QoS policy's {@code
   *     oom_score_adj}
   */
  public RuntimeManager(
      Runtime runtime,
      ResultsManager livenessManager,
      ResultsManager startupManager,
      long memoryCapacity,
      EventSink events,
      Clock clock) {
    this.runtime = runtime;
    this.livenessManager = livenessManager;
    this.startupManager = startupManager;
    this.memoryCapacity = memoryCapacity;
    this.events = events;
    this.clock = clock;
  }

  // ---- computePodActions -----------------------------------------------------------------------

  /** A container to kill, and why (upstream {@code containerToKillInfo}). */
  public record ToKill(ContainerId id, String name, String message) {}

  /**
   * What a sync must do (upstream {@code podActions}): kill the whole pod, create a sandbox, start
   * the next init container, start these containers, kill those.
   */
  public record PodActions(
      boolean killPod,
      boolean createSandbox,
      ContainerId sandboxId,
      int attempt,
      Container nextInitContainerToStart,
      List<Integer> containersToStart,
      List<ToKill> containersToKill) {}

  /** Upstream {@code computePodActions} (v1.18). */
  public PodActions computePodActions(Pod pod, PodStatus podStatus) {
    SandboxChange sandbox = podSandboxChanged(podStatus);
    boolean killPod = sandbox.changed;
    List<Integer> toStart = new ArrayList<>();
    Map<ContainerId, ToKill> toKill = new LinkedHashMap<>();
    List<Container> inits = pod.getSpec().getInitContainers();
    List<Container> containers = pod.getSpec().getContainers();
    String restartPolicy = pod.getSpec().getRestartPolicy();

    if (sandbox.changed) {
      // Everything is killed and recreated with the new sandbox.
      if (!shouldRestartOnFailure(pod)
          && sandbox.attempt != 0
          && !podStatus.containerStatuses().isEmpty()) {
        // A Never pod that already ran: no new sandbox, just kill what is left.
        return new PodActions(true, false, sandbox.id, sandbox.attempt, null, List.of(), List.of());
      }
      if (!inits.isEmpty()) {
        return new PodActions(
            true, true, sandbox.id, sandbox.attempt, inits.get(0), List.of(), List.of());
      }
      for (int i = 0; i < containers.size(); i++) {
        if ("OnFailure".equals(restartPolicy) && containerSucceeded(containers.get(i), podStatus)) {
          continue;
        }
        toStart.add(i);
      }
      return new PodActions(true, true, sandbox.id, sandbox.attempt, null, toStart, List.of());
    }

    InitProgress init = findNextInitContainerToRun(pod, podStatus);
    if (!init.done) {
      Container next = null;
      if (init.next != null) {
        boolean initFailed = init.status != null && isInitContainerFailed(init.status);
        if (initFailed && !shouldRestartOnFailure(pod)) {
          killPod = true;
        } else {
          if (init.status != null && init.status.state() == ContainerState.UNKNOWN) {
            toKill.put(
                init.status.id(),
                new ToKill(
                    init.status.id(),
                    init.next.getName(),
                    "Init container is in \"unknown\" state, try killing it before restart"));
          }
          next = init.next;
        }
      }
      return new PodActions(
          killPod,
          false,
          sandbox.id,
          sandbox.attempt,
          next,
          List.of(),
          List.copyOf(toKill.values()));
    }

    int keepCount = 0;
    for (int idx = 0; idx < containers.size(); idx++) {
      Container container = containers.get(idx);
      ContainerStatus status =
          podStatus.findContainerStatusByName(container.getName()).orElse(null);
      if (status == null || status.state() != ContainerState.RUNNING) {
        if (shouldContainerBeRestarted(container, pod, podStatus)) {
          toStart.add(idx);
          if (status != null && status.state() == ContainerState.UNKNOWN) {
            toKill.put(
                status.id(),
                new ToKill(
                    status.id(),
                    status.name(),
                    "Container is in \"unknown\" state, try killing it before restart"));
          }
        }
        continue;
      }
      String message;
      boolean restart = shouldRestartOnFailure(pod);
      if (livenessManager.get(status.id()).orElse(null) == Result.FAILURE) {
        message = "Container " + container.getName() + " failed liveness probe";
      } else if (startupManager.get(status.id()).orElse(null) == Result.FAILURE) {
        message = "Container " + container.getName() + " failed startup probe";
      } else {
        keepCount++;
        continue;
      }
      if (restart) {
        message += ", will be restarted";
        toStart.add(idx);
      }
      toKill.put(status.id(), new ToKill(status.id(), status.name(), message));
    }
    if (keepCount == 0 && toStart.isEmpty()) {
      killPod = true;
    }
    return new PodActions(
        killPod, false, sandbox.id, sandbox.attempt, null, toStart, List.copyOf(toKill.values()));
  }

  private record SandboxChange(boolean changed, int attempt, ContainerId id) {}

  /** Upstream {@code podSandboxChanged}: none, several ready, newest not ready, or no IP. */
  private static SandboxChange podSandboxChanged(PodStatus podStatus) {
    List<SandboxStatus> sandboxes = podStatus.sandboxStatuses();
    if (sandboxes.isEmpty()) {
      return new SandboxChange(true, 0, null);
    }
    long ready = sandboxes.stream().filter(SandboxStatus::ready).count();
    SandboxStatus newest = sandboxes.get(0);
    if (ready > 1 || !newest.ready() || podStatus.ips().isEmpty()) {
      return new SandboxChange(true, newest.attempt() + 1, newest.id());
    }
    return new SandboxChange(false, newest.attempt(), newest.id());
  }

  private record InitProgress(ContainerStatus status, Container next, boolean done) {}

  /** Upstream {@code findNextInitContainerToRun}. */
  static InitProgress findNextInitContainerToRun(Pod pod, PodStatus podStatus) {
    List<Container> inits = pod.getSpec().getInitContainers();
    if (inits.isEmpty()) {
      return new InitProgress(null, null, true);
    }
    // The last failed one, if any.
    for (int i = inits.size() - 1; i >= 0; i--) {
      ContainerStatus s = podStatus.findContainerStatusByName(inits.get(i).getName()).orElse(null);
      if (s != null && isInitContainerFailed(s)) {
        return new InitProgress(s, inits.get(i), false);
      }
    }
    for (int i = inits.size() - 1; i >= 0; i--) {
      ContainerStatus s = podStatus.findContainerStatusByName(inits.get(i).getName()).orElse(null);
      if (s == null) {
        continue;
      }
      if (s.state() == ContainerState.RUNNING) {
        return new InitProgress(null, null, false);
      }
      if (s.state() == ContainerState.EXITED) {
        return i == inits.size() - 1
            ? new InitProgress(null, null, true)
            : new InitProgress(null, inits.get(i + 1), false);
      }
    }
    return new InitProgress(null, inits.get(0), false);
  }

  /** Upstream {@code isInitContainerFailed}. */
  static boolean isInitContainerFailed(ContainerStatus s) {
    return "OOMKilled".equals(s.reason())
        || (s.state() == ContainerState.EXITED && s.exitCode() != 0)
        || s.state() == ContainerState.UNKNOWN;
  }

  /** Upstream {@code ShouldContainerBeRestarted}. */
  public static boolean shouldContainerBeRestarted(Container c, Pod pod, PodStatus podStatus) {
    ContainerStatus s = podStatus.findContainerStatusByName(c.getName()).orElse(null);
    if (s == null) {
      return true; // never started (or all its instances were garbage-collected)
    }
    if (s.state() == ContainerState.RUNNING) {
      return false;
    }
    if (s.state() == ContainerState.UNKNOWN || s.state() == ContainerState.CREATED) {
      return true;
    }
    String policy = pod.getSpec().getRestartPolicy();
    if ("Never".equals(policy)) {
      return false;
    }
    return !("OnFailure".equals(policy) && s.exitCode() == 0);
  }

  private static boolean containerSucceeded(Container c, PodStatus podStatus) {
    ContainerStatus s = podStatus.findContainerStatusByName(c.getName()).orElse(null);
    return s != null && s.state() != ContainerState.RUNNING && s.exitCode() == 0;
  }

  /**
   * Upstream {@code shouldRestartOnFailure}. Like upstream, the policy is only ever compared with
   * {@code Never} and {@code OnFailure}: an unset one acts as {@code Always}, the API's default.
   */
  private static boolean shouldRestartOnFailure(Pod pod) {
    return !"Never".equals(pod.getSpec().getRestartPolicy());
  }

  // ---- SyncPod ---------------------------------------------------------------------------------

  /** Upstream {@code SyncPod}: computes the actions and carries them out, in upstream's order. */
  public CompletionStage<PodSyncResult> syncPod(Pod pod, PodStatus podStatus, Backoff backOff) {
    PodActions changes = computePodActions(pod, podStatus);
    PodSyncResult result = new PodSyncResult();
    if (changes.createSandbox() && changes.sandboxId() != null) {
      event(
          pod,
          Event.NORMAL,
          "SandboxChanged",
          "Pod sandbox changed, it will be killed and re-created.");
    }
    CompletionStage<Boolean> killed;
    if (changes.killPod()) {
      killed =
          killPod(pod, runningPod(podStatus), null)
              .thenApply(
                  killResult -> {
                    result.addAll(killResult);
                    return killResult.error() == null;
                  });
    } else {
      killed = killContainers(pod, changes.containersToKill(), result);
    }
    return killed.thenApply(
        ok -> {
          if (ok) {
            if (changes.killPod() && changes.createSandbox()) {
              purgeInitContainers(pod, podStatus);
            }
            startAll(pod, podStatus, changes, backOff, result);
          }
          return result;
        });
  }

  /** Kills the unwanted containers one after another; stops at the first failure. */
  private CompletionStage<Boolean> killContainers(
      Pod pod, List<ToKill> toKill, PodSyncResult result) {
    CompletionStage<Boolean> chain = CompletableFuture.completedFuture(true);
    for (ToKill k : toKill) {
      chain =
          chain.thenCompose(
              ok -> {
                if (!ok) {
                  return CompletableFuture.completedFuture(false);
                }
                return killContainer(pod, k.id(), k.name(), k.message(), null)
                    .handle(
                        (v, err) -> {
                          if (err != null) {
                            result.add(
                                SyncResult.fail(
                                    SyncResult.Action.KILL_CONTAINER,
                                    k.name(),
                                    SyncResult.ERR_KILL_CONTAINER,
                                    cause(err).getMessage()));
                            return false;
                          }
                          result.add(SyncResult.ok(SyncResult.Action.KILL_CONTAINER, k.name()));
                          return true;
                        });
              });
    }
    return chain;
  }

  private void startAll(
      Pod pod, PodStatus podStatus, PodActions changes, Backoff backOff, PodSyncResult result) {
    pruneInitContainersBeforeStart(pod, podStatus);
    if (changes.createSandbox()) {
      try {
        runtime.runPodSandbox(
            pod.getMetadata().getUid(),
            pod.getMetadata().getName(),
            pod.getMetadata().getNamespace(),
            changes.attempt());
        result.add(SyncResult.ok(SyncResult.Action.CREATE_POD_SANDBOX, format(pod)));
      } catch (ContainerRuntimeException e) {
        result.add(
            SyncResult.fail(
                SyncResult.Action.CREATE_POD_SANDBOX,
                format(pod),
                SyncResult.ERR_CREATE_POD_SANDBOX,
                "CreatePodSandbox for pod \"" + format(pod) + "\" failed: " + e.getMessage()));
        event(
            pod,
            Event.WARNING,
            "FailedCreatePodSandBox",
            "Failed to create pod sandbox: " + e.getMessage());
        return;
      }
    }
    // Upstream returns here when the init container does not start; computePodActions never asks
    // for an init container and other containers in the same sync, so the loop below is then empty.
    if (changes.nextInitContainerToStart() != null) {
      start(pod, podStatus, changes.nextInitContainerToStart(), backOff, result);
    }
    for (int idx : changes.containersToStart()) {
      start(pod, podStatus, pod.getSpec().getContainers().get(idx), backOff, result);
    }
  }

  /** Upstream's {@code start} closure: back-off check, then {@code startContainer}. */
  private void start(
      Pod pod, PodStatus podStatus, Container container, Backoff backOff, PodSyncResult result) {
    String backOffMessage = doBackOff(pod, container, podStatus, backOff);
    if (backOffMessage != null) {
      result.add(
          SyncResult.fail(
              SyncResult.Action.START_CONTAINER,
              container.getName(),
              SyncResult.ERR_CRASH_LOOP_BACK_OFF,
              backOffMessage));
      return;
    }
    ContainerStatus previous =
        podStatus.findContainerStatusByName(container.getName()).orElse(null);
    int restartCount = previous == null ? 0 : previous.restartCount() + 1;
    int oomScoreAdj = Policy.getContainerOomScoreAdjust(pod, container, memoryCapacity);
    try {
      runtime.startContainer(
          pod.getMetadata().getUid(),
          new ContainerConfig(
              container.getName(), container.getImage(), restartCount, oomScoreAdj));
    } catch (ContainerRuntimeException e) {
      result.add(
          SyncResult.fail(
              SyncResult.Action.START_CONTAINER,
              container.getName(),
              SyncResult.ERR_RUN_CONTAINER,
              e.getMessage()));
      event(pod, Event.WARNING, "Failed", "Error: " + e.getMessage());
      return;
    }
    event(pod, Event.NORMAL, "Created", "Created container " + container.getName());
    event(pod, Event.NORMAL, "Started", "Started container " + container.getName());
    result.add(SyncResult.ok(SyncResult.Action.START_CONTAINER, container.getName()));
  }

  /**
   * Upstream {@code doBackOff}: the message of a container still in its back-off window since it
   * last exited (and a {@code BackOff} event), or null after moving its window on.
   */
  String doBackOff(Pod pod, Container container, PodStatus podStatus, Backoff backOff) {
    ContainerStatus exited = null;
    for (ContainerStatus s : podStatus.containerStatuses()) {
      if (s.name().equals(container.getName()) && s.state() == ContainerState.EXITED) {
        exited = s;
        break;
      }
    }
    if (exited == null) {
      return null;
    }
    Instant ts = exited.finishedAt();
    String key = stableKey(pod, container);
    if (backOff.isInBackOffSince(key, ts)) {
      event(pod, Event.WARNING, "BackOff", "Back-off restarting failed container");
      return "back-off "
          + GoDurations.format(backOff.get(key))
          + " restarting failed container="
          + container.getName()
          + " pod="
          + format(pod);
    }
    backOff.next(key, ts);
    return null;
  }

  /** Upstream {@code getStableKey}, without the container spec hash. */
  static String stableKey(Pod pod, Container container) {
    return pod.getMetadata().getName()
        + "_"
        + pod.getMetadata().getNamespace()
        + "_"
        + pod.getMetadata().getUid()
        + "_"
        + container.getName();
  }

  /** Upstream {@code pruneInitContainersBeforeStart}: keep only the last run of each. */
  private void pruneInitContainersBeforeStart(Pod pod, PodStatus podStatus) {
    removeDeadInitContainers(pod, podStatus, 1);
  }

  /** Upstream {@code purgeInitContainers}: a new sandbox runs them all again. */
  private void purgeInitContainers(Pod pod, PodStatus podStatus) {
    removeDeadInitContainers(pod, podStatus, 0);
  }

  private void removeDeadInitContainers(Pod pod, PodStatus podStatus, int keep) {
    for (Container init : pod.getSpec().getInitContainers()) {
      int count = 0;
      for (ContainerStatus s : podStatus.containerStatuses()) {
        if (!s.name().equals(init.getName())
            || (s.state() != ContainerState.EXITED && s.state() != ContainerState.UNKNOWN)) {
          continue;
        }
        if (++count <= keep) {
          continue;
        }
        try {
          runtime.removeContainer(s.id());
        } catch (ContainerRuntimeException | IllegalArgumentException e) {
          LOG.log(
              Level.ERROR,
              "failed to remove pod init container \""
                  + s.name()
                  + "\": "
                  + e.getMessage()
                  + "; Skipping pod \""
                  + format(pod)
                  + "\"");
        }
      }
    }
  }

  // ---- KillPod ---------------------------------------------------------------------------------

  /**
   * Upstream {@code killPodWithSyncResult}: every running container stopped at once (each with its
   * grace period), then every sandbox. {@code pod} may be null for a pod the kubelet no longer
   * knows; {@code gracePeriodOverride} may be null.
   */
  public CompletionStage<PodSyncResult> killPod(
      Pod pod, RuntimePod runningPod, Long gracePeriodOverride) {
    PodSyncResult result = new PodSyncResult();
    List<CompletableFuture<SyncResult>> kills = new ArrayList<>();
    for (io.kubelab.kubelet.container.Container c : runningPod.containers()) {
      kills.add(
          killContainer(pod, c.id(), c.name(), "", gracePeriodOverride)
              .handle(
                  (v, err) ->
                      err == null
                          ? SyncResult.ok(SyncResult.Action.KILL_CONTAINER, c.name())
                          : SyncResult.fail(
                              SyncResult.Action.KILL_CONTAINER,
                              c.name(),
                              SyncResult.ERR_KILL_CONTAINER,
                              cause(err).getMessage()))
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(kills.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              kills.forEach(k -> result.add(k.join()));
              SyncResult sandboxResult =
                  SyncResult.ok(SyncResult.Action.KILL_POD_SANDBOX, runningPod.uid());
              for (io.kubelab.kubelet.container.Container s : runningPod.sandboxes()) {
                try {
                  runtime.stopPodSandbox(s.id());
                } catch (ContainerRuntimeException e) {
                  sandboxResult =
                      SyncResult.fail(
                          SyncResult.Action.KILL_POD_SANDBOX,
                          runningPod.uid(),
                          SyncResult.ERR_KILL_POD_SANDBOX,
                          e.getMessage());
                  LOG.log(Level.ERROR, "Failed to stop sandbox \"" + s.id() + "\"");
                }
              }
              result.add(sandboxResult);
              return result;
            });
  }

  /**
   * Upstream {@code killContainer}: the grace period is the pod's deletion grace period, else its
   * termination grace period, else 2 s, and never under 2 s; an override wins over all.
   */
  public CompletionStage<Void> killContainer(
      Pod pod, ContainerId id, String name, String message, Long gracePeriodOverride) {
    long gracePeriod = MINIMUM_GRACE_PERIOD_SECONDS;
    if (pod != null) {
      if (pod.getMetadata().getDeletionGracePeriodSeconds() != null) {
        gracePeriod = pod.getMetadata().getDeletionGracePeriodSeconds();
      } else if (pod.getSpec().getTerminationGracePeriodSeconds() != null) {
        gracePeriod = pod.getSpec().getTerminationGracePeriodSeconds();
      }
      event(
          pod, Event.NORMAL, "Killing", message.isEmpty() ? "Stopping container " + name : message);
    }
    if (gracePeriod < MINIMUM_GRACE_PERIOD_SECONDS) {
      gracePeriod = MINIMUM_GRACE_PERIOD_SECONDS;
    }
    if (gracePeriodOverride != null) {
      gracePeriod = gracePeriodOverride;
    }
    try {
      return runtime.stopContainer(id, gracePeriod);
    } catch (ContainerRuntimeException | IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Upstream {@code ConvertPodStatusToRunningPod}: running containers, and every sandbox. */
  public static RuntimePod runningPod(PodStatus status) {
    List<io.kubelab.kubelet.container.Container> containers = new ArrayList<>();
    for (ContainerStatus s : status.containerStatuses()) {
      if (s.state() == ContainerState.RUNNING) {
        containers.add(new io.kubelab.kubelet.container.Container(s.id(), s.name(), "", s.state()));
      }
    }
    List<io.kubelab.kubelet.container.Container> sandboxes = new ArrayList<>();
    for (SandboxStatus s : status.sandboxStatuses()) {
      sandboxes.add(
          new io.kubelab.kubelet.container.Container(
              s.id(), "POD", "", s.ready() ? ContainerState.RUNNING : ContainerState.EXITED));
    }
    return new RuntimePod(status.uid(), status.name(), status.namespace(), containers, sandboxes);
  }

  private void event(Pod pod, String type, String reason, String message) {
    events.record(
        new Event(
            "Pod",
            pod.getMetadata().getNamespace(),
            pod.getMetadata().getName(),
            type,
            reason,
            message,
            null));
  }

  private static Throwable cause(Throwable t) {
    return t instanceof java.util.concurrent.CompletionException && t.getCause() != null
        ? t.getCause()
        : t;
  }

  /** Upstream {@code format.Pod}: {@code name_namespace(uid)}. */
  static String format(Pod pod) {
    return pod.getMetadata().getName()
        + "_"
        + pod.getMetadata().getNamespace()
        + "("
        + pod.getMetadata().getUid()
        + ")";
  }
}
