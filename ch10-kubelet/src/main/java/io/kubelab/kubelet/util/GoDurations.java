package io.kubelab.kubelet.util;

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
      throw invalid(orig);
    }
    long d = 0;
    int i = 0;
    while (i < s.length()) {
      if (s.charAt(i) != '.' && !isDigit(s.charAt(i))) {
        throw invalid(orig);
      }
      // leadingInt: the whole part must fit in an int64.
      int start = i;
      long v = 0;
      for (; i < s.length() && isDigit(s.charAt(i)); i++) {
        if (v > Long.MAX_VALUE / 10) {
          throw invalid(orig);
        }
        v = v * 10 + (s.charAt(i) - '0');
        if (v < 0) {
          throw invalid(orig);
        }
      }
      boolean pre = i > start;
      // leadingFraction: digits past int64 precision are read but no longer counted.
      long f = 0;
      double scale = 1;
      boolean post = false;
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        int fracStart = i;
        boolean overflow = false;
        for (; i < s.length() && isDigit(s.charAt(i)); i++) {
          if (overflow) {
            continue;
          }
          if (f > Long.MAX_VALUE / 10) {
            overflow = true;
            continue;
          }
          long y = f * 10 + (s.charAt(i) - '0');
          if (y < 0) {
            overflow = true;
            continue;
          }
          f = y;
          scale *= 10;
        }
        post = i > fracStart;
      }
      if (!pre && !post) {
        throw invalid(orig); // no digits, as in ".s"
      }
      int unitStart = i;
      while (i < s.length() && s.charAt(i) != '.' && !isDigit(s.charAt(i))) {
        i++;
      }
      if (unitStart == i) {
        throw new IllegalArgumentException("time: missing unit in duration " + orig);
      }
      String u = s.substring(unitStart, i);
      Long unit = UNITS.get(u);
      if (unit == null) {
        throw new IllegalArgumentException("time: unknown unit " + u + " in duration " + orig);
      }
      if (v > Long.MAX_VALUE / unit) {
        throw invalid(orig);
      }
      v *= unit;
      if (f > 0) {
        // Go computes the fraction in float64, truncated: "0.3333333333333333333h" is 20m0s.
        v += (long) ((double) f * ((double) unit / scale));
        if (v < 0) {
          throw invalid(orig);
        }
      }
      d += v;
      if (d < 0) {
        throw invalid(orig);
      }
    }
    return Duration.ofNanos(neg ? -d : d);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static IllegalArgumentException invalid(String orig) {
    return new IllegalArgumentException("time: invalid duration " + orig);
  }

  /**
   * Go's {@code Duration.String}: {@code 72h3m0.5s}, with {@code ms}, {@code µs} or {@code ns}
   * below one second and {@code 0s} for zero.
   */
  public static String format(Duration d) {
    long nanos = d.toNanos();
    if (nanos == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    // Go works on the magnitude as a uint64, so the smallest int64 has a magnitude too.
    long u = nanos;
    if (nanos < 0) {
      sb.append('-');
      u = -nanos;
    }
    if (Long.compareUnsigned(u, 1_000_000_000L) < 0) {
      // Below one second Go picks the largest unit that keeps the integer part non-zero.
      if (u < 1_000L) {
        return sb.append(u).append("ns").toString();
      }
      if (u < 1_000_000L) {
        return sb.append(fraction(u, 1_000L)).append("\u00b5s").toString();
      }
      return sb.append(fraction(u, 1_000_000L)).append("ms").toString();
    }
    long hours = Long.divideUnsigned(u, 3_600_000_000_000L);
    long rest = Long.remainderUnsigned(u, 3_600_000_000_000L);
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
