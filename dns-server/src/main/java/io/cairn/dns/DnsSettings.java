package io.cairn.dns;

import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.NetworkAddresses;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the DNS front end needs to know, read by {@code main} and handed over.
 *
 * @param address interface to listen on, UDP and TCP
 * @param port UDP and TCP port (0 picks a free one, the same for both)
 * @param domain the zone Cairn answers for, absolute and lower case ({@code cairn.})
 * @param altDomain a second zone with the same answers ({@code consul.}), if any
 * @param ttl TTL of every answer unless {@code serviceTtls} names the service; also the SOA's
 *     negative-caching TTL
 * @param serviceTtls TTL by service name; a key ending in {@code *} matches names with that prefix
 *     (the longest such prefix wins, an exact name beats every prefix)
 * @param onlyPassing leave instances whose worst check warns out of answers
 * @param recursors servers that get names outside the domains; empty answers those REFUSED
 * @param recursorTimeout how long to wait for a recursor before trying the next one
 * @param answerLimit most address or SRV records in one answer; 0 means as many as fit
 * @param udpWorkers threads receiving and answering UDP queries; empty chooses by the loop that
 *     runs (see {@link #udpWorkersFor(boolean, int)})
 * @param udpBatch whether UDP loops receive and send datagrams in batches ({@code recvmmsg} and
 *     {@code sendmmsg}) where the platform allows it
 * @param tcpIdleTimeout a TCP connection without a complete query for this long is closed (however
 *     slowly its bytes trickle in)
 * @param tcpWriteTimeout a TCP connection whose reply is not taken by the client within this long
 *     is closed
 * @param tcpMaxConnections TCP connections beyond this are closed on accept
 * @param node Cairn's node, its address and datacenter: {@code <node>.node.<domain>} and the
 *     datacenter label of {@code web.service.<dc>.<domain>}
 * @param aclToken the token DNS answers with when ACLs are on (Consul's {@code acl.tokens.dns}):
 *     only services and nodes it may read are answered; without one, the anonymous token's
 */
public record DnsSettings(
    String address,
    int port,
    String domain,
    Optional<String> altDomain,
    Duration ttl,
    Map<String, Duration> serviceTtls,
    boolean onlyPassing,
    List<InetSocketAddress> recursors,
    Duration recursorTimeout,
    int answerLimit,
    OptionalInt udpWorkers,
    UdpBatch udpBatch,
    Duration tcpIdleTimeout,
    Duration tcpWriteTimeout,
    int tcpMaxConnections,
    Node node,
    Optional<String> aclToken) {

  /**
   * Cairn's node as DNS names it.
   *
   * @param address an IP literal, answered for {@code <name>.node.<domain>}, or empty
   * @param meta the node's metadata, answered as TXT records for {@code <name>.node.<domain>}: the
   *     same the HTTP API shows as the node's {@code Meta}; within Consul's limits (at most 64
   *     entries, keys of 1 to 128 characters, values of at most 512)
   */
  public record Node(String name, String address, String datacenter, Map<String, String> meta) {
    private static final int MAX_META_ENTRIES = 64;
    private static final int MAX_META_KEY = 128;
    private static final int MAX_META_VALUE = 512;

    public Node {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(datacenter, "datacenter");
      meta = Map.copyOf(Objects.requireNonNull(meta, "meta"));
      if (meta.size() > MAX_META_ENTRIES) {
        throw new IllegalArgumentException(
            "node meta has " + meta.size() + " entries, at most " + MAX_META_ENTRIES);
      }
      meta.forEach(
          (key, value) -> {
            if (key.isEmpty() || key.length() > MAX_META_KEY || value.length() > MAX_META_VALUE) {
              throw new IllegalArgumentException(
                  "node meta '"
                      + key
                      + "' needs a key of 1 to "
                      + MAX_META_KEY
                      + " characters and a value of at most "
                      + MAX_META_VALUE);
            }
          });
      if (!Names.isDnsLabel(name) || !Names.isDnsLabel(datacenter)) {
        throw new IllegalArgumentException(
            "node name and datacenter must be DNS labels, were '"
                + name
                + "' and '"
                + datacenter
                + "'");
      }
      if (!address.isEmpty() && !NetworkAddresses.isIpLiteral(address)) {
        throw new IllegalArgumentException("node address must be an IP, was '" + address + "'");
      }
    }
  }

  public DnsSettings {
    Objects.requireNonNull(address, "address");
    domain = zone("domain", domain);
    altDomain = Objects.requireNonNull(altDomain, "altDomain").map(d -> zone("altDomain", d));
    if (altDomain.filter(domain::equals).isPresent()) {
      throw new IllegalArgumentException("altDomain must differ from domain, both are " + domain);
    }
    requireSeconds("ttl", ttl);
    Map<String, Duration> ttls = new java.util.HashMap<>();
    Objects.requireNonNull(serviceTtls, "serviceTtls")
        .forEach(
            (name, t) -> {
              requireSeconds("serviceTtls[" + name + "]", t);
              ttls.put(name.toLowerCase(Locale.ROOT), t);
            });
    serviceTtls = Map.copyOf(ttls);
    recursors = List.copyOf(recursors);
    Objects.requireNonNull(recursorTimeout, "recursorTimeout");
    requirePositive("recursorTimeout", recursorTimeout);
    requirePositive("tcpIdleTimeout", tcpIdleTimeout);
    requirePositive("tcpWriteTimeout", tcpWriteTimeout);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
    }
    if (answerLimit < 0) {
      throw new IllegalArgumentException("answerLimit must not be negative, was " + answerLimit);
    }
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(aclToken, "aclToken");
    Objects.requireNonNull(udpBatch, "udpBatch");
    Objects.requireNonNull(udpWorkers, "udpWorkers");
    if (udpWorkers.orElse(1) < 1 || tcpMaxConnections < 1) {
      throw new IllegalArgumentException("udpWorkers and tcpMaxConnections must be positive");
    }
  }

  /**
   * The UDP loops to run: the number given, else one per two cores (one to four) for batched loops
   * and two for loops of one datagram per call. A batched loop answers a whole batch per wake-up,
   * so one loop costs less CPU per query than two sharing the same cores (on 2 cores, one loop
   * answered 1.4-1.7x the queries per CPU-second of two; docs/benchmarks.md).
   */
  public int udpWorkersFor(boolean batched, int cores) {
    return udpWorkers.orElse(batched ? Math.clamp(cores / 2, 1, 4) : 2);
  }

  /**
   * How UDP datagrams are received and sent: {@code AUTO} batches them with Linux's {@code
   * recvmmsg}/{@code sendmmsg} when the platform and the Java runtime (22 or later) allow it, and
   * falls back to one system call per datagram otherwise; {@code OFF} always uses the latter.
   */
  public enum UdpBatch {
    AUTO,
    OFF;

    /** {@code auto} or {@code off}, in any case. */
    public static UdpBatch parse(String value) {
      for (UdpBatch b : values()) {
        if (b.name().equalsIgnoreCase(value.strip())) {
          return b;
        }
      }
      throw new IllegalArgumentException("udpBatch must be auto or off, was '" + value + "'");
    }
  }

  /** The settings without the DNS token's secret, which is never logged. */
  @Override
  public String toString() {
    return "DnsSettings[address="
        + address
        + ", port="
        + port
        + ", domains="
        + domains()
        + ", node="
        + node
        + ", aclToken="
        + (aclToken.isPresent() ? "<hidden>" : "none")
        + "]";
  }

  /** Settings with the defaults: 127.0.0.1:8600, domain {@code cairn.}, TTL 0, no recursors. */
  public static Builder builder() {
    return new Builder();
  }

  /** Every domain answered for, the primary first. */
  public List<String> domains() {
    List<String> all = new ArrayList<>(2);
    all.add(domain);
    altDomain.ifPresent(all::add);
    return List.copyOf(all);
  }

  /** The TTL of answers about {@code service} (matched case-insensitively). */
  public Duration ttlOf(String service) {
    String name = service.toLowerCase(Locale.ROOT);
    Duration exact = serviceTtls.get(name);
    if (exact != null) {
      return exact;
    }
    Duration best = ttl;
    int bestLength = -1;
    for (Map.Entry<String, Duration> e : serviceTtls.entrySet()) {
      String key = e.getKey();
      if (key.endsWith("*")
          && key.length() - 1 > bestLength
          && name.startsWith(key.substring(0, key.length() - 1))) {
        best = e.getValue();
        bestLength = key.length() - 1;
      }
    }
    return best;
  }

  /**
   * A zone name: DNS labels separated by dots, made absolute and lower case ({@code Cairn} becomes
   * {@code cairn.}).
   */
  public static String zone(String field, String value) {
    Objects.requireNonNull(value, field);
    String name = value.endsWith(".") ? value.substring(0, value.length() - 1) : value;
    if (name.isEmpty() || name.length() > 200) {
      throw new IllegalArgumentException(field + " must be a domain name, was '" + value + "'");
    }
    for (String label : name.split("\\.", -1)) {
      if (!Names.isDnsLabel(label)) {
        throw new IllegalArgumentException(
            field + ": '" + value + "' is not a domain name (DNS labels separated by dots)");
      }
    }
    return name.toLowerCase(Locale.ROOT) + ".";
  }

  private static void requireSeconds(String field, Duration d) {
    Objects.requireNonNull(d, field);
    if (d.isNegative() || d.toSeconds() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(field + " must be between 0 and 2^31-1 seconds");
    }
  }

  private static void requirePositive(String field, Duration d) {
    Objects.requireNonNull(d, field);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(field + " must be positive, was " + d);
    }
  }

  /** Builds settings from the defaults; every setter replaces one of them. */
  public static final class Builder {
    private String address = "127.0.0.1";
    private int port = 8600;
    private String domain = "cairn.";
    private Optional<String> altDomain = Optional.empty();
    private Duration ttl = Duration.ZERO;
    private Map<String, Duration> serviceTtls = Map.of();
    private boolean onlyPassing;
    private List<InetSocketAddress> recursors = List.of();
    private Duration recursorTimeout = Duration.ofSeconds(2);
    private int answerLimit;
    private OptionalInt udpWorkers = OptionalInt.empty();
    private UdpBatch udpBatch = UdpBatch.AUTO;
    private Duration tcpIdleTimeout = Duration.ofSeconds(10);
    private Duration tcpWriteTimeout = Duration.ofSeconds(5);
    private int tcpMaxConnections = 512;
    private Node node = new Node("cairn", "127.0.0.1", "dc1", Map.of());
    private Optional<String> aclToken = Optional.empty();

    private Builder() {}

    public Builder node(Node node) {
      this.node = node;
      return this;
    }

    public Builder aclToken(Optional<String> aclToken) {
      this.aclToken = aclToken;
      return this;
    }

    public Builder address(String address) {
      this.address = address;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder domain(String domain) {
      this.domain = domain;
      return this;
    }

    public Builder altDomain(Optional<String> altDomain) {
      this.altDomain = altDomain;
      return this;
    }

    public Builder ttl(Duration ttl) {
      this.ttl = ttl;
      return this;
    }

    public Builder serviceTtls(Map<String, Duration> serviceTtls) {
      this.serviceTtls = serviceTtls;
      return this;
    }

    public Builder onlyPassing(boolean onlyPassing) {
      this.onlyPassing = onlyPassing;
      return this;
    }

    public Builder recursors(List<InetSocketAddress> recursors) {
      this.recursors = recursors;
      return this;
    }

    public Builder recursorTimeout(Duration recursorTimeout) {
      this.recursorTimeout = recursorTimeout;
      return this;
    }

    public Builder answerLimit(int answerLimit) {
      this.answerLimit = answerLimit;
      return this;
    }

    public Builder udpWorkers(int udpWorkers) {
      this.udpWorkers = OptionalInt.of(udpWorkers);
      return this;
    }

    /** Leaves the number of UDP loops to {@link DnsSettings#udpWorkersFor(boolean, int)}. */
    public Builder udpWorkersAuto() {
      this.udpWorkers = OptionalInt.empty();
      return this;
    }

    public Builder udpBatch(UdpBatch udpBatch) {
      this.udpBatch = udpBatch;
      return this;
    }

    public Builder tcpIdleTimeout(Duration tcpIdleTimeout) {
      this.tcpIdleTimeout = tcpIdleTimeout;
      return this;
    }

    public Builder tcpWriteTimeout(Duration tcpWriteTimeout) {
      this.tcpWriteTimeout = tcpWriteTimeout;
      return this;
    }

    public Builder tcpMaxConnections(int tcpMaxConnections) {
      this.tcpMaxConnections = tcpMaxConnections;
      return this;
    }

    public DnsSettings build() {
      return new DnsSettings(
          address,
          port,
          domain,
          altDomain,
          ttl,
          serviceTtls,
          onlyPassing,
          recursors,
          recursorTimeout,
          answerLimit,
          udpWorkers,
          udpBatch,
          tcpIdleTimeout,
          tcpWriteTimeout,
          tcpMaxConnections,
          node,
          aclToken);
    }
  }
}
