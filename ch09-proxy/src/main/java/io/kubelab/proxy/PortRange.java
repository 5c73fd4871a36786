package io.kubelab.proxy;

/**
 * A range of ports {@code [base, base+size)}, as {@code --proxy-port-range} gives it.
 *
 * <p>Upstream: {@code PortRange} in {@code k8s.io/apimachinery/pkg/util/net/port_range.go}. The
 * zero range ({@code base == 0}) means "no range": let the kernel pick.
 */
public record PortRange(int base, int size) {

  /** No range: every allocation asks the kernel for an ephemeral port. */
  public static final PortRange EMPTY = new PortRange(0, 0);

  public PortRange {
    boolean empty = base == 0 && size == 0;
    if (!empty && (base < 1 || size < 1 || base + size - 1 > 65535)) {
      throw new IllegalArgumentException(
          "port range base " + base + " size " + size + " is not within 1-65535");
    }
  }

  /**
   * Parses {@code "30000-30099"}, {@code "30000+100"} or {@code ""}, upstream's two notations.
   *
   * @throws IllegalArgumentException naming the text if it is neither
   */
  public static PortRange parse(String text) {
    if (text == null || text.isEmpty()) {
      return EMPTY;
    }
    try {
      int plus = text.indexOf('+');
      if (plus > 0) {
        return new PortRange(
            Integer.parseInt(text.substring(0, plus)), Integer.parseInt(text.substring(plus + 1)));
      }
      int dash = text.indexOf('-');
      if (dash > 0) {
        int low = Integer.parseInt(text.substring(0, dash));
        int high = Integer.parseInt(text.substring(dash + 1));
        if (high < low) {
          throw new IllegalArgumentException("port range \"" + text + "\": end below start");
        }
        return new PortRange(low, high - low + 1);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port range \"" + text + "\" is not a range", e);
    }
    throw new IllegalArgumentException(
        "port range \"" + text + "\" is not a range (want \"min-max\" or \"base+size\")");
  }

  public boolean isEmpty() {
    return base == 0;
  }

  public boolean contains(int port) {
    return !isEmpty() && port >= base && port < base + size;
  }

  /** {@code "30000-30099"}, or {@code ""} for the empty range. */
  @Override
  public String toString() {
    return isEmpty() ? "" : base + "-" + (base + size - 1);
  }
}
