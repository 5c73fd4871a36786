package io.kubelab.perf;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's {@code time.ParseDuration} for the {@code sleep} op: a sequence of decimal numbers with
 * units ns, us (or µs), ms, s, m, h, such as {@code 300ms} or {@code 1m30s}; {@code 0} alone.
 */
final class GoDuration {

  private static final Pattern PART = Pattern.compile("([0-9]*\\.?[0-9]+)(ns|us|µs|ms|s|m|h)");
  private static final Map<String, Long> NANOS =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "µs", 1_000L,
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  private GoDuration() {}

  static Duration parse(String s) {
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(s);
    int at = 0;
    BigDecimal nanos = BigDecimal.ZERO;
    while (at < s.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException("invalid duration (want e.g. 500ms, 2s, 1m30s)");
      }
      nanos =
          nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(NANOS.get(m.group(2)))));
      at = m.end();
    }
    if (at == 0) {
      throw new IllegalArgumentException("invalid duration (want e.g. 500ms, 2s, 1m30s)");
    }
    return Duration.ofNanos(nanos.longValue());
  }
}
