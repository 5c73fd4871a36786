package io.kubelab.kubelet.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
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

  /**
   * More paths, each reasoned out from Go 1.13's {@code url.Parse}, {@code URL.String} and {@code
   * RequestURI}: schemes and their characters, authorities and ports, escapes, control characters.
   */
  static Stream<Arguments> goRules() {
    return Stream.of(
        // A leading ':' is "missing protocol scheme": the path is passed along as is.
        Arguments.of(":x", "http://10.0.0.5:8080/:x", "/:x"),
        // A digit cannot start a scheme, so "1a" is a first path segment with a colon: an error.
        Arguments.of("1a:b", "http://10.0.0.5:8080/1a:b", "/1a:b"),
        // Letters, digits, '+', '-' and '.' make a scheme; what follows is opaque.
        Arguments.of("a1+.-:rest", "http:rest", "rest"),
        Arguments.of("HTTP://x/y", "http://10.0.0.5:8080/y", "/y"),
        // The authority is dropped, but a port that is not a number fails the whole parse.
        Arguments.of("//evil:abc/x", "http://10.0.0.5:8080//evil:abc/x", "//evil:abc/x"),
        Arguments.of("//user@evil:81/x", "http://10.0.0.5:8080/x", "/x"),
        Arguments.of("//evil:/x", "http://10.0.0.5:8080/x", "/x"),
        Arguments.of("//[::1]:81/x", "http://10.0.0.5:8080/x", "/x"),
        Arguments.of("//[::1]/x", "http://10.0.0.5:8080/x", "/x"),
        Arguments.of("//evil", "http://10.0.0.5:8080", "/"),
        // Three slashes without a scheme are a path.
        Arguments.of("///x", "http://10.0.0.5:8080///x", "///x"),
        // Escapes: kept as written when they decode, hex digits of either case; broken ones fail
        // the parse and the '%' itself is escaped.
        Arguments.of("/%4a", "http://10.0.0.5:8080/%4a", "/%4a"),
        Arguments.of("/%41%7A", "http://10.0.0.5:8080/%41%7A", "/%41%7A"),
        Arguments.of("/%09", "http://10.0.0.5:8080/%09", "/%09"),
        Arguments.of("/%", "http://10.0.0.5:8080/%25", "/%25"),
        Arguments.of("/%f", "http://10.0.0.5:8080/%25f", "/%25f"),
        Arguments.of("/a%2", "http://10.0.0.5:8080/a%252", "/a%252"),
        Arguments.of("/%3:", "http://10.0.0.5:8080/%253:", "/%253:"),
        Arguments.of("/%@1", "http://10.0.0.5:8080/%25@1", "/%25@1"),
        Arguments.of("/%`1", "http://10.0.0.5:8080/%25%601", "/%25%601"),
        Arguments.of("/%g1", "http://10.0.0.5:8080/%25g1", "/%25g1"),
        Arguments.of("/%G1", "http://10.0.0.5:8080/%25G1", "/%25G1"),
        Arguments.of("/%1G", "http://10.0.0.5:8080/%251G", "/%251G"),
        // A broken escape in the fragment fails the parse too.
        Arguments.of("/a#%zz", "http://10.0.0.5:8080/a%23%25zz", "/a%23%25zz"),
        // "net/url: invalid control character in URL".
        Arguments.of("/a\tb", "http://10.0.0.5:8080/a%09b", "/a%09b"),
        Arguments.of("/a\u007fb", "http://10.0.0.5:8080/a%7Fb", "/a%7Fb"),
        // Only the first '?' starts the query; a last '?' forces one only when it is the only one.
        Arguments.of("/a?b?c", "http://10.0.0.5:8080/a?b?c", "/a?b?c"),
        Arguments.of("/a?b?", "http://10.0.0.5:8080/a?b?", "/a?b?"),
        // A control character (below ' ', or DEL) fails the parse: the '?' is then part of the
        // path. A space does not.
        Arguments.of("/a\tb?x", "http://10.0.0.5:8080/a%09b%3Fx", "/a%09b%3Fx"),
        Arguments.of("/a\u001fb?x", "http://10.0.0.5:8080/a%1Fb%3Fx", "/a%1Fb%3Fx"),
        Arguments.of("/a\u007fb?x", "http://10.0.0.5:8080/a%7Fb%3Fx", "/a%7Fb%3Fx"),
        Arguments.of("/a b?x", "http://10.0.0.5:8080/a%20b?x", "/a%20b?x"),
        // Only the first segment of a relative path may not hold a colon.
        Arguments.of("a/b:c", "http://10.0.0.5:8080/a/b:c", "/a/b:c"),
        Arguments.of("a/b:c?x", "http://10.0.0.5:8080/a/b:c?x", "/a/b:c?x"),
        Arguments.of("1a:b?x", "http://10.0.0.5:8080/1a:b%3Fx", "/1a:b%3Fx"),
        // Scheme characters: a-z, A-Z, and after the first 0-9; anything else ends the scan.
        Arguments.of("az:rest", "http:rest", "rest"),
        Arguments.of("AZ:rest", "http:rest", "rest"),
        Arguments.of("a09:rest", "http:rest", "rest"),
        Arguments.of("a`:x", "http://10.0.0.5:8080/a%60:x", "/a%60:x"),
        Arguments.of("a{:x", "http://10.0.0.5:8080/a%7B:x", "/a%7B:x"),
        Arguments.of("a@:x", "http://10.0.0.5:8080/a@:x", "/a@:x"),
        Arguments.of("a[:x", "http://10.0.0.5:8080/a%5B:x", "/a%5B:x"),
        Arguments.of("a/:x", "http://10.0.0.5:8080/a/:x", "/a/:x"),
        // With a scheme, an empty authority: the path starts at the third slash.
        Arguments.of("http:///x", "http://10.0.0.5:8080/x", "/x"),
        Arguments.of("http:///x:y", "http://10.0.0.5:8080/x:y", "/x:y"),
        Arguments.of("//:ab/x", "http://10.0.0.5:8080//:ab/x", "//:ab/x"),
        // parseHost: a bracketed host needs its ']' and only a ":port" after it; elsewhere only
        // the last colon starts a port.
        Arguments.of("//[::1]x/y", "http://10.0.0.5:8080//%5B::1%5Dx/y", "//%5B::1%5Dx/y"),
        Arguments.of("//[::1/y", "http://10.0.0.5:8080//%5B::1/y", "//%5B::1/y"),
        Arguments.of("//[::1]:8x/y", "http://10.0.0.5:8080//%5B::1%5D:8x/y", "//%5B::1%5D:8x/y"),
        Arguments.of("//evil:8a/x", "http://10.0.0.5:8080//evil:8a/x", "//evil:8a/x"),
        Arguments.of("//a:b:80/y", "http://10.0.0.5:8080/y", "/y"));
  }

  @ParameterizedTest(name = "path {0}")
  @MethodSource("goRules")
  void formatUrlFollowsUrlParsesRules(String path, String printed, String requestUri) {
    ProbeUrl u = ProbeUrl.format("http", "10.0.0.5", 8080, path);
    assertThat(u.toString()).isEqualTo(printed);
    assertThat(u.requestUri()).isEqualTo(requestUri);
  }

  /** Go's {@code unescapeTests} that apply to paths ({@code PathUnescape}). */
  static Stream<Arguments> unescapes() {
    return Stream.of(
        Arguments.of("", ""),
        Arguments.of("abc", "abc"),
        Arguments.of("1%41", "1A"),
        Arguments.of("1%41%42%43", "1ABC"),
        Arguments.of("%4a", "J"),
        Arguments.of("%6F", "o"),
        Arguments.of("%6f", "o"),
        Arguments.of("%4A", "J"),
        Arguments.of("a%20b", "a b"),
        Arguments.of("a+b", "a+b"),
        Arguments.of("%", null),
        Arguments.of("%a", null),
        Arguments.of("%1", null),
        Arguments.of("123%45%6", null),
        Arguments.of("%zzzzz", null));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @MethodSource("unescapes")
  void unescapeDecodesAsPathUnescape(String escaped, String unescaped) {
    assertThat(ProbeUrl.unescape(escaped)).isEqualTo(unescaped);
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
        Arguments.of(".", "http://10.0.0.5:8080/a/"),
        Arguments.of("x/..", "http://10.0.0.5:8080/a/"),
        // ResolveReference: no path and no query keep the base's query, even after a lone '?'.
        Arguments.of("?", "http://10.0.0.5:8080/a/b?q=1"),
        Arguments.of("", "http://10.0.0.5:8080/a/b?q=1"),
        Arguments.of("/p%2Fq", "http://10.0.0.5:8080/p%2Fq"),
        Arguments.of("///x", "http://10.0.0.5:8080///x"),
        Arguments.of("http://other", "http://other"),
        Arguments.of("http:/x", "http:///x"),
        Arguments.of("mailto:me", "mailto:me"));
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
        Arguments.of("", 80, ":80", ""),
        Arguments.of(null, 80, ":80", ""));
  }

  @Test
  void anAbsentPathIsTheRoot() {
    ProbeUrl u = ProbeUrl.format("http", "10.0.0.5", 8080, null);
    assertThat(u).hasToString("http://10.0.0.5:8080");
    assertThat(u.requestUri()).isEqualTo("/");
    assertThat(u.resolve("x"))
        .as("resolvePath with an empty base")
        .hasToString("http://10.0.0.5:8080/x");
    // Without a path or query the base's fragment stays too, unless the location has its own.
    ProbeUrl withFragment = ProbeUrl.format("http", "10.0.0.5", 8080, "/a#top");
    assertThat(withFragment.resolve("?")).hasToString("http://10.0.0.5:8080/a?#top");
    assertThat(withFragment.resolve("#f")).hasToString("http://10.0.0.5:8080/a#f");
    assertThat(withFragment.resolve("b")).hasToString("http://10.0.0.5:8080/b");
  }

  @Test
  void aRedirectsHostAndPortAreReadAsGosHostnameAndPort() {
    ProbeUrl base = ProbeUrl.format("http", "10.0.0.5", 8080, "/");
    record Case(String location, String hostname, int port) {}
    for (Case c :
        List.of(
            new Case("//other/x", "other", 80),
            new Case("https://other/x", "other", 443),
            new Case("//other:/x", "other", 80),
            new Case("//other:81/x", "other", 81),
            new Case("//[::1]/x", "::1", 80),
            new Case("//[::1]:81/x", "::1", 81))) {
      ProbeUrl u = base.resolve(c.location());
      assertThat(u.hostname()).as(c.location()).isEqualTo(c.hostname());
      assertThat(u.port()).as(c.location()).isEqualTo(c.port());
    }
    // stripPort: up to the first colon.
    assertThat(base.resolve("//a:b:80/x").hostname()).isEqualTo("a");
  }

  @Test
  void pathsAreEscapedAsGosEscapeInPathMode() {
    // url_test.go's TestPathEscape input, in encodePath mode, where '/', ',' and ';' stay.
    assertThat(ProbeUrl.escape(" ?&=#+%!<>#\"{}|\\^[]`☺\t:/@$'()*,;azAZ09-_.~"))
        .isEqualTo(
            "%20%3F&=%23+%25%21%3C%3E%23%22%7B%7D%7C%5C%5E%5B%5D%60%E2%98%BA%09:/@$%27%28%29%2A,;"
                + "azAZ09-_.~");
  }
}
