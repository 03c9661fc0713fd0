package io.cairn.server.config;

import java.util.Locale;

/**
 * One setting. Its flag and environment variable derive from its key: {@code http.port} is {@code
 * --http-port} and {@code CAIRN_HTTP_PORT}.
 *
 * @param key dotted path of dash-case names, as in the config file
 * @param defaultValue the value when nothing sets it
 * @param description one line for {@code --help}
 */
public record Setting(String key, String defaultValue, String description) {
  public String flag() {
    return "--" + key.replace('.', '-');
  }

  public String environmentVariable() {
    return "CAIRN_" + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }
}
