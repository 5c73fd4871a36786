package io.kubelab.scheduler.extender;

import io.kubelab.scheduler.algorithm.policy.Policy;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS settings of an extender's HTTP client, built as upstream builds them.
 *
 * <p>Upstream: {@code makeTransport} in {@code pkg/scheduler/core/extender.go} (v1.17) and the
 * client-go {@code TLSConfigFor} it calls ({@code staging/src/k8s.io/client-go/transport/
 * transport.go}):
 *
 * <ul>
 *   <li>with {@code enableHttps} and no CA ({@code caFile} or {@code caData}), {@code insecure}
 *       becomes true: the server's certificate is not verified;
 *   <li>with no CA, no client certificate, not insecure and no {@code serverName} there are no TLS
 *       settings at all: the JDK's defaults (system roots, the URL's host) apply;
 *   <li>a CA together with {@code insecure} is an error;
 *   <li>{@code *Data} wins over {@code *File}; a client certificate needs both certificate and key;
 *   <li>TLS 1.2 is the lowest version; {@code serverName} is the name the server's certificate must
 *       carry (and the SNI name when the URL's host is an IP address).
 * </ul>
 *
 * <p>Whether a URL uses TLS at all is its scheme's business, as upstream: {@code enableHttps} only
 * changes the settings above.
 */
final class ExtenderTls {

  /**
   * What the HTTP client is built with.
   *
   * @param context keys and trust
   * @param parameters protocols and SNI
   */
  record Settings(SSLContext context, SSLParameters parameters) {}

  private ExtenderTls() {}

  /**
   * @return null when upstream's {@code TLSConfigFor} returns nil (no TLS settings)
   * @throws IllegalArgumentException naming the field when a file cannot be read or PEM data does
   *     not parse, or for a CA together with {@code insecure}
   */
  static Settings forExtender(Policy.Extender config) {
    Policy.ExtenderTLSConfig tls = config.tlsConfig();
    boolean insecure = tls != null && tls.insecure();
    String serverName = tls == null || tls.serverName() == null ? "" : tls.serverName();
    byte[] caData = tls == null ? null : tls.caData();
    String caFile = tls == null ? null : tls.caFile();
    byte[] certData = tls == null ? null : tls.certData();
    String certFile = tls == null ? null : tls.certFile();
    byte[] keyData = tls == null ? null : tls.keyData();
    String keyFile = tls == null ? null : tls.keyFile();

    boolean hasCA = nonEmpty(caFile) || nonEmpty(caData);
    boolean hasCertAuth =
        (nonEmpty(certData) || nonEmpty(certFile)) && (nonEmpty(keyData) || nonEmpty(keyFile));
    if (config.enableHttps() && !hasCA) {
      insecure = true;
    }
    if (!(hasCA || hasCertAuth || insecure || !serverName.isEmpty())) {
      return null;
    }
    if (hasCA && insecure) {
      throw new IllegalArgumentException(
          "specifying a root certificates file with the insecure flag is not supported");
    }
    caData = dataFromSliceOrFile(caData, caFile, "tlsConfig.caFile");
    certData = dataFromSliceOrFile(certData, certFile, "tlsConfig.certFile");
    keyData = dataFromSliceOrFile(keyData, keyFile, "tlsConfig.keyFile");

    try {
      TrustManager trust;
      if (insecure) {
        trust = new TrustEverything();
      } else {
        X509ExtendedTrustManager roots =
            trustManager(hasCA ? Pem.certificates(caData, "tlsConfig.caData") : null);
        trust = serverName.isEmpty() ? roots : new ExpectServerName(roots, serverName);
      }
      KeyManager[] keys = null;
      if (hasCertAuth) {
        keys =
            keyManagers(
                Pem.certificates(certData, "tlsConfig.certData"),
                Pem.privateKey(keyData, "tlsConfig.keyData"));
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, new TrustManager[] {trust}, null);
      SSLParameters parameters = new SSLParameters();
      parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
      if (!serverName.isEmpty() && !isIpLiteral(serverName)) {
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
      }
      return new Settings(context, parameters);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("tlsConfig: " + e.getMessage(), e);
    }
  }

  /**
   * A server's TLS context from PEM data, for {@link ExtenderServer}.
   *
   * @param clientCa when not null, the roots client certificates are verified against
   */
  static SSLContext serverContext(byte[] certPem, byte[] keyPem, byte[] clientCa) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      TrustManager[] trust =
          clientCa == null
              ? null
              : new TrustManager[] {trustManager(Pem.certificates(clientCa, "client CA"))};
      context.init(
          keyManagers(
              Pem.certificates(certPem, "certificate"), Pem.privateKey(keyPem, "private key")),
          trust,
          null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("TLS: " + e.getMessage(), e);
    }
  }

  private static byte[] dataFromSliceOrFile(byte[] data, String file, String what) {
    if (nonEmpty(data)) {
      return data;
    }
    if (nonEmpty(file)) {
      try {
        return Files.readAllBytes(Path.of(file));
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException(
            what + ": open " + file + ": no such file or directory", e);
      } catch (IOException e) {
        throw new IllegalArgumentException(what + ": open " + file + ": " + e.getMessage(), e);
      }
    }
    return data;
  }

  private static X509ExtendedTrustManager trustManager(List<X509Certificate> roots)
      throws GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (roots == null) {
      tmf.init((KeyStore) null);
    } else {
      KeyStore ks = emptyKeyStore();
      for (int i = 0; i < roots.size(); i++) {
        ks.setCertificateEntry("ca-" + i, roots.get(i));
      }
      tmf.init(ks);
    }
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager available");
  }

  private static KeyManager[] keyManagers(List<X509Certificate> chain, PrivateKey key)
      throws GeneralSecurityException {
    KeyStore ks = emptyKeyStore();
    ks.setKeyEntry("key", key, new char[0], chain.toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    return kmf.getKeyManagers();
  }

  private static KeyStore emptyKeyStore() throws GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try {
      ks.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return ks;
  }

  private static boolean nonEmpty(String s) {
    return s != null && !s.isEmpty();
  }

  private static boolean nonEmpty(byte[] b) {
    return b != null && b.length > 0;
  }

  static boolean isIpLiteral(String host) {
    return host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  /**
   * Whether {@code cert} is valid for {@code name}, as Go's {@code VerifyHostname} decides for a
   * certificate with subject alternative names: an IP address must be one of its IP SANs; a host
   * name must equal one of its DNS SANs, ignoring case, where {@code *} stands for exactly one
   * leftmost label.
   */
  static boolean validFor(X509Certificate cert, String name) throws CertificateParsingException {
    Collection<List<?>> sans = cert.getSubjectAlternativeNames();
    if (sans == null) {
      return false;
    }
    boolean ip = isIpLiteral(name);
    for (List<?> san : sans) {
      int type = (Integer) san.get(0);
      String value = String.valueOf(san.get(1));
      if (ip && type == 7 && sameIp(value, name)) {
        return true;
      }
      if (!ip && type == 2 && dnsMatches(value, name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameIp(String a, String b) {
    return normalizeIp(a).equals(normalizeIp(b));
  }

  private static String normalizeIp(String ip) {
    // The JDK writes IPv6 SANs in full form (0:0:0:0:0:0:0:1); compare the full forms.
    if (!ip.contains(":")) {
      return ip;
    }
    try {
      return java.net.InetAddress.getByName(ip).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return ip;
    }
  }

  private static boolean dnsMatches(String pattern, String host) {
    String p = pattern.toLowerCase(Locale.ROOT);
    String h = host.toLowerCase(Locale.ROOT);
    if (p.startsWith("*.")) {
      int dot = h.indexOf('.');
      return dot > 0 && h.substring(dot).equals(p.substring(1));
    }
    return p.equals(h);
  }

  private static List<String> namesOf(X509Certificate cert) throws CertificateParsingException {
    List<String> out = new ArrayList<>();
    Collection<List<?>> sans = cert.getSubjectAlternativeNames();
    if (sans != null) {
      for (List<?> san : sans) {
        out.add(String.valueOf(san.get(1)));
      }
    }
    return out;
  }

  /** {@code InsecureSkipVerify}: any certificate, any name. */
  static final class TrustEverything extends X509ExtendedTrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /**
   * Verifies the chain against the roots and the leaf against {@code serverName} instead of the
   * URL's host, as Go's {@code tls.Config.ServerName} does.
   */
  static final class ExpectServerName extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager roots;
    private final String serverName;

    ExpectServerName(X509ExtendedTrustManager roots, String serverName) {
      this.roots = roots;
      this.serverName = serverName;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      // The two-argument form checks the chain only, no host name.
      roots.checkServerTrusted(chain, authType);
      if (!validFor(chain[0], serverName)) {
        throw new CertificateException(
            "x509: certificate is valid for "
                + String.join(", ", namesOf(chain[0]))
                + ", not "
                + serverName);
      }
    }

    // A client's trust manager is asked about servers only.
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("an extender client does not check client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("an extender client does not check client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("an extender client does not check client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return roots.getAcceptedIssuers();
    }
  }
}
