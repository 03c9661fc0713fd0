package io.cairn.cluster;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach etcd and how to use it.
 *
 * @param endpoints client URLs of the etcd members ({@code http://} or {@code https://})
 * @param prefix every key Cairn writes starts with this; replicas of one registry share it
 * @param username etcd user when etcd's auth is on, with {@code password}
 * @param caFile CA bundle (PEM) to trust for {@code https://} endpoints
 * @param certFile client certificate (PEM) for etcd's client-cert auth, with {@code keyFile}
 * @param timeout the longest Cairn waits for one etcd request
 * @param memberTtl how long a replica that stops renewing its lease counts as live
 * @param maxTxnOps etcd's {@code --max-txn-ops}: operations one transaction may hold
 */
public record EtcdSettings(
    List<URI> endpoints,
    String prefix,
    Optional<String> username,
    Optional<String> password,
    Optional<Path> caFile,
    Optional<Path> certFile,
    Optional<Path> keyFile,
    Duration timeout,
    Duration memberTtl,
    int maxTxnOps) {
  public EtcdSettings {
    List<String> problems = new ArrayList<>();
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      problems.add("etcd.endpoints: at least one is required");
    }
    for (URI e : endpoints) {
      if (!"http".equals(e.getScheme()) && !"https".equals(e.getScheme()) || e.getHost() == null) {
        problems.add("etcd.endpoints: '" + e + "' is not an http:// or https:// URL with a host");
      }
    }
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.isEmpty() || !prefix.endsWith("/")) {
      problems.add("etcd.prefix: must end with '/' (was '" + prefix + "')");
    }
    if (username.isPresent() != password.isPresent()) {
      problems.add("etcd.username and etcd.password go together");
    }
    if (certFile.isPresent() != keyFile.isPresent()) {
      problems.add("etcd.cert-file and etcd.key-file go together");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      problems.add("etcd.timeout must be positive");
    }
    if (memberTtl.compareTo(Duration.ofSeconds(2)) < 0) {
      problems.add("etcd.member-ttl must be at least 2 seconds (etcd's shortest lease)");
    }
    if (maxTxnOps < 8) {
      problems.add("etcd.max-txn-ops must be at least 8");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** One local etcd with the defaults: for tests and trying things out. */
  public static EtcdSettings local(List<URI> endpoints, String prefix) {
    return new EtcdSettings(
        endpoints,
        prefix,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Duration.ofSeconds(5),
        Duration.ofSeconds(5),
        128);
  }

  public EtcdSettings withMemberTtl(Duration ttl) {
    return new EtcdSettings(
        endpoints, prefix, username, password, caFile, certFile, keyFile, timeout, ttl, maxTxnOps);
  }
}
