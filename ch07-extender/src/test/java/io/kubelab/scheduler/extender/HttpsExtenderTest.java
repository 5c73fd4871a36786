package io.kubelab.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.scheduler.extender.v1.ExtenderFilterResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTPS with upstream's TLS options: {@code enableHttps} without a CA skips verification; a CA
 * ({@code caData} or {@code caFile}) is checked; a client certificate is shown when configured. The
 * certificates are in {@code src/test/resources/tls} (see its README).
 */
@Timeout(60)
class HttpsExtenderTest {

  static byte[] pem(String name) {
    try (InputStream in = HttpsExtenderTest.class.getResourceAsStream("/tls/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String b64(String name) {
    return "\"" + Base64.getEncoder().encodeToString(pem(name)) + "\"";
  }

  static ExtenderServer server(boolean clientAuth) {
    return ExtenderServer.builder()
        .tls(pem("server.crt"), pem("server.key"), clientAuth ? pem("ca.crt") : null)
        .filter("filter", a -> new ExtenderFilterResult(null, List.of("n2"), null, ""))
        .start();
  }

  static String config(ExtenderServer s, String tls) {
    return "\"urlPrefix\":\""
        + s.urlPrefix()
        + "\",\"filterVerb\":\"filter\",\"nodeCacheCapable\":true,\"enableHttps\":true"
        + (tls.isEmpty() ? "" : ",\"tlsConfig\":{" + tls + "}");
  }

  static List<String> filtered(HttpExtender e) {
    return HttpExtenderTest.names(
        e.filter(HttpExtenderTest.POD, HttpExtenderTest.NODES, HttpExtenderTest.SNAPSHOT).nodes());
  }

  @Test
  void enableHttpsWithoutACaTrustsAnyServer() {
    try (ExtenderServer s = server(false);
        HttpExtender e = Configs.http(config(s, ""))) {
      assertThat(s.urlPrefix().getScheme()).isEqualTo("https");
      assertThat(filtered(e)).containsExactly("n2");
    }
  }

  @Test
  void aCaInTheConfigurationIsVerified() {
    try (ExtenderServer s = server(false);
        HttpExtender good = Configs.http(config(s, "\"caData\":" + b64("ca.crt")));
        HttpExtender bad = Configs.http(config(s, "\"caData\":" + b64("other-ca.crt")))) {
      assertThat(filtered(good)).containsExactly("n2");
      assertThatThrownBy(() -> filtered(bad))
          .isInstanceOf(ExtenderException.class)
          .hasMessageStartingWith("Post " + s.urlPrefix() + "/filter: ");
    }
  }

  @Test
  void aCaFileWorksLikeCaData() throws Exception {
    java.nio.file.Path ca = java.nio.file.Files.createTempFile("extender-ca", ".crt");
    java.nio.file.Files.write(ca, pem("ca.crt"));
    try (ExtenderServer s = server(false);
        HttpExtender e = Configs.http(config(s, "\"caFile\":\"" + ca + "\""))) {
      assertThat(filtered(e)).containsExactly("n2");
    } finally {
      java.nio.file.Files.deleteIfExists(ca);
    }
  }

  @Test
  void aServerThatWantsAClientCertificateGetsTheConfiguredOne() {
    try (ExtenderServer s = server(true);
        HttpExtender withCert =
            Configs.http(
                config(
                    s,
                    "\"caData\":"
                        + b64("ca.crt")
                        + ",\"certData\":"
                        + b64("client.crt")
                        + ",\"keyData\":"
                        + b64("client.key")));
        HttpExtender without = Configs.http(config(s, "\"caData\":" + b64("ca.crt")))) {
      assertThat(filtered(withCert)).containsExactly("n2");
      assertThatThrownBy(() -> filtered(without)).isInstanceOf(ExtenderException.class);
    }
  }

  @Test
  void aCaTogetherWithInsecureIsRejected() {
    try (ExtenderServer s = server(false)) {
      assertThatThrownBy(
              () -> Configs.http(config(s, "\"insecure\":true,\"caData\":" + b64("ca.crt"))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("extender " + s.urlPrefix() + ": ");
    }
  }
}
