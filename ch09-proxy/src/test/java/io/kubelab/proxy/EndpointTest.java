package io.kubelab.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An endpoint is an IP literal and a port. The API server admits only IPs in Endpoints ({@code
 * validation.IsValidIP}); here anything that is not dotted-quad or colon-hex text is refused with
 * the field named, and a host name is never resolved.
 */
class EndpointTest {

  static final String FIELD = "Endpoints default/web: subsets[0].addresses[0].ip";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.0.0.1",
        "0.0.0.0",
        "192.168.0.9",
        "255.255.255.255",
        "::1",
        "::",
        "fd00::1",
        "FE80::AB:cd",
        "2001:db8:0:0:0:0:0:9",
        "::ffff:10.0.0.1"
      })
  void ipLiteralsAreAccepted(String ip) throws UnknownHostException {
    Endpoint e = Endpoint.of(ip, 8080, FIELD);
    assertThat(e.ip()).isEqualTo(ip);
    assertThat(e.port()).isEqualTo(8080);
    assertThat(e.address().getAddress()).isEqualTo(InetAddress.getByName(ip));
    assertThat(e.address().getPort()).isEqualTo(8080);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "web-1.local",
        "localhost",
        "10.0.0",
        "10.0.0.1.2",
        "10..0.1",
        ".10.0.0",
        "10.0.0.",
        "256.0.0.1",
        "10.0.0.300",
        "1000.0.0.1",
        "99999999999.0.0.1",
        "1a.0.0.1",
        "10/0.0.0.1",
        "+1.0.0.1",
        "10.0.0.1 ",
        "fe80::g",
        "fe80::1%eth0",
        "1:2:3:4:5:6:7:8:9",
        "10.0.0.1:80",
        ":::"
      })
  void anythingElseIsRefusedNamingTheField(String ip) {
    assertThatThrownBy(() -> Endpoint.of(ip, 8080, FIELD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(FIELD + ": \"" + ip + "\" is not an IP address");
  }

  @Test
  void aMissingIpIsRefused() {
    assertThatThrownBy(() -> Endpoint.of(null, 80))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoint: \"null\" is not an IP address");
    assertThatThrownBy(() -> Endpoint.of("", 80))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoint: \"\" is not an IP address");
  }

  @Test
  void portsRunFromOneTo65535() {
    assertThat(Endpoint.of("10.0.0.1", 1).port()).isEqualTo(1);
    assertThat(Endpoint.of("10.0.0.1", 65535).port()).isEqualTo(65535);
    assertThatThrownBy(() -> Endpoint.of("10.0.0.1", 0, FIELD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(FIELD + ": port 0 is out of range 1-65535");
    assertThatThrownBy(() -> Endpoint.of("10.0.0.1", 65536, FIELD))
        .hasMessage(FIELD + ": port 65536 is out of range 1-65535");
  }

  @Test
  void anEndpointIsAlwaysAResolvedAddress() {
    assertThatThrownBy(() -> new Endpoint("10.0.0.1", 80, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Endpoint 10.0.0.1:80: address unresolved");
    assertThatThrownBy(() -> new Endpoint("web", 80, InetSocketAddress.createUnresolved("web", 80)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Endpoint web:80: address unresolved");
  }

  @Test
  void itsIdentityIsJoinHostPort() {
    assertThat(Endpoint.of("10.0.0.1", 80)).hasToString("10.0.0.1:80");
    assertThat(Endpoint.of("fd00::1", 80)).hasToString("[fd00::1]:80");
    assertThat(Endpoint.of("::1", 80)).hasToString("[::1]:80");
    assertThat(Endpoint.of("10.0.0.1", 80)).isEqualTo(Endpoint.of("10.0.0.1", 80));
  }
}
