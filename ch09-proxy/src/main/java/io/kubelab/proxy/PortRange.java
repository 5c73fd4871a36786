package io.kubelab.proxy;

/**
 * A range of ports {@code [base, base+size)}, as {@code --proxy-port-range} gives it.
 *
 * <p>Upstream: {@code PortRange} in {@code k8s.io/apimachinery/pkg/util/net/port_range.go}. Like
 * the Go struct, a range with base 0 ({@code ""}, {@code "0"}, {@code "0-0"}) is the "no range"
 * that lets the kernel pick every proxy port ({@code newPortAllocator} tests only the base).
 *
 * @param base the first port, 0-65535
 * @param size how many ports, 0 for the empty range
 */
public record PortRange(int base, int size) {

  /** No range: every allocation asks the kernel for an ephemeral port. */
  public static final PortRange EMPTY = new PortRange(0, 0);

  public PortRange {
    if (base < 0 || size < 0 || base + size - 1 > 65535) {
      throw new IllegalArgumentException(
          "port range base " + base + " size " + size + " is not within 0-65535");
    }
  }

  /**
   * Parses {@code --proxy-port-range} as upstream's {@code PortRange.Set}: surrounding white space
   * is trimmed, then {@code ""} is the empty range, {@code "8080"} a single port, {@code
   * "30000-30099"} and {@code "30000+99"} both the 100 ports 30000 to 30099 (inclusive at both
   * ends).
   *
   * @throws IllegalArgumentException with upstream's error text, naming the flag and the value
   */
  public static PortRange parse(String text) {
    String value = trimSpace(text == null ? "" : text);
    if (value.isEmpty()) {
      return EMPTY;
    }
    int hyphen = value.indexOf('-');
    int plus = value.indexOf('+');
    long low;
    long high;
    if (hyphen < 0 && plus < 0) {
      low = atoi(text, value);
      high = low;
    } else if (hyphen >= 0 && plus < 0) {
      low = atoi(text, value.substring(0, hyphen));
      high = atoi(text, value.substring(hyphen + 1));
    } else if (plus >= 0 && hyphen < 0) {
      low = atoi(text, value.substring(0, plus));
      high = low + atoi(text, value.substring(plus + 1));
    } else {
      throw invalid(text, "unable to parse port range: " + value);
    }
    if (low > 65535 || high > 65535) {
      throw invalid(text, "the port range cannot be greater than 65535: " + value);
    }
    if (high < low) {
      throw invalid(text, "end port cannot be less than start port: " + value);
    }
    return new PortRange((int) low, (int) (high - low + 1));
  }

  /** Go's {@code strconv.Atoi}: an optional sign and ASCII digits, nothing else. */
  private static long atoi(String flag, String s) {
    int start = !s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-') ? 1 : 0;
    boolean digits = s.length() > start;
    for (int i = start; i < s.length() && digits; i++) {
      digits = s.charAt(i) >= '0' && s.charAt(i) <= '9';
    }
    if (!digits) {
      throw invalid(flag, "strconv.Atoi: parsing \"" + s + "\": invalid syntax");
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw invalid(flag, "strconv.Atoi: parsing \"" + s + "\": value out of range");
    }
  }

  /** Go's {@code strings.TrimSpace}: strips what {@code unicode.IsSpace} calls space. */
  private static String trimSpace(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && isGoSpace(s.charAt(from))) {
      from++;
    }
    while (to > from && isGoSpace(s.charAt(to - 1))) {
      to--;
    }
    return s.substring(from, to);
  }

  private static boolean isGoSpace(char c) {
    return switch (c) {
      case '\t', '\n', '\u000B', '\f', '\r', ' ', '\u0085', '\u00A0' -> true;
      // Above Latin-1, Go's White_Space table is Java's Zs, Zl and Zp.
      default -> c > '\u00FF' && Character.isSpaceChar(c);
    };
  }

  private static IllegalArgumentException invalid(String flag, String why) {
    return new IllegalArgumentException("--proxy-port-range \"" + flag + "\": " + why);
  }

  /** True for the "no range" of base 0: the kernel picks every port. */
  public boolean isEmpty() {
    return base == 0;
  }

  /** Upstream's {@code Contains}. */
  public boolean contains(int port) {
    return port >= base && port - base < size;
  }

  /** {@code "30000-30099"}, or {@code ""} for a range of size 0, as upstream's {@code String}. */
  @Override
  public String toString() {
    return size == 0 ? "" : base + "-" + (base + size - 1);
  }
}
