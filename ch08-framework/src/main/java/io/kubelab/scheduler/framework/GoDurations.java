package io.kubelab.scheduler.framework;

import java.time.Duration;

/**
 * Go's {@code time.Duration.String()} ({@code 15m0s}, {@code 1.5s}, {@code 250ms}), so that
 * messages that print a duration read exactly as upstream's. Public for the other packages of this
 * module.
 */
public final class GoDurations {

  private static final long MICRO = 1_000L;
  private static final long MILLI = 1_000_000L;
  private static final long SECOND = 1_000_000_000L;
  private static final long MINUTE = 60 * SECOND;
  private static final long HOUR = 60 * MINUTE;

  private GoDurations() {}

  public static String format(Duration d) {
    long n = d.toNanos();
    if (n == 0) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    if (n < 0) {
      out.append('-');
      // As Go's uint64: the magnitude of Long.MIN_VALUE is 2^63, which only fits unsigned.
      n = -n;
    }
    if (Long.compareUnsigned(n, SECOND) < 0) {
      // Under a second Go switches to the largest unit with a non-zero integer part.
      if (n < MICRO) {
        return out.append(n).append("ns").toString();
      }
      if (n < MILLI) {
        return out.append(decimal(n, MICRO)).append("µs").toString();
      }
      return out.append(decimal(n, MILLI)).append("ms").toString();
    }
    long h = Long.divideUnsigned(n, HOUR);
    long m = Long.remainderUnsigned(n, HOUR) / MINUTE;
    if (h > 0) {
      out.append(h).append('h');
    }
    if (h > 0 || m > 0) {
      out.append(m).append('m');
    }
    return out.append(decimal(Long.remainderUnsigned(n, MINUTE), SECOND)).append('s').toString();
  }

  /** {@code value / unit} with the fraction's trailing zeros dropped. */
  private static String decimal(long value, long unit) {
    long whole = value / unit;
    long frac = value % unit;
    if (frac == 0) {
      return Long.toString(whole);
    }
    StringBuilder digits = new StringBuilder(Long.toString(unit + frac).substring(1));
    while (digits.charAt(digits.length() - 1) == '0') {
      digits.setLength(digits.length() - 1);
    }
    return whole + "." + digits;
  }
}
