package io.cairn.server.config;

import io.cairn.tls.TlsFiles;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS of the admin API and the xDS server.
 *
 * @param files the PEM files; empty means both serve plaintext
 * @param admin whether the admin API uses them (HTTPS)
 * @param xds whether the xDS server uses them
 */
public record TlsSettings(Optional<TlsFiles> files, boolean admin, boolean xds) {
  public TlsSettings {
    Objects.requireNonNull(files, "files");
  }

  public static TlsSettings off() {
    return new TlsSettings(Optional.empty(), false, false);
  }

  public Optional<TlsFiles> adminFiles() {
    return admin ? files : Optional.empty();
  }

  public Optional<TlsFiles> xdsFiles() {
    return xds ? files : Optional.empty();
  }
}
