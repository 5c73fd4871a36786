package io.kubelab.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.scheduler.extender.v1.ExtenderBindingResult;
import io.kubelab.scheduler.extender.v1.ExtenderFilterResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The extender server library: routing, status codes, loopback by default, threads joined. */
@Timeout(60)
class ExtenderServerTest {

  static HttpResponse<String> send(URI uri, String method, String body) throws Exception {
    HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    b =
        body == null
            ? b.method(method, HttpRequest.BodyPublishers.noBody())
            : b.method(method, HttpRequest.BodyPublishers.ofString(body));
    return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static ExtenderServer server() {
    return ExtenderServer.builder()
        .prefix("/ext/")
        .filter("filter", a -> new ExtenderFilterResult(null, a.nodeNames(), null, ""))
        .bind(
            "bind",
            a -> {
              throw new IllegalStateException("no binding today");
            })
        .start();
  }

  @Test
  void aVerbAnswersItsMessageAsJson() throws Exception {
    try (ExtenderServer s = server()) {
      assertThat(s.urlPrefix().toString()).isEqualTo("http://127.0.0.1:" + s.port() + "/ext");
      HttpResponse<String> r =
          send(URI.create(s.urlPrefix() + "/filter"), "POST", "{\"nodenames\":[\"a\",\"b\"]}");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(r.body())
          .isEqualTo(
              "{\"Nodes\":null,\"NodeNames\":[\"a\",\"b\"],\"FailedNodes\":null,\"Error\":\"\"}");
    }
  }

  @Test
  void unknownPathsOtherMethodsBadBodiesAndFailingHandlersGetHttpErrors() throws Exception {
    try (ExtenderServer s = server()) {
      assertThat(send(URI.create(s.urlPrefix() + "/prioritize"), "POST", "{}").statusCode())
          .isEqualTo(404);
      HttpResponse<String> get = send(URI.create(s.urlPrefix() + "/filter"), "GET", null);
      assertThat(get.statusCode()).isEqualTo(405);
      assertThat(get.headers().firstValue("Allow")).hasValue("POST");
      HttpResponse<String> bad = send(URI.create(s.urlPrefix() + "/filter"), "POST", "{\"Pod\":7}");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).startsWith("cannot decode ExtenderArgs: ");
      HttpResponse<String> failed = send(URI.create(s.urlPrefix() + "/bind"), "POST", "{}");
      assertThat(failed.statusCode()).isEqualTo(500);
      assertThat(failed.body()).isEqualTo("no binding today");
    }
  }

  @Test
  void aServerNeedsAVerbAndVerbsAreOnePathSegment() {
    assertThatThrownBy(() -> ExtenderServer.builder().start())
        .hasMessage("an extender server needs at least one verb");
    assertThatThrownBy(
            () -> ExtenderServer.builder().bind("a/b", a -> new ExtenderBindingResult("")))
        .hasMessage("a verb is one non-empty path segment, got a/b");
    assertThatThrownBy(
            () ->
                ExtenderServer.builder()
                    .bind("bind", a -> new ExtenderBindingResult(""))
                    .bind("bind", a -> new ExtenderBindingResult("")))
        .hasMessage("verb bind is already registered");
    assertThatThrownBy(() -> ExtenderServer.builder().prefix("ext"))
        .hasMessage("prefix must start with /, got ext");
  }

