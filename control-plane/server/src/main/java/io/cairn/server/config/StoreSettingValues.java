package io.cairn.server.config;

import io.cairn.cluster.EtcdSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads {@code store} and the {@code etcd.*} settings, recording every problem. */
final class StoreSettingValues {
  static final List<Setting> ALL =
      List.of(
          new Setting("store", "embedded", "embedded (SQLite in data-dir) or etcd (a cluster)"),
          new Setting(
              "etcd.endpoints", "http://127.0.0.1:2379", "etcd client URLs, comma-separated"),
          new Setting("etcd.prefix", "/cairn/", "key prefix; replicas of one registry share it"),
          new Setting("etcd.username", "", "etcd user (with etcd.password) when auth is on"),
          new Setting("etcd.password", "", "password of etcd.username"),
          new Setting("etcd.ca-file", "", "PEM CA bundle to trust for https:// endpoints"),
          new Setting("etcd.cert-file", "", "PEM client certificate for etcd (with key-file)"),
          new Setting("etcd.key-file", "", "PEM private key of etcd.cert-file"),
          new Setting("etcd.timeout", "5s", "longest wait for one etcd request"),
          new Setting(
              "etcd.member-ttl", "5s", "a replica that stops renewing counts as gone after this"),
          new Setting("etcd.max-txn-ops", "128", "etcd's --max-txn-ops (ops per transaction)"));

  /** The choice of store. */
  enum Kind {
    EMBEDDED,
    ETCD
  }

  private StoreSettingValues() {}

  static StoreSettings read(SettingValues v, Path dataDir) {
    Kind kind = v.choice("store", Kind.class);
    if (kind == Kind.EMBEDDED) {
      return new StoreSettings.Embedded(dataDir);
    }
    List<URI> endpoints = new ArrayList<>();
    for (String e : v.list("etcd.endpoints")) {
      try {
        endpoints.add(new URI(e));
      } catch (URISyntaxException ex) {
        v.problem("etcd.endpoints: '" + e + "' is not a URL");
      }
    }
    Duration timeout = v.duration("etcd.timeout");
    Duration ttl = v.duration("etcd.member-ttl");
    int maxOps = v.count("etcd.max-txn-ops");
    try {
      return new StoreSettings.Etcd(
          new EtcdSettings(
              endpoints,
              v.string("etcd.prefix"),
              optional(v, "etcd.username"),
              optional(v, "etcd.password"),
              optional(v, "etcd.ca-file").map(Path::of),
              optional(v, "etcd.cert-file").map(Path::of),
              optional(v, "etcd.key-file").map(Path::of),
              timeout,
              ttl,
              maxOps));
    } catch (IllegalArgumentException e) {
      for (String problem : e.getMessage().split("; ")) {
        v.problem(problem);
      }
      return new StoreSettings.Embedded(dataDir);
    }
  }

  private static Optional<String> optional(SettingValues v, String key) {
    return Optional.of(v.string(key)).filter(s -> !s.isEmpty());
  }
}
