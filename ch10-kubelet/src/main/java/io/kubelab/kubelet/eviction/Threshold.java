package io.kubelab.kubelet.eviction;

import java.time.Duration;

/**
 * One eviction threshold: the node is under pressure when the signal's available amount falls below
 * {@code value} (for {@code gracePeriod}, if soft).
 *
 * <p>Upstream: {@code pkg/kubelet/eviction/api/types.go} ({@code Threshold}). A hard threshold has
 * a zero grace period ({@code isHardEvictionThreshold}); so does a soft one given "0s".
 *
 * @param operator "LessThan", or "" for a signal v1.18 maps to no operator
 * @param minReclaim how much more than the threshold to free before the pressure counts as gone, or
 *     null
 */
public record Threshold(
    Signal signal,
    String operator,
    ThresholdValue value,
    Duration gracePeriod,
    ThresholdValue minReclaim) {

  public Threshold {
    if (signal == null || value == null || gracePeriod == null) {
      throw new IllegalArgumentException("Threshold: signal, value and grace period are required");
    }
  }

  public boolean isHard() {
    return gracePeriod.isZero();
  }

  Threshold withGracePeriod(Duration g) {
    return new Threshold(signal, operator, value, g, minReclaim);
  }

  Threshold withMinReclaim(ThresholdValue m) {
    return new Threshold(signal, operator, value, gracePeriod, m);
  }

  /** Upstream {@code hasThreshold}'s equality: grace period, operator, signal and value. */
  boolean sameAs(Threshold other) {
    return gracePeriod.equals(other.gracePeriod)
        && operator.equals(other.operator)
        && signal == other.signal
        && value.sameAs(other.value);
  }

  /** Upstream {@code formatThreshold}. */
  @Override
  public String toString() {
    return "threshold(signal="
        + signal
        + ", operator="
        + operator
        + ", value="
        + value
        + ", gracePeriod="
        + io.kubelab.kubelet.util.GoDurations.format(gracePeriod)
        + ")";
  }
}
