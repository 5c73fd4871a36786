package io.kubelab.kubelet.eviction;

import static io.kubelab.kubelet.eviction.EvictionFixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.kubelet.stats.Summary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Upstream's {@code helpers_test.go} tables for the pass's building blocks:
 * TestMakeSignalObservations, TestThresholdsMet, TestPercentageThresholdsMet,
 * TestThresholdsUpdatedStats and TestCompareThresholdValue, with the duplicate rule of {@code
 * mergeThresholds}.
 */
class EvictionHelpersTest {

  private static final Instant T0 = Instant.parse("2016-01-01T00:00:00Z");
  private static final long GI = 1L << 30;
  private static final long MI = 1L << 20;

  /** A node summary whose every statistic the test may remove. */
  private static final class NodeSummary {
    Long memoryAvailable = GI;
    Long memoryWorkingSet = GI;
    boolean nodeMemory = true;
    boolean podsContainer = true;
    boolean podsMemory = true;
    Long podsAvailable = 512 * MI;
    Long podsWorkingSet = 256 * MI;
    boolean nodeFs = true;
    Long fsAvailable = 1024L;
    Long fsCapacity = 2048L;
    Long fsInodesFree = 1024L;
    Long fsInodes = MI;
    boolean runtime = true;
    boolean imageFs = true;
    Long imageAvailable = MI;
    Long imageCapacity = 2 * MI;
    Long imageInodesFree = 2048L;
    Long imageInodes = MI;
    boolean rlimit = true;
    Long maxPid = 4_194_304L;
    Long runningProcesses = 300L;

    Summary build() {
      List<Summary.ContainerStats> system = new ArrayList<>();
      // Another system container first: only the one named "pods" counts.
      system.add(
          new Summary.ContainerStats("kubelet", new Summary.MemoryStats(T0, 7L, 7L), null, null));
      if (podsContainer) {
        system.add(
            new Summary.ContainerStats(
                "pods",
                podsMemory
                    ? new Summary.MemoryStats(T0.plusSeconds(1), podsAvailable, podsWorkingSet)
                    : null,
                null,
                null));
      }
      return new Summary(
          new Summary.NodeStats(
              "node",
              nodeMemory ? new Summary.MemoryStats(T0, memoryAvailable, memoryWorkingSet) : null,
              nodeFs
                  ? new Summary.FsStats(
                      T0.plusSeconds(2),
                      fsAvailable,
                      fsCapacity,
                      null,
                      fsInodesFree,
                      fsInodes,
                      null)
                  : null,
              runtime
                  ? new Summary.RuntimeStats(
                      imageFs
                          ? new Summary.FsStats(
                              T0.plusSeconds(3),
                              imageAvailable,
                              imageCapacity,
                              null,
                              imageInodesFree,
                              imageInodes,
                              null)
                          : null)
                  : null,
              rlimit ? new Summary.RlimitStats(T0.plusSeconds(4), maxPid, runningProcesses) : null,
              system),
          List.of());
    }
  }

  @Test
  void everySignalIsObservedFromItsStatisticsAsUpstreamsTestMakeSignalObservations() {
    assertThat(SignalObservation.of(new NodeSummary().build()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                // memory: capacity is available + working set
                Signal.MEMORY_AVAILABLE, new SignalObservation(GI, 2 * GI, T0),
                Signal.ALLOCATABLE_MEMORY_AVAILABLE,
                    new SignalObservation(512 * MI, 768 * MI, T0.plusSeconds(1)),
                Signal.NODE_FS_AVAILABLE, new SignalObservation(1024, 2048, T0.plusSeconds(2)),
                Signal.NODE_FS_INODES_FREE, new SignalObservation(1024, MI, T0.plusSeconds(2)),
                Signal.IMAGE_FS_AVAILABLE, new SignalObservation(MI, 2 * MI, T0.plusSeconds(3)),
                Signal.IMAGE_FS_INODES_FREE, new SignalObservation(2048, MI, T0.plusSeconds(3)),
                // PIDs: available is the maximum less the running processes
                Signal.PID_AVAILABLE,
                    new SignalObservation(4_194_304 - 300, 4_194_304, T0.plusSeconds(4))));
  }

