package io.kubelab.scheduler.priorities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ResourceToWeightMap}: the resources a resource-based priority reads, in name order. */
class ResourceToWeightMapTest {

  private static final ResourceToWeightMap THREE =
      ResourceToWeightMap.of(Map.of("memory", 2L, "cpu", 1L, "example.com/gpu", 3L));

  @Test
  void entriesAreIndexedInNameOrder() {
    assertThat(THREE.size()).isEqualTo(3);
    assertThat(THREE.name(0)).isEqualTo("cpu");
    assertThat(THREE.name(1)).isEqualTo("example.com/gpu");
    assertThat(THREE.name(2)).isEqualTo("memory");
    assertThat(THREE.weight(2)).isEqualTo(2L);
  }

  @Test
  void printsLikeGoPrintsTheMap() {
    // fmt prints a Go map with its keys sorted: map[cpu:1 memory:1].
    assertThat(ResourceToWeightMap.DEFAULT_REQUESTED_RATIO_RESOURCES)
        .hasToString("map[cpu:1 memory:1]");
    assertThat(THREE).hasToString("map[cpu:1 example.com/gpu:3 memory:2]");
    assertThat(ResourceToWeightMap.of(Map.of())).hasToString("map[]");
  }

  @Test
  void equalityIsByNamesAndWeights() {
    assertThat(ResourceToWeightMap.of(Map.of("cpu", 1L, "memory", 1L)))
        .isEqualTo(ResourceToWeightMap.DEFAULT_REQUESTED_RATIO_RESOURCES)
        .hasSameHashCodeAs(ResourceToWeightMap.DEFAULT_REQUESTED_RATIO_RESOURCES);
    assertThat(ResourceToWeightMap.of(Map.of("cpu", 2L, "memory", 1L)))
        .isNotEqualTo(ResourceToWeightMap.DEFAULT_REQUESTED_RATIO_RESOURCES);
    assertThat(ResourceToWeightMap.of(Map.of("cpu", 1L)))
        .isNotEqualTo(ResourceToWeightMap.DEFAULT_REQUESTED_RATIO_RESOURCES);
    assertThat((Object) ResourceToWeightMap.DEFAULT_REQUESTED_RATIO_RESOURCES)
        .isNotEqualTo(Map.of("cpu", 1L, "memory", 1L));
  }

  @Test
  void aNullNameOrWeightIsRejected() {
    Map<String, Long> nullWeight = new HashMap<>();
    nullWeight.put("cpu", null);
    assertThatThrownBy(() -> ResourceToWeightMap.of(nullWeight))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("resource weights must not contain null");
    Map<String, Long> nullName = new HashMap<>();
    nullName.put(null, 1L);
    assertThatThrownBy(() -> ResourceToWeightMap.of(nullName))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("resource weights must not contain null");
  }
}
