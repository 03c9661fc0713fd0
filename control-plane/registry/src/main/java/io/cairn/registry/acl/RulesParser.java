package io.cairn.registry.acl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.registry.validation.Problems;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a policy's rules, written as Consul writes them: in HCL ({@code service_prefix "" { policy
 * = "read" }}, {@code operator = "write"}) or the same structure in JSON. Every problem is
 * reported, each with its line, under the field {@code Rules}.
 */
public final class RulesParser {
  /** Longer rules are refused before parsing: a policy is a page, not a book. */
  public static final int MAX_LENGTH = 32 * 1024;

  private static final Set<String> SWITCHES =
      Set.of("operator", "acl", "mesh", "peering", "keyring");
  private static final Set<String> NAMED =
      Set.of(
          "service",
          "node",
          "agent",
          "key",
          "session",
          "event",
          "query",
          "identity",
          "partition",
          "namespace");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Problems problems;
  private final Map<String, ServiceRule> services = new TreeMap<>();
  private final Map<String, ServiceRule> servicePrefixes = new TreeMap<>();
  private final Map<String, Access> nodes = new TreeMap<>();
  private final Map<String, Access> nodePrefixes = new TreeMap<>();
  private final Map<String, Access> agents = new TreeMap<>();
  private final Map<String, Access> agentPrefixes = new TreeMap<>();
  private final Map<String, Access> keys = new TreeMap<>();
  private final Map<String, Access> keyPrefixes = new TreeMap<>();
  private final Map<String, Access> sessions = new TreeMap<>();
  private final Map<String, Access> sessionPrefixes = new TreeMap<>();
  private Optional<Access> operator = Optional.empty();
  private Optional<Access> acl = Optional.empty();
  private Optional<Access> mesh = Optional.empty();

  private RulesParser(Problems problems) {
    this.problems = problems;
  }

  /** The rules in {@code text}, or a {@code ValidationException} listing every problem. */
  public static AclRules parse(String text) {
    Problems p = new Problems();
    AclRules rules = parse(p, text);
    p.throwIfAny();
    return rules;
  }

  /** The rules in {@code text}; problems are added to {@code p} (the result is then partial). */
  public static AclRules parse(Problems p, String text) {
    RulesParser parser = new RulesParser(p);
    if (text.length() > MAX_LENGTH) {
      p.add("Rules", "is " + text.length() + " characters; at most " + MAX_LENGTH + " are taken");
      return AclRules.NONE;
    }
    if (text.strip().startsWith("{")) {
      parser.json(text);
    } else {
      parser.hcl(new HclTokens(text, p));
    }
    return parser.rules();
  }

  private AclRules rules() {
    return new AclRules(
        new NamedRules<>(services, servicePrefixes),
        new NamedRules<>(nodes, nodePrefixes),
        new NamedRules<>(agents, agentPrefixes),
        new NamedRules<>(keys, keyPrefixes),
        new NamedRules<>(sessions, sessionPrefixes),
        operator,
        acl,
        mesh);
  }

  private void hcl(HclTokens t) {
    while (t.more()) {
      HclTokens.Token kind = t.next();
      if (kind.type() != HclTokens.Type.IDENT) {
        problem(kind.line(), "expected a rule kind such as service_prefix, found " + kind);
        t.skipBlock();
        continue;
      }
      HclTokens.Token after = t.next();
      if (after.is("=")) {
        HclTokens.Token value = t.next();
        if (value.type() != HclTokens.Type.STRING) {
          problem(value.line(), kind.text() + " takes a quoted value, found " + value);
          continue;
        }
        switchRule(kind.line(), kind.text(), value.text());
      } else if (after.type() == HclTokens.Type.STRING) {
        HclTokens.Token open = t.next();
        if (!open.is("{")) {
          problem(open.line(), "expected '{' after " + kind.text() + " \"" + after.text() + "\"");
          continue;
        }
        Map<String, String> fields = new TreeMap<>();
        for (HclTokens.Token f = t.next(); !f.is("}"); f = t.next()) {
          if (f.type() == HclTokens.Type.END) {
            problem(f.line(), "missing '}' for " + kind.text() + " \"" + after.text() + "\"");
            return;
          }
          HclTokens.Token eq = t.next();
          HclTokens.Token v = t.next();
          if (f.type() != HclTokens.Type.IDENT
              || !eq.is("=")
              || v.type() != HclTokens.Type.STRING) {
            problem(f.line(), "expected field = \"value\" inside " + kind.text());
            continue;
          }
          fields.put(f.text(), v.text());
        }
        namedRule(kind.line(), kind.text(), after.text(), fields);
      } else {
        problem(
            after.line(),
            "expected " + kind.text() + " = \"...\" or " + kind.text() + " \"name\" { ... }");
      }
    }
  }

