package io.kubelab.kubelet.eviction;

import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.resource.Quantities;
import java.util.Objects;

/**
 * Quantities printed as Go's {@code resource.Quantity.String()} prints whole numbers of bytes: the
 * largest power of 1024 (binary) or 1000 (decimal) that divides the value exactly, so {@code
 * 104857600} bytes read {@code 100Mi}. Fractions of a byte (Go's {@code m} suffix) do not occur
 * here: amounts are rounded up to whole bytes first.
 *
 * <p>Upstream: {@code k8s.io/apimachinery/pkg/api/resource/quantity.go} ({@code CanonicalizeBytes},
 * {@code String}).
 */
final class QuantityText {
  private QuantityText() {}

  private static final String[] BINARY = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  private static final String[] DECIMAL = {"", "k", "M", "G", "T", "P", "E"};

  /** A {@code resource.NewQuantity(v, BinarySI)}: small values print as decimal SI. */
  static String binarySi(long v) {
    if (v > -1024 && v < 1024) {
      return decimalSi(v);
    }
    return scaled(v, 1024, BINARY);
  }

  static String decimalSi(long v) {
    return scaled(v, 1000, DECIMAL);
  }

  private static String scaled(long v, long base, String[] suffixes) {
    if (v == 0) {
      return "0";
    }
    int i = 0;
    while (i < suffixes.length - 1 && v % base == 0) {
      v /= base;
      i++;
    }
    return v + suffixes[i];
  }

  /** A request from a pod spec, printed in the format its suffix implies; "0" when absent. */
  static String of(Quantity q, String what) {
    if (q == null) {
      return "0";
    }
    String text = Objects.toString(q.getAmount(), "") + Objects.toString(q.getFormat(), "");
    return canonical(text, Quantities.value(q, what));
  }

  /**
   * The value {@code v} of the quantity written {@code text}, printed as Go prints a parsed
   * quantity: in binary SI when a binary suffix was written, else in decimal SI.
   */
  static String canonical(String text, long v) {
    return text.matches(".*[KMGTPE]i$") ? binarySi(v) : decimalSi(v);
  }
}
