package io.cairn.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a server's TLS credentials live.
 *
 * @param certFile PEM certificate chain, the server's own certificate first
 * @param keyFile PEM private key of that certificate (PKCS#8, or PKCS#1 for RSA), unencrypted
 * @param clientCaFile when present, PEM CA bundle that client certificates must chain to (mTLS)
 * @param reloadInterval how often the files are checked for new content
 */
public record TlsFiles(
    Path certFile, Path keyFile, Optional<Path> clientCaFile, Duration reloadInterval) {
  public TlsFiles {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(clientCaFile, "clientCaFile");
    if (reloadInterval.isNegative() || reloadInterval.isZero()) {
      throw new IllegalArgumentException("reloadInterval must be positive");
    }
  }

  /** Whether clients must present a certificate. */
  public boolean mutual() {
    return clientCaFile.isPresent();
  }
}
