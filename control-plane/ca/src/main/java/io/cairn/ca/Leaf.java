package io.cairn.ca;

import java.time.Instant;
import java.util.Objects;

/**
 * A leaf certificate for one service and its key.
 *
 * @param serialNumber colon-separated hex, as Consul shows it
 * @param certPem the certificate, followed by the signing root's cross-signatures, if any
 * @param privateKeyPem the key (PKCS#8); never logged
 * @param id the service's identity
 * @param rootId the root that signed it
 * @param validAfter start of validity
 * @param validBefore end of validity
 */
public record Leaf(
    String serialNumber,
    String certPem,
    String privateKeyPem,
    SpiffeId id,
    String rootId,
    Instant validAfter,
    Instant validBefore) {
  public Leaf {
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(certPem, "certPem");
    Objects.requireNonNull(privateKeyPem, "privateKeyPem");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(rootId, "rootId");
    Objects.requireNonNull(validAfter, "validAfter");
    Objects.requireNonNull(validBefore, "validBefore");
  }

  @Override
  public String toString() {
    return "Leaf[serial=" + serialNumber + ", id=" + id + ", validBefore=" + validBefore + "]";
  }
}
