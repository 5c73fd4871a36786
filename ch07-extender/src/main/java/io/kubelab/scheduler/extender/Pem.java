package io.kubelab.scheduler.extender;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM certificates and private keys, as Go's {@code crypto/tls} reads them for a client or server
 * certificate ({@code tls.X509KeyPair}) and a CA bundle ({@code AppendCertsFromPEM}). Private keys
 * may be PKCS#8 ({@code PRIVATE KEY}: RSA, EC or Ed25519) or PKCS#1 ({@code RSA PRIVATE KEY}); SEC
 * 1 EC keys ({@code EC PRIVATE KEY}), which Go also reads, are refused with how to convert them.
 */
final class Pem {

  private static final Pattern BLOCK =
      Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----", Pattern.DOTALL);

  /** {@code rsaEncryption} (1.2.840.113549.1.1.1) with NULL parameters, DER-encoded. */
  private static final byte[] RSA_ALGORITHM_ID = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };

  private Pem() {}

  /**
   * Every certificate in a PEM bundle.
   *
   * @param what the field, for errors
   * @throws IllegalArgumentException when there is none or one does not parse
   */
  static List<X509Certificate> certificates(byte[] pem, String what) {
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      for (byte[] der : blocks(pem, "CERTIFICATE")) {
        out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(what + ": not a valid certificate: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(what + ": no CERTIFICATE in the PEM data");
    }
    return out;
  }

  /**
   * The first private key in a PEM document.
   *
   * @param what the field, for errors
   * @throws IllegalArgumentException when there is none or it does not parse
   */
  static PrivateKey privateKey(byte[] pem, String what) {
    Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
    while (m.find()) {
      String type = m.group(1);
      byte[] der = decode(m.group(2), what);
      switch (type) {
        case "PRIVATE KEY":
          return pkcs8(der, what);
        case "RSA PRIVATE KEY":
          return pkcs8(wrapPkcs1(der), what);
        case "EC PRIVATE KEY":
          throw new IllegalArgumentException(
              what
                  + ": EC PRIVATE KEY (SEC 1) is not supported; convert it to PKCS#8 with"
                  + " `openssl pkcs8 -topk8 -nocrypt`");
        default:
          // Go's X509KeyPair skips other blocks too (certificates bundled with the key).
      }
    }
    throw new IllegalArgumentException(what + ": no PRIVATE KEY in the PEM data");
  }

  private static PrivateKey pkcs8(byte[] der, String what) {
    for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this algorithm: try the next
      }
    }
    throw new IllegalArgumentException(what + ": not an RSA, EC or Ed25519 private key");
  }

  /** A PKCS#1 RSAPrivateKey inside a PKCS#8 PrivateKeyInfo, which the JDK reads. */
  static byte[] wrapPkcs1(byte[] pkcs1) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00}); // version 0
    body.writeBytes(RSA_ALGORITHM_ID);
    body.write(0x04); // OCTET STRING
    body.writeBytes(derLength(pkcs1.length));
    body.writeBytes(pkcs1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30); // SEQUENCE
    out.writeBytes(derLength(body.size()));
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  static byte[] derLength(int length) {
    if (length < 0x80) {
      return new byte[] {(byte) length};
    }
    int bytes = length < 0x100 ? 1 : length < 0x10000 ? 2 : length < 0x1000000 ? 3 : 4;
    byte[] out = new byte[bytes + 1];
    out[0] = (byte) (0x80 | bytes);
    for (int i = bytes; i >= 1; i--) {
      out[i] = (byte) length;
      length >>>= 8;
    }
    return out;
  }

  private static List<byte[]> blocks(byte[] pem, String type) {
    List<byte[]> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
    while (m.find()) {
      if (m.group(1).equals(type)) {
        out.add(decode(m.group(2), type));
      }
    }
    return out;
  }

  private static byte[] decode(String base64, String what) {
    try {
      return Base64.getMimeDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": bad base64 in PEM block: " + e.getMessage(), e);
    }
  }
}
