package io.cairn.server.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the server needs to start, already checked.
 *
 * @param dataDir where the embedded store keeps its files
 * @param logLevel root log level
 * @param logFormat text or json
 */
public record ServerSettings(Path dataDir, LogLevel logLevel, LogFormat logFormat) {
  public static final List<Setting> ALL =
      List.of(
          new Setting("data-dir", "./data", "directory of the embedded store"),
          new Setting("log.level", "info", "trace, debug, info, warn or error"),
          new Setting("log.format", "text", "text, or json for one JSON object per line"));

  public ServerSettings {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(logLevel, "logLevel");
    Objects.requireNonNull(logFormat, "logFormat");
  }

  /** Reads and checks the settings from flags, environment and config file. */
  public static ServerSettings load(List<String> args, Map<String, String> env) {
    SettingValues v = new SettingsLoader(ALL).resolve(args, env);
    ServerSettings settings =
        new ServerSettings(
            v.path("data-dir"),
            v.choice("log.level", LogLevel.class),
            v.choice("log.format", LogFormat.class));
    v.throwIfAny();
    return settings;
  }
}
