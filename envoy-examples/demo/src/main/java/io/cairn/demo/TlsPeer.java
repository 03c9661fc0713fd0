package io.cairn.demo;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The other side of an mTLS connection as the mesh knows it: the SPIFFE ID in its certificate's URI
 * SAN ({@code spiffe://<trust domain>/ns/default/dc/<dc>/svc/<service>}) and the certificate's
 * serial, written as {@code cairn connect certs} prints it ({@code 0e:6c:42:...}).
 */
record TlsPeer(String spiffeId, String serial) {
  private static final int URI_SAN = 6;

  TlsPeer {
    if (!spiffeId.startsWith("spiffe://")) {
      throw new IllegalArgumentException("not a SPIFFE ID: " + spiffeId);
    }
    if (serial.isEmpty()) {
      throw new IllegalArgumentException("empty serial");
    }
  }

  /** The peer of a TLS session; empty without one, or when its certificate has no SPIFFE ID. */
  static Optional<TlsPeer> of(SSLSession session) {
    if (session == null) { // grpc-java's attribute is absent on a plaintext transport
      return Optional.empty();
    }
    try {
      return first(List.of(session.getPeerCertificates()));
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  /** The first certificate of a chain: the leaf (a cross-signed root may follow it). */
  static Optional<TlsPeer> first(List<Certificate> chain) {
    if (chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf)) {
      return Optional.empty();
    }
    return spiffeId(leaf)
        .map(
            id ->
                new TlsPeer(
                    id,
                    HexFormat.ofDelimiter(":").formatHex(leaf.getSerialNumber().toByteArray())));
  }

  private static Optional<String> spiffeId(X509Certificate cert) {
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans == null) {
        return Optional.empty();
      }
      return sans.stream()
          .filter(san -> san.size() == 2 && Integer.valueOf(URI_SAN).equals(san.get(0)))
          .map(san -> String.valueOf(san.get(1)))
          .filter(uri -> uri.startsWith("spiffe://"))
          .findFirst();
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
  }
}
