package io.cairn.registry.ca;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One root of the CA, with its private key (PKCS#8 PEM). The key is registry state so every replica
 * signs with it; it is never logged ({@link #toString} leaves it out) and never served.
 *
 * @param id the root's ID: its SHA-1 fingerprint as colon-separated hex, as Consul shows it
 * @param name shown to users
 * @param serialNumber the certificate's serial number
 * @param signingKeyId the subject key identifier, colon-separated hex
 * @param notBeforeMillis start of validity, epoch milliseconds
 * @param notAfterMillis end of validity, epoch milliseconds
 * @param rootCertPem the self-signed certificate
 * @param intermediateCertPems this root's key certified by earlier roots (cross-signatures), so
 *     leaves it signs are trusted by proxies that only know an earlier root
 * @param privateKeyType {@code ec} or {@code rsa}
 * @param privateKeyBits the key's size
 * @param privateKeyPem the signing key
 */
public record CaRoot(
    String id,
    String name,
    long serialNumber,
    String signingKeyId,
    long notBeforeMillis,
    long notAfterMillis,
    String rootCertPem,
    List<String> intermediateCertPems,
    String privateKeyType,
    int privateKeyBits,
    String privateKeyPem) {
  public CaRoot {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(signingKeyId, "signingKeyId");
    Objects.requireNonNull(rootCertPem, "rootCertPem");
    intermediateCertPems = List.copyOf(intermediateCertPems);
    Objects.requireNonNull(privateKeyType, "privateKeyType");
    Objects.requireNonNull(privateKeyPem, "privateKeyPem");
  }

  public CaRoot withIntermediates(List<String> pems) {
    return new CaRoot(
        id,
        name,
        serialNumber,
        signingKeyId,
        notBeforeMillis,
        notAfterMillis,
        rootCertPem,
        pems,
        privateKeyType,
        privateKeyBits,
        privateKeyPem);
  }

  public Instant notBefore() {
    return Instant.ofEpochMilli(notBeforeMillis);
  }

  public Instant notAfter() {
    return Instant.ofEpochMilli(notAfterMillis);
  }

  @Override
  public String toString() {
    return "CaRoot[id=" + id + ", name=" + name + ", notAfter=" + notAfter() + "]";
  }
}
