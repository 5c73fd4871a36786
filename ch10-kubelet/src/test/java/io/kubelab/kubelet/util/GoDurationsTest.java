package io.kubelab.kubelet.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link GoDurations} against the tables of Go's own {@code time} package ({@code
 * parseDurationTests} and {@code durationTests} in {@code time_test.go}, as of Go 1.13).
 */
class GoDurationsTest {

  private static final long US = 1_000L;
  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;
  private static final long M = 60 * S;
  private static final long H = 60 * M;

  static Stream<Arguments> parsed() {
    return Stream.of(
        // simple
        Arguments.of("0", 0L),
        Arguments.of("5s", 5 * S),
        Arguments.of("30s", 30 * S),
        Arguments.of("1478s", 1478 * S),
        // sign
        Arguments.of("-5s", -5 * S),
        Arguments.of("+5s", 5 * S),
        Arguments.of("-0", 0L),
        Arguments.of("+0", 0L),
        // decimal
        Arguments.of("5.0s", 5 * S),
        Arguments.of("5.6s", 5 * S + 600 * MS),
        Arguments.of("5.s", 5 * S),
        Arguments.of(".5s", 500 * MS),
        Arguments.of("1.0s", S),
        Arguments.of("1.00s", S),
        Arguments.of("1.004s", S + 4 * MS),
        Arguments.of("1.0040s", S + 4 * MS),
        Arguments.of("100.00100s", 100 * S + MS),
        // different units
        Arguments.of("10ns", 10L),
        Arguments.of("11us", 11 * US),
        Arguments.of("12\u00b5s", 12 * US),
        Arguments.of("12\u03bcs", 12 * US),
        Arguments.of("13ms", 13 * MS),
        Arguments.of("14s", 14 * S),
        Arguments.of("15m", 15 * M),
        Arguments.of("16h", 16 * H),
        // composite durations
        Arguments.of("3h30m", 3 * H + 30 * M),
        Arguments.of("10.5s4m", 4 * M + 10 * S + 500 * MS),
        Arguments.of("-2m3.4s", -(2 * M + 3 * S + 400 * MS)),
        Arguments.of("1h2m3s4ms5us6ns", H + 2 * M + 3 * S + 4 * MS + 5 * US + 6),
        Arguments.of("39h9m14.425s", 39 * H + 9 * M + 14 * S + 425 * MS),
        // large value
        Arguments.of("52763797000ns", 52763797000L),
        // more than 9 digits after the point: float64 arithmetic, truncated
        Arguments.of("0.3333333333333333333h", 20 * M),
        Arguments.of("9007199254740993ns", (1L << 53) + 1),
        // the largest int64
        Arguments.of("9223372036854775807ns", Long.MAX_VALUE),
        Arguments.of("9223372036854775.807us", Long.MAX_VALUE),
        Arguments.of("9223372036s854ms775us807ns", Long.MAX_VALUE),
        Arguments.of("-9223372036854775807ns", -Long.MAX_VALUE),
        // a fraction longer than int64 precision
        Arguments.of("0.100000000000000000000h", 6 * M),
        Arguments.of("0.830103483285477580700h", 49 * M + 48 * S + 372539827L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("parsed")
  void parseReadsWhatTimeParseDurationReads(String text, long nanos) {
    assertThat(GoDurations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {
        "",
        "-",
        "s",
        ".",
        "-.",
        ".s",
        "+.s",
        "3000000h",
        "9223372036854775808ns",
        "9223372036854775.808us",
        "9223372036854ms775us808ns",
        "-9223372036854775808ns",
        "1h-5m",
        "99999999999999999999s"
      })
  void parseRefusesWhatTimeParseDurationRefuses(String text) {
    assertThatThrownBy(() -> GoDurations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("time: ")
        .hasMessageEndingWith(" " + text);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"3", "1h30"})
  void aNumberWithoutUnitIsAMissingUnit(String text) {
    assertThatThrownBy(() -> GoDurations.parse(text))
        .hasMessage("time: missing unit in duration " + text);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"3d, d", "1h2x, x", "5sec, sec"})
  void anUnknownUnitIsNamed(String text, String unit) {
    assertThatThrownBy(() -> GoDurations.parse(text))
        .hasMessage("time: unknown unit " + unit + " in duration " + text);
  }

  static Stream<Arguments> formatted() {
    return Stream.of(
        Arguments.of("0s", 0L),
        Arguments.of("1ns", 1L),
        Arguments.of("1.1\u00b5s", 1100L),
        Arguments.of("2.2ms", 2200 * US),
        Arguments.of("3.3s", 3300 * MS),
        Arguments.of("4m5s", 4 * M + 5 * S),
        Arguments.of("4m5.001s", 4 * M + 5001 * MS),
        Arguments.of("5h6m7.001s", 5 * H + 6 * M + 7001 * MS),
        Arguments.of("8m0.000000001s", 8 * M + 1),
        Arguments.of("2562047h47m16.854775807s", Long.MAX_VALUE),
        Arguments.of("-2562047h47m16.854775808s", Long.MIN_VALUE),
        // and a few of our own: whole units, a negative one below a second, an hour and seconds
        Arguments.of("1h0m0s", H),
        Arguments.of("-1.5ms", -1500 * US),
        Arguments.of("999ns", 999L),
        Arguments.of("1\u00b5s", US),
        Arguments.of("999.999999ms", S - 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("formatted")
  void formatWritesWhatDurationStringWrites(String text, long nanos) {
    assertThat(GoDurations.format(Duration.ofNanos(nanos))).isEqualTo(text);
  }
}
