package io.kubelab.scheduler.extender;

import static io.kubelab.scheduler.extender.HttpsExtenderTest.pem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading PEM certificates and keys as Go's {@code tls.X509KeyPair} does. */
class PemTest {

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @Test
  void anRsaKeyInPkcs1FormIsTheSameKeyAsInPkcs8Form() {
    // server-pkcs1.key is server.key rewritten by `openssl pkey -traditional`.
    assertThat(Pem.privateKey(pem("server-pkcs1.key"), "key").getEncoded())
        .isEqualTo(Pem.privateKey(pem("server.key"), "key").getEncoded());
  }

  @Test
  void aServerServesWithAPkcs1Key() {
    try (ExtenderServer s =
            ExtenderServer.builder()
                .tls(pem("server.crt"), pem("server-pkcs1.key"), null)
                .filter(
                    "filter",
                    a ->
                        new io.kubelab.scheduler.extender.v1.ExtenderFilterResult(
                            null, java.util.List.of("n1"), null, ""))
                .start();
        HttpExtender e = Configs.http(HttpsExtenderTest.config(s, ""))) {
      assertThat(HttpsExtenderTest.filtered(e)).containsExactly("n1");
    }
  }

  @Test
  void theKeyIsFoundAfterOtherBlocksAndCertificatesAmongOtherBlocks() {
    byte[] bundle = concat(pem("server.crt"), pem("server.key"), pem("ca.crt"));
    assertThat(Pem.privateKey(bundle, "key").getEncoded())
        .isEqualTo(Pem.privateKey(pem("server.key"), "key").getEncoded());
    assertThat(Pem.certificates(bundle, "chain"))
        .extracting(c -> c.getSubjectX500Principal().getName())
        .containsExactly("CN=extender.kubelab.test", "CN=kubelab test CA");
  }

  @Test
  void missingOrBrokenBlocksAreErrorsNamingTheField() {
    assertThatThrownBy(() -> Pem.certificates(pem("server.key"), "tlsConfig.certData"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tlsConfig.certData: no CERTIFICATE in the PEM data");
    assertThatThrownBy(() -> Pem.privateKey(pem("server.crt"), "tlsConfig.keyData"))
        .hasMessage("tlsConfig.keyData: no PRIVATE KEY in the PEM data");
    byte[] junk =
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
            .getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> Pem.privateKey(junk, "tlsConfig.keyData"))
        .hasMessage("tlsConfig.keyData: not an RSA, EC or Ed25519 private key");
    assertThatThrownBy(() -> Pem.privateKey(pem("ec-sec1.key"), "tlsConfig.keyData"))
        .hasMessage(
            "tlsConfig.keyData: EC PRIVATE KEY (SEC 1) is not supported; convert it to PKCS#8"
                + " with `openssl pkcs8 -topk8 -nocrypt`");
  }

  /** DER's definite lengths (X.690 8.1.3): short form below 128, else 0x80 | count, big-endian. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "0, 00",
    "127, 7f",
    "128, 8180",
    "255, 81ff",
    "256, 820100",
    "1190, 8204a6",
    "65535, 82ffff",
    "65536, 83010000",
    "16777215, 83ffffff",
    "16777216, 8401000000",
  })
  void derLengthsUseTheShortFormBelow128AndTheLongFormAbove(int length, String hex) {
    assertThat(HexFormat.of().formatHex(Pem.derLength(length))).isEqualTo(hex);
  }
}
