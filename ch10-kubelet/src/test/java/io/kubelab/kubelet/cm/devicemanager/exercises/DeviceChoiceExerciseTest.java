package io.kubelab.kubelet.cm.devicemanager.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Grades {@link DeviceChoice#choose}: a worked table, then properties over generated pools. */
@Tag("exercise")
class DeviceChoiceExerciseTest {

  private static final String GPU = "kubelab.io/fake-gpu";

  @Test
  void theChaptersWorkedExample() {
    Set<String> healthy = Set.of("gpu-0", "gpu-1", "gpu-2");
    // init-0 asks for 2 with nothing to reuse: the two lowest free IDs.
    assertThat(DeviceChoice.choose(GPU, 2, healthy, Set.of(), Set.of()))
        .containsExactlyInAnyOrder("gpu-0", "gpu-1");
    // app-0 asks for 2 and reuses init-0's two, though they are allocated.
    assertThat(
            DeviceChoice.choose(
                GPU, 2, healthy, Set.of("gpu-0", "gpu-1"), Set.of("gpu-0", "gpu-1")))
        .containsExactlyInAnyOrder("gpu-0", "gpu-1");
    // app-1 asks for 1 with the pool empty: the one device left.
    assertThat(DeviceChoice.choose(GPU, 1, healthy, Set.of("gpu-0", "gpu-1"), Set.of()))
        .containsExactly("gpu-2");
    // Another pod asks for 1: none left.
    assertThatThrownBy(
            () -> DeviceChoice.choose(GPU, 1, healthy, Set.of("gpu-0", "gpu-1", "gpu-2"), Set.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "requested number of devices unavailable for kubelab.io/fake-gpu. Requested: 1,"
                + " Available: 0");
  }

  @Test
  void reusedDevicesComeFirstAndNothingHeldIsTakenTwice() {
    qt().withFixedSeed(10L)
        .withExamples(2000)
        .forAll(
            integers().between(0, 255),
            integers().between(0, 255),
            integers().between(0, 255),
            integers().between(0, 8))
        .checkAssert(
            (healthyBits, allocatedBits, reuseBits, required) -> {
              Set<String> healthy = ids(healthyBits);
              Set<String> allocated = ids(allocatedBits);
              Set<String> reusable = ids(reuseBits & allocatedBits); // a pool is held devices
              Set<String> free = new TreeSet<>(healthy);
              free.removeAll(allocated);
              int fromPool = Math.min(required, reusable.size());
              int stillNeeded = required - fromPool;
              if (stillNeeded > 0 && free.size() < stillNeeded) {
                assertThatThrownBy(
                        () -> DeviceChoice.choose(GPU, required, healthy, allocated, reusable))
                    .hasMessage(
                        "requested number of devices unavailable for "
                            + GPU
                            + ". Requested: "
                            + stillNeeded
                            + ", Available: "
                            + free.size());
                return;
              }
              Set<String> got = DeviceChoice.choose(GPU, required, healthy, allocated, reusable);
              assertThat(got).hasSize(required);
              Set<String> reused = new HashSet<>(got);
              reused.retainAll(reusable);
              assertThat(reused).hasSize(fromPool);
              Set<String> fresh = new HashSet<>(got);
              fresh.removeAll(reusable);
              assertThat(free).containsAll(fresh);
            });
  }

  private static Set<String> ids(int bits) {
    Set<String> s = new TreeSet<>();
    for (int i = 0; i < 8; i++) {
      if ((bits & (1 << i)) != 0) {
        s.add("gpu-" + i);
      }
    }
    return s;
  }
}
