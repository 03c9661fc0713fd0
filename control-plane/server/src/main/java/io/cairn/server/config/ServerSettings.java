package io.cairn.server.config;

import io.cairn.dns.DnsSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Everything the server needs to start, already checked.
 *
 * @param dataDir where the embedded store keeps its files
 * @param logLevel root log level
 * @param logFormat text or json
 * @param http the admin API
 * @param node how Cairn presents itself to Consul clients
 * @param dns the DNS front end
 */
public record ServerSettings(
    Path dataDir,
    LogLevel logLevel,
    LogFormat logFormat,
    HttpSettings http,
    NodeSettings node,
    DnsSettings dns) {
  public static final List<Setting> ALL =
      Stream.concat(
              Stream.of(
                  new Setting("data-dir", "./data", "directory of the embedded store"),
                  new Setting(
                      "http.address", "127.0.0.1", "admin API listen address (0.0.0.0 for all)"),
                  new Setting("http.port", "8500", "admin API port (Consul's)"),
                  new Setting(
                      "http.max-body-size", "1048576", "largest request body in bytes (413 above)"),
                  new Setting(
                      "acl.token", "", "token every write must carry; empty turns ACLs off"),
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
                  new Setting("log.level", "info", "trace, debug, info, warn or error"),
                  new Setting("log.format", "text", "text, or json for one JSON object per line")),
              DnsSettingValues.ALL.stream())
          .toList();

  public ServerSettings {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(logLevel, "logLevel");
    Objects.requireNonNull(logFormat, "logFormat");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(dns, "dns");
  }

  /** Reads and checks the settings from flags, environment and config file. */
  public static ServerSettings load(List<String> args, Map<String, String> env) {
    SettingValues v = new SettingsLoader(ALL).resolve(args, env);
    ServerSettings settings =
        new ServerSettings(
            v.path("data-dir"),
            v.choice("log.level", LogLevel.class),
            v.choice("log.format", LogFormat.class),
            new HttpSettings(
                v.string("http.address"),
                v.port("http.port"),
                v.positiveLong("http.max-body-size"),
                Optional.of(v.string("acl.token")).filter(t -> !t.isEmpty()),
                v.choice("intentions.default-policy", IntentionsDefault.class)),
            new NodeSettings(
                v.label("node-name"), v.label("datacenter"), v.string("advertise-address")),
            DnsSettingValues.read(v));
    v.throwIfAny();
    return settings;
  }
}
