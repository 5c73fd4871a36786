package io.kubelab.scheduler.extender;

import static io.kubelab.scheduler.extender.HttpsExtenderTest.b64;
import static io.kubelab.scheduler.extender.HttpsExtenderTest.filtered;
import static io.kubelab.scheduler.extender.HttpsExtenderTest.pem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.scheduler.extender.v1.ExtenderFilterResult;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The TLS settings an extender's client is built with, as client-go's {@code TLSConfigFor} builds
 * them from {@code makeTransport}'s config: when there are any, which roots and which server name
 * are checked, data before files, and Go's {@code VerifyHostname} rules for {@code serverName}.
 */
@Timeout(60)
class ExtenderTlsTest {

  static final String URL = "\"urlPrefix\":\"https://127.0.0.1:1\"";

  static ExtenderTls.Settings settings(String fields) {
    return ExtenderTls.forExtender(Configs.extender(URL + fields));
  }

  /**
   * {@code TLSConfigFor} returns nil, and the transport keeps Go's defaults, unless there is a CA,
   * a client certificate with its key, {@code insecure} or a {@code serverName}; {@code
   * enableHttps} without a CA turns {@code insecure} on.
   */
  @ParameterizedTest(name = "{0} -> settings: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "                                                   | false",
        ",'tlsConfig':{}                                    | false",
        ",'tlsConfig':{'caData':''}                         | false",
        ",'tlsConfig':{'certData':'Y2VydA=='}               | false",
        ",'tlsConfig':{'keyData':'a2V5'}                    | false",
        ",'tlsConfig':{'certFile':'/no/cert','caFile':''}   | false",
        ",'tlsConfig':{'keyFile':'/no/key'}                 | false",
        ",'enableHttps':false                               | false",
        ",'enableHttps':true                                | true",
        ",'tlsConfig':{'insecure':true}                     | true",
        ",'tlsConfig':{'serverName':'extender.kubelab.test'} | true",
      })
  void tlsSettingsExistOnlyWhenUpstreamsTlsConfigForWouldMakeThem(String fields, boolean exist) {
    String json = fields == null ? "" : fields.replace('\'', '"');
    assertThat(settings(json) != null).isEqualTo(exist);
  }

  @Test
  void aCaOrAClientCertificateMakesSettingsToo() {
    assertThat(settings(",\"tlsConfig\":{\"caData\":" + b64("ca.crt") + "}")).isNotNull();
    assertThat(
            settings(
                ",\"tlsConfig\":{\"certData\":"
                    + b64("client.crt")
                    + ",\"keyData\":"
                    + b64("client.key")
                    + "}"))
        .isNotNull();
  }

  @Test
  void tls12IsTheLowestVersionAndAHostServerNameIsSentAsSni() {
    ExtenderTls.Settings named =
        settings(
            ",\"tlsConfig\":{\"caData\":"
                + b64("ca.crt")
                + ",\"serverName\":\"extender.kubelab.test\"}");
    assertThat(named.parameters().getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(named.parameters().getServerNames())
        .containsExactly(new SNIHostName("extender.kubelab.test"));

    // Go sends no SNI for an IP address.
    ExtenderTls.Settings ip =
        settings(",\"tlsConfig\":{\"caData\":" + b64("ca.crt") + ",\"serverName\":\"127.0.0.1\"}");
    assertThat(ip.parameters().getServerNames()).isNull();
    ExtenderTls.Settings insecure = settings(",\"enableHttps\":true");
    assertThat(insecure.parameters().getServerNames()).isNull();
  }

  static String config(ExtenderServer s, String tls) {
    return "\"urlPrefix\":\""
        + s.urlPrefix()
        + "\",\"filterVerb\":\"filter\",\"nodeCacheCapable\":true,\"tlsConfig\":{"
        + tls
        + "}";
  }

  static ExtenderServer server() {
    return ExtenderServer.builder()
        .tls(pem("server.crt"), pem("server.key"), null)
        .filter("filter", a -> new ExtenderFilterResult(null, List.of("n2"), null, ""))
        .start();
  }

  @Test
  void serverNameIsTheNameTheServersCertificateMustCarryInsteadOfTheUrlsHost() {
    // The URL says 127.0.0.1; the certificate is valid for 127.0.0.1, localhost and
    // extender.kubelab.test.
    String ca = "\"caData\":" + b64("ca.crt");
    try (ExtenderServer s = server();
        HttpExtender named =
            Configs.http(config(s, ca + ",\"serverName\":\"extender.kubelab.test\""));
        HttpExtender other =
            Configs.http(config(s, ca + ",\"serverName\":\"other.kubelab.test\""))) {
      assertThat(filtered(named)).containsExactly("n2");
      assertThatThrownBy(() -> filtered(other))
          .isInstanceOf(ExtenderException.class)
          .hasMessageStartingWith("Post " + s.urlPrefix() + "/filter: SSLHandshakeException: ")
          .hasMessageContaining(
              "x509: certificate is valid for 127.0.0.1, localhost, extender.kubelab.test,"
                  + " not other.kubelab.test");
    }
  }

  @Test
  void withoutACaTheServerIsCheckedAgainstTheSystemRoots() {
    // Not insecure, no CA, a server name: the test CA is in no system root store.
    try (ExtenderServer s = server();
        HttpExtender e = Configs.http(config(s, "\"serverName\":\"extender.kubelab.test\""));
        HttpExtender insecure = Configs.http(config(s, "\"insecure\":true"))) {
      assertThatThrownBy(() -> filtered(e))
          .isInstanceOf(ExtenderException.class)
          .hasMessageStartingWith("Post " + s.urlPrefix() + "/filter: SSLHandshakeException: ");
      assertThat(filtered(insecure)).containsExactly("n2");
    }
  }

  @Test
  void dataWinsOverAFileWhichIsThenNotRead() {
    try (ExtenderServer s = server();
        HttpExtender e =
            Configs.http(
                config(s, "\"caData\":" + b64("ca.crt") + ",\"caFile\":\"/no/such/ca.crt\""))) {
      assertThat(filtered(e)).containsExactly("n2");
    }
  }

  @Test
  void aClientCertificateAndKeyCanComeFromFiles(@TempDir Path dir) throws Exception {
    Path cert = Files.write(dir.resolve("client.crt"), pem("client.crt"));
    Path key = Files.write(dir.resolve("client.key"), pem("client.key"));
    try (ExtenderServer s =
            ExtenderServer.builder()
                .tls(pem("server.crt"), pem("server.key"), pem("ca.crt"))
                .filter("filter", a -> new ExtenderFilterResult(null, List.of("n2"), null, ""))
                .start();
        HttpExtender e =
            Configs.http(
                config(
                    s,
                    "\"caData\":"
                        + b64("ca.crt")
                        + ",\"certFile\":\""
                        + cert
                        + "\",\"keyFile\":\""
                        + key
                        + "\""))) {
      assertThat(filtered(e)).containsExactly("n2");
    }
  }

  @Test
  void aFileThatCannotBeReadIsGosOpenErrorNamingTheField() {
    assertThatThrownBy(() -> Configs.http(URL + ",\"tlsConfig\":{\"caFile\":\"/no/such/ca.crt\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "extender https://127.0.0.1:1: tlsConfig.caFile: open /no/such/ca.crt:"
                + " no such file or directory");
    assertThatThrownBy(
            () ->
                Configs.http(
                    URL
                        + ",\"tlsConfig\":{\"insecure\":true,\"certFile\":\"/no/c\",\"keyData\":"
                        + b64("client.key")
                        + "}"))
        .hasMessage(
            "extender https://127.0.0.1:1: tlsConfig.certFile: open /no/c: no such file or"
                + " directory");
    assertThatThrownBy(
            () ->
                Configs.http(
                    URL
                        + ",\"tlsConfig\":{\"insecure\":true,\"certData\":"
                        + b64("client.crt")
                        + ",\"keyFile\":\"/no/k\"}"))
        .hasMessage(
            "extender https://127.0.0.1:1: tlsConfig.keyFile: open /no/k: no such file or"
                + " directory");
  }

  @Test
  void pemThatIsNotACertificateIsRejectedNamingTheField() {
    assertThatThrownBy(
            () -> Configs.http(URL + ",\"tlsConfig\":{\"caData\":" + b64("client.key") + "}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "extender https://127.0.0.1:1: tlsConfig.caData: no CERTIFICATE in the PEM data");
  }

  static X509Certificate cert(String name) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(pem(name)));
  }

  /**
   * Go's {@code VerifyHostname} for a certificate with subject alternative names: an IP address
   * against the IP SANs, a host name against the DNS SANs ignoring case, {@code *} standing for
   * exactly one leftmost label.
   */
  @ParameterizedTest(name = "{0} valid for {1}: {2}")
  @CsvSource({
    "server.crt, 127.0.0.1, true",
    "server.crt, 127.0.0.2, false",
    "server.crt, localhost, true",
    "server.crt, LocalHost, true",
    "server.crt, extender.kubelab.test, true",
    "server.crt, kubelab.test, false",
    "server.crt, a.extender.kubelab.test, false",
    "server.crt, ::1, false",
    "wildcard.crt, a.kubelab.test, true",
    "wildcard.crt, Extender.KUBELAB.test, true",
    "wildcard.crt, kubelab.test, false",
    "wildcard.crt, .kubelab.test, false",
    "wildcard.crt, a.b.kubelab.test, false",
    "wildcard.crt, a.kubelab.test.evil, false",
    "wildcard.crt, ::1, true",
    "wildcard.crt, 0:0:0:0:0:0:0:1, true",
    "wildcard.crt, ::2, false",
    "wildcard.crt, 127.0.0.1, false",
    // Only IP SANs name an IP address and only DNS SANs a host: not a DNS SAN that reads like an
    // address, not an e-mail SAN.
    "odd-sans.crt, 10.0.0.1, false",
    "odd-sans.crt, ops@kubelab.test, false",
    // Without subject alternative names no name is valid (Go ignores the common name).
    "client.crt, kube-scheduler, false",
  })
  void aServerNameIsValidAsGosVerifyHostnameDecides(String file, String name, boolean valid)
      throws Exception {
    assertThat(ExtenderTls.validFor(cert(file), name)).isEqualTo(valid);
  }

  @Test
  void ipAddressesAreToldFromHostNames() {
    assertThat(ExtenderTls.isIpLiteral("10.0.0.1")).isTrue();
    assertThat(ExtenderTls.isIpLiteral("::1")).isTrue();
    assertThat(ExtenderTls.isIpLiteral("fe80::1")).isTrue();
    assertThat(ExtenderTls.isIpLiteral("10.0.0")).isFalse();
    assertThat(ExtenderTls.isIpLiteral("extender.kubelab.test")).isFalse();
  }
}
