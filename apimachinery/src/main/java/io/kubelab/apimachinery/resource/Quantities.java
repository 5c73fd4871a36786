package io.kubelab.apimachinery.resource;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * Parses Kubernetes quantities ({@code 100m}, {@code 1.5}, {@code 1Ki}, {@code 1G}, {@code 1e3})
 * into plain longs, once, at the edge.
 *
 * <p>Upstream: {@code ParseQuantity}, {@code parseQuantityString}, {@code Quantity.Value} and
 * {@code Quantity.MilliValue} in {@code k8s.io/apimachinery/pkg/api/resource/quantity.go}, with the
 * suffixes of {@code suffix.go} and the rounding of {@code amount.go}. The grammar is {@code
 * <sign><digits>.<digits><suffix>} where the suffix is binary SI ({@code Ki Mi Gi Ti Pi Ei}),
 * decimal SI ({@code n u m "" k M G T P E}) or a decimal exponent ({@code e3}, {@code E-2}). The
 * scanner is upstream's, quirks included: {@code 1.}, {@code .5} and {@code 1.G} are accepted, and
 * so is a number with no digits at all ({@code "-"}, {@code "."}, {@code "m"}), which upstream
 * reads as zero. Surrounding whitespace is trimmed as upstream's {@code UnmarshalJSON} trims it
 * before parsing, since quantities here come from manifests.
 *
 * <p>Rounding follows upstream exactly. Parsing rounds a value up, away from zero, to whole
 * nano-units ({@code 0.1n} is {@code 1n}), and caps binary-SI values at {@code 2^63-1}. {@link
 * #value} and {@link #milliValue} round up: {@code 0.1m} of CPU is 1 milli-CPU, never 0. A negative
 * value rounds away from zero when upstream holds it as an {@code int64Amount} (every ordinary
 * quantity) and toward positive infinity when upstream holds it as an {@code inf.Dec} (binary-SI
 * fractions, more than 18 digits), because those are the two code paths upstream takes.
 *
 * <p>{@link #value} and {@link #milliValue} take a fast path, long arithmetic on the scanned
 * digits, for the forms upstream itself keeps in an {@code int64Amount}; everything else goes
 * through {@link BigDecimal}. {@code QuantitiesTest} checks that the two paths agree.
 *
 * <p>Upstream parses a quantity once, when it decodes the object, and keeps the number. A fabric8
 * {@link Quantity} keeps only the text, and the scheduler reads the same few quantities of every
 * pod several times per scheduling cycle; so {@link #value(Quantity, String)} and {@link
 * #milliValue(Quantity, String)} remember the last values they computed in a small table indexed by
 * the text's hash ({@link #CACHE_SIZE} slots, a newer text replacing an older one in its slot).
 * Only values that parsed are kept: a bad quantity is parsed, and rejected, each time.
 */
public final class Quantities {

  /** {@code maxInt64Factors}: the number of decimal digits an int64 always holds. */
  private static final int MAX_INT64_FACTORS = 18;

  private static final BigDecimal MAX_ALLOWED = BigDecimal.valueOf(Long.MAX_VALUE);

  private static final long[] POW10 = new long[19];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  /** Slots in the table of computed values (a power of two). */
  static final int CACHE_SIZE = 1024;

  /**
   * One computed value: the quantity's two texts as fabric8 holds them, the scale asked for, the
   * result. Immutable, so a slot read without a lock sees either nothing or a whole entry.
   */
  private record Computed(String amount, String format, int scale, long value) {}

  private static final Computed[] CACHE = new Computed[CACHE_SIZE];

  private Quantities() {}

  /** The suffix kinds of {@code suffix.go}. */
  private enum Format {
    DECIMAL_SI,
    BINARY_SI,
    DECIMAL_EXPONENT
  }

  /** What {@code parseQuantityString} returns, plus the interpreted suffix. */
  private record Scanned(
      boolean positive, String num, String denom, int base, int exponent, Format format) {}

  /**
   * Upstream's scanner: sign, leading zeros stripped, numerator, optional {@code .} and
   * denominator, then a suffix of the letters {@code eEinumkKMGTP}, an optional sign and digits.
   * Returns null when the text does not scan or the suffix is unknown.
   */
  private static Scanned scan(String str) {
    int end = str.length();
    if (end == 0) {
      return null;
    }
    int pos = 0;
    boolean positive = true;
    char first = str.charAt(0);
    if (first == '-') {
      positive = false;
      pos++;
    } else if (first == '+') {
      pos++;
    }
    while (pos < end && str.charAt(pos) == '0') {
      pos++;
    }
    if (pos >= end) {
      return new Scanned(positive, "0", "", 10, 0, Format.DECIMAL_SI);
    }
    int numStart = pos;
    while (pos < end && isDigit(str.charAt(pos))) {
      pos++;
    }
    String num = numStart == pos ? "0" : str.substring(numStart, pos);
    String denom = "";
    if (pos < end && str.charAt(pos) == '.') {
      pos++;
      int denomStart = pos;
      while (pos < end && isDigit(str.charAt(pos))) {
        pos++;
      }
      denom = str.substring(denomStart, pos);
    }
    int suffixStart = pos;
    while (pos < end && "eEinumkKMGTP".indexOf(str.charAt(pos)) >= 0) {
      pos++;
    }
    if (pos < end && (str.charAt(pos) == '-' || str.charAt(pos) == '+')) {
      pos++;
    }
    while (pos < end && isDigit(str.charAt(pos))) {
      pos++;
    }
    if (pos < end) {
      return null; // a character that belongs to no part of the grammar
    }
    return interpret(positive, num, denom, str.substring(suffixStart));
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** {@code suffixHandler.interpret}: decimal SI first, then binary SI, then {@code e<int>}. */
  private static Scanned interpret(boolean positive, String num, String denom, String suffix) {
    int decimal =
        switch (suffix) {
          case "n" -> -9;
          case "u" -> -6;
          case "m" -> -3;
          case "" -> 0;
          case "k" -> 3;
          case "M" -> 6;
          case "G" -> 9;
          case "T" -> 12;
          case "P" -> 15;
          case "E" -> 18;
          default -> Integer.MIN_VALUE;
        };
    if (decimal != Integer.MIN_VALUE) {
      return new Scanned(positive, num, denom, 10, decimal, Format.DECIMAL_SI);
    }
    int binary =
        switch (suffix) {
          case "Ki" -> 10;
          case "Mi" -> 20;
          case "Gi" -> 30;
          case "Ti" -> 40;
          case "Pi" -> 50;
          case "Ei" -> 60;
          default -> -1;
        };
    if (binary >= 0) {
      return new Scanned(positive, num, denom, 2, binary, Format.BINARY_SI);
    }
    if (suffix.length() > 1 && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E')) {
      long e;
      try {
        e = Long.parseLong(suffix.substring(1));
      } catch (NumberFormatException ex) {
        return null;
      }
      // Current upstream rejects exponents outside int32 rather than truncating them.
      if (e > Integer.MAX_VALUE || e < -Integer.MAX_VALUE) {
        return null;
      }
      return new Scanned(positive, num, denom, 10, (int) e, Format.DECIMAL_EXPONENT);
    }
    return null;
  }

  private static Scanned scanOrThrow(String text, String what) {
    if (text == null) {
      throw new InvalidQuantityException(what, null, "is missing");
    }
    Scanned s = scan(text.trim());
    if (s == null) {
      throw new InvalidQuantityException(what, text, "is not a quantity");
    }
    return s;
  }

  /**
   * Whether upstream keeps this quantity in an {@code int64Amount} (its fast path in {@code
   * ParseQuantity}); if so returns the unscaled value and sets nothing else. Returns null when
   * upstream would fall back to {@code inf.Dec}.
   */
  private static long[] int64Amount(Scanned s) {
    int precision;
    long scale; // long: exponent minus denominator digits can leave the int range
    long mantissa = 1;
    if (s.format != Format.BINARY_SI) {
      scale = s.exponent;
      precision = MAX_INT64_FACTORS - (s.num.length() + s.denom.length());
    } else if (s.denom.isEmpty()) {
      scale = 0;
      mantissa = 1L << s.exponent;
      precision = 15 - s.num.length() - (int) (s.exponent * 3f / 10) - 1;
    } else {
      return null;
    }
    if (precision < 0) {
      return null;
    }
    scale -= s.denom.length();
    if (scale < -9) {
      return null;
    }
    long value = Long.parseLong(s.num + s.denom); // at most 18 digits: precision >= 0
    long result;
    try {
      result = Math.multiplyExact(value, mantissa);
    } catch (ArithmeticException overflow) {
      return null;
    }
    return new long[] {s.positive ? result : -result, scale};
  }

  /**
   * The exact value upstream holds after parsing: rounded up (away from zero) to whole nano-units
   * and, for binary-SI quantities, capped at {@code 2^63-1}.
   *
   * @param what names the object and field for the error message, e.g. {@code Pod default/web-1:
   *     spec.containers[0].resources.requests.cpu}
   * @throws InvalidQuantityException if the text is not a quantity
   */
  public static BigDecimal parse(String text, String what) {
    Scanned s = scanOrThrow(text, what);
    try {
      return decimal(s);
    } catch (ArithmeticException scaleOverflow) {
      throw new InvalidQuantityException(what, text, "is out of range");
    }
  }

  private static BigDecimal decimal(Scanned s) {
    long[] fast = int64Amount(s);
    if (fast != null) {
      return BigDecimal.valueOf(fast[0], (int) -fast[1]);
    }
    BigDecimal amount = new BigDecimal(s.denom.isEmpty() ? s.num : s.num + "." + s.denom);
    if (s.base == 10) {
      amount = amount.scaleByPowerOfTen(s.exponent);
    } else {
      amount = amount.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(s.exponent)));
    }
    // Upstream: "if you want some resources, you should get some resources".
    if (amount.signum() != 0 && (long) amount.precision() - amount.scale() <= -9) {
      // Below one nano-unit: the answer is 1n, and setScale would compute 10^scale to find it.
      amount = BigDecimal.valueOf(1, 9);
    } else if (amount.signum() != 0 && amount.scale() > 9) {
      amount = amount.setScale(9, RoundingMode.UP);
    }
    if (s.format == Format.BINARY_SI && amount.compareTo(MAX_ALLOWED) > 0) {
      amount = MAX_ALLOWED;
    }
    return s.positive ? amount : amount.negate();
  }

  /** {@link #parse(String, String)} for a fabric8 {@link Quantity} (amount and format joined). */
  public static BigDecimal parse(Quantity q, String what) {
    return parse(text(q, what), what);
  }

  private static String text(Quantity q, String what) {
    if (q == null) {
      throw new InvalidQuantityException(what, null, "is missing");
    }
    String amount = q.getAmount() == null ? "" : q.getAmount();
    String format = q.getFormat() == null ? "" : q.getFormat();
    return format.isEmpty() ? amount : amount + format;
  }

  /** The value in thousandths, rounded up: milli-CPU for {@code cpu}. */
  public static long milliValue(Quantity q, String what) {
    return scaled(q, -3, what);
  }

  /**
   * The value rounded up: bytes for memory and storage, a count for pods and extended resources.
   */
  public static long value(Quantity q, String what) {
    return scaled(q, 0, what);
  }

  /** {@link #scaled(String, int, String)} of a fabric8 quantity, through the table. */
  private static long scaled(Quantity q, int scale, String what) {
    String amount = q == null ? null : q.getAmount();
    if (amount == null) {
      return scaled(text(q, what), scale, what);
    }
    String format = q.getFormat();
    int slot = slot(amount, format);
    Computed c = CACHE[slot];
    if (c != null
        && c.scale() == scale
        && c.amount().equals(amount)
        && Objects.equals(c.format(), format)) {
      return c.value();
    }
    // The text from the two strings just read: q may be changed meanwhile, and its value must be
    // the one stored under this key.
    long v = scaled(format == null || format.isEmpty() ? amount : amount + format, scale, what);
    CACHE[slot] = new Computed(amount, format, scale, v);
    return v;
  }

  /** Puts an entry in a slot, whatever its text: lets a test make two texts share a slot. */
  static void storeForTest(int slot, String amount, String format, int scale, long value) {
    CACHE[slot] = new Computed(amount, format, scale, value);
  }

  /** A text's slot; its two scales share it (a resource is read at one scale). */
  static int slot(String amount, String format) {
    int h = amount.hashCode() * 31 + (format == null ? 0 : format.hashCode());
    return (h ^ (h >>> 16)) & (CACHE_SIZE - 1);
  }

  /** {@link #milliValue(Quantity, String)} of a string. */
  public static long milliValue(String text, String what) {
    return scaled(text, -3, what);
  }

  /** {@link #value(Quantity, String)} of a string. */
  public static long value(String text, String what) {
    return scaled(text, 0, what);
  }

  /** {@code ScaledValue(scale)}: the fast path where upstream's is, else the exact one. */
  private static long scaled(String text, int scale, String what) {
    Scanned s = scanOrThrow(text, what);
    long[] fast = int64Amount(s);
    if (fast != null) {
      Long v = scaledInt64(fast[0], fast[1], scale);
      if (v != null) {
        return v;
      }
    }
    return scaledSlow(s, scale, text, what);
  }

  /** The BigDecimal path, also the reference the fast path is tested against. */
  static long scaledSlowForTest(String text, int scale, String what) {
    return scaledSlow(scanOrThrow(text, what), scale, text, what);
  }

  /** The fast path alone; null where it does not apply. */
  static Long scaledFastForTest(String text, int scale, String what) {
    long[] fast = int64Amount(scanOrThrow(text, what));
    return fast == null ? null : scaledInt64(fast[0], fast[1], scale);
  }

  private static long scaledSlow(Scanned s, int scale, String text, String what) {
    BigDecimal v;
    try {
      v = decimal(s).scaleByPowerOfTen(-scale);
    } catch (ArithmeticException scaleOverflow) {
      throw new InvalidQuantityException(what, text, "is out of range");
    }
    // An int64Amount rounds away from zero (negativeScaleInt64); an inf.Dec rounds toward
    // positive infinity (scaledValue). For positive values the two agree.
    RoundingMode mode = int64Amount(s) != null ? RoundingMode.UP : RoundingMode.CEILING;
    if ((long) v.precision() - v.scale() > 19) {
      throw new InvalidQuantityException(what, text, "is out of range");
    }
    BigInteger i = v.setScale(0, mode).toBigInteger();
    if (i.bitLength() > 63) {
      throw new InvalidQuantityException(what, text, "is out of range");
    }
    return i.longValue();
  }

  /**
   * {@code int64Amount.AsScaledInt64}: {@code value * 10^from} expressed in units of {@code 10^to},
   * rounded away from zero; null on overflow.
   */
  private static Long scaledInt64(long value, long from, int to) {
    long diff = from - to;
    if (diff >= 0) {
      if (diff >= POW10.length) {
        return value == 0 ? 0L : null;
      }
      long p = POW10[(int) diff];
      long r = value * p;
      if (value != 0 && (r / p != value)) {
        return null;
      }
      return r;
    }
    // The fast path holds scales of -9 and up, and callers ask for 0 or -3: down is at most 9.
    long p = POW10[(int) -diff];
    long q = value / p;
    if (value % p != 0) {
      q += value > 0 ? 1 : -1;
    }
    return q;
  }

  /** A quantity that cannot be parsed; the message names the object and field. */
  public static final class InvalidQuantityException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String text;
    private final String problem;

    InvalidQuantityException(String what, String text, String problem) {
      super(
          (what == null ? "quantity" : what)
              + (text == null ? "" : " \"" + text + "\"")
              + " "
              + problem);
      this.text = text;
      this.problem = problem;
    }

    /**
     * The same error, naming {@code what} as the object and field: for callers that build the name
     * only when a quantity turns out to be bad.
     */
    public InvalidQuantityException naming(String what) {
      InvalidQuantityException named = new InvalidQuantityException(what, text, problem);
      named.initCause(this);
      return named;
    }
  }
}
