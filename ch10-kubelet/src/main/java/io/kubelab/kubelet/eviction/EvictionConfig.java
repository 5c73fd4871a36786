package io.kubelab.kubelet.eviction;

import java.time.Duration;
import java.util.List;

/**
 * How the eviction manager behaves.
 *
 * <p>Upstream: {@code pkg/kubelet/eviction/types.go} ({@code Config}) and the kubelet's defaults:
 * {@code evictionMonitoringPeriod} 10 s ({@code pkg/kubelet/kubelet.go}), {@code
 * EvictionPressureTransitionPeriod} 5 min, {@code EvictionMaxPodGracePeriod} 0, and {@code
 * podCleanupTimeout} 30 s / {@code podCleanupPollFreq} 1 s ({@code eviction_manager.go}).
 *
 * @param maxPodGracePeriodSeconds the grace period given to pods evicted for a soft threshold
 */
public record EvictionConfig(
    List<Threshold> thresholds,
    Duration pressureTransitionPeriod,
    long maxPodGracePeriodSeconds,
    Duration monitoringInterval) {

  public static final Duration DEFAULT_PRESSURE_TRANSITION_PERIOD = Duration.ofMinutes(5);
  public static final Duration EVICTION_MONITORING_PERIOD = Duration.ofSeconds(10);
  public static final Duration POD_CLEANUP_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration POD_CLEANUP_POLL_FREQ = Duration.ofSeconds(1);

  public EvictionConfig {
    thresholds = List.copyOf(thresholds);
  }

  /** The kubelet's defaults: {@link Thresholds#DEFAULT_EVICTION_HARD}, allocatable enforced. */
  public static EvictionConfig defaults() {
    return new EvictionConfig(
        Thresholds.parseThresholdConfig(
            List.of(Thresholds.NODE_ALLOCATABLE_ENFORCEMENT_KEY),
            Thresholds.DEFAULT_EVICTION_HARD,
            java.util.Map.of(),
            java.util.Map.of(),
            java.util.Map.of()),
        DEFAULT_PRESSURE_TRANSITION_PERIOD,
        0,
        EVICTION_MONITORING_PERIOD);
  }
}
