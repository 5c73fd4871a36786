package io.kubelab.scheduler.priorities;

import io.kubelab.apimachinery.resource.ResourceNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The resources a resource-based priority looks at, each with a weight.
 *
 * <p>Upstream: {@code ResourceToWeightMap} ({@code map[v1.ResourceName]int64}) and {@code
 * DefaultRequestedRatioResources} in {@code
 * pkg/scheduler/algorithm/priorities/resource_allocation.go} (v1.17). Here the entries are in name
 * order and indexed, so that a scorer works on two {@code long[]}s (requested, allocatable) instead
 * of building two maps per node; upstream iterates a Go map, whose order never matters because the
 * scorers only add up integers.
 */
public final class ResourceToWeightMap {

  /** Where a resource's amounts are read from. */
  enum Kind {
    CPU,
    MEMORY,
    EPHEMERAL_STORAGE,
    SCALAR,
    /** Anything else: upstream reads neither allocatable nor requested (both 0). */
    NONE
  }

  /** {@code DefaultRequestedRatioResources}: cpu and memory, weight 1 each. */
  public static final ResourceToWeightMap DEFAULT_REQUESTED_RATIO_RESOURCES =
      of(Map.of(ResourceNames.CPU, 1L, ResourceNames.MEMORY, 1L));

  private final String[] names;
  private final long[] weights;
  private final Kind[] kinds;

  private ResourceToWeightMap(Map<String, Long> sorted) {
    this.names = sorted.keySet().toArray(new String[0]);
    this.weights = new long[names.length];
    this.kinds = new Kind[names.length];
    for (int i = 0; i < names.length; i++) {
      weights[i] = sorted.get(names[i]);
      kinds[i] = kindOf(names[i]);
    }
  }

  /**
   * A map of these resources and weights; the weights are not checked here (see {@link
   * RequestedToCapacityRatio#validateResourceWeightMap}).
   *
   * @throws IllegalArgumentException for a null name or weight
   */
  public static ResourceToWeightMap of(Map<String, Long> weights) {
    Map<String, Long> sorted = new TreeMap<>();
    weights.forEach(
        (k, v) -> {
          if (k == null || v == null) {
            throw new IllegalArgumentException(
                "resource weights must not contain null: " + weights);
          }
          sorted.put(k, v);
        });
    return new ResourceToWeightMap(sorted);
  }

  private static Kind kindOf(String name) {
    return switch (name) {
      case ResourceNames.CPU -> Kind.CPU;
      case ResourceNames.MEMORY -> Kind.MEMORY;
      case ResourceNames.EPHEMERAL_STORAGE -> Kind.EPHEMERAL_STORAGE;
      default -> ResourceNames.isScalarResourceName(name) ? Kind.SCALAR : Kind.NONE;
    };
  }

  public int size() {
    return names.length;
  }

  public boolean isEmpty() {
    return names.length == 0;
  }

  /** The i-th resource name, in name order. */
  public String name(int i) {
    return names[i];
  }

  /** The weight of the i-th resource. */
  public long weight(int i) {
    return weights[i];
  }

  Kind kind(int i) {
    return kinds[i];
  }

  /** The entries as a map, in name order. */
  public Map<String, Long> asMap() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      m.put(names[i], weights[i]);
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResourceToWeightMap m && m.asMap().equals(asMap());
  }

  @Override
  public int hashCode() {
    return asMap().hashCode();
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      parts.add(names[i] + ":" + weights[i]);
    }
    return "map[" + String.join(" ", parts) + "]";
  }
}
