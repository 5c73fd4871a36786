package io.kubelab.apimachinery.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * The edges of upstream's {@code ParseQuantity}: which quantities it keeps in an {@code
 * int64Amount} (rounded away from zero) and which in an {@code inf.Dec} (rounded toward positive
 * infinity), where values stop fitting a long, and what its scanner refuses.
 */
class QuantityEdgesTest {

  @Test
  void leadingZerosAreStrippedBeforeUpstreamCountsDigits() {
    // 19 characters of numerator, but one digit after the zeros: still an int64Amount.
    assertThat(Quantities.value("-0000000000000000001.5", "q")).isEqualTo(-2);
    assertThat(Quantities.value("0000000000000000000000042", "q")).isEqualTo(42);
  }

  @Test
  void eighteenDigitsAreAnInt64AmountNineteenAreAnInfDec() {
    // 16 + 2 digits: precision 0, the int64 path, away from zero.
    assertThat(Quantities.value("-1234567890123456.78", "q")).isEqualTo(-1234567890123457L);
    // 10 + 9 digits: precision -1, the inf.Dec path, toward positive infinity.
    assertThat(Quantities.value("-1234567890.123456789", "q")).isEqualTo(-1234567890L);
    assertThat(Quantities.value("1234567890.123456789", "q")).isEqualTo(1234567891L);
  }

  @Test
  void aScaleOfMinusNineIsStillAnInt64Amount() {
    assertThat(Quantities.value("-1.000000001", "q")).isEqualTo(-2);
    // One more place and upstream falls back to inf.Dec, rounding toward positive infinity.
    assertThat(Quantities.value("-1.0000000001", "q")).isEqualTo(-1);
  }

  @Test
  void numbersLongerThanALongAreExactButOutOfRangeForValue() {
    assertThat(Quantities.parse("12345678901234567890", "q"))
        .isEqualByComparingTo(new BigDecimal("12345678901234567890"));
    // Only binary-SI values are capped at 2^63-1; a decimal value keeps its size.
    assertThat(Quantities.parse("10E", "q")).isEqualByComparingTo(new BigDecimal("1E19"));
    assertThat(Quantities.parse("12345678901234567890Ki", "q"))
        .isEqualByComparingTo(BigDecimal.valueOf(Long.MAX_VALUE));
    assertThat(Quantities.value("12345678901234567890Ki", "q")).isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(
            () -> Quantities.value("12345678901234567890", "Node n: status.capacity.pods"))
        .isInstanceOf(Quantities.InvalidQuantityException.class)
        .hasMessage("Node n: status.capacity.pods \"12345678901234567890\" is out of range");
    // 19 digits, more than Long.MAX_VALUE but no more digits: the bit count decides.
    assertThatThrownBy(() -> Quantities.value("9999999999999999999", "q"))
        .isInstanceOf(Quantities.InvalidQuantityException.class)
        .hasMessageEndingWith("is out of range");
  }

  @Test
  void scalingByTenToTheNineteenIsOutOfRange() {
    assertThatThrownBy(() -> Quantities.value("1e19", "q"))
        .isInstanceOf(Quantities.InvalidQuantityException.class)
        .hasMessageEndingWith("is out of range");
    assertThatThrownBy(() -> Quantities.milliValue("1e16", "q"))
        .isInstanceOf(Quantities.InvalidQuantityException.class)
        .hasMessageEndingWith("is out of range");
    assertThat(Quantities.milliValue("1e15", "q")).isEqualTo(1_000_000_000_000_000_000L);
    assertThat(Quantities.value("0e19", "q")).isZero();
  }

  @Test
  void zeroStaysZeroHoweverSmallItsScale() {
    // "If you want some resources, you should get some resources" applies to non-zero amounts.
    assertThat(Quantities.parse("0e-20", "q")).isEqualByComparingTo(BigDecimal.ZERO);
    assertThat(Quantities.value("0e-20", "q")).isZero();
    assertThat(Quantities.milliValue("0.000000000000", "q")).isZero();
    assertThat(Quantities.parse("1e-20", "q")).isEqualByComparingTo(new BigDecimal("1E-9"));
  }

  @Test
  void onlyAsciiDigitsAreDigits() {
    // Go's scanner and strconv.ParseInt know '0'..'9' only; Java's Long.parseLong knows more.
    for (String text : new String[] {"1e\u0663", "1e+\u0663", "\u0663", "1.\u0663", "1Ki\u0663"}) {
      assertThatThrownBy(() -> Quantities.value(text, "q"))
          .as(text)
          .isInstanceOf(Quantities.InvalidQuantityException.class)
          .hasMessage("q \"" + text + "\" is not a quantity");
    }
  }

  @Test
  void fabric8QuantitiesAreReadAsAmountAndFormatJoined() {
    assertThat(Quantities.parse(new Quantity("1", "Ki"), "q")).isEqualByComparingTo("1024");
    assertThat(Quantities.value(new Quantity("1", "Ki"), "q")).isEqualTo(1024);
    Quantity amountOnly = new Quantity();
    amountOnly.setAmount("2");
    assertThat(Quantities.value(amountOnly, "q")).isEqualTo(2);
    assertThat(Quantities.milliValue(amountOnly, "q")).isEqualTo(2000);
    assertThatThrownBy(() -> Quantities.value(new Quantity(), "Pod p: spec.overhead.cpu"))
        .isInstanceOf(Quantities.InvalidQuantityException.class)
        .hasMessage("Pod p: spec.overhead.cpu \"\" is not a quantity");
  }

  @Test
  void missingTextAndAMissingNameAreBothWorded() {
    assertThatThrownBy(() -> Quantities.value((String) null, "Pod p: spec.overhead.memory"))
        .isInstanceOf(Quantities.InvalidQuantityException.class)
        .hasMessage("Pod p: spec.overhead.memory is missing");
    assertThatThrownBy(() -> Quantities.parse("abc", null))
        .hasMessage("quantity \"abc\" is not a quantity");
  }
}