  static Stream<Arguments> missingStatistics() {
    return Stream.of(
        missing("no node memory", s -> s.nodeMemory = false, Signal.MEMORY_AVAILABLE),
        missing("no available memory", s -> s.memoryAvailable = null, Signal.MEMORY_AVAILABLE),
        missing("no working set", s -> s.memoryWorkingSet = null, Signal.MEMORY_AVAILABLE),
        missing(
            "no \"pods\" system container",
            s -> s.podsContainer = false,
            Signal.ALLOCATABLE_MEMORY_AVAILABLE),
        missing(
            "no memory for \"pods\"",
            s -> s.podsMemory = false,
            Signal.ALLOCATABLE_MEMORY_AVAILABLE),
        missing(
            "no available memory for \"pods\"",
            s -> s.podsAvailable = null,
            Signal.ALLOCATABLE_MEMORY_AVAILABLE),
        missing(
            "no working set for \"pods\"",
            s -> s.podsWorkingSet = null,
            Signal.ALLOCATABLE_MEMORY_AVAILABLE),
        missing(
            "no node filesystem",
            s -> s.nodeFs = false,
            Signal.NODE_FS_AVAILABLE,
            Signal.NODE_FS_INODES_FREE),
        missing("no nodefs available bytes", s -> s.fsAvailable = null, Signal.NODE_FS_AVAILABLE),
        missing("no nodefs capacity", s -> s.fsCapacity = null, Signal.NODE_FS_AVAILABLE),
        missing("no nodefs free inodes", s -> s.fsInodesFree = null, Signal.NODE_FS_INODES_FREE),
        missing("no nodefs inodes", s -> s.fsInodes = null, Signal.NODE_FS_INODES_FREE),
        missing(
            "no runtime",
            s -> s.runtime = false,
            Signal.IMAGE_FS_AVAILABLE,
            Signal.IMAGE_FS_INODES_FREE),
        missing(
            "no image filesystem",
            s -> s.imageFs = false,
            Signal.IMAGE_FS_AVAILABLE,
            Signal.IMAGE_FS_INODES_FREE),
        // Image filesystem inodes are read only when its bytes are known.
        missing(
            "no imagefs available bytes",
            s -> s.imageAvailable = null,
            Signal.IMAGE_FS_AVAILABLE,
            Signal.IMAGE_FS_INODES_FREE),
        missing(
            "no imagefs capacity",
            s -> s.imageCapacity = null,
            Signal.IMAGE_FS_AVAILABLE,
            Signal.IMAGE_FS_INODES_FREE),
        missing(
            "no imagefs free inodes", s -> s.imageInodesFree = null, Signal.IMAGE_FS_INODES_FREE),
        missing("no imagefs inodes", s -> s.imageInodes = null, Signal.IMAGE_FS_INODES_FREE),
        missing("no rlimit", s -> s.rlimit = false, Signal.PID_AVAILABLE),
        missing("no maximum PID", s -> s.maxPid = null, Signal.PID_AVAILABLE),
        missing("no running processes", s -> s.runningProcesses = null, Signal.PID_AVAILABLE));
  }

