package io.kubelab.apimachinery.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.testing.Generators;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantitiesTest {

  @ParameterizedTest(name = "{0} -> value {1}, milli {2}")
  @CsvSource({
    // the forms the issue names
    "100m, 1, 100",
    "1.5, 2, 1500",
    "1Ki, 1024, 1024000",
    "1Mi, 1048576, 1048576000",
    "1G, 1000000000, 1000000000000",
    "1e3, 1000, 1000000",
    "0.1, 1, 100",
    // rounding up: Value() and MilliValue() never round a request down to nothing
    "0.1m, 1, 1",
    "1n, 1, 1",
    "1500m, 2, 1500",
    "2.0001, 3, 2001",
    "0, 0, 0",
    // a kubectl get nodes -o yaml sample: 12698876Ki of memory
    "12698876Ki, 13003649024, 13003649024000",
    "128974848, 128974848, 128974848000",
    "129e6, 129000000, 129000000000",
    "123Mi, 128974848, 128974848000",
  })
  void valueAndMilliValueMatchKubernetes(String text, long value, long milli) {
    assertThat(Quantities.value(text, "q")).isEqualTo(value);
    assertThat(Quantities.milliValue(text, "q")).isEqualTo(milli);
    assertThat(Quantities.value(new Quantity(text), "q")).isEqualTo(value);
    assertThat(Quantities.milliValue(new Quantity(text), "q")).isEqualTo(milli);
  }

  /**
   * Rows of upstream's TestQuantityParse table (quantity_test.go): the value held after parsing.
   */
  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "5n, 0.000000005",
    "4u, 0.000004",
    "50k, 50000",
    "40T, 40000000000000",
    "1E, 1000000000000000000",
    "1E-3, 0.001",
    "1e9, 1000000000",
    "1E18, 1000000000000000000",
    "100.035k, 100035",
    "0.0005k, 0.5",
    "0.5e-2, 0.005",
    "1.2e3, 1200",
    "1.3E+6, 1300000",
    "7.123456M, 7123456",
    "6.987654321G, 6987654321",
    "1.01E, 1010000000000000000",
    // things that saturate or round: up to the next nano-unit, away from zero
    "3.001n, 0.000000004",
    "1.1E-9, 0.000000002",
    "0.0000000001, 0.000000001",
    "0.00000000050, 0.000000001",
    "0.9n, 0.000000001",
    "0.00000012345, 0.000000124",
    "9Ei, 9223372036854775807",
    "9223372036854775807Ki, 9223372036854775807",
    "12E, 12000000000000000000",
    // fractional binary quantities
    "100.035Ki, 102435.84",
    "0.5Mi, 524288",
    "0.05Gi, 53687091.2",
    // "things written by trolls"
    "0.000000000001Ki, 0.000000002",
    ".001, 0.001",
    ".0001k, 0.1",
    "1., 1",
    "1.G, 1000000000",
  })
  void parseMatchesUpstreamTable(String text, String expected) {
    BigDecimal want = new BigDecimal(expected);
    assertThat(Quantities.parse(text, "q")).isEqualByComparingTo(want);
    assertThat(Quantities.parse("+" + text, "q")).isEqualByComparingTo(want);
    assertThat(Quantities.parse("-" + text, "q")).isEqualByComparingTo(want.negate());
  }

  /** The invalid rows of upstream's TestQuantityParse, and other junk. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.1.M",
        "1+1.0M",
        "0.1mi",
        "0.1am",
        "aoeu",
        ".5i",
        "1i",
        "-3.01i",
        "-3.01e-",
        "1e4294967297",
        "",
        "12 GiB",
        "1Kb",
        "1K",
        "abc",
        "1Mi5",
        "0x10",
        "1,5",
        "--1",
        "1e",
        "∞"
      })
  void junkIsRejectedWithAMessageNamingTheField(String text) {
    assertThatThrownBy(
            () ->
                Quantities.milliValue(
                    text, "Pod default/web-1: spec.containers[0].resources.requests.cpu"))
        .isInstanceOf(Quantities.InvalidQuantityException.class)
        .hasMessage(
            "Pod default/web-1: spec.containers[0].resources.requests.cpu \""
                + text
                + "\" is not a quantity");
  }

  @Test
  void upstreamScannerQuirksAreKept() {
    // parseQuantityString reads a missing numerator as 0, so these parse (as zero) upstream too.
    assertThat(Quantities.value("-", "q")).isZero();
    assertThat(Quantities.value(".", "q")).isZero();
    assertThat(Quantities.value("m", "q")).isZero();
    assertThat(Quantities.value("Ki", "q")).isZero();
    // UnmarshalJSON trims before ParseQuantity; a manifest value may carry spaces.
    assertThat(Quantities.milliValue(" 250m ", "q")).isEqualTo(250);
  }

  @Test
  void negativeValuesRoundAsUpstreamsTwoRepresentationsDo() {
    // int64Amount (the ordinary case) rounds away from zero ...
    assertThat(Quantities.value("-1.5", "q")).isEqualTo(-2);
    assertThat(Quantities.milliValue("-0.1m", "q")).isEqualTo(-1);
    // ... inf.Dec (fractional binary SI) rounds toward positive infinity.
    assertThat(Quantities.value("-1.1Ki", "q")).isEqualTo(-1126);
    assertThat(Quantities.value("1.1Ki", "q")).isEqualTo(1127);
  }

  @Test
  void valuesBeyondLongAreAnErrorNotAWrapAround() {
    assertThatThrownBy(() -> Quantities.value("10E", "Node n1: status.capacity.memory"))
        .isInstanceOf(Quantities.InvalidQuantityException.class)
        .hasMessage("Node n1: status.capacity.memory \"10E\" is out of range");
    assertThatThrownBy(() -> Quantities.milliValue("9223372036854775807", "q"))
        .hasMessageEndingWith("is out of range");
    assertThatThrownBy(() -> Quantities.value("1e2147483647", "q"))
        .hasMessageEndingWith("is out of range");
    assertThat(Quantities.value("1e-2147483647", "q")).isEqualTo(1);
    assertThat(Quantities.value("0e2147483647", "q")).isZero();
  }

  @Test
  void aMissingQuantityIsNamed() {
    assertThatThrownBy(() -> Quantities.value((Quantity) null, "Pod a: spec.overhead.cpu"))
        .hasMessage("Pod a: spec.overhead.cpu is missing");
  }

  @Test
  void fastPathAgreesWithTheExactPathOnEveryGeneratedQuantity() {
    qt().withFixedSeed(7L)
        .withExamples(3000)
        .forAll(Generators.quantityStrings())
        .checkAssert(
            text -> {
              for (int scale : new int[] {0, -3}) {
                Long fast = Quantities.scaledFastForTest(text, scale, "q");
                long slow;
                try {
                  slow = Quantities.scaledSlowForTest(text, scale, "q");
                } catch (Quantities.InvalidQuantityException outOfRange) {
                  assertThat(fast).as(text).isNull();
                  continue;
                }
                if (fast != null) {
                  assertThat(fast).as(text + " at scale " + scale).isEqualTo(slow);
                }
              }
            });
  }

  @Test
  void valueIsTheCeilingOfTheExactValueForNonNegativeQuantities() {
    qt().withFixedSeed(11L)
        .withExamples(2000)
        .forAll(Generators.quantityStrings())
        .assuming(t -> !t.startsWith("-"))
        .checkAssert(
            text -> {
              BigDecimal exact = Quantities.parse(text, "q");
              BigDecimal milli = exact.movePointRight(3).setScale(0, RoundingMode.CEILING);
              if (milli.toBigInteger().bitLength() < 63) {
                assertThat(Quantities.milliValue(text, "q"))
                    .as(text)
                    .isEqualTo(milli.longValueExact());
              }
              BigDecimal whole = exact.setScale(0, RoundingMode.CEILING);
              if (whole.toBigInteger().bitLength() < 63) {
                assertThat(Quantities.value(text, "q")).as(text).isEqualTo(whole.longValueExact());
              }
            });
  }

  // The table of computed values: a fabric8 Quantity's value is looked up by its texts and scale.

  @Test
  void aQuantityReadAgainGivesTheValueItsTextParsesToWhateverWasReadInBetween() {
    // 3000 texts through a 1024-slot table: slots are shared and overwritten, in a seeded order.
    qt().withFixedSeed(13L)
        .withExamples(3000)
        .forAll(Generators.quantityStrings(), Generators.quantityStrings())
        .checkAssert(
            (text, other) -> {
              for (int round = 0; round < 2; round++) {
                for (String t : new String[] {text, other}) {
                  assertSameOutcome(t, () -> Quantities.value(t, "q"), () -> valueOf(t));
                  assertSameOutcome(t, () -> Quantities.milliValue(t, "q"), () -> milliValueOf(t));
                }
              }
            });
  }

  private static long valueOf(String text) {
    return Quantities.value(new Quantity(text), "q");
  }

  private static long milliValueOf(String text) {
    return Quantities.milliValue(new Quantity(text), "q");
  }

  private static void assertSameOutcome(
      String text, java.util.function.LongSupplier expected, java.util.function.LongSupplier got) {
    long want;
    try {
      want = expected.getAsLong();
    } catch (Quantities.InvalidQuantityException e) {
      assertThatThrownBy(got::getAsLong).as(text).hasMessage(e.getMessage());
      return;
    }
    assertThat(got.getAsLong()).as(text).isEqualTo(want);
  }

  @Test
  void twoQuantitiesThatShareASlotEachKeepTheirOwnValue() {
    // Two amounts with the same suffix in one slot: only the amount tells them apart.
    int other = 2;
    while (Quantities.slot(String.valueOf(other), "Mi") != Quantities.slot("1", "Mi")) {
      other++;
    }
    for (int i = 0; i < 3; i++) {
      assertThat(valueOf("1Mi")).isEqualTo(1L << 20);
      assertThat(valueOf(other + "Mi")).as(other + "Mi").isEqualTo((long) other << 20);
    }
  }

  @Test
  void aValueInTheTableIsTakenAsItIsWithoutParsing() {
    // White box: what the table holds for a text at a scale is the answer, unparsed.
    Quantities.storeForTest(Quantities.slot("3", ""), "3", "", 0, 42);
    try {
      assertThat(valueOf("3")).isEqualTo(42);
    } finally {
      Quantities.storeForTest(Quantities.slot("3", ""), "3", "", 0, 3);
    }
  }

  @Test
  void anEntryForAnotherTextOrScaleInTheSlotIsNotTaken() {
    // Another amount with the same suffix, another suffix with the same amount, another scale.
    Quantities.storeForTest(Quantities.slot("5", "k"), "6", "k", 0, 42);
    assertThat(valueOf("5k")).isEqualTo(5000);
    Quantities.storeForTest(Quantities.slot("1", "Gi"), "1", "Mi", 0, 42);
    assertThat(valueOf("1Gi")).isEqualTo(1L << 30);
    Quantities.storeForTest(Quantities.slot("7", ""), "7", "", -3, 42);
    assertThat(valueOf("7")).isEqualTo(7);
    Quantities.storeForTest(Quantities.slot("7", null), "7", "m", 0, 42);
    Quantity noFormat = new Quantity();
    noFormat.setAmount("7");
    assertThat(Quantities.value(noFormat, "q")).isEqualTo(7);
  }

  @Test
  void aClusterWorthOfDistinctQuantitiesIsSpreadOverTheTable() {
    java.util.Set<Integer> slots = new java.util.HashSet<>();
    String[] suffixes = {"", "m", "k", "M", "G", "Ki", "Mi", "Gi"};
    for (int i = 0; i < 64; i++) {
      for (String suffix : suffixes) {
        slots.add(Quantities.slot(String.valueOf(i * 100 + 1), suffix));
      }
    }
    // 512 texts in 1024 slots: uniform hashing leaves about 400 distinct, a weak hash far fewer.
    assertThat(slots).hasSizeGreaterThan(300);
  }

  @Test
  void theSameTextAtAnotherScaleIsAnotherValue() {
    // Both scales of a text share its slot: each read replaces the other's value.
    assertThat(valueOf("2")).isEqualTo(2);
    assertThat(milliValueOf("2")).isEqualTo(2000);
    assertThat(valueOf("2")).isEqualTo(2);
    assertThat(milliValueOf("250m")).isEqualTo(250);
    assertThat(valueOf("250m")).isEqualTo(1);
  }

  @Test
  void aQuantityChangedInPlaceIsReadByItsNewText() {
    Quantity q = new Quantity("500Mi");
    assertThat(Quantities.value(q, "q")).isEqualTo(500L << 20);
    q.setFormat("Gi");
    assertThat(Quantities.value(q, "q")).isEqualTo(500L << 30);
    q.setAmount("2");
    assertThat(Quantities.value(q, "q")).isEqualTo(2L << 30);
    q.setFormat(null);
    assertThat(Quantities.value(q, "q")).isEqualTo(2);
  }

  @Test
  void aBadQuantityIsRejectedEveryTimeNamingTheFieldItWasReadFrom() {
    Quantity bad = new Quantity();
    bad.setAmount("lots");
    for (String what : new String[] {"Pod a/b: spec.overhead.cpu", "Node n: status.capacity.cpu"}) {
      assertThatThrownBy(() -> Quantities.milliValue(bad, what))
          .isInstanceOf(Quantities.InvalidQuantityException.class)
          .hasMessage(what + " \"lots\" is not a quantity");
    }
  }

  @Test
  void anErrorNamedAgainKeepsItsTextAndProblem() {
    Quantities.InvalidQuantityException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            Quantities.InvalidQuantityException.class, () -> Quantities.value("10E", null));
    assertThat(e).hasMessage("quantity \"10E\" is out of range");
    assertThat(e.naming("Node n1: status.allocatable.memory"))
        .hasMessage("Node n1: status.allocatable.memory \"10E\" is out of range");
    Quantities.InvalidQuantityException missing =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            Quantities.InvalidQuantityException.class,
            () -> Quantities.value((Quantity) null, null));
    assertThat(missing.naming("Pod a: spec.overhead.cpu"))
        .hasMessage("Pod a: spec.overhead.cpu is missing");
  }
}
