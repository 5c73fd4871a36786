package io.kubelab.kubelet.eviction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.kubelet.util.GoDurations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ParseThresholdConfig: upstream's table ({@code helpers_test.go}) with its error messages. */
class ThresholdsTest {

  private static final List<String> PODS = List.of(Thresholds.NODE_ALLOCATABLE_ENFORCEMENT_KEY);
  private static final Duration THIRTY = Duration.ofSeconds(30);

  private static Map<String, String> map(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static List<Threshold> parse(
      List<String> allocatable,
      Map<String, String> hard,
      Map<String, String> soft,
      Map<String, String> grace,
      Map<String, String> minReclaim) {
    return Thresholds.parseThresholdConfig(allocatable, hard, soft, grace, minReclaim);
  }

  private static Threshold t(Signal s, ThresholdValue v, Duration grace, ThresholdValue min) {
    return new Threshold(s, s.operator(), v, grace, min);
  }

  private static ThresholdValue q(long v, String text) {
    return ThresholdValue.quantity(v, text);
  }

  private static ThresholdValue pct(float f) {
    return ThresholdValue.percentage(f);
  }

  @Test
  void noFlagsNoThresholds() {
    assertThat(parse(List.of(), map(), map(), map(), map())).isEmpty();
  }

  @Test
  void allFlagSupportedWithAllocatableEnforcement() {
    assertThat(
            parse(
                PODS,
                map("memory.available", "150Mi"),
                map("memory.available", "300Mi"),
                map("memory.available", "30s"),
                map("memory.available", "0")))
        .containsExactly(
            t(Signal.MEMORY_AVAILABLE, q(150L << 20, "150Mi"), Duration.ZERO, q(0, "0")),
            t(Signal.MEMORY_AVAILABLE, q(300L << 20, "300Mi"), THIRTY, q(0, "0")),
            // The copy for allocatable takes memory.available's operator: it can be met.
            new Threshold(
                Signal.ALLOCATABLE_MEMORY_AVAILABLE,
                "LessThan",
                q(150L << 20, "150Mi"),
                Duration.ZERO,
                q(0, "0")));
  }

  @Test
  void percentagesForHardSoftAndMinReclaim() {
    assertThat(
            parse(
                List.of(),
                map("memory.available", "10%"),
                map("memory.available", "30%"),
                map("memory.available", "30s"),
                map("memory.available", "5%")))
        .containsExactly(
            t(Signal.MEMORY_AVAILABLE, pct(0.1f), Duration.ZERO, pct(0.05f)),
            t(Signal.MEMORY_AVAILABLE, pct(0.3f), THIRTY, pct(0.05f)));
    assertThat(
            parse(
                List.of(),
                map("imagefs.available", "15%", "nodefs.available", "10.5%"),
                map(),
                map(),
                map("nodefs.available", "5%")))
        .containsExactly(
            t(Signal.IMAGE_FS_AVAILABLE, pct(0.15f), Duration.ZERO, null),
            t(Signal.NODE_FS_AVAILABLE, pct(0.105f), Duration.ZERO, pct(0.05f)));
  }

  @Test
  void diskAndInodeSignalsWithMinimumReclaims() {
    assertThat(
            parse(
                List.of(),
                map("imagefs.inodesFree", "150Mi", "nodefs.inodesFree", "100Mi"),
                map("imagefs.inodesFree", "300Mi", "nodefs.inodesFree", "200Mi"),
                map("imagefs.inodesFree", "30s", "nodefs.inodesFree", "30s"),
                map("imagefs.inodesFree", "2Gi", "nodefs.inodesFree", "1Gi")))
        .extracting(Threshold::signal, Threshold::gracePeriod, x -> x.minReclaim().quantity())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                Signal.IMAGE_FS_INODES_FREE, Duration.ZERO, 2L << 30),
            org.assertj.core.groups.Tuple.tuple(
                Signal.NODE_FS_INODES_FREE, Duration.ZERO, 1L << 30),
            org.assertj.core.groups.Tuple.tuple(Signal.IMAGE_FS_INODES_FREE, THIRTY, 2L << 30),
            org.assertj.core.groups.Tuple.tuple(Signal.NODE_FS_INODES_FREE, THIRTY, 1L << 30));
  }

  @Test
  void zeroAndHundredPercentAreIgnored() {
    assertThat(
            parse(
                List.of(),
                map("memory.available", "0%"),
                map("memory.available", "0%"),
                map(),
                map()))
        .isEmpty();
    assertThat(
            parse(
                List.of(),
                map("memory.available", "100%"),
                map("memory.available", "100%"),
                map(),
                map()))
        .isEmpty();
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of(
            map("mem.available", "150Mi"),
            map(),
            map(),
            map(),
            "unsupported eviction signal mem.available"),
        Arguments.of(
            map("memory.available", "-150Mi"),
            map(),
            map(),
            map(),
            "eviction threshold memory.available must be positive: -150Mi"),
        Arguments.of(
            map("memory.available", "0"),
            map(),
            map(),
            map(),
            "eviction threshold memory.available must be positive: 0"),
        // The message prints the parsed quantity as Go's Quantity.String does.
        Arguments.of(
            map("memory.available", "0Gi"),
            map(),
            map(),
            map(),
            "eviction threshold memory.available must be positive: 0"),
        Arguments.of(
            map("nodefs.available", "-1024Mi"),
            map(),
            map(),
            map(),
            "eviction threshold nodefs.available must be positive: -1Gi"),
        // Go's ParseFloat reads infinities: below 0 and above 100.
        Arguments.of(
            map("memory.available", "-Inf%"),
            map(),
            map(),
            map(),
            "eviction percentage threshold memory.available must be >= 0%: -Inf%"),
        Arguments.of(
            map("memory.available", "+Infinity%"),
            map(),
            map(),
            map(),
            "eviction percentage threshold memory.available must be <= 100%: +Infinity%"),
        Arguments.of(
            map("memory.available", "20000%"),
            map(),
            map(),
            map(),
            "eviction percentage threshold memory.available must be <= 100%: 20000%"),
        Arguments.of(
            map("memory.available", "-15%"),
            map(),
            map(),
            map(),
            "eviction percentage threshold memory.available must be >= 0%: -15%"),
        Arguments.of(
            map(),
            map("memory.available", "-150Mi"),
            map(),
            map(),
            "eviction threshold memory.available must be positive: -150Mi"),
        Arguments.of(
            map("memory.available", "150Mi", "invalid.foo", "150Mi"),
            map(),
            map(),
            map(),
            "unsupported eviction signal invalid.foo"),
        Arguments.of(
            map(),
            map("memory.available", "150Mi"),
            map(),
            map(),
            "grace period must be specified for the soft eviction threshold memory.available"),
        Arguments.of(
            map(),
            map("memory.available", "150Mi"),
            map("memory.available", "-30s"),
            map(),
            "invalid eviction grace period specified: -30s, must be a positive value"),
        Arguments.of(
            map(),
            map("memory.available", "150Mi"),
            map("memory.available", "soon"),
            map(),
            "time: invalid duration soon"),
        Arguments.of(
            map(),
            map(),
            map("mem.available", "30s"),
            map(),
            "unsupported eviction signal mem.available"),
        Arguments.of(
            map(),
            map(),
            map(),
            map("memory.available", "-300Mi"),
            "negative eviction minimum reclaim specified for memory.available"),
        Arguments.of(
            map(),
            map(),
            map(),
            map("memory.available", "0%"),
            "eviction percentage minimum reclaim memory.available must be positive: 0%"),
        Arguments.of(
            map("memory.available", "lots"), map(), map(), map(), Thresholds.QUANTITY_FORMAT_ERROR),
        Arguments.of(
            map("memory.available", "1iM"),
            map(),
            map(),
            map(),
            "unable to parse quantity's suffix"),
        Arguments.of(
            map("memory.available", "ten%"),
            map(),
            map(),
            map(),
            "strconv.ParseFloat: parsing \"ten\": invalid syntax"));
  }

  @ParameterizedTest(name = "{4}")
  @MethodSource("errors")
  void badStatementsFailWithUpstreamsMessage(
      Map<String, String> hard,
      Map<String, String> soft,
      Map<String, String> grace,
      Map<String, String> minReclaim,
      String message) {
    assertThatThrownBy(() -> parse(List.of(), hard, soft, grace, minReclaim))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void upstreamComparesTheFractionNotThePercentWithAHundred() {
    // A faithful quirk: "150%" is a fraction of 1.5, which is not above 100.
    assertThat(parse(List.of(), map("memory.available", "150%"), map(), map(), map()))
        .singleElement()
        .extracting(x -> x.value().percentage())
        .isEqualTo(1.5f);
  }

  @Test
  void theFractionsBoundsAreInclusive() {
    // 10000% is a fraction of exactly 100, not above it; "-0%" parses to a negative zero, which
    // is not below 0.
    assertThat(parse(List.of(), map("memory.available", "10000%"), map(), map(), map()))
        .singleElement()
        .extracting(x -> x.value().percentage())
        .isEqualTo(100f);
    assertThat(parse(List.of(), map("memory.available", "-0%"), map(), map(), map()))
        .singleElement()
        .extracting(x -> x.value().percentage())
        .isEqualTo(-0f);
  }

  @Test
  void theDefaultHardSetAndItsAllocatableCopy() {
    List<Threshold> defaults = EvictionConfig.defaults().thresholds();
    assertThat(defaults)
        .extracting(Threshold::toString)
        .containsExactly(
            "threshold(signal=memory.available, operator=LessThan, value={100Mi 0}, gracePeriod=0s)",
            "threshold(signal=nodefs.available, operator=LessThan, value={<nil> 0.1}, gracePeriod=0s)",
            "threshold(signal=nodefs.inodesFree, operator=LessThan, value={<nil> 0.05}, gracePeriod=0s)",
            "threshold(signal=imagefs.available, operator=LessThan, value={<nil> 0.15}, gracePeriod=0s)",
            "threshold(signal=allocatableMemory.available, operator=LessThan, value={100Mi 0}, gracePeriod=0s)");
  }

  @Test
  void aHandWrittenAllocatableThresholdHasNoOperatorInV118() {
    Threshold t =
        parse(List.of(), map("allocatableMemory.available", "1Gi"), map(), map(), map()).get(0);
    assertThat(t.operator()).isEmpty();
    assertThat(
            EvictionManager.thresholdsMet(
                List.of(t),
                Map.of(
                    Signal.ALLOCATABLE_MEMORY_AVAILABLE, new SignalObservation(0, 1L << 40, null)),
                false))
        .as("never met")
        .isEmpty();
  }

  @Test
  void flagSyntaxIsLangleOrEqualsSeparatedPairs() {
    assertThat(Thresholds.parseLangleMap("memory.available<100Mi, nodefs.available<10%,"))
        .containsExactly(
            Map.entry("memory.available", "100Mi"), Map.entry("nodefs.available", "10%"));
    assertThat(Thresholds.parseMap("memory.available=1m30s"))
        .containsEntry("memory.available", "1m30s");
    assertThatThrownBy(() -> Thresholds.parseLangleMap("memory.available=100Mi"))
        .hasMessage("malformed pair, expect string<string");
    assertThatThrownBy(() -> Thresholds.parseMap("memory.available"))
        .hasMessage("malformed pair, expect string=string");
    assertThat(Thresholds.parseLangleMap("")).isEmpty();
    // SplitN keeps an empty key; only a missing separator is malformed.
    assertThat(Thresholds.parseLangleMap("<100Mi")).containsExactly(Map.entry("", "100Mi"));
    assertThat(Thresholds.parseMap("=1m")).containsExactly(Map.entry("", "1m"));
  }

  static Stream<Arguments> durations() {
    return Stream.of(
        Arguments.of("0", "PT0S"),
        Arguments.of("30s", "PT30S"),
        Arguments.of("1m30s", "PT1M30S"),
        Arguments.of("1.5h", "PT1H30M"),
        Arguments.of("-2m", "PT-2M"),
        Arguments.of("+5ms", "PT0.005S"),
        Arguments.of("1µs", "PT0.000001S"),
        Arguments.of("100us", "PT0.0001S"),
        Arguments.of(".5s", "PT0.5S"),
        Arguments.of("3.s", "PT3S"),
        Arguments.of("", "time: invalid duration "),
        Arguments.of("5", "time: missing unit in duration 5"),
        Arguments.of("5d", "time: unknown unit d in duration 5d"),
        Arguments.of(".s", "time: invalid duration .s"),
        Arguments.of("-", "time: invalid duration -"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("durations")
  void goDurationsParseAsGo(String text, String expected) {
    String actual;
    try {
      actual = GoDurations.parse(text).toString();
    } catch (IllegalArgumentException e) {
      actual = e.getMessage();
    }
    assertThat(actual).isEqualTo(expected);
  }
}
