package io.cairn.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cairn instances NAME} (alias {@code health}): every instance of a service, whatever its
 * health, with its status and, indented under it, its checks.
 */
final class Instances {
  private static final List<String> ORDER = List.of("passing", "warning", "critical");
  private static final int OUTPUT_WIDTH = 60;

  private Instances() {}

  /** The {@code /v1/health/service} path for the service and the filters asked for. */
  static String path(Cli.Args args, String service) {
    StringBuilder path = new StringBuilder("v1/health/service/" + ApiClient.encode(service));
    List<String> query = new ArrayList<>();
    if (args.flag("passing")) {
      query.add("passing");
    }
    args.option("tag").ifPresent(t -> query.add("tag=" + ApiClient.encode(t)));
    args.option("filter").ifPresent(f -> query.add("filter=" + ApiClient.encode(f)));
    if (!query.isEmpty()) {
      path.append('?').append(String.join("&", query));
    }
    return path.toString();
  }

  static void print(JsonNode entries, PrintStream out) {
    Table instances = new Table("ID", "ADDRESS", "STATUS", "TAGS");
    Table checks = new Table("CHECK", "STATUS", "OUTPUT");
    List<Integer> checksPerInstance = new ArrayList<>();
    for (JsonNode e : entries) {
      JsonNode s = e.path("Service");
      List<String> tags = new ArrayList<>();
      s.path("Tags").forEach(t -> tags.add(t.asText()));
      instances.row(
          s.path("ID").asText(),
          s.path("Address").asText() + ":" + s.path("Port").asInt(),
          status(e.path("Checks")),
          tags.isEmpty() ? "-" : String.join(",", tags));
      int own = 0;
      for (JsonNode c : e.path("Checks")) {
        // The node's own check (serfHealth) is the same on every instance: it counts, unshown.
        if (!c.path("ServiceID").asText().isEmpty()) {
          checks.row(
              c.path("CheckID").asText(),
              c.path("Status").asText(),
              Table.shorten(outputOrNotes(c), OUTPUT_WIDTH));
          own++;
        }
      }
      checksPerInstance.add(own);
    }
    // Each instance's line is followed by its checks, indented; all checks align with each other.
    List<String> lines = instances.lines();
    List<String> checkLines = checks.rowLines();
    out.println(lines.getFirst());
    int next = 0;
    for (int i = 0; i < checksPerInstance.size(); i++) {
      out.println(lines.get(i + 1));
      for (int c = 0; c < checksPerInstance.get(i); c++) {
        out.println("    " + checkLines.get(next++));
      }
    }
  }

  /** The output; a maintenance check has none, its reason is in the notes. */
  private static String outputOrNotes(JsonNode check) {
    String output = check.path("Output").asText();
    return output.isBlank() ? check.path("Notes").asText() : output;
  }

  /** The worst check status; maintenance when a maintenance check is on. */
  static String status(JsonNode checks) {
    String worst = "passing";
    for (JsonNode c : checks) {
      String id = c.path("CheckID").asText();
      if (id.startsWith("_service_maintenance:") || id.equals("_node_maintenance")) {
        return "maintenance";
      }
      String s = c.path("Status").asText();
      if (ORDER.indexOf(s) > ORDER.indexOf(worst)) {
        worst = s;
      }
    }
    return worst;
  }
}
