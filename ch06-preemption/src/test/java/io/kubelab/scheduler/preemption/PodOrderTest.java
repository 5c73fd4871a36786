package io.kubelab.scheduler.preemption;

import static io.kubelab.scheduler.preemption.Upstream.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.Victims;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code MoreImportantPod}, {@code GetPodStartTime} and {@code GetEarliestPodStartTime}. */
class PodOrderTest {

  static final Instant NOW = Instant.parse("2020-06-01T00:00:00Z");

  @Test
  void higherPriorityFirstThenTheLongerRunning() {
    List<Pod> pods =
        new ArrayList<>(
            List.of(
                pod("young-low", LOW, Size.NONE, "n", jan(9)),
                pod("old-low", LOW, Size.NONE, "n", jan(1)),
                pod("unstarted-high", HIGH, Size.NONE, "n"),
                pod("old-high", HIGH, Size.NONE, "n", jan(2))));
    PodOrder.sortMoreImportantFirst(pods, NOW);
    assertThat(pods.stream().map(p -> p.getMetadata().getName()))
        .containsExactly("old-high", "unstarted-high", "old-low", "young-low");
  }

  @Test
  void startTimesAreRfc3339WithAnyOffset() {
    Pod p = pod("p", LOW, Size.NONE, "n", "2019-01-01T02:01:01+01:00");
    assertThat(PodOrder.startTime(p, NOW)).isEqualTo(Instant.parse("2019-01-01T01:01:01Z"));
    assertThat(PodOrder.startTime(pod("q", LOW, Size.NONE, "n", ""), NOW)).isEqualTo(NOW);
  }

  @Test
  void aMalformedStartTimeNamesThePodAndField() {
    Pod p = pod("p", LOW, Size.NONE, "n", "yesterday");
    assertThatThrownBy(() -> PodOrder.startTime(p, NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Pod default/p: status.startTime \"yesterday\" is not an RFC 3339 time");
  }

  @Test
  void earliestStartCountsOnlyTheHighestPriorityVictims() {
    Victims v =
        new Victims(
            List.of(
                pod("a", MID, Size.NONE, "n", jan(5)),
                pod("b", LOW, Size.NONE, "n", jan(1)),
                pod("c", HIGH, Size.NONE, "n", jan(7)),
                pod("d", HIGH, Size.NONE, "n", jan(6)),
                pod("e", HIGH, Size.NONE, "n", jan(8))),
            0);
    assertThat(PodOrder.earliestPodStartTime(v, NOW)).isEqualTo(Instant.parse(jan(6)));
    assertThat(PodOrder.earliestPodStartTime(Victims.NONE, NOW)).isNull();
  }
}
