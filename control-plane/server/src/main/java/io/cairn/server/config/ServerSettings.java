package io.cairn.server.config;

import io.cairn.admin.AdminSettings;
import io.cairn.admin.consul.NodeIdentity;
import io.cairn.admin.http.HttpLimits;
import io.cairn.dns.DnsSettings;
import io.cairn.health.HealthSettings;
import io.cairn.registry.acl.AclSettings;
import io.cairn.registry.acl.DefaultPolicy;
import io.cairn.registry.config.IntentionAction;
import io.cairn.xds.server.XdsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Everything the server needs to start, already checked.
 *
 * @param dataDir where the embedded store keeps its files
 * @param store the embedded store or an etcd cluster
 * @param logLevel root log level
 * @param logFormat text or json
 * @param http the admin API
 * @param node how Cairn presents itself to Consul clients
 * @param acl whether ACLs are on, their default policy and the management token (admin API and xDS)
 * @param intentionsDefault answer of an intention check when nothing matches (admin API and xDS)
 * @param health how checks are run
 * @param dns the DNS front end
 * @param xds the xDS server
 * @param tls TLS of the admin API and xDS
 */
public record ServerSettings(
    Path dataDir,
    StoreSettings store,
    LogLevel logLevel,
    LogFormat logFormat,
    AdminSettings http,
    NodeSettings node,
    AclSettings acl,
    IntentionAction intentionsDefault,
    HealthSettings health,
    DnsSettings dns,
    XdsSettings xds,
    TlsSettings tls) {
  public static final List<Setting> ALL =
      Stream.of(
              Stream.of(
                  new Setting("data-dir", "./data", "directory of the embedded store"),
                  new Setting(
                      "http.address", "127.0.0.1", "admin API listen address (0.0.0.0 for all)"),
                  new Setting("http.port", "8500", "admin API port (Consul's)"),
                  new Setting(
                      "http.max-body-size", "1048576", "largest request body in bytes (413 above)"),
                  new Setting(
                      "http.max-connections",
                      "10000",
                      "open admin API connections; more wait to be accepted"),
                  new Setting(
                      "http.max-header-size",
                      "16384",
                      "largest request line plus headers in bytes (400 above)"),
                  new Setting(
                      "http.max-blocking-queries",
                      "10000",
                      "blocking queries (?index=) waiting at once; more get 429"),
                  new Setting(
                      "http.write-rate-per-client",
                      "0",
                      "writes per second one client address may make (429 above); 0: no limit"),
                  new Setting(
                      "http.write-burst-per-client",
                      "50",
                      "writes a client may make at once before the rate applies"),
                  new Setting(
                      "acl.enabled", "false", "require ACL tokens (also on when acl.token is set)"),
                  new Setting(
                      "acl.default-policy",
                      "deny",
                      "allow or deny what no token's rules speak of (the anonymous token too)"),
                  new Setting(
                      "acl.token",
                      "",
                      "management token that may do everything; setting it turns ACLs on"),
                  new Setting(
                      "acl.dns-token",
                      "",
                      "token DNS answers with (Consul's acl.tokens.dns); else the anonymous token"),
                  new Setting(
                      "intentions.default-policy",
                      "allow",
                      "allow or deny when no intention matches"),
                  new Setting("node-name", "cairn", "node name shown to Consul clients"),
                  new Setting("datacenter", "dc1", "datacenter name shown to Consul clients"),
                  new Setting(
                      "advertise-address",
                      "",
                      "address shown as the node's (default: the HTTP one)"),
                  new Setting(
                      "health.max-concurrent-probes",
                      "1024",
                      "health-check probes in flight at once; more wait for a slot")),
              StoreSettingValues.ALL.stream(),
              DnsSettingValues.ALL.stream(),
              TlsSettingValues.ALL.stream(),
              Stream.of(
                  new Setting("xds.address", "127.0.0.1", "xDS (ADS over gRPC) listen address"),
                  new Setting("xds.port", "18000", "xDS port"),
                  new Setting(
                      "xds.debounce-ms",
                      "10",
                      "publish xDS changes once the registry is quiet this long"),
                  new Setting(
                      "xds.debounce-max-ms",
                      "100",
                      "but never hold an xDS change back longer than this"),
                  new Setting(
                      "xds.max-streams",
                      "20000",
                      "xDS streams open at once; more are refused with RESOURCE_EXHAUSTED"),
                  new Setting(
                      "xds.max-streams-per-connection",
                      "1000",
                      "xDS streams one connection may have open; the client queues the rest"),
                  new Setting("log.level", "info", "trace, debug, info, warn or error"),
                  new Setting("log.format", "text", "text, or json for one JSON object per line")))
          .flatMap(s -> s)
          .toList();

  public ServerSettings {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(logLevel, "logLevel");
    Objects.requireNonNull(logFormat, "logFormat");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(acl, "acl");
    Objects.requireNonNull(intentionsDefault, "intentionsDefault");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(dns, "dns");
    Objects.requireNonNull(xds, "xds");
    Objects.requireNonNull(tls, "tls");
  }

  private static XdsSettings xds(SettingValues v) {
    Duration quiet = Duration.ofMillis(v.positiveLong("xds.debounce-ms"));
    Duration max = Duration.ofMillis(v.positiveLong("xds.debounce-max-ms"));
    if (max.compareTo(quiet) < 0) {
      v.problem("xds.debounce-max-ms must be at least xds.debounce-ms");
      max = quiet;
    }
    return new XdsSettings(
        v.string("xds.address"),
        v.port("xds.port"),
        quiet,
        max,
        (int) Math.min(Integer.MAX_VALUE, v.positiveLong("xds.max-streams")),
        (int) Math.min(Integer.MAX_VALUE, v.positiveLong("xds.max-streams-per-connection")));
  }

  private static AclSettings acl(SettingValues v) {
    Optional<String> token = Optional.of(v.string("acl.token")).filter(t -> !t.isBlank());
    return new AclSettings(
        v.flag("acl.enabled") || token.isPresent(),
        v.choice("acl.default-policy", DefaultPolicy.class),
        token);
  }

  /** The node's address for DNS: an IP, or none when it is advertised as a host name. */
  private static String dnsNodeAddress(String address) {
    return io.cairn.registry.validation.NetworkAddresses.isIpLiteral(address) ? address : "";
  }

  /** The node as Consul clients see it: the advertised address, else the HTTP one if usable. */
  private static NodeIdentity nodeIdentity(NodeSettings node, String httpAddress) {
    String address =
        !node.advertiseAddress().isEmpty()
            ? node.advertiseAddress()
            : isWildcard(httpAddress) ? "127.0.0.1" : httpAddress;
    return new NodeIdentity(node.name(), address, node.datacenter(), node.meta());
  }

  private static boolean isWildcard(String address) {
    return address.equals("0.0.0.0") || address.equals("::") || address.equals("[::]");
  }

  /** Reads and checks the settings from flags, environment and config file. */
  public static ServerSettings load(List<String> args, Map<String, String> env) {
    SettingValues v = new SettingsLoader(ALL).resolve(args, env);
    // Read in the order of the settings, so that problems are listed in that order.
    Path dataDir = v.path("data-dir");
    StoreSettings store = StoreSettingValues.read(v, dataDir);
    LogLevel logLevel = v.choice("log.level", LogLevel.class);
    LogFormat logFormat = v.choice("log.format", LogFormat.class);
    String httpAddress = v.string("http.address");
    int httpPort = v.port("http.port");
    long maxBodySize = v.positiveLong("http.max-body-size");
    AclSettings acl = acl(v);
    IntentionAction intentionsDefault =
        v.choice("intentions.default-policy", IntentionAction.class);
    HttpLimits limits =
        new HttpLimits(
            (int) Math.min(Integer.MAX_VALUE, v.positiveLong("http.max-blocking-queries")),
            v.count("http.write-rate-per-client"),
            Math.max(1, v.count("http.write-burst-per-client")),
            (int) Math.min(Integer.MAX_VALUE, v.whole("http.max-header-size", 1024)),
            (int) Math.min(Integer.MAX_VALUE, v.positiveLong("http.max-connections")));
    NodeSettings node =
        new NodeSettings(
            v.label("node-name"), v.label("datacenter"), v.string("advertise-address"));
    ServerSettings settings =
        new ServerSettings(
            dataDir,
            store,
            logLevel,
            logFormat,
            new AdminSettings(
                httpAddress, httpPort, maxBodySize, nodeIdentity(node, httpAddress), limits),
            node,
            acl,
            intentionsDefault,
            new HealthSettings(
                (int) Math.min(Integer.MAX_VALUE, v.positiveLong("health.max-concurrent-probes"))),
            DnsSettingValues.read(
                v,
                new DnsSettings.Node(
                    node.name(),
                    dnsNodeAddress(nodeIdentity(node, httpAddress).address()),
                    node.datacenter(),
                    node.meta()),
                Optional.of(v.string("acl.dns-token")).filter(t -> !t.isBlank())),
            xds(v),
            TlsSettingValues.read(v));
    v.throwIfAny();
    return settings;
  }
}
