package io.cairn.admin.kv;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.admin.json.GoDuration;
import io.cairn.registry.kv.Session;
import io.cairn.registry.kv.SessionBehavior;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.validation.Problems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Consul's session JSON: the body of {@code /v1/session/create} and the entries it lists. */
final class SessionJson {
  private static final Set<String> FIELDS =
      Set.of(
          "Name",
          "Node",
          "LockDelay",
          "Behavior",
          "TTL",
          "Checks",
          "NodeChecks",
          "ServiceChecks",
          "Namespace",
          "Partition");

  private SessionJson() {}

  static Map<String, Object> encode(Indexed<Session> e) {
    Session s = e.value();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ID", s.id());
    out.put("Name", s.name());
    out.put("Node", s.node());
    out.put("LockDelay", s.lockDelay().toNanos());
    out.put("Behavior", s.behavior().wireName());
    out.put("TTL", s.ttl().map(GoDuration::format).orElse(""));
    out.put("NodeChecks", s.nodeChecks());
    out.put(
        "ServiceChecks",
        s.serviceChecks().stream().map(id -> Map.of("ID", id, "Namespace", "")).toList());
    out.put("CreateIndex", e.createIndex());
    out.put("ModifyIndex", e.modifyIndex());
    return out;
  }

  /**
   * The session a create body describes, with Consul's defaults (lock delay 15 s, behavior release,
   * the node's {@code serfHealth} check when no check is named); every problem is added to {@code
   * p}.
   */
  static Session decode(JsonNode body, String id, String ourNode, long nowMillis, Problems p) {
    if (!body.isObject()) {
      throw io.cairn.registry.validation.ValidationException.of("", "must be a JSON object");
    }
    body.fieldNames()
        .forEachRemaining(
            f -> {
              if (!FIELDS.contains(f)) {
                p.add(f, "unknown field");
              }
            });
    for (String scope : List.of("Namespace", "Partition")) {
      String v = body.path(scope).asText("");
      if (!v.isEmpty() && !v.equals("default")) {
        p.add(scope, "only 'default' exists in Cairn");
      }
    }
    String name = body.path("Name").asText("");
    String node = body.path("Node").asText("");
    if (node.isEmpty()) {
      node = ourNode;
    } else if (!node.equals(ourNode)) {
      p.add("Node", "Missing node registration: Cairn's only node is '" + ourNode + "'");
    }
    Duration lockDelay = lockDelay(body.get("LockDelay"), p);
    SessionBehavior behavior = SessionBehavior.RELEASE;
    String b = body.path("Behavior").asText("");
    if (!b.isEmpty()) {
      behavior =
          SessionBehavior.parse(b)
              .orElseGet(
                  () -> {
                    p.add("Behavior", "Invalid Behavior setting '" + b + "'");
                    return SessionBehavior.RELEASE;
                  });
    }
    Optional<Duration> ttl = Optional.empty();
    String t = body.path("TTL").asText("");
    if (!t.isEmpty()) {
      try {
        Duration d = GoDuration.parse(t);
        if (d.compareTo(Session.MIN_TTL) < 0 || d.compareTo(Session.MAX_TTL) > 0) {
          p.add("TTL", "Invalid Session TTL '" + t + "', must be between [10s=24h0m0s]");
        } else {
          ttl = Optional.of(d);
        }
      } catch (IllegalArgumentException e) {
        p.add("TTL", "Invalid Session TTL '" + t + "': " + e.getMessage());
      }
    }
    List<String> nodeChecks = new ArrayList<>();
    boolean namedChecks = false;
    for (String field : List.of("Checks", "NodeChecks")) {
      JsonNode checks = body.get(field);
      if (checks != null && !checks.isNull()) {
        namedChecks = true;
        if (!checks.isArray()) {
          p.add(field, "must be an array of check IDs");
          continue;
        }
        for (JsonNode c : checks) {
          String check = c.asText("");
          if (!check.equals(Session.SERF_HEALTH)) {
            p.add(
                field,
                "Missing check '"
                    + check
                    + "' registration: Cairn's node has one check, serfHealth; name service"
                    + " checks in ServiceChecks");
          } else if (!nodeChecks.contains(check)) {
            nodeChecks.add(check);
          }
        }
      }
    }
    List<String> serviceChecks = new ArrayList<>();
    JsonNode services = body.get("ServiceChecks");
    if (services != null && !services.isNull()) {
      namedChecks = true;
      if (!services.isArray()) {
        p.add("ServiceChecks", "must be an array of {\"ID\": ...}");
      } else {
        for (int i = 0; i < services.size(); i++) {
          JsonNode c = services.get(i);
          String checkId = c.path("ID").asText("");
          if (checkId.isEmpty()) {
            p.add("ServiceChecks[" + i + "].ID", "is required");
          } else {
            serviceChecks.add(checkId);
          }
          String ns = c.path("Namespace").asText("");
          if (!ns.isEmpty() && !ns.equals("default")) {
            p.add("ServiceChecks[" + i + "].Namespace", "only 'default' exists in Cairn");
          }
        }
      }
    }
    if (!namedChecks) {
      nodeChecks.add(Session.SERF_HEALTH);
    }
    return new Session(
        id, name, node, lockDelay, behavior, ttl, nodeChecks, serviceChecks, nowMillis);
  }

  /**
   * Consul's {@code LockDelay}: a duration string, or a number taken as seconds below 1000 and as
   * nanoseconds from there (what Go clients send); at most 60 s.
   */
  private static Duration lockDelay(JsonNode node, Problems p) {
    if (node == null || node.isNull()) {
      return Session.DEFAULT_LOCK_DELAY;
    }
    Duration d;
    if (node.isIntegralNumber()) {
      long n = node.asLong();
      d = n < 1000 ? Duration.ofSeconds(n) : Duration.ofNanos(n);
    } else if (node.isTextual()) {
      try {
        d = GoDuration.parse(node.asText());
      } catch (IllegalArgumentException e) {
        p.add("LockDelay", "is not a duration: " + e.getMessage());
        return Session.DEFAULT_LOCK_DELAY;
      }
    } else {
      p.add("LockDelay", "must be a duration such as \"15s\"");
      return Session.DEFAULT_LOCK_DELAY;
    }
    if (d.isNegative() || d.compareTo(Session.MAX_LOCK_DELAY) > 0) {
      p.add("LockDelay", "must be between 0s and 60s");
      return Session.DEFAULT_LOCK_DELAY;
    }
    return d;
  }
}
