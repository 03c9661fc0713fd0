package io.cairn.admin.intentions;

import io.cairn.admin.acl.RequestAcl;
import io.cairn.admin.config.ServiceIntentionsJson;
import io.cairn.admin.http.ApiException;
import io.cairn.admin.http.BlockingQuery;
import io.cairn.admin.http.Json;
import io.cairn.admin.http.QueryParams;
import io.cairn.admin.http.RowFilter;
import io.cairn.admin.json.JsonFields;
import io.cairn.registry.Registry;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.acl.Access;
import io.cairn.registry.command.CommandResult;
import io.cairn.registry.command.DeleteConfigEntry;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.config.ConfigEntry;
import io.cairn.registry.config.ConfigEntryKey;
import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.config.Intention;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.config.IntentionSource;
import io.cairn.registry.config.ServiceIntentions;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.Problems;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * {@code /v1/connect/intentions}. Writes edit the destination's service-intentions entry with
 * check-and-set, retrying when another write got there first, so concurrent edits are not lost.
 */
public final class IntentionsApi implements HttpService {
  private static final ToLongFunction<RegistrySnapshot> INDEX = s -> s.tableIndexes().config();
  private static final int CAS_ATTEMPTS = 16;

  private final Registry registry;
  private final IntentionAction defaultPolicy;

  /**
   * @param defaultPolicy what {@code check} answers when no intention matches
   */
  public IntentionsApi(Registry registry, IntentionAction defaultPolicy) {
    this.registry = registry;
    this.defaultPolicy = defaultPolicy;
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .get("/", this::list)
        .put("/exact", this::putExact)
        .get("/exact", this::getExact)
        .delete("/exact", this::deleteExact)
        .get("/check", this::check)
        .get("/match", this::match);
  }

  static List<Intention> all(RegistrySnapshot s) {
    return Intention.all(s.configEntries(ConfigEntryKind.SERVICE_INTENTIONS));
  }

