package io.kubelab.scheduler.algorithm;

/**
 * A priority as the generic scheduler runs it: map, optional reduce, and a weight.
 *
 * <p>Upstream: {@code PriorityConfig} in {@code pkg/scheduler/algorithm/priorities/types.go}
 * (v1.17).
 *
 * @param name the registered name, e.g. {@code LeastRequestedPriority}
 * @param map the per-node function
 * @param reduce the whole-list function, or null
 * @param weight a positive multiplier
 */
public record PriorityConfig(
    String name, PriorityMapFunction map, PriorityReduceFunction reduce, long weight) {
  public PriorityConfig {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("priority name must not be empty");
    }
    if (map == null) {
      throw new IllegalArgumentException("priority " + name + ": map function must not be null");
    }
    if (weight <= 0) {
      throw new IllegalArgumentException(
          "priority " + name + ": weight must be positive, got " + weight);
    }
  }
}
