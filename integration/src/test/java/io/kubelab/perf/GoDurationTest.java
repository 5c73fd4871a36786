package io.kubelab.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's {@code time.ParseDuration}, unit by unit, and the strings it refuses. */
class GoDurationTest {

  @Test
  void eachUnitHasGosScale() {
    assertThat(GoDuration.parse("7ns")).isEqualTo(Duration.ofNanos(7));
    assertThat(GoDuration.parse("7us")).isEqualTo(Duration.ofNanos(7_000));
    assertThat(GoDuration.parse("7µs")).isEqualTo(Duration.ofNanos(7_000));
    assertThat(GoDuration.parse("7ms")).isEqualTo(Duration.ofMillis(7));
    assertThat(GoDuration.parse("7s")).isEqualTo(Duration.ofSeconds(7));
    assertThat(GoDuration.parse("7m")).isEqualTo(Duration.ofMinutes(7));
    assertThat(GoDuration.parse("7h")).isEqualTo(Duration.ofHours(7));
  }

  @Test
  void partsAddUpAndFractionsScaleExactly() {
    assertThat(GoDuration.parse("1h2m3s4ms5us6ns"))
        .isEqualTo(
            Duration.ofHours(1)
                .plusMinutes(2)
                .plusSeconds(3)
                .plusMillis(4)
                .plusNanos(5_000)
                .plusNanos(6));
    assertThat(GoDuration.parse(".5s")).isEqualTo(Duration.ofMillis(500));
    assertThat(GoDuration.parse("0.001ms")).isEqualTo(Duration.ofNanos(1_000));
  }

  @Test
  void anySecondsAndMillisecondsPairAddsUp() {
    qt().withFixedSeed(20_201L)
        .forAll(integers().between(0, 100_000), integers().between(0, 999))
        .checkAssert(
            (s, ms) ->
                assertThat(GoDuration.parse(s + "s" + ms + "ms"))
                    .isEqualTo(Duration.ofMillis(1_000L * s + ms)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "s", "x5s", "5s x", "5sx", "5 s", "5d"})
  void whatGoRefusesIsRefused(String s) {
    assertThatThrownBy(() -> GoDuration.parse(s))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid duration (want e.g. 500ms, 2s, 1m30s)");
  }
}
