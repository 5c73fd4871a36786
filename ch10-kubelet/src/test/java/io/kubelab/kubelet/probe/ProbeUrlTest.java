package io.kubelab.kubelet.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * formatURL's table. The expected columns were produced by running upstream's {@code formatURL}
 * with Go's {@code net/url} on each path (and {@code http.NewRequest(...).URL.RequestURI()} for the
 * request line).
 */
class ProbeUrlTest {

  static Stream<Arguments> goTable() {
    return Stream.of(
        Arguments.of("", "http://10.0.0.5:8080", "/"),
        Arguments.of("/", "http://10.0.0.5:8080/", "/"),
        Arguments.of("/healthz", "http://10.0.0.5:8080/healthz", "/healthz"),
        Arguments.of("healthz", "http://10.0.0.5:8080/healthz", "/healthz"),
        Arguments.of("health/z", "http://10.0.0.5:8080/health/z", "/health/z"),
        Arguments.of("/a?b=c", "http://10.0.0.5:8080/a?b=c", "/a?b=c"),
        Arguments.of("healthz?x=1&y=2", "http://10.0.0.5:8080/healthz?x=1&y=2", "/healthz?x=1&y=2"),
        Arguments.of("/a#frag", "http://10.0.0.5:8080/a#frag", "/a"),
        Arguments.of("/a?b#c", "http://10.0.0.5:8080/a?b#c", "/a?b"),
        Arguments.of("/a?", "http://10.0.0.5:8080/a?", "/a?"),
        Arguments.of("/a b", "http://10.0.0.5:8080/a%20b", "/a%20b"),
        Arguments.of("/a%20b", "http://10.0.0.5:8080/a%20b", "/a%20b"),
        Arguments.of("/%zz", "http://10.0.0.5:8080/%25zz", "/%25zz"),
        Arguments.of("/a?%zz", "http://10.0.0.5:8080/a?%zz", "/a?%zz"),
        Arguments.of("//evil/x", "http://10.0.0.5:8080/x", "/x"),
        Arguments.of("http://evil/y?z=1", "http://10.0.0.5:8080/y?z=1", "/y?z=1"),
        Arguments.of("/ü", "http://10.0.0.5:8080/%C3%BC", "/%C3%BC"),
        Arguments.of("/a;b=c", "http://10.0.0.5:8080/a;b=c", "/a;b=c"),
        Arguments.of("?only=query", "http://10.0.0.5:8080?only=query", "/?only=query"),
        Arguments.of("#only", "http://10.0.0.5:8080#only", "/"),
        Arguments.of("/p%2Fq", "http://10.0.0.5:8080/p%2Fq", "/p%2Fq"),
        Arguments.of("/x/../y", "http://10.0.0.5:8080/x/../y", "/x/../y"),
        Arguments.of("mailto:me", "http:me", "me"),
        Arguments.of("/a?b c", "http://10.0.0.5:8080/a?b c", "/a?b c"),
        Arguments.of(
            "/~user/$&+,;=:@!*'()",
            "http://10.0.0.5:8080/~user/$&+,;=:@!*'()",
            "/~user/$&+,;=:@!*'()"),
        Arguments.of("/[x]", "http://10.0.0.5:8080/[x]", "/[x]"));
  }

  @ParameterizedTest(name = "path {0}")
  @MethodSource("goTable")
  void formatUrlPrintsAndRequestsAsGoDoes(String path, String printed, String requestUri) {
    ProbeUrl u = ProbeUrl.format("http", "10.0.0.5", 8080, path);
    assertThat(u.toString()).isEqualTo(printed);
    assertThat(u.requestUri()).isEqualTo(requestUri);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("redirects")
  void aLocationIsResolvedAgainstTheRequestUrl(String location, String resolved) {
    ProbeUrl base = ProbeUrl.format("http", "10.0.0.5", 8080, "/a/b?q=1");
    assertThat(base.resolve(location)).hasToString(resolved);
  }

  static Stream<Arguments> redirects() {
    return Stream.of(
        Arguments.of("/ok", "http://10.0.0.5:8080/ok"),
        Arguments.of("ok", "http://10.0.0.5:8080/a/ok"),
        Arguments.of("../up", "http://10.0.0.5:8080/up"),
        Arguments.of("?r=2", "http://10.0.0.5:8080/a/b?r=2"),
        Arguments.of("#f", "http://10.0.0.5:8080/a/b?q=1#f"),
        Arguments.of("//other:81/x", "http://other:81/x"),
        Arguments.of("https://other/x?y", "https://other/x?y"),
        Arguments.of("./", "http://10.0.0.5:8080/a/"),
        Arguments.of(".", "http://10.0.0.5:8080/a/"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hosts")
  void hostsAndPortsAreSplitAsGoDoes(String host, int port, String hostPort, String hostname) {
    ProbeUrl u = ProbeUrl.format("https", host, port, "/");
    assertThat(u.hostPort()).isEqualTo(hostPort);
    assertThat(u.hostname()).isEqualTo(hostname);
    assertThat(u.port()).isEqualTo(port);
  }

  static Stream<Arguments> hosts() {
    return Stream.of(
        Arguments.of("10.0.0.5", 443, "10.0.0.5:443", "10.0.0.5"),
        Arguments.of("::1", 8443, "[::1]:8443", "::1"),
        Arguments.of("", 80, ":80", ""));
  }
}
