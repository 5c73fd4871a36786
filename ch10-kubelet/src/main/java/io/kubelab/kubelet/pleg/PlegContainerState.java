package io.kubelab.kubelet.pleg;

import io.kubelab.kubelet.container.ContainerState;

/**
 * The PLEG's coarser view of a container: created counts as unknown, and a container missing from
 * the listing is non-existent.
 *
 * <p>Upstream: {@code pkg/kubelet/pleg/generic.go} ({@code plegContainerState}, {@code
 * convertState}).
 */
enum PlegContainerState {
  RUNNING("running"),
  EXITED("exited"),
  UNKNOWN("unknown"),
  NON_EXISTENT("non-existent");

  private final String upstreamName;

  PlegContainerState(String upstreamName) {
    this.upstreamName = upstreamName;
  }

  static PlegContainerState convert(ContainerState state) {
    return switch (state) {
      // A created container has not run yet: the PLEG does not claim to know what it does.
      case CREATED, UNKNOWN -> UNKNOWN;
      case RUNNING -> RUNNING;
      case EXITED -> EXITED;
    };
  }

  @Override
  public String toString() {
    return upstreamName;
  }
}
