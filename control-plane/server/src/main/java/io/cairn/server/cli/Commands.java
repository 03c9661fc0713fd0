package io.cairn.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** The client commands: each is one or two admin API calls and a table (or {@code --json}). */
final class Commands {
  private final ApiClient api;
  private final Cli.Args args;
  private final PrintStream out;
  private final UnaryOperator<String> input;
  private final ObjectMapper pretty;

  Commands(
      ApiClient api,
      Cli.Args args,
      PrintStream out,
      UnaryOperator<String> input,
      ObjectMapper pretty) {
    this.api = api;
    this.args = args;
    this.out = out;
    this.input = input;
    this.pretty = pretty;
  }

  void run() {
    String command = args.word(0, "command");
    switch (command) {
      case "services" -> services();
      case "health" -> health();
      case "register" ->
          done(
              api.put("v1/agent/service/register", input.apply(args.word(1, "file (or -)"))),
              "registered");
      case "deregister" ->
          done(
              api.put(
                  "v1/agent/service/deregister/" + ApiClient.encode(args.word(1, "instance id")),
                  null),
              "deregistered");
      case "maint" -> maintenance();
      case "check" -> check();
      case "config" -> config();
      case "intention" -> intention();
      default -> throw new CliException(2, "unknown command '" + command + "'");
    }
  }

  private void done(JsonNode reply, String what) {
    if (reply.isBoolean() && !reply.asBoolean()) {
      throw new CliException(1, "not applied (check-and-set failed)");
    }
    out.println(what);
  }

  private boolean json(JsonNode reply) {
    if (args.flag("json")) {
      out.println(Cli.render(pretty, reply));
      return true;
    }
    return false;
  }

  private void services() {
    JsonNode services = api.get("v1/catalog/services");
    if (json(services)) {
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    services
        .fields()
        .forEachRemaining(
            e -> {
              List<String> tags = new ArrayList<>();
              e.getValue().forEach(t -> tags.add(t.asText()));
              rows.add(List.of(e.getKey(), String.join(",", tags)));
            });
    table(List.of("SERVICE", "TAGS"), rows);
  }

  private void health() {
    String service = args.word(1, "service name");
    StringBuilder path = new StringBuilder("v1/health/service/" + ApiClient.encode(service) + "?");
    if (args.flag("passing")) {
      path.append("passing&");
    }
    args.option("tag").ifPresent(t -> path.append("tag=").append(ApiClient.encode(t)).append('&'));
    args.option("filter")
        .ifPresent(f -> path.append("filter=").append(ApiClient.encode(f)).append('&'));
    JsonNode entries = api.get(path.toString());
    if (json(entries)) {
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode e : entries) {
      JsonNode s = e.get("Service");
      String status = "passing";
      for (JsonNode c : e.get("Checks")) {
        status = worse(status, c.get("Status").asText());
      }
      List<String> tags = new ArrayList<>();
      s.get("Tags").forEach(t -> tags.add(t.asText()));
      rows.add(
          List.of(
              s.get("ID").asText(),
              s.get("Address").asText() + ":" + s.get("Port").asInt(),
              status,
              String.join(",", tags)));
    }
    table(List.of("ID", "ADDRESS", "STATUS", "TAGS"), rows);
  }

  private static String worse(String a, String b) {
    List<String> order = List.of("passing", "warning", "critical");
    return order.indexOf(b) > order.indexOf(a) ? b : a;
  }

  private void maintenance() {
    String id = ApiClient.encode(args.word(1, "instance id"));
    String mode = args.word(2, "on or off");
    if (!mode.equals("on") && !mode.equals("off")) {
      throw new CliException(2, "maint takes on or off, not '" + mode + "'");
    }
    String reason = args.option("reason").map(r -> "&reason=" + ApiClient.encode(r)).orElse("");
    api.put("v1/agent/service/maintenance/" + id + "?enable=" + mode.equals("on") + reason, null);
    out.println("maintenance " + mode);
  }

  private void check() {
    String status = args.word(1, "pass, warn or fail");
    if (!List.of("pass", "warn", "fail").contains(status)) {
      throw new CliException(2, "check takes pass, warn or fail, not '" + status + "'");
    }
    String note = args.option("note").map(n -> "?note=" + ApiClient.encode(n)).orElse("");
    api.put(
        "v1/agent/check/" + status + "/" + ApiClient.encode(args.word(2, "check id")) + note, null);
    out.println("check " + status);
  }

  private void config() {
    String op = args.word(1, "write, read, list or delete");
    switch (op) {
      case "write" ->
          done(api.put("v1/config", input.apply(args.word(2, "file (or -)"))), "written");
      case "read" -> out.println(Cli.render(pretty, api.get("v1/config/" + kindAndName())));
      case "list" -> {
        JsonNode entries = api.get("v1/config/" + ApiClient.encode(args.word(2, "kind")));
        if (!json(entries)) {
          List<List<String>> rows = new ArrayList<>();
          entries.forEach(
              e ->
                  rows.add(
                      List.of(
                          e.get("Kind").asText(),
                          e.get("Name").asText(),
                          e.get("ModifyIndex").asText())));
          table(List.of("KIND", "NAME", "MODIFY-INDEX"), rows);
        }
      }
      case "delete" -> done(api.delete("v1/config/" + kindAndName()), "deleted");
      default ->
          throw new CliException(2, "config takes write, read, list or delete, not '" + op + "'");
    }
  }

  private String kindAndName() {
    return ApiClient.encode(args.word(2, "kind")) + "/" + ApiClient.encode(args.word(3, "name"));
  }

  private void intention() {
    String op = args.word(1, "list, allow, deny, delete or check");
    switch (op) {
      case "list" -> {
        JsonNode all = api.get("v1/connect/intentions");
        if (!json(all)) {
          List<List<String>> rows = new ArrayList<>();
          all.forEach(
              i ->
                  rows.add(
                      List.of(
                          i.get("SourceName").asText(),
                          i.get("DestinationName").asText(),
                          i.has("Action") ? i.get("Action").asText() : "L7 permissions",
                          i.get("Precedence").asText())));
          table(List.of("SOURCE", "DESTINATION", "ACTION", "PRECEDENCE"), rows);
        }
      }
      case "allow", "deny" ->
          done(api.put("v1/connect/intentions/exact?" + pair(), "{\"Action\":\"" + op + "\"}"), op);
      case "delete" -> done(api.delete("v1/connect/intentions/exact?" + pair()), "deleted");
      case "check" -> {
        boolean allowed =
            api.get("v1/connect/intentions/check?" + pair()).get("Allowed").asBoolean();
        out.println(allowed ? "allowed" : "denied");
        if (!allowed) {
          throw new CliException(
              1, args.words().get(2) + " => " + args.words().get(3) + " is denied");
        }
      }
      default ->
          throw new CliException(
              2, "intention takes list, allow, deny, delete or check, not '" + op + "'");
    }
  }

  private String pair() {
    return "source="
        + ApiClient.encode(args.word(2, "source"))
        + "&destination="
        + ApiClient.encode(args.word(3, "destination"));
  }

  private void table(List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      widths[i] = header.get(i).length();
      for (List<String> r : rows) {
        widths[i] = Math.max(widths[i], r.get(i).length());
      }
    }
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (List<String> r : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        line.append(
            i == r.size() - 1 ? r.get(i) : String.format("%-" + (widths[i] + 2) + "s", r.get(i)));
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
