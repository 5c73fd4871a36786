package io.kubelab.kubelet.util;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;

/**
 * Go's {@code time.Duration} as text: {@link #format} is {@code Duration.String} ({@code 3m0s},
 * {@code 1.5s}, {@code 250ms}), so messages read exactly as upstream's; {@link #parse} is {@code
 * time.ParseDuration}, for flags such as {@code
 * --eviction-soft-grace-period=memory.available=1m30s}.
 */
public final class GoDurations {
  private GoDurations() {}

  /** Units {@code time.ParseDuration} knows, in nanoseconds. */
  private static final Map<String, Long> UNITS =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "\u00b5s", 1_000L, // µs, micro sign
          "\u03bcs", 1_000L, // μs, Greek small letter mu
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  /**
   * Go's {@code time.ParseDuration}: a signed sequence of decimal numbers, each with an optional
   * fraction and a unit ({@code 300ms}, {@code -1.5h}, {@code 2h45m}); "0" needs no unit.
   *
   * @throws IllegalArgumentException with Go's message (as of Go 1.13, which built Kubernetes 1.18:
   *     the input is not quoted), e.g. {@code time: invalid duration abc}
   */
  public static Duration parse(String s) {
    String orig = s;
    boolean neg = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      neg = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("time: invalid duration " + orig);
    }
    BigDecimal total = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && Character.isDigit(s.charAt(i))) {
        i++;
      }
      boolean pre = i > start;
      String whole = s.substring(start, i);
      String frac = "";
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        int fs = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
          i++;
        }
        frac = s.substring(fs, i);
      }
      if (!pre && frac.isEmpty()) {
        throw new IllegalArgumentException("time: invalid duration " + orig); // no digits
      }
      int us = i;
      while (i < s.length() && s.charAt(i) != '.' && !Character.isDigit(s.charAt(i))) {
        i++;
      }
      if (us == i) {
        throw new IllegalArgumentException("time: missing unit in duration " + orig);
      }
      String u = s.substring(us, i);
      Long unit = UNITS.get(u);
      if (unit == null) {
        throw new IllegalArgumentException("time: unknown unit " + u + " in duration " + orig);
      }
      BigDecimal v =
          new BigDecimal((whole.isEmpty() ? "0" : whole) + (frac.isEmpty() ? "" : "." + frac));
      total = total.add(v.multiply(BigDecimal.valueOf(unit)));
      if (total.compareTo(MAX_NANOS) > 0) {
        throw new IllegalArgumentException("time: invalid duration " + orig); // overflow
      }
    }
    long nanos = total.setScale(0, RoundingMode.DOWN).longValueExact();
    return Duration.ofNanos(neg ? -nanos : nanos);
  }

  private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

  public static String format(Duration d) {
    long nanos = d.toNanos();
    if (nanos == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    if (nanos < 0) {
      sb.append('-');
      nanos = -nanos;
    }
    if (nanos < 1_000_000_000L) {
      // Below one second Go picks the largest unit that keeps the integer part non-zero.
      if (nanos < 1_000L) {
        return sb.append(nanos).append("ns").toString();
      }
      if (nanos < 1_000_000L) {
        return sb.append(fraction(nanos, 1_000L)).append("µs").toString();
      }
      return sb.append(fraction(nanos, 1_000_000L)).append("ms").toString();
    }
    long hours = nanos / 3_600_000_000_000L;
    long rest = nanos % 3_600_000_000_000L;
    long minutes = rest / 60_000_000_000L;
    rest = rest % 60_000_000_000L;
    if (hours > 0) {
      sb.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      sb.append(minutes).append('m');
    }
    return sb.append(fraction(rest, 1_000_000_000L)).append('s').toString();
  }

  private static String fraction(long value, long unit) {
    long whole = value / unit;
    long frac = value % unit;
    if (frac == 0) {
      return Long.toString(whole);
    }
    String digits = Long.toString(unit + frac).substring(1);
    int end = digits.length();
    while (digits.charAt(end - 1) == '0') {
      end--;
    }
    return whole + "." + digits.substring(0, end);
  }
}
