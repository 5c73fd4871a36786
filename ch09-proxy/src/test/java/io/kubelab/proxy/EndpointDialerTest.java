package io.kubelab.proxy;

import static io.kubelab.proxy.LoadBalancerRRTest.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.apimachinery.clock.FakeClock;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** TryConnectEndpoints: the dial schedule and the affinity reset, with a fake network. */
class EndpointDialerTest {

  static final ServicePortName WEB = new ServicePortName("default", "web", "http");

  record Attempt(String endpoint, Duration timeout) {}

  final LoadBalancerRR lb = new LoadBalancerRR(new FakeClock(), new Random(2));
  final List<Attempt> attempts = new ArrayList<>();

  EndpointDialer.Dialer<String> network(Set<String> dead) {
    return (endpoint, timeout) -> {
      attempts.add(new Attempt(endpoint.toString(), timeout));
      if (dead.contains(endpoint.toString())) {
        throw new ConnectException("Connection refused");
      }
      return "conn to " + endpoint;
    };
  }

  @Test
  void fourAttemptsWithGrowingTimeoutsThenFail() {
    lb.onEndpointsAdd(Api.endpoints("default", "web", "http", 80, "10.0.0.1", "10.0.0.2"));
    assertThatThrownBy(
            () ->
                EndpointDialer.tryConnectEndpoints(
                    WEB, client(1), lb, network(Set.of("10.0.0.1:80", "10.0.0.2:80"))))
        .isInstanceOf(IOException.class)
        .hasMessage("failed to connect to an endpoint.")
        .satisfies(e -> assertThat(e.getSuppressed()).hasSize(4));
    assertThat(attempts)
        .extracting(Attempt::timeout)
        .containsExactly(
            Duration.ofMillis(250),
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2));
  }

  @Test
  void stickyClientOnADeadEndpointIsMovedAndRestuck() throws Exception {
    lb.newService(WEB, SessionAffinity.CLIENT_IP, 0);
    lb.onEndpointsAdd(Api.endpoints("default", "web", "http", 80, "10.0.0.1", "10.0.0.2"));
    Endpoint stuck = lb.nextEndpoint(WEB, client(1), false);
    String conn =
        EndpointDialer.tryConnectEndpoints(WEB, client(1), lb, network(Set.of(stuck.toString())));
    // Without the reset the retry would ask for the same sticky endpoint again.
    assertThat(attempts)
        .extracting(Attempt::endpoint)
        .hasSize(2)
        .first()
        .isEqualTo(stuck.toString());
    assertThat(conn).isNotEqualTo("conn to " + stuck);
    assertThat(lb.nextEndpoint(WEB, client(1), false).toString())
        .isEqualTo(attempts.get(1).endpoint());
  }

  @Test
  void loadBalancerErrorsEndTheSearchWithoutDialing() {
    assertThatThrownBy(
            () -> EndpointDialer.tryConnectEndpoints(WEB, client(1), lb, network(Set.of())))
        .isInstanceOf(LoadBalancerException.MissingServiceEntry.class);
    lb.newService(WEB, SessionAffinity.NONE, 0);
    assertThatThrownBy(
            () -> EndpointDialer.tryConnectEndpoints(WEB, client(1), lb, network(Set.of())))
        .isInstanceOf(LoadBalancerException.MissingEndpoints.class);
    assertThat(attempts).isEmpty();
  }

  @Test
  void firstLiveEndpointWins() throws Exception {
    lb.onEndpointsAdd(Api.endpoints("default", "web", "http", 80, "10.0.0.1"));
    assertThat(EndpointDialer.tryConnectEndpoints(WEB, client(1), lb, network(Set.of())))
        .isEqualTo("conn to 10.0.0.1:80");
    assertThat(attempts).containsExactly(new Attempt("10.0.0.1:80", Duration.ofMillis(250)));
  }
}