  private void list(ServerRequest req, ServerResponse res) {
    RegistrySnapshot s = BlockingQuery.await(req, registry, INDEX);
    RowFilter filter = RowFilter.intentions(req);
    List<Map<String, Object>> out = new ArrayList<>();
    RequestAcl acl = RequestAcl.of(req);
    for (Intention i : all(s)) {
      if (!acl.canReadIntentions(i.destination())) {
        RequestAcl.filtered(res);
        continue;
      }
      Map<String, Object> json = IntentionJson.encode(i);
      if (filter.matches(json)) {
        out.add(json);
      }
    }
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, INDEX));
    Json.send(res, out);
  }

  private static String name(ServerRequest req, String param) {
    String value = QueryParams.required(req, param);
    if (!value.equals(ServiceIntentions.WILDCARD) && !Names.isDnsLabel(value)) {
      throw ApiException.badRequest(
          "'" + param + "' must be a service name or '*', was '" + value + "'");
    }
    return value;
  }

  private void putExact(ServerRequest req, ServerResponse res) {
    String source = name(req, "source");
    String destination = name(req, "destination");
    RequestAcl.of(req).requireIntentions(destination, Access.WRITE);
    Problems p = new Problems();
    JsonFields body = JsonFields.of("", Json.body(req), p);
    String type = body.string("SourceType", "consul");
    if (!type.isEmpty() && !type.equals("consul")) {
      p.add("SourceType", "only 'consul' is supported, was '" + type + "'");
    }
    for (String field : List.of("SourceName", "DestinationName")) {
      body.string(field)
          .filter(v -> !v.isEmpty() && !v.equals(field.startsWith("Source") ? source : destination))
          .ifPresent(v -> p.add(field, "must match the query parameter or be left out"));
    }
    if (body.has("Meta")) {
      p.add("Meta", "cannot be set per intention; put it on the service-intentions config entry");
    }
    Optional<IntentionSource> decoded = ServiceIntentionsJson.decodeSource(body, source);
    body.defaultOnly("SourceNS", "DestinationNS", "SourcePartition", "DestinationPartition");
    body.rejectUnknown(
        Set.of("ID", "Precedence", "CreateIndex", "ModifyIndex", "CreatedAt", "UpdatedAt", "Hash"));
    p.throwIfAny();
    IntentionSource updated = decoded.orElseThrow();
    edit(
        destination,
        sources -> {
          List<IntentionSource> next = new ArrayList<>();
          boolean replaced = false;
          for (IntentionSource s : sources) {
            if (s.name().equals(source)) {
              next.add(updated);
              replaced = true;
            } else {
              next.add(s);
            }
          }
          if (!replaced) {
            next.add(updated);
          }
          return next;
        });
    Json.send(res, true);
  }

  private void getExact(ServerRequest req, ServerResponse res) {
    String source = name(req, "source");
    String destination = name(req, "destination");
    RequestAcl.of(req).requireIntentions(destination, Access.READ);
    RegistrySnapshot s = registry.snapshot();
    Intention found =
        all(s).stream()
            .filter(i -> i.destination().equals(destination) && i.source().name().equals(source))
            .findFirst()
            .orElseThrow(
                () ->
                    ApiException.notFound("intention not found: " + source + " => " + destination));
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, INDEX));
    Json.send(res, IntentionJson.encode(found));
  }

  private void deleteExact(ServerRequest req, ServerResponse res) {
    String source = name(req, "source");
    String destination = name(req, "destination");
    RequestAcl.of(req).requireIntentions(destination, Access.WRITE);
    edit(destination, sources -> sources.stream().filter(s -> !s.name().equals(source)).toList());
    Json.send(res, true);
  }

  /**
   * Rewrites the sources of {@code destination}'s entry with check-and-set; an entry left without
   * sources is deleted.
   */
  private void edit(String destination, UnaryOperator<List<IntentionSource>> change) {
    ConfigEntryKey key = new ConfigEntryKey(ConfigEntryKind.SERVICE_INTENTIONS, destination);
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      Optional<Indexed<ConfigEntry>> current = registry.snapshot().configEntry(key);
      List<IntentionSource> sources =
          current.map(e -> ((ServiceIntentions) e.value()).sources()).orElse(List.of());
      Map<String, String> meta = current.map(e -> e.value().meta()).orElse(Map.of());
      List<IntentionSource> next = change.apply(sources);
      OptionalLong cas = OptionalLong.of(current.map(Indexed::modifyIndex).orElse(0L));
      CommandResult result;
      if (next.isEmpty()) {
        if (current.isEmpty()) {
          return;
        }
        result = registry.apply(new DeleteConfigEntry(key, cas));
      } else {
        result =
            registry.apply(new PutConfigEntry(new ServiceIntentions(destination, next, meta), cas));
      }
      if (result.outcome() != CommandResult.Outcome.CAS_FAILED) {
        return;
      }
    }
    throw new ApiException(
        409, "intentions for '" + destination + "' changed too often to update; try again");
  }

  /** {@code {"Allowed": bool}}: the highest-precedence matching intention, else the default. */
  private void check(ServerRequest req, ServerResponse res) {
    String source = name(req, "source");
    String destination = name(req, "destination");
    RequestAcl.of(req).requireIntentions(destination, Access.READ);
    RegistrySnapshot s = registry.snapshot();
    boolean allowed = Intention.allows(all(s), source, destination, defaultPolicy);
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, INDEX));
    Json.send(res, Map.of("Allowed", allowed));
  }

  /** Intentions matching a source or destination name, in evaluation order. */
  private void match(ServerRequest req, ServerResponse res) {
    String by = QueryParams.required(req, "by");
    if (!by.equals("source") && !by.equals("destination")) {
      throw ApiException.badRequest("'by' must be source or destination, was '" + by + "'");
    }
    List<String> names = QueryParams.all(req, "name");
    if (names.isEmpty()) {
      throw ApiException.badRequest("missing query parameter 'name'");
    }
    RegistrySnapshot s = BlockingQuery.await(req, registry, INDEX);
    RequestAcl acl = RequestAcl.of(req);
    List<Intention> all = all(s);
    Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
    for (String name : names) {
      List<Map<String, Object>> matched = new ArrayList<>();
      for (Intention i : all) {
        boolean hit =
            by.equals("destination")
                ? i.hasDestination(name)
                : i.source().name().equals(name) || i.source().isWildcard();
        if (hit && !acl.canReadIntentions(i.destination())) {
          RequestAcl.filtered(res);
        } else if (hit) {
          matched.add(IntentionJson.encode(i));
        }
      }
      out.put(name, matched);
    }
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, INDEX));
    Json.send(res, out);
  }
}
