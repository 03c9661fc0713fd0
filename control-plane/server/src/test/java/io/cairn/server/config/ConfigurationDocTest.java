package io.cairn.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/configuration.md and the settings table of docs/dns.md say what the code declares: every
 * setting with its flag, variable and default, and no setting that does not exist. The YAML example
 * of configuration.md loads.
 */
class ConfigurationDocTest {
  private static final List<Setting> SETTINGS = new SettingsLoader(ServerSettings.ALL).settings();

  @Test
  void configurationMdListsEverySettingWithItsFlagVariableAndDefault() throws IOException {
    Map<String, List<String>> rows = rows(doc("configuration.md"));
    SoftAssertions soft = new SoftAssertions();
    for (Setting s : SETTINGS) {
      List<String> row = rows.get(s.key());
      soft.assertThat(row).as("configuration.md has a row for %s", s.key()).isNotNull();
      if (row == null) {
        continue;
      }
      soft.assertThat(row.get(1)).as("flag of %s", s.key()).isEqualTo("`" + s.flag() + "`");
      soft.assertThat(row.get(2))
          .as("variable of %s", s.key())
          .isEqualTo("`" + s.environmentVariable() + "`");
      assertDefault(soft, s, row.get(3));
    }
    List<String> keys = SETTINGS.stream().map(Setting::key).toList();
    soft.assertThat(keys).as("settings configuration.md lists").containsAll(rows.keySet());
    soft.assertAll();
  }

  @Test
  void dnsMdListsEveryDnsSettingWithItsDefault() throws IOException {
    Map<String, List<String>> rows = rows(doc("dns.md"));
    SoftAssertions soft = new SoftAssertions();
    for (Setting s : SETTINGS) {
      if (s.key().startsWith("dns.")) {
        List<String> row = rows.get(s.key());
        soft.assertThat(row).as("dns.md has a row for %s", s.key()).isNotNull();
        if (row != null) {
          assertDefault(soft, s, row.get(1));
        }
      }
    }
    soft.assertThat(SETTINGS.stream().map(Setting::key).toList()).containsAll(rows.keySet());
    soft.assertAll();
  }

  @Test
  void theExampleConfigFileLoads(@TempDir Path tmp) throws IOException {
    String md = doc("configuration.md");
    int start = md.indexOf("```yaml\n");
    assertThat(start).as("configuration.md has a YAML example").isNotNegative();
    String yaml = md.substring(start + 8, md.indexOf("```", start + 8));
    Path file = Files.writeString(tmp.resolve("cairn.yaml"), yaml);
    ServerSettings s = ServerSettings.load(List.of("--config", file.toString()), Map.of());
    assertThat(s.http().address()).isEqualTo("0.0.0.0");
    assertThat(s.dns().recursors()).hasSize(2);
  }

  /** A default in backticks, or a word (none, empty, ...) for a setting without one. */
  private static void assertDefault(SoftAssertions soft, Setting s, String cell) {
    if (s.defaultValue().isEmpty()) {
      soft.assertThat(cell).as("default of %s", s.key()).doesNotStartWith("`");
    } else {
      soft.assertThat(cell).as("default of %s", s.key()).isEqualTo("`" + s.defaultValue() + "`");
    }
  }

  /** Table rows whose first cell is a setting key in backticks, by key; cells trimmed. */
  private static Map<String, List<String>> rows(String markdown) {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (String line : markdown.split("\n")) {
      if (!line.startsWith("| `")) {
        continue;
      }
      String[] cells = line.substring(1).split(" \\| ");
      List<String> row = java.util.Arrays.stream(cells).map(String::strip).toList();
      String key = row.getFirst().replace("`", "");
      if (key.matches("[a-z][a-z.-]*")) {
        rows.put(key, row);
      }
    }
    return rows;
  }

  private static String doc(String name) throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.isRegularFile(dir.resolve("docs").resolve(name))) {
      dir = dir.getParent();
    }
    return Files.readString(dir.resolve("docs").resolve(name));
  }
}
