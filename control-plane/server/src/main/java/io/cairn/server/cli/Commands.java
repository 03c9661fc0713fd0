package io.cairn.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The client commands: each is one or a few admin API calls and a table (or {@code --json}). */
final class Commands {
  /** Config entry kinds in the order a directory of them is written: referred-to ones first. */
  private static final List<String> KIND_ORDER =
      List.of(
          "proxy-defaults",
          "service-defaults",
          "service-resolver",
          "service-splitter",
          "service-router",
          "service-intentions");

  private final ApiClient api;
  private final Cli.Args args;
  private final PrintStream out;
  private final PrintStream err;
  private final InputStream in;
  private final Progress.Style progress;
  private final ObjectMapper pretty;

  Commands(
      ApiClient api,
      Cli.Args args,
      PrintStream out,
      PrintStream err,
      InputStream in,
      Progress.Style progress,
      ObjectMapper pretty) {
    this.api = api;
    this.args = args;
    this.out = out;
    this.err = err;
    this.in = in;
    this.progress = progress;
    this.pretty = pretty;
  }

  void run() {
    String command = args.word(0, "command");
    switch (command) {
      case "services" -> services();
      case "instances", "health" -> instances();
      case "register" ->
          bulk()
              .run(
                  args.words().subList(1, args.words().size()),
                  new BulkWrite.Kind(
                      "registered",
                      "registering",
                      8,
                      body -> done(api.put("v1/agent/service/register", body.toString())),
                      (a, b) -> 0));
      case "deregister" -> {
        done(
            api.put(
                "v1/agent/service/deregister/" + ApiClient.encode(args.word(1, "instance id")),
                null));
        out.println("deregistered");
      }
      case "maint" -> maintenance();
      case "check" -> check();
      case "config" -> config();
      case "split" -> split();
      case "intention" -> intention();
      case "proxies" -> proxies();
      case "acl" -> new Acls(api, args, out, in, pretty).run();
      case "kv" -> new Kv(api, args, out, in).run();
      case "lock" -> new Lock(api, args, err).run();
      case "connect" -> new ConnectCerts(api, args, out, err).run();
      default -> throw new CliException(CliException.USAGE, "unknown command '" + command + "'");
    }
  }

  private BulkWrite bulk() {
    return new BulkWrite(out, err, in, progress);
  }

  private static void done(JsonNode reply) {
    if (reply.isBoolean() && !reply.asBoolean()) {
      throw new CliException(CliException.REFUSED, "not applied (check-and-set failed)");
    }
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
    Table table = new Table("SERVICE", "TAGS");
    services
        .fields()
        .forEachRemaining(
            e -> {
              List<String> tags = new ArrayList<>();
              e.getValue().forEach(t -> tags.add(t.asText()));
              table.row(e.getKey(), String.join(",", tags));
            });
    table.print(out);
  }

  private void instances() {
    String service = args.word(1, "service name");
    JsonNode entries = api.get(Instances.path(args, service));
    if (!json(entries) && !entries.isEmpty()) {
      Instances.print(entries, out);
    }
    if (entries.isEmpty()) { // exit 1, so scripts can test "is anything (passing) there?"
      throw new CliException(
          CliException.REFUSED,
          "no "
              + (args.flag("passing") ? "passing " : "")
              + "instances of '"
              + service
              + "'"
              + (args.option("tag").isPresent() || args.option("filter").isPresent()
                  ? " match the filters"
                  : ""));
    }
  }

  private void maintenance() {
    String id = ApiClient.encode(args.word(1, "instance id"));
    String mode = args.word(2, "on or off");
    if (!mode.equals("on") && !mode.equals("off")) {
      throw new CliException(CliException.USAGE, "maint takes on or off, not '" + mode + "'");
    }
    String reason = args.option("reason").map(r -> "&reason=" + ApiClient.encode(r)).orElse("");
    api.put("v1/agent/service/maintenance/" + id + "?enable=" + mode.equals("on") + reason, null);
    out.println("maintenance " + mode);
  }

