package io.cairn.server.config;

import io.cairn.dns.DnsSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the {@code dns.*} settings into {@link DnsSettings}, recording every problem. */
final class DnsSettingValues {
  static final List<Setting> ALL =
      List.of(
          new Setting("dns.address", "127.0.0.1", "DNS listen address, UDP and TCP"),
          new Setting("dns.port", "8600", "DNS port, UDP and TCP (0 picks a free one)"),
          new Setting("dns.domain", "cairn", "domain answered for (consul works too)"),
          new Setting("dns.alt-domain", "", "a second domain with the same answers"),
          new Setting("dns.ttl", "0s", "TTL of answers and of negative answers"),
          new Setting("dns.service-ttl", "", "TTL by service: web=30s,api=5s,batch-*=1m"),
          new Setting("dns.only-passing", "false", "leave warning instances out of answers"),
          new Setting("dns.recursors", "", "host[:port],... for names outside the domains"),
          new Setting("dns.recursor-timeout", "2s", "how long to wait for each recursor"),
          new Setting("dns.answer-limit", "0", "most records per answer (0: as many as fit)"),
          new Setting(
              "dns.udp-workers",
              "auto",
              "UDP receive loops; auto: one per two cores (1-4) when batched, else 2"),
          new Setting(
              "dns.udp-batch", "auto", "auto: recvmmsg/sendmmsg where available; off: never"),
          new Setting(
              "dns.tcp-idle-timeout", "10s", "TCP connections without a whole query are closed"),
          new Setting(
              "dns.tcp-write-timeout", "5s", "TCP connections not taking a reply are closed"),
          new Setting("dns.tcp-max-connections", "512", "TCP connections beyond this are closed"));

  private static final int DNS_PORT = 53;

  private DnsSettingValues() {}

  /** The DNS settings; problems go to {@code v} (and defaults stand in for bad values). */
  static DnsSettings read(SettingValues v, DnsSettings.Node node, Optional<String> aclToken) {
    DnsSettings.Builder b =
        DnsSettings.builder()
            .node(node)
            .aclToken(aclToken)
            .address(v.string("dns.address"))
            .port(v.port("dns.port"))
            .domain(domain(v, "dns.domain").orElse("cairn"))
            .altDomain(
                v.string("dns.alt-domain").isEmpty()
                    ? Optional.empty()
                    : domain(v, "dns.alt-domain"))
            .ttl(v.duration("dns.ttl"))
            .serviceTtls(serviceTtls(v))
            .onlyPassing(v.flag("dns.only-passing"))
            .recursors(recursors(v))
            .recursorTimeout(positive(v, "dns.recursor-timeout"))
            .answerLimit(v.count("dns.answer-limit"))
            .udpBatch(udpBatch(v))
            .tcpIdleTimeout(positive(v, "dns.tcp-idle-timeout"))
            .tcpWriteTimeout(positive(v, "dns.tcp-write-timeout"))
            .tcpMaxConnections(atLeastOne(v, "dns.tcp-max-connections"));
    udpWorkers(v, b);
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      v.invalid("dns.alt-domain", "is not usable: " + e.getMessage());
      return b.altDomain(Optional.empty()).build();
    }
  }

  private static Optional<String> domain(SettingValues v, String key) {
    try {
      return Optional.of(DnsSettings.zone(key, v.string(key)));
    } catch (IllegalArgumentException e) {
      v.invalid(key, "is not a domain name (DNS labels separated by dots)");
      return Optional.empty();
    }
  }

  private static void udpWorkers(SettingValues v, DnsSettings.Builder b) {
    String value = v.string("dns.udp-workers");
    if (value.equals("auto")) {
      b.udpWorkersAuto();
      return;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= 1) {
        b.udpWorkers(n);
        return;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    v.invalid("dns.udp-workers", "is not auto or a whole number from 1 up");
  }

  private static int atLeastOne(SettingValues v, String key) {
    int n = v.count(key);
    if (n == 0) {
      v.invalid(key, "must be at least 1");
      return 1;
    }
    return n;
  }

  private static DnsSettings.UdpBatch udpBatch(SettingValues v) {
    String value = v.string("dns.udp-batch");
    try {
      return DnsSettings.UdpBatch.parse(value);
    } catch (IllegalArgumentException e) {
      v.invalid("dns.udp-batch", "is not auto or off");
      return DnsSettings.UdpBatch.AUTO;
    }
  }

  private static Duration positive(SettingValues v, String key) {
    Duration d = v.duration(key);
    if (d.isZero()) {
      v.invalid(key, "must be longer than 0");
      return Duration.ofSeconds(1);
    }
    return d;
  }

  /** {@code web=30s,api=5s}: exact names, or prefixes ending in {@code *}. */
  private static Map<String, Duration> serviceTtls(SettingValues v) {
    Map<String, Duration> ttls = new LinkedHashMap<>();
    for (String item : v.list("dns.service-ttl")) {
      int eq = item.indexOf('=');
      Optional<Duration> ttl = Optional.empty();
      if (eq > 0) {
        try {
          ttl = Optional.of(io.cairn.admin.json.GoDuration.parse(item.substring(eq + 1)));
        } catch (IllegalArgumentException e) {
          // reported below
        }
      }
      if (ttl.isEmpty() || ttl.get().isNegative()) {
        v.invalid("dns.service-ttl", "has '" + item + "', not service=duration (web=30s)");
      } else {
        ttls.put(item.substring(0, eq).strip(), ttl.get());
      }
    }
    return ttls;
  }

  /** {@code 10.0.0.2,10.0.0.3:5353,[::1]:53}: addresses or hostnames, port 53 by default. */
  private static List<InetSocketAddress> recursors(SettingValues v) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String item : v.list("dns.recursors")) {
      recursor(item)
          .ifPresentOrElse(
              out::add,
              () -> v.invalid("dns.recursors", "has '" + item + "', not host[:port] (resolvable)"));
    }
    return out;
  }

  private static Optional<InetSocketAddress> recursor(String item) {
    String host = item;
    String port = Integer.toString(DNS_PORT);
    int colon = item.indexOf(':');
    if (item.startsWith("[")) {
      int close = item.indexOf(']');
      String rest = close < 0 ? "?" : item.substring(close + 1);
      if (close < 0 || !(rest.isEmpty() || rest.startsWith(":"))) {
        return Optional.empty();
      }
      host = item.substring(1, close);
      port = rest.isEmpty() ? port : rest.substring(1);
    } else if (colon > 0 && colon == item.lastIndexOf(':')) {
      host = item.substring(0, colon);
      port = item.substring(colon + 1);
    }
    try {
      InetSocketAddress address = new InetSocketAddress(host, Integer.parseInt(port));
      return address.isUnresolved() ? Optional.empty() : Optional.of(address);
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // not a number, or not a port
    }
  }
}
