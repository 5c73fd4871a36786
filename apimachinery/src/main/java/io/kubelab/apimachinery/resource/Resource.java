package io.kubelab.apimachinery.resource;

import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongBinaryOperator;

/**
 * An immutable resource vector: milli-CPU, memory bytes, ephemeral-storage bytes, a pod count, and
 * scalar resources (extended resources such as {@code nvidia.com/gpu}, {@code hugepages-2Mi},
 * {@code attachable-volumes-*}) by name.
 *
 * <p>Upstream: {@code Resource} in {@code pkg/scheduler/nodeinfo/node_info.go}. Quantities are
 * parsed once, in {@link #of(Map, String)}; everything after that is long arithmetic. Names that
 * are neither the four native resources nor scalar resources are ignored, as upstream's {@code
 * Resource.Add} ignores them.
 *
 * <p>Like upstream's {@code ScalarResources} map, {@link #scalarResources()} keeps an entry that
 * was written with the value zero ({@code example.com/foo: 0} in a request, {@code
 * attachable-volumes-csi-x: 0} in a node's allocatable), and an entry that arithmetic brought back
 * to zero. Upstream tells "named with zero" from "not named" by the map's length (a pod requesting
 * only {@code example.com/foo: 0} still has its CPU and memory checked by PodFitsResources) and by
 * key lookup (a CSI volume limit of zero). Two resources are equal only when their maps hold the
 * same keys; {@link #isZero()} asks only about amounts.
 *
 * @param milliCpu CPU in thousandths of a core
 * @param memory bytes
 * @param ephemeralStorage bytes
 * @param allowedPodNumber the {@code pods} resource
 * @param scalarResources an unmodifiable, sorted map; absent means zero, and an explicit zero is
 *     kept
 */
