package io.kubelab.scheduler.framework;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link GoDurations} prints what Go's {@code time.Duration.String()} prints; Go's own cases. */
class GoDurationsTest {

  private static String format(long nanos) {
    return GoDurations.format(Duration.ofNanos(nanos));
  }

  @Test
  void zeroIsZeroSeconds() {
    assertThat(GoDurations.format(Duration.ZERO)).isEqualTo("0s");
  }

  @Test
  void underASecondTheLargestUnitWithAWholePartIsUsed() {
    assertThat(format(1)).isEqualTo("1ns");
    assertThat(format(999)).isEqualTo("999ns");
    assertThat(format(1_000)).isEqualTo("1µs");
    assertThat(format(1_100)).isEqualTo("1.1µs");
    assertThat(format(999_999)).isEqualTo("999.999µs");
    assertThat(format(1_000_000)).isEqualTo("1ms");
    assertThat(format(2_200_000)).isEqualTo("2.2ms");
    assertThat(format(999_999_999)).isEqualTo("999.999999ms");
  }

  @Test
  void fromASecondOnHoursMinutesAndSecondsAreWritten() {
    assertThat(format(1_000_000_000)).isEqualTo("1s");
    assertThat(GoDurations.format(Duration.ofMillis(3300))).isEqualTo("3.3s");
    assertThat(GoDurations.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(GoDurations.format(Duration.ofSeconds(59))).isEqualTo("59s");
    assertThat(GoDurations.format(Duration.ofMinutes(4).plusSeconds(5))).isEqualTo("4m5s");
    assertThat(GoDurations.format(Duration.ofMinutes(4).plusMillis(5001))).isEqualTo("4m5.001s");
    assertThat(GoDurations.format(Duration.ofMinutes(15))).isEqualTo("15m0s");
    assertThat(GoDurations.format(Duration.ofHours(1))).isEqualTo("1h0m0s");
    assertThat(GoDurations.format(Duration.ofHours(5).plusMinutes(6).plusMillis(7001)))
        .isEqualTo("5h6m7.001s");
    assertThat(GoDurations.format(Duration.ofMinutes(8).plusNanos(1))).isEqualTo("8m0.000000001s");
  }

  @Test
  void negativeDurationsHaveAMinus() {
    assertThat(format(-1)).isEqualTo("-1ns");
    assertThat(GoDurations.format(Duration.ofMillis(-1500))).isEqualTo("-1.5s");
    assertThat(GoDurations.format(Duration.ofMinutes(-2))).isEqualTo("-2m0s");
  }

  @Test
  void theExtremesPrintAsGoPrintsThem() {
    assertThat(format(Long.MAX_VALUE)).isEqualTo("2562047h47m16.854775807s");
    assertThat(format(Long.MIN_VALUE)).isEqualTo("-2562047h47m16.854775808s");
  }
}
