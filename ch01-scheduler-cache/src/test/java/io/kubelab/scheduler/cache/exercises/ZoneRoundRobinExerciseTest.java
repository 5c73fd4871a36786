package io.kubelab.scheduler.cache.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Grades {@link ZoneRoundRobin}: the chapter's examples, then generated zone layouts. */
@Tag("exercise")
class ZoneRoundRobinExerciseTest {

  private static List<String> take(ZoneRoundRobin r, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(r.next());
    }
    return out;
  }

  @Test
  void theChaptersWorkedExample() {
    ZoneRoundRobin r = new ZoneRoundRobin();
    for (String[] zn :
        new String[][] {
          {"a", "a1"}, {"a", "a2"}, {"a", "a3"}, {"b", "b1"}, {"c", "c1"}, {"c", "c2"}
        }) {
      r.add(zn[0], zn[1]);
    }
    assertThat(take(r, 12))
        .containsExactly("a1", "b1", "c1", "a2", "c2", "a3", "a1", "b1", "c1", "a2", "c2", "a3");
  }

  @Test
  void aNodeAddedToAnExhaustedZoneIsHandedOutBeforeTheStartOver() {
    ZoneRoundRobin r = new ZoneRoundRobin();
    for (String n : List.of("a1", "a2", "a3")) {
      r.add("a", n);
    }
    r.add("b", "b1");
    assertThat(take(r, 4)).containsExactly("a1", "b1", "a2", "a3");
    r.add("b", "b2");
    assertThat(take(r, 2)).containsExactly("b2", "a1");
  }

  @Test
  void noZonesGiveTheEmptyName() {
    assertThat(new ZoneRoundRobin().next()).isEmpty();
  }

  /**
   * For any layout, one pass of as many calls as there are nodes hands out every node once, in the
   * order of an independent reference: round r takes the r-th node of each zone that has one.
   */
  @Test
  void everyNodeOncePerPassInRoundRobinOrder() {
    qt().withFixedSeed(11L)
        .withExamples(300)
        .forAll(lists().of(integers().between(0, 4)).ofSizeBetween(1, 30))
        .checkAssert(
            zoneOfEachNode -> {
              ZoneRoundRobin r = new ZoneRoundRobin();
              Map<String, List<String>> zones = new LinkedHashMap<>();
              for (int i = 0; i < zoneOfEachNode.size(); i++) {
                String zone = "z" + zoneOfEachNode.get(i);
                String node = zone + "-n" + i;
                r.add(zone, node);
                zones.computeIfAbsent(zone, k -> new ArrayList<>()).add(node);
              }
              List<String> want = new ArrayList<>();
              int longest = zones.values().stream().mapToInt(List::size).max().orElse(0);
              for (int round = 0; round < longest; round++) {
                for (List<String> nodes : zones.values()) {
                  if (round < nodes.size()) {
                    want.add(nodes.get(round));
                  }
                }
              }
              int n = zoneOfEachNode.size();
              assertThat(take(r, n)).isEqualTo(want);
              assertThat(take(r, n)).as("and again after the start-over").isEqualTo(want);
            });
  }
}
