package io.cairn.xds.server;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS handshake over a loopback socket between a server and a client configured with secrets as
 * Envoy reads them ({@code tls_certificate}: chain and key; {@code validation_context}: trusted
 * CAs), the server requiring a client certificate, as the public listener does.
 */
final class MeshTlsHandshake {
  private MeshTlsHandshake() {}

  /**
   * Runs one handshake; returns the certificate chain the client saw from the server. Throws what
   * the client's handshake threw when either side refused.
   */
  static List<Certificate> run(Secret serverLeaf, Secret clientLeaf, Secret roots)
      throws Exception {
    SSLContext server = context(serverLeaf, roots);
    SSLContext client = context(clientLeaf, roots);
    try (SSLServerSocket listening =
        (SSLServerSocket)
            server
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listening.setNeedClientAuth(true);
      CompletableFuture<Void> accepted =
          CompletableFuture.runAsync(
              () -> {
                try (SSLSocket s = (SSLSocket) listening.accept()) {
                  s.setSoTimeout(10_000);
                  s.startHandshake();
                  OutputStream out = s.getOutputStream();
                  out.write(1);
                  out.flush();
                } catch (Exception e) {
                  // The client sees the refusal.
                }
              });
      try (SSLSocket s =
          (SSLSocket)
              client
                  .getSocketFactory()
                  .createSocket(InetAddress.getLoopbackAddress(), listening.getLocalPort())) {
        s.setSoTimeout(10_000);
        s.startHandshake();
        // TLS 1.3 reports a refused client certificate only at the first read.
        InputStream in = s.getInputStream();
        if (in.read() != 1) {
          throw new javax.net.ssl.SSLException("the server closed the connection");
        }
        return List.of(s.getSession().getPeerCertificates());
      } finally {
        accepted.get(10, TimeUnit.SECONDS);
      }
    }
  }

  /** A TLS context presenting {@code leaf} and trusting the roots, as a sidecar has. */
  static SSLContext context(Secret leaf, Secret roots) throws Exception {
    String chainPem = leaf.getTlsCertificate().getCertificateChain().getInlineString();
    String keyPem = leaf.getTlsCertificate().getPrivateKey().getInlineString();
    List<Certificate> chain = certificates(chainPem);
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("leaf", privateKey(keyPem), new char[0], chain.toArray(new Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    int i = 0;
    for (Certificate c :
        certificates(roots.getValidationContext().getTrustedCa().getInlineString())) {
      trust.setCertificateEntry("root-" + i++, c);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  static List<Certificate> certificates(String pem) throws Exception {
    return List.copyOf(
        CertificateFactory.getInstance("X.509")
            .generateCertificates(
                new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
  }

  /** The URI SAN of a certificate: its SPIFFE ID. */
  static String uriSan(Certificate cert) throws Exception {
    for (List<?> san : ((X509Certificate) cert).getSubjectAlternativeNames()) {
      if ((Integer) san.get(0) == 6) {
        return (String) san.get(1);
      }
    }
    return "";
  }

  private static PrivateKey privateKey(String pem) throws Exception {
    String base64 =
        pem.replace("-----BEGIN PRIVATE KEY-----", "")
            .replace("-----END PRIVATE KEY-----", "")
            .replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(base64);
    for (String algorithm : List.of("EC", "RSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (java.security.spec.InvalidKeySpecException e) {
        // try the next
      }
    }
    throw new IllegalArgumentException("not an EC or RSA PKCS#8 key");
  }
}