  static Set<String> threads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith(prefix))
        .collect(Collectors.toSet());
  }

  @Test
  void closingTheServerAndTheClientJoinsTheirThreads() {
    ExtenderServer s = server();
    String serverThreads = "extender-server-" + s.port() + "-";
    HttpExtender e =
        Configs.http(
            "\"urlPrefix\":\""
                + s.urlPrefix()
                + "\",\"filterVerb\":\"filter\",\"nodeCacheCapable\":true");
    assertThat(
            e.filter(HttpExtenderTest.POD, HttpExtenderTest.NODES, HttpExtenderTest.SNAPSHOT)
                .nodes())
        .hasSize(3);
    assertThat(threads(serverThreads)).isNotEmpty();
    String clientThreads =
        threads("extender-client-").stream()
            .filter(n -> n.contains("-127.0.0.1:" + s.port() + "-"))
            .findFirst()
            .map(n -> n.substring(0, n.lastIndexOf('-') + 1))
            .orElseThrow();

    e.close();
    s.close();

    assertThat(threads(serverThreads)).isEmpty();
    assertThat(threads(clientThreads)).isEmpty();
    assertThat(List.of(e.name())).containsExactly(s.urlPrefix().toString());
  }

  @Test
  void aHandlerThatReturnsNothingOrFailsWithoutAMessageIs500() throws Exception {
    try (ExtenderServer s =
        ExtenderServer.builder()
            .filter("nothing", a -> null)
            .filter(
                "silent",
                a -> {
                  throw new IllegalStateException();
                })
            .start()) {
      HttpResponse<String> nothing = send(URI.create(s.urlPrefix() + "/nothing"), "POST", "{}");
      assertThat(nothing.statusCode()).isEqualTo(500);
      assertThat(nothing.body()).isEqualTo("the handler returned no result");
      HttpResponse<String> silent = send(URI.create(s.urlPrefix() + "/silent"), "POST", "{}");
      assertThat(silent.statusCode()).isEqualTo(500);
      assertThat(silent.body()).isEqualTo("java.lang.IllegalStateException");
    }
  }

  @Test
  void withoutAPrefixVerbsAreAtTheRootAndOtherPathsAre404() throws Exception {
    try (ExtenderServer s =
        ExtenderServer.builder()
            .threads(1)
            .filter("filter", a -> new ExtenderFilterResult(null, a.nodeNames(), null, ""))
            .start()) {
      assertThat(s.urlPrefix().toString()).isEqualTo("http://127.0.0.1:" + s.port());
      assertThat(s).hasToString("ExtenderServer[http://127.0.0.1:" + s.port() + "]");
      assertThat(send(URI.create(s.urlPrefix() + "/filter"), "POST", "{}").statusCode())
          .isEqualTo(200);
      HttpResponse<String> nested = send(URI.create(s.urlPrefix() + "/x/filter"), "POST", "{}");
      assertThat(nested.statusCode()).isEqualTo(404);
      assertThat(nested.body()).isEqualTo("no extender verb at /x/filter");
    }
    try (ExtenderServer s = server()) {
      // The prefix is a whole path segment: /extfilter is not /ext/filter, and a path of the
      // prefix's length under another segment is not under the prefix.
      assertThat(
              send(URI.create("http://127.0.0.1:" + s.port() + "/extfilter"), "POST", "{}")
                  .statusCode())
          .isEqualTo(404);
      assertThat(
              send(URI.create("http://127.0.0.1:" + s.port() + "/xyz/filter"), "POST", "{}")
                  .statusCode())
          .isEqualTo(404);
    }
  }

  @Test
  void aPrefixOfOnlySlashesIsNoPrefix() throws Exception {
    try (ExtenderServer s =
        ExtenderServer.builder()
            .prefix("//")
            .filter("filter", a -> new ExtenderFilterResult(null, a.nodeNames(), null, ""))
            .start()) {
      assertThat(s.urlPrefix().toString()).isEqualTo("http://127.0.0.1:" + s.port());
      assertThat(send(URI.create(s.urlPrefix() + "/filter"), "POST", "{}").statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void aServerOnAnIpv6AddressPutsItInBrackets() {
    try (ExtenderServer s =
        ExtenderServer.builder()
            .address(new java.net.InetSocketAddress("::1", 0))
            .prefix("/v6")
            .filter("filter", a -> new ExtenderFilterResult(null, a.nodeNames(), null, ""))
            .start()) {
      assertThat(s.urlPrefix().toString())
          .isEqualTo("http://[0:0:0:0:0:0:0:1]:" + s.port() + "/v6");
    }
  }

  @Test
  void aClosedServerRefusesConnections() {
    ExtenderServer s = server();
    int port = s.port();
    s.close();
    assertThatThrownBy(
            () -> {
              try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(
                    new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port),
                    10_000);
              }
            })
        .isInstanceOf(java.net.ConnectException.class);
  }

  @Test
  void handlerThreadsAreNamedDaemons() throws Exception {
    java.util.concurrent.BlockingQueue<Thread> handlers =
        new java.util.concurrent.LinkedBlockingQueue<>();
    try (ExtenderServer s =
        ExtenderServer.builder()
            .filter(
                "filter",
                a -> {
                  handlers.add(Thread.currentThread());
                  return new ExtenderFilterResult(null, null, null, "");
                })
            .start()) {
      send(URI.create(s.urlPrefix() + "/filter"), "POST", "{}");
      Thread t = handlers.poll();
      assertThat(t.getName()).isEqualTo("extender-server-" + s.port() + "-1");
      assertThat(t.isDaemon()).as("a forgotten server does not keep the JVM alive").isTrue();
    }
  }

  @Test
  void aServerHandlesAtLeastOneRequestAtATime() {
    assertThatThrownBy(() -> ExtenderServer.builder().threads(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threads must be >= 1, got 0");
    assertThatThrownBy(() -> ExtenderServer.builder().bind("", a -> new ExtenderBindingResult("")))
        .hasMessage("a verb is one non-empty path segment, got ");
    assertThatThrownBy(
            () -> ExtenderServer.builder().bind(null, a -> new ExtenderBindingResult("")))
        .hasMessage("a verb is one non-empty path segment, got null");
  }
}
