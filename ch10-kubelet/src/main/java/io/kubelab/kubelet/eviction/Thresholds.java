package io.kubelab.kubelet.eviction;

import io.kubelab.apimachinery.resource.Quantities;
import io.kubelab.kubelet.util.GoDurations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Eviction thresholds from the kubelet's flags: {@code --eviction-hard}, {@code --eviction-soft},
 * {@code --eviction-soft-grace-period}, {@code --eviction-minimum-reclaim}.
 *
 * <p>Upstream: {@code pkg/kubelet/eviction/helpers.go} ({@code ParseThresholdConfig}, {@code
 * parseThresholdStatement}, {@code parsePercentage}, {@code parseGracePeriods}, {@code
 * parseMinimumReclaims}, {@code addAllocatableThresholds}), {@code
 * pkg/kubelet/apis/config/v1beta1/defaults_linux.go} ({@code DefaultEvictionHard}) and {@code
 * k8s.io/component-base/cli/flag} ({@code LangleSeparatedMapStringString}, {@code MapStringString})
 * for the flag syntax. Errors carry upstream's messages. Go iterates its flag maps in random order;
 * here thresholds come out in the order the flags name them.
 */
public final class Thresholds {
  private Thresholds() {}

  /** Upstream {@code DefaultEvictionHard} on Linux. */
  public static final Map<String, String> DEFAULT_EVICTION_HARD = defaultEvictionHard();

