package io.kubelab.kubelet.stats;

import java.time.Instant;
import java.util.List;

/**
 * The kubelet's resource usage summary: node-level and per-pod statistics, as the eviction manager
 * reads them.
 *
 * <p>Upstream: {@code pkg/kubelet/apis/stats/v1alpha1/types.go} ({@code Summary}, {@code
 * NodeStats}, {@code PodStats}, {@code ContainerStats}, {@code MemoryStats}, {@code FsStats},
 * {@code RuntimeStats}, {@code RlimitStats}, {@code VolumeStats}), cut down to the fields the
 * eviction manager uses. As upstream's pointers, a null field means "not measured".
 */
public record Summary(NodeStats node, List<PodStats> pods) {

  public Summary {
    if (node == null) {
      throw new IllegalArgumentException("Summary: node stats must not be null");
    }
    pods = pods == null ? List.of() : List.copyOf(pods);
  }

  /** Node-level statistics. {@code systemContainers} holds the "pods" container (allocatable). */
  public record NodeStats(
      String nodeName,
      MemoryStats memory,
      FsStats fs,
      RuntimeStats runtime,
      RlimitStats rlimit,
      List<ContainerStats> systemContainers) {
    public NodeStats {
      systemContainers = systemContainers == null ? List.of() : List.copyOf(systemContainers);
    }
  }

  /** Memory of a node, a system container, a pod or a container. */
  public record MemoryStats(Instant time, Long availableBytes, Long workingSetBytes) {}

  /** A filesystem's bytes and inodes. */
  public record FsStats(
      Instant time,
      Long availableBytes,
      Long capacityBytes,
      Long usedBytes,
      Long inodesFree,
      Long inodes,
      Long inodesUsed) {

    /** Usage only, as container and volume stats report it. */
    public static FsStats used(Long usedBytes, Long inodesUsed) {
      return new FsStats(null, null, null, usedBytes, null, null, inodesUsed);
    }
  }

  /** The container runtime's image filesystem. */
  public record RuntimeStats(FsStats imageFs) {}

  /** Process IDs: the maximum and how many run. */
  public record RlimitStats(Instant time, Long maxPid, Long numOfRunningProcesses) {}

  /** One container (or system container) of a pod or of the node. */
  public record ContainerStats(String name, MemoryStats memory, FsStats rootfs, FsStats logs) {}

  /** Which pod a {@link PodStats} describes. */
  public record PodReference(String name, String namespace, String uid) {}

  /** One volume of a pod. */
  public record VolumeStats(String name, FsStats fsStats) {}

  /** One pod: its containers, its memory, its volumes. */
  public record PodStats(
      PodReference podRef,
      List<ContainerStats> containers,
      MemoryStats memory,
      List<VolumeStats> volumeStats) {
    public PodStats {
      containers = containers == null ? List.of() : List.copyOf(containers);
      volumeStats = volumeStats == null ? List.of() : List.copyOf(volumeStats);
    }
  }

  /** Upstream {@code SystemContainerPods}: the cgroup of all pods, for allocatable memory. */
  public static final String SYSTEM_CONTAINER_PODS = "pods";
}
