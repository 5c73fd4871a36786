package io.kubelab.kubelet.prober;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.kubelab.kubelet.container.ContainerId;
import java.time.Instant;

/** Builders for the pods and statuses the prober tests need (fabric8 builders underneath). */
final class ProbePods {
  private ProbePods() {}

  static Probe execProbe(int period, int success, int failure, int initialDelay) {
    return new ProbeBuilder()
        .withNewExec()
        .withCommand("check")
        .endExec()
        .withPeriodSeconds(period)
        .withSuccessThreshold(success)
        .withFailureThreshold(failure)
        .withInitialDelaySeconds(initialDelay)
        .withTimeoutSeconds(1)
        .build();
  }

  static Pod pod(String uid, String restartPolicy, Probe readiness, Probe liveness, Probe startup) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("web-" + uid)
        .withNamespace("default")
        .withUid(uid)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy(restartPolicy)
        .withContainers(
            new ContainerBuilder()
                .withName("app")
                .withReadinessProbe(readiness)
                .withLivenessProbe(liveness)
                .withStartupProbe(startup)
                .build())
        .endSpec()
        .build();
  }

  static ContainerStatus running(ContainerId id, Instant startedAt, Boolean started) {
    return new ContainerStatusBuilder()
        .withName("app")
        .withContainerID(id.toString())
        .withNewState()
        .withNewRunning()
        .withStartedAt(startedAt.toString())
        .endRunning()
        .endState()
        .withStarted(started)
        .build();
  }

  static ContainerStatus terminated(ContainerId id, int exitCode) {
    return new ContainerStatusBuilder()
        .withName("app")
        .withContainerID(id.toString())
        .withNewState()
        .withNewTerminated()
        .withExitCode(exitCode)
        .endTerminated()
        .endState()
        .build();
  }

  static PodStatus status(String phase, ContainerStatus c) {
    return new PodStatusBuilder()
        .withPhase(phase)
        .withPodIP("127.0.0.1")
        .withContainerStatuses(c)
        .build();
  }
}