  private static Map<String, String> defaultEvictionHard() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("memory.available", "100Mi");
    m.put("nodefs.available", "10%");
    m.put("nodefs.inodesFree", "5%");
    m.put("imagefs.available", "15%");
    return Collections.unmodifiableMap(m);
  }

  /** Upstream {@code NodeAllocatableEnforcementKey}: enforcing allocatable for pods. */
  public static final String NODE_ALLOCATABLE_ENFORCEMENT_KEY = "pods";

  /** {@code resource.ErrFormatWrong}'s text. */
  static final String QUANTITY_FORMAT_ERROR =
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

  private static final Pattern QUANTITY =
      Pattern.compile("^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$");
  private static final Pattern GO_FLOAT =
      Pattern.compile(
          "[+-]?(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?|(?i:inf|infinity|nan))");

  /** {@code --eviction-hard=memory.available<100Mi,nodefs.available<10%}. */
  public static Map<String, String> parseLangleMap(String flag) {
    return parseMap(flag, "<");
  }

  /** {@code --eviction-soft-grace-period=memory.available=1m30s,...}. */
  public static Map<String, String> parseMap(String flag) {
    return parseMap(flag, "=");
  }

  private static Map<String, String> parseMap(String flag, String separator) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String s : flag.split(",", -1)) {
      if (s.isEmpty()) {
        continue;
      }
      int at = s.indexOf(separator);
      if (at < 0) {
        throw new IllegalArgumentException("malformed pair, expect string" + separator + "string");
      }
      out.put(s.substring(0, at).trim(), s.substring(at + 1).trim());
    }
    return out;
  }

  /**
   * Upstream {@code ParseThresholdConfig}: hard thresholds (grace period 0), then soft ones (each
   * with its grace period), minimum reclaims attached to both, and, when allocatable is enforced
   * for pods, an {@code allocatableMemory.available} copy of each hard {@code memory.available}
   * threshold.
   *
   * @throws IllegalArgumentException with upstream's message for the first bad statement
   */
  public static List<Threshold> parseThresholdConfig(
      List<String> allocatableConfig,
      Map<String, String> evictionHard,
      Map<String, String> evictionSoft,
      Map<String, String> evictionSoftGracePeriod,
      Map<String, String> evictionMinimumReclaim) {
    List<Threshold> results = new ArrayList<>(parseThresholdStatements(evictionHard));
    List<Threshold> soft = parseThresholdStatements(evictionSoft);
    Map<Signal, Duration> gracePeriods = parseGracePeriods(evictionSoftGracePeriod);
    Map<Signal, ThresholdValue> minReclaims = parseMinimumReclaims(evictionMinimumReclaim);
    for (Threshold t : soft) {
      Duration period = gracePeriods.get(t.signal());
      if (period == null) {
        throw new IllegalArgumentException(
            "grace period must be specified for the soft eviction threshold " + t.signal());
      }
      results.add(t.withGracePeriod(period));
    }
    // Every threshold is fresh from its statement, without a minimum reclaim yet.
    results.replaceAll(t -> t.withMinReclaim(minReclaims.get(t.signal())));
    if (allocatableConfig.contains(NODE_ALLOCATABLE_ENFORCEMENT_KEY)) {
      List<Threshold> additional = new ArrayList<>();
      for (Threshold t : results) {
        if (t.signal() == Signal.MEMORY_AVAILABLE && t.isHard()) {
          additional.add(
              new Threshold(
                  Signal.ALLOCATABLE_MEMORY_AVAILABLE,
                  t.operator(),
                  t.value(),
                  Duration.ZERO,
                  t.minReclaim()));
        }
      }
      results.addAll(additional);
    }
    return List.copyOf(results);
  }

  private static List<Threshold> parseThresholdStatements(Map<String, String> statements) {
    List<Threshold> out = new ArrayList<>();
    for (Map.Entry<String, String> e : statements.entrySet()) {
      Threshold t = parseThresholdStatement(e.getKey(), e.getValue());
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  /** One statement; null when it is ignored ("0%" and "100%"). */
  static Threshold parseThresholdStatement(String name, String val) {
    Signal signal = signal(name);
    String operator = signal.operator();
    if (val.endsWith("%")) {
      if (val.equals("0%") || val.equals("100%")) {
        return null;
      }
      float percentage = parsePercentage(val);
      // Upstream compares the fraction, not the percent, with 0 and 100: "150%" passes.
      if (percentage < 0) {
        throw new IllegalArgumentException(
            "eviction percentage threshold " + signal + " must be >= 0%: " + val);
      }
      if (percentage > 100) {
        throw new IllegalArgumentException(
            "eviction percentage threshold " + signal + " must be <= 100%: " + val);
      }
      return new Threshold(
          signal, operator, ThresholdValue.percentage(percentage), Duration.ZERO, null);
    }
    long quantity = parseQuantity(val);
    if (quantity <= 0) {
      // Go prints the parsed quantity: "0Gi" reads "0", "-1024Mi" reads "-1Gi".
      throw new IllegalArgumentException(
          "eviction threshold "
              + signal
              + " must be positive: "
              + QuantityText.canonical(val, quantity));
    }
    return new Threshold(
        signal, operator, ThresholdValue.quantity(quantity, val), Duration.ZERO, null);
  }

  /** Upstream {@code parsePercentage}: Go's {@code ParseFloat(s, 32)}, then divided by 100. */
  static float parsePercentage(String input) {
    String number = input.replaceAll("%+$", "");
    if (!GO_FLOAT.matcher(number).matches()) {
      throw new IllegalArgumentException(
          "strconv.ParseFloat: parsing \"" + number + "\": invalid syntax");
    }
    String n = number.toLowerCase(java.util.Locale.ROOT).replace("infinity", "inf");
    float value =
        switch (n.replaceFirst("^[+-]", "")) {
          case "inf" -> n.startsWith("-") ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
          case "nan" -> Float.NaN;
          default -> Float.parseFloat(number);
        };
    return value / 100;
  }

  private static Map<Signal, Duration> parseGracePeriods(Map<String, String> statements) {
    Map<Signal, Duration> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : statements.entrySet()) {
      Signal signal = signal(e.getKey());
      Duration d = GoDurations.parse(e.getValue());
      if (d.isNegative()) {
        throw new IllegalArgumentException(
            "invalid eviction grace period specified: "
                + e.getValue()
                + ", must be a positive value");
      }
      out.put(signal, d);
    }
    return out;
  }

  private static Map<Signal, ThresholdValue> parseMinimumReclaims(Map<String, String> statements) {
    Map<Signal, ThresholdValue> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : statements.entrySet()) {
      Signal signal = signal(e.getKey());
      String val = e.getValue();
      if (val.endsWith("%")) {
        float percentage = parsePercentage(val);
        if (percentage <= 0) {
          throw new IllegalArgumentException(
              "eviction percentage minimum reclaim " + signal + " must be positive: " + val);
        }
        out.put(signal, ThresholdValue.percentage(percentage));
        continue;
      }
      long quantity = parseQuantity(val);
      if (quantity < 0) {
        throw new IllegalArgumentException(
            "negative eviction minimum reclaim specified for " + signal);
      }
      out.put(signal, ThresholdValue.quantity(quantity, val));
    }
    return out;
  }

  private static Signal signal(String name) {
    return Signal.of(name)
        .orElseThrow(() -> new IllegalArgumentException("unsupported eviction signal " + name));
  }

  /** {@code resource.ParseQuantity(val).Value()}, with its error messages. */
  private static long parseQuantity(String val) {
    try {
      return Quantities.value(val, "eviction threshold");
    } catch (IllegalArgumentException e) {
      if (QUANTITY.matcher(val).matches()) {
        throw new IllegalArgumentException("unable to parse quantity's suffix", e);
      }
      throw new IllegalArgumentException(QUANTITY_FORMAT_ERROR, e);
    }
  }
}
