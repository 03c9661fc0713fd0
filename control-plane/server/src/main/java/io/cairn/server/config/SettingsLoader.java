package io.cairn.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads settings from defaults, then a YAML file ({@code --config} or {@code CAIRN_CONFIG}), then
 * {@code CAIRN_*} environment variables, then flags. Unknown keys and flags are errors, so a typo
 * never silently falls back to a default. Every problem is reported at once.
 */
public final class SettingsLoader {
  private static final Setting CONFIG =
      new Setting("config", "", "YAML file with settings (dash-case keys, nested or dotted)");

  private final List<Setting> settings;

  public SettingsLoader(List<Setting> settings) {
    this.settings = List.copyOf(settings);
  }

  /** Every setting, including {@code --config}, for help output. */
  public List<Setting> settings() {
    List<Setting> all = new ArrayList<>(settings);
    all.add(CONFIG);
    return all;
  }

  /**
   * The value of every setting after all sources were applied, with the problems found so far
   * (unknown flags or keys, unreadable file); reading typed values adds more, and {@link
   * SettingValues#throwIfAny()} reports them all.
   */
  public SettingValues resolve(List<String> args, Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    Map<String, String> flags = parseFlags(args, problems);
    Map<String, String> values = new LinkedHashMap<>();
    for (Setting s : settings) {
      values.put(s.key(), s.defaultValue());
    }
    Optional<String> file =
        Optional.ofNullable(flags.get(CONFIG.key()))
            .or(() -> Optional.ofNullable(env.get(CONFIG.environmentVariable())));
    file.ifPresent(f -> readFile(f, values, problems));
    for (Setting s : settings) {
      String fromEnv = env.get(s.environmentVariable());
      if (fromEnv != null) {
        values.put(s.key(), fromEnv);
      }
    }
    flags.forEach(
        (key, value) -> {
          if (!key.equals(CONFIG.key())) {
            values.put(key, value);
          }
        });
    return new SettingValues(values, problems);
  }

  private Map<String, String> parseFlags(List<String> args, List<String> problems) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) {
        problems.add("unexpected argument '" + arg + "' (settings are given as --name value)");
        continue;
      }
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      Optional<Setting> setting = byFlag(name);
      if (setting.isEmpty()) {
        problems.add("unknown flag " + name + " (see --help)");
        if (value == null && i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
          i++;
        }
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
          problems.add(name + " needs a value");
          continue;
        }
        value = args.get(++i);
      }
      flags.put(setting.get().key(), value);
    }
    return flags;
  }

  private Optional<Setting> byFlag(String flag) {
    return settings().stream().filter(s -> s.flag().equals(flag)).findFirst();
  }

  private void readFile(String file, Map<String, String> values, List<String> problems) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(Path.of(file)));
    } catch (IOException | InvalidPathException e) {
      problems.add("cannot read config file " + file + ": " + e.getMessage());
      return;
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return;
    }
    if (!root.isObject()) {
      problems.add("config file " + file + " must be a YAML mapping of settings");
      return;
    }
    Map<String, String> flat = new LinkedHashMap<>();
    flatten("", root, flat);
    flat.forEach(
        (key, value) -> {
          if (settings.stream().anyMatch(s -> s.key().equals(key))) {
            values.put(key, value);
          } else {
            problems.add("config file " + file + ": unknown setting '" + key + "'");
          }
        });
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        flatten(prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey(), f.getValue(), out);
      }
    } else if (node.isArray()) {
      // A YAML list is the comma-separated value a flag would give (dns.recursors).
      List<String> items = new ArrayList<>();
      node.forEach(item -> items.add(item.asText()));
      out.put(prefix, String.join(",", items));
    } else if (!node.isNull()) {
      out.put(prefix, node.asText());
    }
  }
}
