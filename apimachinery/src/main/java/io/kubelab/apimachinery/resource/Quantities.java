package io.kubelab.apimachinery.resource;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Kubernetes quantities ({@code 100m}, {@code 1.5}, {@code 1Ki}, {@code 1G}, {@code 1e3})
 * into plain longs, once, at the edge.
 *
 * <p>Upstream: {@code k8s.io/apimachinery/pkg/api/resource/quantity.go}. The grammar is {@code
 * <signedNumber><suffix>} where the suffix is a binary SI one ({@code Ki Mi Gi Ti Pi Ei}), a
 * decimal SI one ({@code n u m "" k M G T P E}) or a decimal exponent ({@code e3}, {@code E-2}).
 * {@link #milliValue} and {@link #value} round up, as {@code Quantity.MilliValue()} and {@code
 * Quantity.Value()} do, so {@code 0.1m} of CPU is 1 milli-CPU, never 0.
 */
public final class Quantities {

  private static final Pattern GRAMMAR =
      Pattern.compile(
          "^([+-]?)(\\d+(?:\\.\\d*)?|\\.\\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\\d+)?$");

  private Quantities() {}

  /**
   * The exact decimal value of a quantity string.
   *
   * @param what names the object and field for the error message, e.g. {@code Pod default/web-1:
   *     spec.containers[0].resources.requests.cpu}
   * @throws InvalidQuantityException if the text is not a quantity
   */
  public static BigDecimal parse(String text, String what) {
    if (text == null) {
      throw new InvalidQuantityException(what, null, "is missing");
    }
    String s = text.trim();
    Matcher m = GRAMMAR.matcher(s);
    if (s.isEmpty() || !m.matches()) {
      throw new InvalidQuantityException(what, text, "is not a quantity");
    }
    BigDecimal number = new BigDecimal(m.group(2).endsWith(".") ? m.group(2) + "0" : m.group(2));
    if ("-".equals(m.group(1))) {
      number = number.negate();
    }
    String suffix = m.group(3);
    if (suffix == null || suffix.isEmpty()) {
      return number;
    }
    switch (suffix) {
      case "Ki":
        return number.multiply(BigDecimal.valueOf(1L << 10));
      case "Mi":
        return number.multiply(BigDecimal.valueOf(1L << 20));
      case "Gi":
        return number.multiply(BigDecimal.valueOf(1L << 30));
      case "Ti":
        return number.multiply(BigDecimal.valueOf(1L << 40));
      case "Pi":
        return number.multiply(BigDecimal.valueOf(1L << 50));
      case "Ei":
        return number.multiply(BigDecimal.valueOf(1L << 60));
      case "n":
        return number.scaleByPowerOfTen(-9);
      case "u":
        return number.scaleByPowerOfTen(-6);
      case "m":
        return number.scaleByPowerOfTen(-3);
      case "k":
        return number.scaleByPowerOfTen(3);
      case "M":
        return number.scaleByPowerOfTen(6);
      case "G":
        return number.scaleByPowerOfTen(9);
      case "T":
        return number.scaleByPowerOfTen(12);
      case "P":
        return number.scaleByPowerOfTen(15);
      case "E":
        return number.scaleByPowerOfTen(18);
      default:
        int exponent;
        try {
          exponent = Integer.parseInt(suffix.substring(1));
        } catch (NumberFormatException e) {
          throw new InvalidQuantityException(what, text, "has an exponent out of range");
        }
        if (Math.abs(exponent) > 100) {
          throw new InvalidQuantityException(what, text, "has an exponent out of range");
        }
        return number.scaleByPowerOfTen(exponent);
    }
  }

  /** {@link #parse(String, String)} for a fabric8 {@link Quantity} (amount and format joined). */
  public static BigDecimal parse(Quantity q, String what) {
    if (q == null) {
      throw new InvalidQuantityException(what, null, "is missing");
    }
    String amount = q.getAmount() == null ? "" : q.getAmount();
    String format = q.getFormat() == null ? "" : q.getFormat();
    return parse(amount + format, what);
  }

  /** The value in thousandths, rounded up: milli-CPU for {@code cpu}. */
  public static long milliValue(Quantity q, String what) {
    return toLongCeil(parse(q, what).scaleByPowerOfTen(3), q, what);
  }

  /**
   * The value rounded up: bytes for memory and storage, a count for pods and extended resources.
   */
  public static long value(Quantity q, String what) {
    return toLongCeil(parse(q, what), q, what);
  }

  /** {@link #milliValue(Quantity, String)} of a string. */
  public static long milliValue(String text, String what) {
    return toLongCeil(parse(text, what).scaleByPowerOfTen(3), text, what);
  }

  /** {@link #value(Quantity, String)} of a string. */
  public static long value(String text, String what) {
    return toLongCeil(parse(text, what), text, what);
  }

  private static long toLongCeil(BigDecimal v, Object original, String what) {
    BigInteger i = v.setScale(0, RoundingMode.CEILING).toBigInteger();
    if (i.bitLength() > 63) {
      throw new InvalidQuantityException(what, String.valueOf(original), "is out of range");
    }
    return i.longValue();
  }

  /** A quantity that cannot be parsed; the message names the object and field. */
  public static final class InvalidQuantityException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidQuantityException(String what, String text, String problem) {
      super(
          (what == null ? "quantity" : what)
              + (text == null ? "" : " \"" + text + "\"")
              + " "
              + problem);
    }
  }
}
