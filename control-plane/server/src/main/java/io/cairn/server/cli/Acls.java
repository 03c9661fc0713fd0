package io.cairn.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Predicate;

/** {@code cairn acl ...}: bootstrap, policies and tokens over {@code /v1/acl}. */
final class Acls {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ApiClient api;
  private final Cli.Args args;
  private final PrintStream out;
  private final InputStream in;
  private final ObjectMapper pretty;

  Acls(ApiClient api, Cli.Args args, PrintStream out, InputStream in, ObjectMapper pretty) {
    this.api = api;
    this.args = args;
    this.out = out;
    this.in = in;
    this.pretty = pretty;
  }

  /** The reply as JSON when {@code --json} was given; false when a table should be printed. */
  private boolean json(JsonNode reply) {
    if (args.flag("json")) {
      out.println(Cli.render(pretty, reply));
      return true;
    }
    return false;
  }

  void run() {
    String what = args.word(1, "bootstrap, policy or token");
    switch (what) {
      case "bootstrap" -> printToken(api.put("v1/acl/bootstrap", null));
      case "policy" -> policy(args.word(2, "create, list or delete"));
      case "token" -> token(args.word(2, "create, list, self or delete"));
      default ->
          throw new CliException(
              CliException.USAGE, "acl takes bootstrap, policy or token, not '" + what + "'");
    }
  }

  private void policy(String op) {
    switch (op) {
      case "create" -> {
        ObjectNode body = JSON.createObjectNode();
        body.put("Name", args.word(3, "policy name"));
        body.put("Rules", rules(args.word(4, "rules file (or - for standard input)")));
        body.put("Description", args.option("description").orElse(""));
        JsonNode created = api.put("v1/acl/policy", body.toString());
        if (!json(created)) {
          out.println(
              "created policy "
                  + created.path("Name").asText()
                  + " (ID "
                  + created.path("ID").asText()
                  + ")");
        }
      }
      case "list" -> {
        JsonNode all = api.get("v1/acl/policies");
        if (!json(all)) {
          Table table = new Table("NAME", "ID", "DESCRIPTION");
          all.forEach(
              p ->
                  table.row(
                      p.path("Name").asText(),
                      p.path("ID").asText(),
                      p.path("Description").asText()));
          table.print(out);
        }
      }
      case "read" -> {
        JsonNode policy =
            api.get("v1/acl/policy/name/" + ApiClient.encode(args.word(3, "policy name")));
        if (!json(policy)) {
          out.println(policy.path("Rules").asText());
        }
      }
      case "delete" -> {
        JsonNode policy =
            api.get("v1/acl/policy/name/" + ApiClient.encode(args.word(3, "policy name")));
        api.delete("v1/acl/policy/" + ApiClient.encode(policy.path("ID").asText()));
        out.println("deleted");
      }
      default ->
          throw new CliException(
              CliException.USAGE,
              "acl policy takes create, list, read or delete, not '" + op + "'");
    }
  }

  private void token(String op) {
    switch (op) {
      case "create" -> {
        ObjectNode body = JSON.createObjectNode();
        body.put("Description", args.option("description").orElse(""));
        ArrayNode policies = body.putArray("Policies");
        list("policy").forEach(name -> policies.addObject().put("Name", name));
        ArrayNode identities = body.putArray("ServiceIdentities");
        list("service-identity").forEach(s -> identities.addObject().put("ServiceName", s));
        printToken(api.put("v1/acl/token", body.toString()));
      }
      case "list" -> {
        JsonNode all = api.get("v1/acl/tokens");
        if (!json(all)) {
          Table table = new Table("ACCESSOR ID", "DESCRIPTION", "POLICIES", "SERVICE IDENTITIES");
          all.forEach(
              t ->
                  table.row(
                      t.path("AccessorID").asText(),
                      t.path("Description").asText(),
                      names(t.path("Policies"), "Name"),
                      names(t.path("ServiceIdentities"), "ServiceName")));
          table.print(out);
        }
      }
      case "self" -> printToken(api.get("v1/acl/token/self"));
      case "delete" -> {
        api.delete("v1/acl/token/" + ApiClient.encode(args.word(3, "accessor id")));
        out.println("deleted");
      }
      default ->
          throw new CliException(
              CliException.USAGE, "acl token takes create, list, self or delete, not '" + op + "'");
    }
  }

  private void printToken(JsonNode token) {
    if (json(token)) {
      return;
    }
    out.println("AccessorID:  " + token.path("AccessorID").asText());
    out.println("SecretID:    " + token.path("SecretID").asText());
    out.println("Description: " + token.path("Description").asText());
    out.println("Policies:    " + names(token.path("Policies"), "Name"));
    if (token.has("ServiceIdentities")) {
      out.println("Services:    " + names(token.path("ServiceIdentities"), "ServiceName"));
    }
  }

  private static String names(JsonNode list, String field) {
    StringBuilder sb = new StringBuilder();
    list.forEach(n -> sb.append(sb.isEmpty() ? "" : ",").append(n.path(field).asText()));
    return sb.toString();
  }

  /** A comma-separated option, e.g. {@code --policy web-write,readers}. */
  private java.util.List<String> list(String option) {
    return args.option(option).stream()
        .flatMap(v -> Arrays.stream(v.split(",")))
        .map(String::strip)
        .filter(Predicate.not(String::isEmpty))
        .toList();
  }

  private String rules(String source) {
    try {
      return source.equals("-")
          ? new String(in.readAllBytes(), StandardCharsets.UTF_8)
          : Files.readString(Path.of(source));
    } catch (IOException e) {
      throw new CliException(
          CliException.USAGE, "cannot read rules from " + source + ": " + e.getMessage());
    }
  }
}
