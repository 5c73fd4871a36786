package io.kubelab.proxy.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Grades {@link StickyRoundRobin}. Every expected pick below was worked out by hand from the rules
 * in its Javadoc; the property counts picks and shares no code with any load balancer.
 */
@Tag("exercise")
class StickyRoundRobinExerciseTest {

  static final List<String> ABC = List.of("a:80", "b:80", "c:80");

  /** Seconds to milliseconds, so the tables read in seconds. */
  static long s(double seconds) {
    return Math.round(seconds * 1000);
  }

  @Test
  void withoutAffinityEveryPickTakesTheNextEndpointAndWraps() {
    StickyRoundRobin lb = new StickyRoundRobin(ABC, false, 0);
    List<String> picks = new ArrayList<>();
    for (String client : List.of("x", "x", "y", "x", "z", "y", "x")) {
      picks.add(lb.next(client, 0, false));
    }
    assertThat(picks).containsExactly("a:80", "b:80", "c:80", "a:80", "b:80", "c:80", "a:80");
    assertThat(lb.stickyClients()).isEmpty();
  }

  @Test
  void aClientSticksWhileItsWholeIdleSecondsAreBelowTheTtl() {
    StickyRoundRobin lb = new StickyRoundRobin(ABC, true, 10);
    assertThat(lb.next("x", s(0), false)).isEqualTo("a:80");
    assertThat(lb.next("y", s(1), false)).isEqualTo("b:80");
    assertThat(lb.next("x", s(9.999), false))
        .as("9.999 s idle is 9 whole seconds")
        .isEqualTo("a:80");
    assertThat(lb.next("x", s(19.998), false))
        .as("idle counts from the last use")
        .isEqualTo("a:80");
    assertThat(lb.next("x", s(29.998), false))
        .as("10 s idle: the record has expired")
        .isEqualTo("c:80");
    assertThat(lb.next("x", s(30), false)).as("re-stuck to its new endpoint").isEqualTo("c:80");
    assertThat(lb.next("y", s(30), false)).as("y idle 29 s").isEqualTo("a:80");
  }

  @Test
  void aZeroTtlMeansThreeHours() {
    StickyRoundRobin lb = new StickyRoundRobin(ABC, true, 0);
    assertThat(lb.next("x", s(0), false)).isEqualTo("a:80");
    assertThat(lb.next("x", s(10799.9), false)).isEqualTo("a:80");
    assertThat(lb.next("x", s(10799.9 + 10800), false)).isEqualTo("b:80");
  }

  @Test
  void aResetSkipsTheRecordAndOverwritesIt() {
    StickyRoundRobin lb = new StickyRoundRobin(ABC, true, 60);
    assertThat(lb.next("x", s(0), false)).isEqualTo("a:80");
    assertThat(lb.next("x", s(1), true)).isEqualTo("b:80");
    assertThat(lb.next("x", s(2), false)).isEqualTo("b:80");
    assertThat(lb.next("y", s(3), false)).isEqualTo("c:80");
  }

  @Test
  void theSameSetInAnotherOrderChangesNothing() {
    StickyRoundRobin lb = new StickyRoundRobin(ABC, false, 0);
    lb.next("x", 0, false);
    lb.update(List.of("c:80", "a:80", "b:80"));
    assertThat(lb.next("x", 0, false)).as("order and index kept").isEqualTo("b:80");
  }

  @Test
  void aNewSetRestartsTheIndexAndForgetsOnlyClientsOfEndpointsThatLeft() {
    StickyRoundRobin lb = new StickyRoundRobin(ABC, true, 60);
    assertThat(lb.next("x", s(0), false)).isEqualTo("a:80");
    assertThat(lb.next("y", s(0), false)).isEqualTo("b:80");
    assertThat(lb.next("z", s(0), false)).isEqualTo("c:80");
    lb.update(List.of("d:80", "c:80", "a:80"));
    assertThat(lb.stickyClients()).containsExactlyInAnyOrder("x", "z");
    assertThat(lb.next("y", s(1), false)).as("index 0 of the new list").isEqualTo("d:80");
    assertThat(lb.next("x", s(1), false)).isEqualTo("a:80");
    assertThat(lb.next("w", s(1), false)).isEqualTo("c:80");
  }

  @Test
  void clientsOfEachEndpointThatLeavesAreForgotten() {
    StickyRoundRobin lb = new StickyRoundRobin(List.of("a:80", "b:80"), true, 60);
    assertThat(lb.next("x", s(0), false)).isEqualTo("a:80");
    assertThat(lb.next("y", s(0), false)).isEqualTo("b:80");
    lb.update(List.of("b:80", "c:80"));
    assertThat(lb.stickyClients()).containsExactlyInAnyOrder("y");
    assertThat(lb.next("z", s(0), false)).isEqualTo("b:80");
    lb.update(List.of("c:80"));
    // b left the current list: y and z, stuck to it, are forgotten.
    assertThat(lb.stickyClients()).isEmpty();
  }

  @Test
  void cleanupForgetsClientsIdleForTheTtlOrLonger() {
    StickyRoundRobin lb = new StickyRoundRobin(ABC, true, 10);
    lb.next("x", s(0), false);
    lb.next("y", s(0.5), false);
    lb.cleanup(s(10.4));
    assertThat(lb.stickyClients()).as("x idle 10 s, y 9 s").containsExactly("y");
    lb.cleanup(s(10.5));
    assertThat(lb.stickyClients()).isEmpty();
  }

  /** Without affinity, any n consecutive picks use every endpoint exactly once. */
  @Test
  void everyWindowOfNPicksUsesEachEndpointOnce() {
    qt().withFixedSeed(909L)
        .withExamples(100)
        .forAll(integers().between(1, 8), lists().of(integers().between(0, 9)).ofSizeBetween(1, 60))
        .checkAssert(
            (n, clients) -> {
              List<String> endpoints = new ArrayList<>();
              for (int i = 0; i < n; i++) {
                endpoints.add("10.0.0." + i + ":80");
              }
              StickyRoundRobin lb = new StickyRoundRobin(endpoints, false, 0);
              List<String> picks = new ArrayList<>();
              for (int c : clients) {
                picks.add(lb.next("10.9.0." + c, 0, false));
              }
              for (int from = 0; from + n <= picks.size(); from++) {
                Map<String, Integer> count = new HashMap<>();
                picks.subList(from, from + n).forEach(p -> count.merge(p, 1, Integer::sum));
                assertThat(count).hasSize(n);
              }
            });
  }
}
