package io.kubelab.kubelet.eviction;

import io.kubelab.kubelet.stats.Summary;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a signal measured: the available amount, the capacity it is a part of, and when.
 *
 * <p>Upstream: {@code pkg/kubelet/eviction/types.go} ({@code signalObservation}) and {@code
 * helpers.go} ({@code makeSignalObservations}, {@code getSysContainer}).
 */
public record SignalObservation(long available, long capacity, Instant time) {

  private static final System.Logger LOG = System.getLogger(SignalObservation.class.getName());

  /**
   * Upstream {@code makeSignalObservations}: memory (available, and capacity = available + working
   * set) for the node and for the "pods" system container, node filesystem bytes and inodes, image
   * filesystem bytes (and inodes, read only when bytes are present), and PIDs (max − running).
   */
  public static Map<Signal, SignalObservation> of(Summary summary) {
    Map<Signal, SignalObservation> result = new EnumMap<>(Signal.class);
    Summary.NodeStats node = summary.node();
    Summary.MemoryStats memory = node.memory();
    if (memory != null && memory.availableBytes() != null && memory.workingSetBytes() != null) {
      result.put(
          Signal.MEMORY_AVAILABLE,
          new SignalObservation(
              memory.availableBytes(),
              memory.availableBytes() + memory.workingSetBytes(),
              memory.time()));
    }
    Summary.ContainerStats pods = null;
    for (Summary.ContainerStats c : node.systemContainers()) {
      if (Summary.SYSTEM_CONTAINER_PODS.equals(c.name())) {
        pods = c;
        break;
      }
    }
    if (pods == null) {
      LOG.log(
          System.Logger.Level.ERROR,
          "eviction manager: failed to construct signal: \"allocatableMemory.available\" error:"
              + " system container \"pods\" not found in metrics");
    } else if (pods.memory() != null
        && pods.memory().availableBytes() != null
        && pods.memory().workingSetBytes() != null) {
      Summary.MemoryStats m = pods.memory();
      result.put(
          Signal.ALLOCATABLE_MEMORY_AVAILABLE,
          new SignalObservation(
              m.availableBytes(), m.availableBytes() + m.workingSetBytes(), m.time()));
    }
    Summary.FsStats fs = node.fs();
    if (fs != null) {
      if (fs.availableBytes() != null && fs.capacityBytes() != null) {
        result.put(
            Signal.NODE_FS_AVAILABLE,
            new SignalObservation(fs.availableBytes(), fs.capacityBytes(), fs.time()));
      }
      if (fs.inodesFree() != null && fs.inodes() != null) {
        result.put(
            Signal.NODE_FS_INODES_FREE,
            new SignalObservation(fs.inodesFree(), fs.inodes(), fs.time()));
      }
    }
    Summary.FsStats image = node.runtime() == null ? null : node.runtime().imageFs();
    if (image != null && image.availableBytes() != null && image.capacityBytes() != null) {
      result.put(
          Signal.IMAGE_FS_AVAILABLE,
          new SignalObservation(image.availableBytes(), image.capacityBytes(), image.time()));
      if (image.inodesFree() != null && image.inodes() != null) {
        result.put(
            Signal.IMAGE_FS_INODES_FREE,
            new SignalObservation(image.inodesFree(), image.inodes(), image.time()));
      }
    }
    Summary.RlimitStats rlimit = node.rlimit();
    if (rlimit != null && rlimit.numOfRunningProcesses() != null && rlimit.maxPid() != null) {
      result.put(
          Signal.PID_AVAILABLE,
          new SignalObservation(
              rlimit.maxPid() - rlimit.numOfRunningProcesses(), rlimit.maxPid(), rlimit.time()));
    }
    return result;
  }
}
