package io.cairn.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings the cluster's integration tests use against a LocalEtcd: prefix {@code /it/}. */
final class TestEtcdSettings {
  private TestEtcdSettings() {}

  /** A 2 s member TTL and a 2 s deadline on etcd calls. */
  static EtcdSettings of(List<String> endpoints) {
    return of(endpoints, Duration.ofSeconds(2));
  }

  /** A 2 s member TTL and etcd call deadline {@code timeout}. */
  static EtcdSettings of(List<String> endpoints, Duration timeout) {
    return new EtcdSettings(
        endpoints.stream().map(URI::create).toList(),
        "/it/",
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        timeout,
        Duration.ofSeconds(2),
        128);
  }
}