public record Resource(
    long milliCpu,
    long memory,
    long ephemeralStorage,
    long allowedPodNumber,
    Map<String, Long> scalarResources) {

  public static final Resource ZERO = new Resource(0, 0, 0, 0, Map.of());

  public Resource {
    if (scalarResources == null || scalarResources.isEmpty()) {
      scalarResources = Map.of();
    } else if (!(scalarResources instanceof SortedUnmodifiable)) {
      scalarResources = new SortedUnmodifiable(new TreeMap<>(scalarResources));
    }
  }

  /** CPU and memory only, the common case in tests and examples. */
  public static Resource of(long milliCpu, long memory) {
    return new Resource(milliCpu, memory, 0, 0, Map.of());
  }

  /**
   * Parses a {@code requests}, {@code limits}, {@code allocatable} or {@code overhead} map.
   *
   * @param what the object and field, for errors: {@code Pod default/web-1:
   *     spec.containers[0].resources.requests}
   * @throws Quantities.InvalidQuantityException naming {@code what.<resource>} on bad input
   */
  public static Resource of(Map<String, Quantity> list, String what) {
    if (list == null || list.isEmpty()) {
      return ZERO;
    }
    long cpu = 0;
    long mem = 0;
    long eph = 0;
    long pods = 0;
    TreeMap<String, Long> scalars = null;
    for (Map.Entry<String, Quantity> e : list.entrySet()) {
      String name = e.getKey();
      Quantity q = e.getValue();
      // The field is named only when its quantity is bad: this runs several times per pod.
      try {
        switch (name) {
          case ResourceNames.CPU -> cpu += Quantities.milliValue(q, null);
          case ResourceNames.MEMORY -> mem += Quantities.value(q, null);
          case ResourceNames.EPHEMERAL_STORAGE -> eph += Quantities.value(q, null);
          case ResourceNames.PODS -> pods += Quantities.value(q, null);
          default -> {
            if (ResourceNames.isScalarResourceName(name)) {
              if (scalars == null) {
                scalars = new TreeMap<>();
              }
              scalars.merge(name, Quantities.value(q, null), Long::sum);
            } else {
              // Validate even what we ignore: bad input is never silently accepted.
              Quantities.parse(q, null);
            }
          }
        }
      } catch (Quantities.InvalidQuantityException bad) {
        throw bad.naming(what + "." + name);
      }
    }
    return new Resource(cpu, mem, eph, pods, scalars == null ? Map.of() : scalars);
  }

  /** The amount of one resource by its Kubernetes name; zero if absent. */
  public long get(String name) {
    return switch (name) {
      case ResourceNames.CPU -> milliCpu;
      case ResourceNames.MEMORY -> memory;
      case ResourceNames.EPHEMERAL_STORAGE -> ephemeralStorage;
      case ResourceNames.PODS -> allowedPodNumber;
      default -> scalarResources.getOrDefault(name, 0L);
    };
  }

  /** The scalar resource {@code name}, zero if absent. */
  public long scalar(String name) {
    return scalarResources.getOrDefault(name, 0L);
  }

  /** A copy with one scalar resource set. */
  public Resource withScalar(String name, long quantity) {
    TreeMap<String, Long> m = new TreeMap<>(scalarResources);
    m.put(name, quantity);
    return new Resource(milliCpu, memory, ephemeralStorage, allowedPodNumber, m);
  }

  /** A copy with the pod count set (nodes: the {@code pods} allocatable). */
  public Resource withAllowedPodNumber(long pods) {
    return new Resource(milliCpu, memory, ephemeralStorage, pods, scalarResources);
  }

  public Resource add(Resource o) {
    return combine(o, Long::sum);
  }

  public Resource subtract(Resource o) {
    return combine(o, (a, b) -> a - b);
  }

  /** Per-resource maximum: upstream's {@code SetMaxResource}, used for init containers. */
  public Resource max(Resource o) {
    return combine(o, Math::max, true);
  }

  private Resource combine(Resource o, LongBinaryOperator f) {
    return combine(o, f, false);
  }

  /**
   * @param setOnlyIfGreater upstream's {@code SetMaxResource}: a scalar name of {@code o} is set
   *     only when its amount exceeds this side's (0 when absent), so an explicit zero adds no name
   */
  private Resource combine(Resource o, LongBinaryOperator f, boolean setOnlyIfGreater) {
    Map<String, Long> scalars;
    if (o.scalarResources.isEmpty() && scalarResources.isEmpty()) {
      scalars = Map.of();
    } else {
      // Like upstream's Add and SetMaxResource, walk the other side's names only: a name this
      // side alone has keeps its amount (for max, even a negative one).
      TreeMap<String, Long> m = new TreeMap<>(scalarResources);
      for (Map.Entry<String, Long> e : o.scalarResources.entrySet()) {
        long mine = m.getOrDefault(e.getKey(), 0L);
        if (!setOnlyIfGreater || e.getValue() > mine) {
          m.put(e.getKey(), f.applyAsLong(mine, e.getValue()));
        }
      }
      scalars = m.isEmpty() ? Map.of() : m;
    }
    return new Resource(
        f.applyAsLong(milliCpu, o.milliCpu),
        f.applyAsLong(memory, o.memory),
        f.applyAsLong(ephemeralStorage, o.ephemeralStorage),
        f.applyAsLong(allowedPodNumber, o.allowedPodNumber),
        scalars);
  }

  /** True when every amount is zero, whether or not scalar resources are named with zero. */
  public boolean isZero() {
    if (milliCpu != 0 || memory != 0 || ephemeralStorage != 0 || allowedPodNumber != 0) {
      return false;
    }
    for (long v : scalarResources.values()) {
      if (v != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder("{cpu=")
            .append(milliCpu)
            .append("m, memory=")
            .append(memory)
            .append(", ephemeral-storage=")
            .append(ephemeralStorage)
            .append(", pods=")
            .append(allowedPodNumber);
    scalarResources.forEach((k, v) -> sb.append(", ").append(k).append('=').append(v));
    return sb.append('}').toString();
  }

  /** Marks a map the compact constructor already sorted, copied and wrapped. */
  private static final class SortedUnmodifiable extends java.util.AbstractMap<String, Long> {
    private final Map<String, Long> delegate;

    SortedUnmodifiable(TreeMap<String, Long> m) {
      this.delegate = Collections.unmodifiableSortedMap(m);
    }

    @Override
    public java.util.Set<Entry<String, Long>> entrySet() {
      return delegate.entrySet();
    }

    @Override
    public Long get(Object key) {
      return delegate.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      return delegate.containsKey(key);
    }

    @Override
    public int size() {
      return delegate.size();
    }
  }
}