  private void check() {
    String status = args.word(1, "pass, warn or fail");
    if (!List.of("pass", "warn", "fail").contains(status)) {
      throw new CliException(
          CliException.USAGE, "check takes pass, warn or fail, not '" + status + "'");
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
          bulk()
              .run(
                  args.words().subList(2, args.words().size()),
                  new BulkWrite.Kind(
                      "written",
                      "writing",
                      1, // one at a time, in KIND_ORDER: later entries may refer to earlier ones
                      body -> done(api.put("v1/config", body.toString())),
                      Comparator.comparingInt(Commands::kindRank)));
      case "read" -> out.println(Cli.render(pretty, api.get("v1/config/" + kindAndName())));
      case "list" -> {
        JsonNode entries = api.get("v1/config/" + ApiClient.encode(args.word(2, "kind")));
        if (!json(entries)) {
          Table table = new Table("KIND", "NAME", "MODIFY-INDEX");
          entries.forEach(
              e ->
                  table.row(
                      e.path("Kind").asText(),
                      e.path("Name").asText(),
                      e.path("ModifyIndex").asText()));
          table.print(out);
        }
      }
      case "delete" -> {
        done(api.delete("v1/config/" + kindAndName()));
        out.println("deleted");
      }
      default ->
          throw new CliException(
              CliException.USAGE, "config takes write, read, list or delete, not '" + op + "'");
    }
  }

  private static int kindRank(JsonNode entry) {
    int rank = KIND_ORDER.indexOf(entry.path("Kind").asText());
    return rank < 0 ? KIND_ORDER.size() : rank;
  }

  private String kindAndName() {
    return ApiClient.encode(args.word(2, "kind")) + "/" + ApiClient.encode(args.word(3, "name"));
  }

  private void split() {
    String name = args.word(1, "service name");
    String path = "v1/config/service-splitter/" + ApiClient.encode(name);
    List<String> words = args.words().subList(2, args.words().size());
    if (!words.isEmpty()) {
      List<Splits.Share> shares = Splits.parse(name, words);
      JsonNode current = currentEntry(path);
      try {
        done(
            api.put(
                "v1/config?cas=" + current.path("ModifyIndex").asLong(0),
                Splits.entry(name, shares, current.path("Meta")).toString()));
      } catch (ApiException e) {
        throw e.httpStatus() == 400 ? e.withHint(Splits.hint(name, shares, e.problems())) : e;
      }
    }
    JsonNode entry = currentEntry(path);
    if (entry.isMissingNode()) {
      throw new CliException(
          CliException.REFUSED,
          "'" + name + "' has no service-splitter: all its traffic goes to " + name);
    }
    if (!json(entry)) {
      Splits.print(name, entry, out);
    }
  }

  /** The config entry at {@code path}, or a missing node if there is none. */
  private JsonNode currentEntry(String path) {
    try {
      return api.get(path);
    } catch (ApiException e) {
      if (e.httpStatus() == 404) {
        return MissingNode.getInstance();
      }
      throw e;
    }
  }

  private void intention() {
    String op = args.word(1, "list, allow, deny, delete or check");
    switch (op) {
      case "list" -> {
        JsonNode all = api.get("v1/connect/intentions");
        if (!json(all)) {
          Table table = new Table("SOURCE", "DESTINATION", "ACTION", "PRECEDENCE");
          all.forEach(
              i ->
                  table.row(
                      i.path("SourceName").asText(),
                      i.path("DestinationName").asText(),
                      i.has("Action") ? i.get("Action").asText() : "L7 permissions",
                      i.path("Precedence").asText()));
          table.print(out);
        }
      }
      case "allow", "deny" -> {
        done(api.put("v1/connect/intentions/exact?" + pair(), "{\"Action\":\"" + op + "\"}"));
        out.println(op);
      }
      case "delete" -> {
        done(api.delete("v1/connect/intentions/exact?" + pair()));
        out.println("deleted");
      }
      case "check" -> {
        boolean allowed =
            api.get("v1/connect/intentions/check?" + pair()).path("Allowed").asBoolean();
        out.println(allowed ? "allowed" : "denied");
        if (!allowed) {
          throw new CliException(
              CliException.REFUSED,
              args.words().get(2) + " => " + args.words().get(3) + " is denied");
        }
      }
      default ->
          throw new CliException(
              CliException.USAGE,
              "intention takes list, allow, deny, delete or check, not '" + op + "'");
    }
  }

  private String pair() {
    return "source="
        + ApiClient.encode(args.word(2, "source"))
        + "&destination="
        + ApiClient.encode(args.word(3, "destination"));
  }

  private void proxies() {
    JsonNode proxies = api.get("v1/xds/proxies");
    if (!json(proxies)) {
      Proxies.print(proxies, Instant.now(), out);
    }
  }
}
