package io.kubelab.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** port_range.go: {@code PortRange.Set}, {@code Contains} and {@code String}. */
class PortRangeTest {

  /**
   * Upstream's own table ({@code TestPortRange} in {@code port_range_test.go}): input, whether it
   * parses, its string form, a port it includes and one it excludes (-1: not checked).
   */
  @ParameterizedTest(name = "\"{0}\"")
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "100-200|true|100-200|200|201",
        " 100-200 |true|100-200|200|201",
        "0-0|true|0-0|0|1",
        "|true||-1|0",
        "100|true|100-100|100|101",
        "100 - 200|false||-1|-1",
        "-100|false||-1|-1",
        "100-|false||-1|-1",
        "200-100|false||-1|-1",
        "60000-70000|false||-1|-1",
        "70000-80000|false||-1|-1",
        "70000+80000|false||-1|-1",
        "1+0|true|1-1|1|2",
        "0+0|true|0-0|0|1",
        "1+-1|false||-1|-1",
        "1-+1|false||-1|-1",
        "100+200|true|100-300|300|301",
        "1+65535|false||-1|-1",
        "0+65535|true|0-65535|65535|65536",
      })
  void upstreamTable(String input, boolean success, String expected, int included, int excluded) {
    String value = input == null ? "" : input;
    if (!success) {
      assertThatThrownBy(() -> PortRange.parse(value))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("--proxy-port-range \"" + value + "\": ");
      return;
    }
    PortRange range = PortRange.parse(value);
    assertThat(range).hasToString(expected == null ? "" : expected);
    if (included >= 0) {
      assertThat(range.contains(included)).as("%s includes %d", range, included).isTrue();
    }
    if (excluded >= 0) {
      assertThat(range.contains(excluded)).as("%s excludes %d", range, excluded).isFalse();
    }
  }

  @Test
  void plusNotationIsInclusive() {
    assertThat(PortRange.parse("30000+10")).isEqualTo(new PortRange(30000, 11));
    assertThat(PortRange.parse("30000-30010")).isEqualTo(new PortRange(30000, 11));
    assertThat(PortRange.parse("8080")).isEqualTo(new PortRange(8080, 1));
  }

  @Test
  void errorsCarryUpstreamsText() {
    assertThatThrownBy(() -> PortRange.parse("abc"))
        .hasMessage("--proxy-port-range \"abc\": strconv.Atoi: parsing \"abc\": invalid syntax");
    assertThatThrownBy(() -> PortRange.parse("1+-1"))
        .hasMessage("--proxy-port-range \"1+-1\": unable to parse port range: 1+-1");
    assertThatThrownBy(() -> PortRange.parse("200-100"))
        .hasMessage(
            "--proxy-port-range \"200-100\": end port cannot be less than start port: 200-100");
    assertThatThrownBy(() -> PortRange.parse(" 60000-70000"))
        .hasMessage(
            "--proxy-port-range \" 60000-70000\": the port range cannot be greater than 65535:"
                + " 60000-70000");
    assertThatThrownBy(() -> PortRange.parse("1-99999999999999999999"))
        .hasMessageEndingWith("strconv.Atoi: parsing \"99999999999999999999\": value out of range");
    // Go's Atoi takes ASCII digits only; Java's parseInt would take these Arabic-Indic ones.
    assertThatThrownBy(() -> PortRange.parse("\u0661\u0662"))
        .hasMessageContaining("invalid syntax");
  }

  @Test
  void whiteSpaceIsTrimmedAsGoTrimsIt() {
    assertThat(PortRange.parse("\t8080\n")).isEqualTo(new PortRange(8080, 1));
    // unicode.IsSpace includes the no-break space and U+0085; Java's String.strip() drops neither.
    assertThat(PortRange.parse("\u00A08080\u0085")).isEqualTo(new PortRange(8080, 1));
    assertThat(PortRange.parse("\u30008080\u2028")).isEqualTo(new PortRange(8080, 1));
    assertThat(PortRange.parse(" \t ")).isEqualTo(PortRange.EMPTY);
    assertThat(PortRange.parse(null)).isEqualTo(PortRange.EMPTY);
  }

  @Test
  void aBaseOfZeroMeansTheKernelPicks() {
    // "If (unspecified, 0, or 0-0) then ports will be randomly chosen" (the flag's help text).
    for (String s : new String[] {"", "0", "0-0", "0+0"}) {
      assertThat(PortRange.parse(s).isEmpty()).as(s).isTrue();
    }
    assertThat(PortRange.parse("1").isEmpty()).isFalse();
  }

  @Test
  void constructorRejectsPortsOutsideTheTcpRange() {
    assertThatThrownBy(() -> new PortRange(65000, 1000)).hasMessageContaining("0-65535");
    assertThatThrownBy(() -> new PortRange(-1, 1)).hasMessageContaining("0-65535");
    assertThatThrownBy(() -> new PortRange(1, -1)).hasMessageContaining("0-65535");
    assertThat(new PortRange(65535, 1)).hasToString("65535-65535");
    assertThat(new PortRange(5, 0)).hasToString("");
  }

  /** All three notations agree, and the string form parses back to the same range. */
  @Test
  void notationsAgreeAndRoundTrip() {
    qt().withFixedSeed(9090L)
        .withExamples(300)
        .forAll(integers().between(0, 65535), integers().between(0, 65535))
        .assuming((a, b) -> a <= b)
        .checkAssert(
            (low, high) -> {
              PortRange hyphen = PortRange.parse(low + "-" + high);
              assertThat(PortRange.parse(low + "+" + (high - low))).isEqualTo(hyphen);
              assertThat(hyphen.size()).isEqualTo(high - low + 1);
              assertThat(PortRange.parse(hyphen.toString())).isEqualTo(hyphen);
              assertThat(hyphen.contains(low)).isTrue();
              assertThat(hyphen.contains(high)).isTrue();
              assertThat(hyphen.contains(high + 1)).isFalse();
              assertThat(hyphen.contains(low - 1)).isFalse();
              if (low == high) {
                assertThat(PortRange.parse(Integer.toString(low))).isEqualTo(hyphen);
              }
            });
  }

  @Test
  void aMissingNumberOnEitherSideIsAnAtoiErrorOnTheEmptyString() {
    // The text before a leading '-' or '+' is the empty low end, so no sign ever reaches Atoi.
    for (String s : new String[] {"-100", "+100", "100-", "100+"}) {
      assertThatThrownBy(() -> PortRange.parse(s))
          .as(s)
          .hasMessage(
              "--proxy-port-range \"" + s + "\": strconv.Atoi: parsing \"\": invalid syntax");
    }
  }

  @Test
  void theLimitIsCheckedBeforeTheOrder() {
    assertThatThrownBy(() -> PortRange.parse("70000-100"))
        .hasMessage(
            "--proxy-port-range \"70000-100\": the port range cannot be greater than 65535:"
                + " 70000-100");
    assertThatThrownBy(() -> PortRange.parse("65535+1"))
        .hasMessage(
            "--proxy-port-range \"65535+1\": the port range cannot be greater than 65535:"
                + " 65535+1");
  }
}
