package io.cairn.server.config;

import io.cairn.tls.ServerTls;
import io.cairn.tls.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reads the {@code tls.*} settings and checks the files they name, recording every problem. */
final class TlsSettingValues {
  static final List<Setting> ALL =
      List.of(
          new Setting(
              "tls.cert-file",
              "",
              "PEM certificate chain of the admin API and xDS (with key-file turns TLS on)"),
          new Setting("tls.key-file", "", "PEM private key of tls.cert-file (PKCS#8 or RSA)"),
          new Setting(
              "tls.client-ca-file",
              "",
              "PEM CA bundle; when set, clients must present a certificate it signed (mTLS)"),
          new Setting("tls.admin", "true", "serve the admin API over TLS when cert/key are set"),
          new Setting("tls.xds", "true", "serve xDS over TLS when cert/key are set"),
          new Setting(
              "tls.reload-interval",
              "10s",
              "how often the TLS files are checked; changed files are used for new connections"));

  private TlsSettingValues() {}

  static TlsSettings read(SettingValues v) {
    Optional<String> cert = optional(v, "tls.cert-file");
    Optional<String> key = optional(v, "tls.key-file");
    Optional<String> clientCa = optional(v, "tls.client-ca-file");
    boolean admin = v.flag("tls.admin");
    boolean xds = v.flag("tls.xds");
    Duration interval = v.duration("tls.reload-interval");
    if (interval.isZero()) {
      v.invalid("tls.reload-interval", "must be longer than 0");
      interval = Duration.ofSeconds(10);
    }
    if (cert.isEmpty() && key.isEmpty()) {
      clientCa.ifPresent(c -> v.problem("tls.client-ca-file needs tls.cert-file and tls.key-file"));
      return TlsSettings.off();
    }
    if (cert.isEmpty() || key.isEmpty()) {
      v.problem("tls.cert-file and tls.key-file must be set together");
      return TlsSettings.off();
    }
    TlsFiles files =
        new TlsFiles(Path.of(cert.get()), Path.of(key.get()), clientCa.map(Path::of), interval);
    // Checked here so that a bad file is reported with every other bad setting, before start-up.
    ServerTls.check(files).forEach(p -> v.problem("tls: " + p));
    return new TlsSettings(Optional.of(files), admin, xds);
  }

  private static Optional<String> optional(SettingValues v, String key) {
    return Optional.of(v.string(key)).filter(s -> !s.isEmpty());
  }
}
