package io.kubelab.kubelet.eviction;

/**
 * A threshold's (or a minimum reclaim's) amount: an absolute quantity, or a fraction of capacity.
 *
 * <p>Upstream: {@code pkg/kubelet/eviction/api/types.go} ({@code ThresholdValue}, {@code
 * GetThresholdQuantity}). "Only the topmost non-zero field is used": a quantity wins over a
 * percentage.
 *
 * @param quantity bytes (or a count, for inodes and PIDs), or null for a percentage
 * @param percentage the fraction (0.1 for "10%"), a Go {@code float32}
 * @param text the quantity as written, for messages
 */
public record ThresholdValue(Long quantity, float percentage, String text) {

  public static ThresholdValue quantity(long value, String text) {
    return new ThresholdValue(value, 0f, text);
  }

  public static ThresholdValue percentage(float fraction) {
    return new ThresholdValue(null, fraction, null);
  }

  /**
   * {@code GetThresholdQuantity}: the quantity, or {@code int64(float64(capacity) *
   * float64(percentage))}.
   */
  public long thresholdQuantity(long capacity) {
    if (quantity != null) {
      return quantity;
    }
    return (long) ((double) capacity * (double) percentage);
  }

  /** Upstream {@code compareThresholdValue}: equal quantities, or equal percentages. */
  boolean sameAs(ThresholdValue other) {
    if (quantity != null) {
      return other.quantity != null && quantity.longValue() == other.quantity.longValue();
    }
    return other.quantity == null && percentage == other.percentage;
  }

  /** Go's {@code %v} of the struct: {@code {100Mi 0}} or {@code {<nil> 0.1}}. */
  @Override
  public String toString() {
    return quantity != null ? "{" + text + " 0}" : "{<nil> " + percentage + "}";
  }
}
