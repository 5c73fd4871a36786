package io.kubelab.scheduler.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.scheduler.cache.HostPortInfo.ProtocolPort;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Upstream's table cases for {@code HostPortInfo} (TestHostPortInfo_AddRemove and
 * TestHostPortInfo_Check in pkg/scheduler/framework/types_test.go), plus the copy and the sorted
 * view the cache's debugger compares.
 */
class HostPortInfoTest {

  /** One (protocol, ip, port) triple, in the order of upstream's hostPortInfoParam. */
  record P(String protocol, String ip, int port) {}

  static HostPortInfo of(List<P> added) {
    HostPortInfo h = new HostPortInfo();
    added.forEach(p -> h.add(p.ip(), p.protocol(), p.port()));
    return h;
  }

  static final List<P> BOTH_IPS =
      List.of(
          new P("TCP", "127.0.0.1", 79),
          new P("UDP", "127.0.0.1", 80),
          new P("TCP", "127.0.0.1", 81),
          new P("TCP", "127.0.0.1", 82),
          new P("TCP", "0.0.0.0", 79),
          new P("UDP", "0.0.0.0", 80),
          new P("TCP", "0.0.0.0", 81),
          new P("TCP", "0.0.0.0", 82));

  static Stream<Arguments> addRemove() {
    return Stream.of(
        Arguments.of(
            "normal add case",
            Stream.concat(
                    BOTH_IPS.stream(),
                    Stream.of(new P("TCP", "0.0.0.0", 0), new P("TCP", "0.0.0.0", -1)))
                .toList(),
            List.of(),
            8),
        Arguments.of(
            "empty ip and protocol add should work",
            List.of(
                new P("", "127.0.0.1", 79),
                new P("UDP", "127.0.0.1", 80),
                new P("", "127.0.0.1", 81),
                new P("", "127.0.0.1", 82),
                new P("", "", 79),
                new P("UDP", "", 80),
                new P("", "", 81),
                new P("", "", 82),
                new P("", "", 0),
                new P("", "", -1)),
            List.of(),
            8),
        Arguments.of("normal remove case", BOTH_IPS, BOTH_IPS, 0),
        Arguments.of(
            "empty ip and protocol remove should work",
            BOTH_IPS,
            List.of(
                new P("", "127.0.0.1", 79),
                new P("", "127.0.0.1", 81),
                new P("", "127.0.0.1", 82),
                new P("UDP", "127.0.0.1", 80),
                new P("", "", 79),
                new P("", "", 81),
                new P("", "", 82),
                new P("UDP", "", 80)),
            0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("addRemove")
  void addAndRemoveCountEveryIpProtocolPortOnce(
      String desc, List<P> added, List<P> removed, int length) {
    HostPortInfo h = of(added);
    removed.forEach(p -> h.remove(p.ip(), p.protocol(), p.port()));
    assertThat(h.size()).as(desc).isEqualTo(length);
  }

  static Stream<Arguments> check() {
    return Stream.of(
        Arguments.of(
            "empty check should check 0.0.0.0 and TCP",
            List.of(new P("TCP", "127.0.0.1", 80)),
            new P("", "", 81),
            false),
        Arguments.of(
            "empty check should check 0.0.0.0 and TCP (conflicted)",
            List.of(new P("TCP", "127.0.0.1", 80)),
            new P("", "", 80),
            true),
        Arguments.of(
            "empty port check should pass",
            List.of(new P("TCP", "127.0.0.1", 80)),
            new P("", "", 0),
            false),
        Arguments.of(
            "0.0.0.0 should check all registered IPs",
            List.of(new P("TCP", "127.0.0.1", 80)),
            new P("TCP", "0.0.0.0", 80),
            true),
        Arguments.of(
            "0.0.0.0 with different protocol should be allowed",
            List.of(new P("UDP", "127.0.0.1", 80)),
            new P("TCP", "0.0.0.0", 80),
            false),
        Arguments.of(
            "0.0.0.0 with different port should be allowed",
            List.of(
                new P("TCP", "127.0.0.1", 79),
                new P("TCP", "127.0.0.1", 81),
                new P("TCP", "127.0.0.1", 82)),
            new P("TCP", "0.0.0.0", 80),
            false),
        Arguments.of(
            "normal ip should check all registered 0.0.0.0",
            List.of(new P("TCP", "0.0.0.0", 80)),
            new P("TCP", "127.0.0.1", 80),
            true),
        Arguments.of(
            "normal ip with different port/protocol should be allowed (0.0.0.0)",
            List.of(
                new P("TCP", "0.0.0.0", 79),
                new P("UDP", "0.0.0.0", 80),
                new P("TCP", "0.0.0.0", 81),
                new P("TCP", "0.0.0.0", 82)),
            new P("TCP", "127.0.0.1", 80),
            false),
        Arguments.of(
            "normal ip with different port/protocol should be allowed",
            List.of(
                new P("TCP", "127.0.0.1", 79),
                new P("UDP", "127.0.0.1", 80),
                new P("TCP", "127.0.0.1", 81),
                new P("TCP", "127.0.0.1", 82)),
            new P("TCP", "127.0.0.1", 80),
            false),
        // Beyond upstream's table: the same IP and port conflicts, another IP does not.
        Arguments.of(
            "same ip, protocol and port conflicts",
            List.of(new P("UDP", "10.0.0.1", 53)),
            new P("UDP", "10.0.0.1", 53),
            true),
        Arguments.of(
            "another specific ip does not conflict",
            List.of(new P("UDP", "10.0.0.1", 53)),
            new P("UDP", "10.0.0.2", 53),
            false),
        Arguments.of(
            "a wildcard check against an empty node passes",
            List.of(),
            new P("TCP", "0.0.0.0", 80),
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("check")
  void checkConflictTreatsTheWildcardIpAsEveryIp(
      String desc, List<P> added, P check, boolean expect) {
    assertThat(of(added).checkConflict(check.ip(), check.protocol(), check.port()))
        .as(desc)
        .isEqualTo(expect);
  }

  @Test
  void removingOneOfTwoPortsKeepsTheOtherAndTheLastRemovalDropsTheIp() {
    HostPortInfo h = of(List.of(new P("TCP", "127.0.0.1", 80), new P("TCP", "127.0.0.1", 81)));
    h.remove("127.0.0.1", "TCP", 80);
    assertThat(h.asMap()).isEqualTo(Map.of("127.0.0.1", Set.of(new ProtocolPort("TCP", 81))));
    assertThat(h.checkConflict("127.0.0.1", "TCP", 81)).isTrue();
    h.remove("127.0.0.1", "TCP", 81);
    assertThat(h.asMap()).isEmpty();
    assertThat(h).isEqualTo(new HostPortInfo());
    h.remove("10.1.1.1", "TCP", 81);
    assertThat(h.size()).as("removing from an IP never used is a no-op").isZero();
  }

  @Test
  void asMapIsSortedByIpSanitisedAndImmutable() {
    HostPortInfo h =
        of(List.of(new P("", "", 8080), new P("UDP", "10.0.0.9", 53), new P("TCP", "10.0.0.1", 1)));
    Map<String, Set<ProtocolPort>> m = h.asMap();
    assertThat(m.keySet()).containsExactly("0.0.0.0", "10.0.0.1", "10.0.0.9");
    assertThat(m.get("0.0.0.0")).containsExactly(new ProtocolPort("TCP", 8080));
    assertThatThrownBy(() -> m.get("10.0.0.9").add(new ProtocolPort("TCP", 1)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(h.toString()).isEqualTo("{0.0.0.0=[TCP/8080], 10.0.0.1=[TCP/1], 10.0.0.9=[UDP/53]}");
  }

  @Test
  void aCopyIsEqualButIndependent() {
    HostPortInfo h = of(BOTH_IPS);
    HostPortInfo c = h.copy();
    assertThat(c).isEqualTo(h).hasSameHashCodeAs(h);
    c.remove("127.0.0.1", "TCP", 79);
    assertThat(h.size()).isEqualTo(8);
    assertThat(c.size()).isEqualTo(7);
    assertThat(c).isNotEqualTo(h);
    assertThat(h).isNotEqualTo("not a HostPortInfo");
  }
}