  private void json(String text) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      problems.add("Rules", "is not valid JSON: " + e.getOriginalMessage());
      return;
    }
    if (!root.isObject()) {
      problems.add("Rules", "must be a JSON object");
      return;
    }
    root.properties()
        .forEach(
            kind -> {
              JsonNode value = kind.getValue();
              if (value.isTextual()) {
                switchRule(0, kind.getKey(), value.asText());
              } else if (value.isObject()) {
                value
                    .properties()
                    .forEach(named -> namedRule(0, kind.getKey(), named.getKey(), fields(named)));
              } else {
                problem(0, kind.getKey() + " must be a string or an object of names");
              }
            });
  }

  private Map<String, String> fields(Map.Entry<String, JsonNode> named) {
    Map<String, String> fields = new TreeMap<>();
    if (!named.getValue().isObject()) {
      problem(0, "the rule for \"" + named.getKey() + "\" must be an object");
      return fields;
    }
    named
        .getValue()
        .properties()
        .forEach(
            f -> {
              if (f.getValue().isTextual()) {
                fields.put(f.getKey(), f.getValue().asText());
              } else {
                problem(0, f.getKey() + " of \"" + named.getKey() + "\" must be a string");
              }
            });
    return fields;
  }

  private void switchRule(int line, String kind, String value) {
    if (!SWITCHES.contains(kind)) {
      problem(
          line,
          NAMED.contains(baseKind(kind))
              ? kind + " needs a name: " + kind + " \"name\" { policy = \"read\" }"
              : "unknown rule kind '" + kind + "'");
      return;
    }
    Optional<Access> access = access(line, kind, value);
    switch (kind) {
      case "operator" -> operator = access;
      case "acl" -> acl = access;
      case "mesh" -> mesh = access;
      default -> {} // peering, keyring: nothing in Cairn to guard
    }
  }

  private void namedRule(int line, String kind, String name, Map<String, String> fields) {
    String base = baseKind(kind);
    if (!NAMED.contains(base)) {
      problem(
          line,
          SWITCHES.contains(kind)
              ? kind + " takes a value: " + kind + " = \"read\""
              : "unknown rule kind '" + kind + "'");
      return;
    }
    boolean prefix = kind.endsWith("_prefix");
    Set<String> allowed =
        base.equals("service") ? Set.of("policy", "intentions") : Set.of("policy");
    fields.keySet().stream()
        .filter(f -> !allowed.contains(f))
        .forEach(f -> problem(line, kind + " \"" + name + "\" has an unknown field '" + f + "'"));
    if (!fields.containsKey("policy")) {
      problem(line, kind + " \"" + name + "\" needs a policy (read, write or deny)");
      return;
    }
    Optional<Access> policy = access(line, kind + " \"" + name + "\" policy", fields.get("policy"));
    Optional<Access> intentions =
        fields.containsKey("intentions")
            ? access(line, kind + " \"" + name + "\" intentions", fields.get("intentions"))
            : Optional.empty();
    if (policy.isEmpty()) {
      return;
    }
    switch (base) {
      case "service" ->
          (prefix ? servicePrefixes : services)
              .merge(name, new ServiceRule(policy.get(), intentions), ServiceRule::merge);
      case "node" -> (prefix ? nodePrefixes : nodes).merge(name, policy.get(), Access::merge);
      case "agent" -> (prefix ? agentPrefixes : agents).merge(name, policy.get(), Access::merge);
      case "key" -> (prefix ? keyPrefixes : keys).merge(name, policy.get(), Access::merge);
      case "session" ->
          (prefix ? sessionPrefixes : sessions).merge(name, policy.get(), Access::merge);
      default -> {} // events, queries: nothing in Cairn to guard
    }
  }

  private Optional<Access> access(int line, String what, String value) {
    Optional<Access> access = Access.parse(value);
    if (access.isEmpty()) {
      problem(line, what + " is '" + value + "'; it must be read, write or deny");
    }
    return access;
  }

  private static String baseKind(String kind) {
    return kind.endsWith("_prefix") ? kind.substring(0, kind.length() - "_prefix".length()) : kind;
  }

  private void problem(int line, String message) {
    problems.add("Rules", line > 0 ? "line " + line + ": " + message : message);
  }
}