  private static Arguments missing(String what, Consumer<NodeSummary> change, Signal... gone) {
    return Arguments.of(what, change, EnumSet.copyOf(List.of(gone)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("missingStatistics")
  void aSignalWithoutItsStatisticsIsNotObserved(
      String what, Consumer<NodeSummary> change, Set<Signal> gone) {
    NodeSummary s = new NodeSummary();
    change.accept(s);
    Set<Signal> expected = EnumSet.complementOf(EnumSet.copyOf(gone));
    assertThat(SignalObservation.of(s.build()).keySet())
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  // ---- thresholdsMet ---------------------------------------------------------------------------

  private static final Threshold HARD_MEMORY =
      new Threshold(
          Signal.MEMORY_AVAILABLE,
          Signal.OP_LESS_THAN,
          ThresholdValue.quantity(GI, "1Gi"),
          Duration.ZERO,
          ThresholdValue.quantity(500 * MI, "500Mi"));

  private static SignalObservation available(long bytes) {
    return new SignalObservation(bytes, 0, null);
  }

  @Test
  void thresholdsMetAsUpstreamsTestThresholdsMet() {
    assertThat(EvictionManager.thresholdsMet(List.of(), Map.of(), false)).isEmpty();
    Map<Signal, SignalObservation> low = Map.of(Signal.MEMORY_AVAILABLE, available(500 * MI));
    assertThat(EvictionManager.thresholdsMet(List.of(HARD_MEMORY), low, false))
        .containsExactly(HARD_MEMORY);
    Map<Signal, SignalObservation> plenty = Map.of(Signal.MEMORY_AVAILABLE, available(2 * GI));
    assertThat(EvictionManager.thresholdsMet(List.of(HARD_MEMORY), plenty, false)).isEmpty();
    // 1.05Gi is above the threshold, but below threshold + minimum reclaim (1.5Gi).
    Map<Signal, SignalObservation> between =
        Map.of(Signal.MEMORY_AVAILABLE, available(bytes("1.05Gi")));
    assertThat(EvictionManager.thresholdsMet(List.of(HARD_MEMORY), between, true))
        .containsExactly(HARD_MEMORY);
    assertThat(EvictionManager.thresholdsMet(List.of(HARD_MEMORY), between, false)).isEmpty();
    assertThat(EvictionManager.thresholdsMet(List.of(HARD_MEMORY), plenty, true)).isEmpty();
    // "LessThan": exactly the threshold available is not pressure.
    Map<Signal, SignalObservation> exactly = Map.of(Signal.MEMORY_AVAILABLE, available(GI));
    assertThat(EvictionManager.thresholdsMet(List.of(HARD_MEMORY), exactly, false)).isEmpty();
    assertThat(
            EvictionManager.thresholdsMet(
                List.of(HARD_MEMORY), Map.of(Signal.MEMORY_AVAILABLE, available(GI - 1)), false))
        .containsExactly(HARD_MEMORY);
  }

  private static final Threshold MEMORY_20_PERCENT =
      new Threshold(
          Signal.MEMORY_AVAILABLE,
          Signal.OP_LESS_THAN,
          ThresholdValue.percentage(0.2f),
          Duration.ZERO,
          ThresholdValue.percentage(0.05f));

  private static final Threshold NODEFS_30_PERCENT =
      new Threshold(
          Signal.NODE_FS_AVAILABLE,
          Signal.OP_LESS_THAN,
          ThresholdValue.percentage(0.3f),
          Duration.ZERO,
          null);

  static Stream<Arguments> percentageThresholds() {
    List<Threshold> both = List.of(MEMORY_20_PERCENT, NODEFS_30_PERCENT);
    return Stream.of(
        Arguments.of("BothMet", false, "100Mi", "100Gi", both),
        Arguments.of("NoneMet", false, "300Mi", "400Gi", List.of()),
        Arguments.of("DiskMet", false, "300Mi", "100Gi", List.of(NODEFS_30_PERCENT)),
        Arguments.of("MemoryMet", false, "100Mi", "400Gi", List.of(MEMORY_20_PERCENT)),
        // No nodefs observation: that threshold is skipped, not met.
        Arguments.of("MemoryMetWithMinReclaim", true, "225Mi", null, List.of(MEMORY_20_PERCENT)),
        Arguments.of("MemoryNotMetWithMinReclaim", true, "300Mi", null, List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("percentageThresholds")
  void percentagesAreOfTheObservedCapacityAsUpstreamsTestPercentageThresholdsMet(
      String name,
      boolean enforceMinReclaim,
      String memoryAvailable,
      String nodeFsAvailable,
      List<Threshold> met) {
    Map<Signal, SignalObservation> observations = new java.util.EnumMap<>(Signal.class);
    observations.put(
        Signal.MEMORY_AVAILABLE,
        new SignalObservation(bytes(memoryAvailable), bytes("1000Mi"), null));
    if (nodeFsAvailable != null) {
      observations.put(
          Signal.NODE_FS_AVAILABLE,
          new SignalObservation(bytes(nodeFsAvailable), bytes("1000Gi"), null));
    }
    assertThat(
            EvictionManager.thresholdsMet(
                List.of(MEMORY_20_PERCENT, NODEFS_30_PERCENT), observations, enforceMinReclaim))
        .containsExactlyElementsOf(met);
  }

  @Test
  void aPercentageIsTruncatedToWholeBytesOfTheCapacity() {
    // GetThresholdQuantity: int64(float64(capacity) * float64(percentage)).
    assertThat(ThresholdValue.percentage(0.5f).thresholdQuantity(1001)).isEqualTo(500);
    assertThat(ThresholdValue.percentage(0.1f).thresholdQuantity(1000))
        .as("float32 0.1 is a little above a tenth")
        .isEqualTo(100);
    assertThat(ThresholdValue.quantity(123, "123").thresholdQuantity(1000)).isEqualTo(123);
  }

  // ---- thresholdsUpdatedStats ------------------------------------------------------------------

  private static final Threshold UPDATED =
      new Threshold(
          Signal.MEMORY_AVAILABLE,
          Signal.OP_LESS_THAN,
          ThresholdValue.quantity(1, "1"),
          Duration.ZERO,
          null);

  private static Map<Signal, SignalObservation> at(Instant time) {
    return Map.of(Signal.MEMORY_AVAILABLE, new SignalObservation(0, 0, time));
  }

  static Stream<Arguments> updatedStats() {
    Instant midnight = T0;
    Instant minuteLater = T0.plusSeconds(60);
    return Stream.of(
        Arguments.of("empty", List.of(), Map.of(), Map.of(), false),
        Arguments.of("no-time", List.of(UPDATED), at(null), Map.of(), true),
        Arguments.of("no-time-but-a-last-one", List.of(UPDATED), at(null), at(midnight), true),
        Arguments.of("no-last-observation", List.of(UPDATED), at(midnight), Map.of(), true),
        Arguments.of("last-without-time", List.of(UPDATED), at(midnight), at(null), true),
        Arguments.of("time-machine", List.of(UPDATED), at(midnight), at(minuteLater), false),
        Arguments.of("same-observation", List.of(UPDATED), at(midnight), at(midnight), false),
        Arguments.of("new-observation", List.of(UPDATED), at(minuteLater), at(midnight), true),
        Arguments.of("no-observation-now", List.of(UPDATED), Map.of(), at(midnight), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("updatedStats")
  void onlyThresholdsWithNewStatisticsCountAsUpstreamsTestThresholdsUpdatedStats(
      String name,
      List<Threshold> thresholds,
      Map<Signal, SignalObservation> observations,
      Map<Signal, SignalObservation> last,
      boolean kept) {
    assertThat(EvictionManager.thresholdsUpdatedStats(thresholds, observations, last))
        .isEqualTo(kept ? List.of(UPDATED) : List.of());
  }

  // ---- compareThresholdValue, hasThreshold, mergeThresholds ------------------------------------

  static Stream<Arguments> thresholdValues() {
    return Stream.of(
        Arguments.of(
            ThresholdValue.quantity(123, "123"), ThresholdValue.quantity(123, "123"), true),
        Arguments.of(
            ThresholdValue.quantity(123, "123"), ThresholdValue.quantity(456, "456"), false),
        Arguments.of(ThresholdValue.quantity(123, "123"), ThresholdValue.percentage(0.1f), false),
        Arguments.of(ThresholdValue.percentage(0.1f), ThresholdValue.percentage(0.1f), true),
        Arguments.of(ThresholdValue.percentage(0.2f), ThresholdValue.percentage(0.1f), false),
        Arguments.of(ThresholdValue.percentage(0f), ThresholdValue.quantity(0, "0"), false),
        // Quantities compare by value, not by how they were written.
        Arguments.of(
            ThresholdValue.quantity(1024, "1Ki"), ThresholdValue.quantity(1024, "1024"), true));
  }

  @ParameterizedTest(name = "{0} vs {1}")
  @MethodSource("thresholdValues")
  void thresholdValuesCompareAsUpstreamsTestCompareThresholdValue(
      ThresholdValue a, ThresholdValue b, boolean equal) {
    assertThat(a.sameAs(b)).isEqualTo(equal);
    assertThat(b.sameAs(a)).isEqualTo(equal);
  }

  @Test
  void thresholdsAreTheSameByGracePeriodOperatorSignalAndValueButNotMinimumReclaim() {
    Threshold t = HARD_MEMORY;
    assertThat(t.sameAs(t.withMinReclaim(null))).isTrue();
    assertThat(t.sameAs(t.withGracePeriod(Duration.ofMinutes(1)))).isFalse();
    assertThat(t.sameAs(new Threshold(t.signal(), "", t.value(), t.gracePeriod(), null))).isFalse();
    assertThat(
            t.sameAs(
                new Threshold(
                    Signal.ALLOCATABLE_MEMORY_AVAILABLE,
                    t.operator(),
                    t.value(),
                    t.gracePeriod(),
                    null)))
        .isFalse();
    assertThat(
            t.sameAs(
                new Threshold(
                    t.signal(),
                    t.operator(),
                    ThresholdValue.quantity(2 * GI, "2Gi"),
                    t.gracePeriod(),
                    null)))
        .isFalse();
  }

  @Test
  void mergeKeepsTheFirstListAndAddsTheThresholdsItLacks() {
    Threshold soft = HARD_MEMORY.withGracePeriod(Duration.ofMinutes(2));
    Threshold sameWithoutReclaim = HARD_MEMORY.withMinReclaim(null);
    assertThat(
            EvictionManager.mergeThresholds(
                List.of(HARD_MEMORY), List.of(sameWithoutReclaim, soft, NODEFS_30_PERCENT)))
        .containsExactly(HARD_MEMORY, soft, NODEFS_30_PERCENT);
    assertThat(EvictionManager.mergeThresholds(List.of(), List.of(soft, soft)))
        .as("B's duplicates collapse too, as upstream appends to the list it searches")
        .containsExactly(soft);
  }

  @Test
  void aThresholdNeedsASignalAValueAndAGracePeriod() {
    ThresholdValue v = ThresholdValue.quantity(1, "1");
    assertThatThrownBy(() -> new Threshold(null, "LessThan", v, Duration.ZERO, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new Threshold(Signal.MEMORY_AVAILABLE, "LessThan", null, Duration.ZERO, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Threshold(Signal.MEMORY_AVAILABLE, "LessThan", v, null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static Stream<Arguments> quantityStrings() {
    return Stream.of(
        // resource.NewQuantity(v, BinarySI).String(): below 1Ki in magnitude, decimal SI.
        Arguments.of(0L, "0", "0"),
        Arguments.of(1000L, "1k", "1k"),
        Arguments.of(-1000L, "-1k", "-1k"),
        Arguments.of(1023L, "1023", "1023"),
        Arguments.of(1024L, "1Ki", "1024"),
        Arguments.of(-1024L, "-1Ki", "-1024"),
        Arguments.of(1536L, "1536", "1536"),
        Arguments.of(2000L, "2000", "2k"),
        Arguments.of(1L << 20, "1Mi", "1048576"),
        Arguments.of(1_000_000_000L, "1000000000", "1G"),
        Arguments.of(1L << 60, "1Ei", "1152921504606846976"),
        // Binary divides out 1024 as often as it goes: 10^18 is 2^18 * 5^18.
        Arguments.of(1_000_000_000_000_000_000L, "976562500000000Ki", "1E"),
        Arguments.of(3_000_000_000_000_000_000L, "2929687500000000Ki", "3E"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("quantityStrings")
  void quantitiesPrintAsGosQuantityString(long value, String binarySi, String decimalSi) {
    assertThat(QuantityText.binarySi(value)).isEqualTo(binarySi);
    assertThat(QuantityText.decimalSi(value)).isEqualTo(decimalSi);
  }
}
