package io.cairn.admin.config;

import io.cairn.admin.acl.RequestAcl;
import io.cairn.admin.http.ApiException;
import io.cairn.admin.http.BlockingQuery;
import io.cairn.admin.http.Json;
import io.cairn.admin.http.QueryParams;
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
import io.cairn.registry.model.Indexed;
import io.cairn.registry.validation.Problems;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * {@code /v1/config}: write, read, list and delete config entries. Writes answer {@code true}, or
 * {@code false} when a {@code ?cas} condition does not hold, as Consul does.
 */
public final class ConfigApi implements HttpService {
  private static final ToLongFunction<RegistrySnapshot> INDEX = s -> s.tableIndexes().config();
  private final Registry registry;

  public ConfigApi(Registry registry) {
    this.registry = registry;
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .put("/", this::put)
        .get("/{kind}", this::list)
        .get("/{kind}/{name}", this::get)
        .delete("/{kind}/{name}", this::delete);
  }

  private void put(ServerRequest req, ServerResponse res) {
    ConfigEntry entry = ConfigEntryJson.decode(JsonFields.of("", Json.body(req), new Problems()));
    require(RequestAcl.of(req), entry.key(), Access.WRITE);
    CommandResult result =
        registry.apply(new PutConfigEntry(entry, QueryParams.nonNegativeLong(req, "cas")));
    Json.send(res, result.outcome() != CommandResult.Outcome.CAS_FAILED);
  }

  private void list(ServerRequest req, ServerResponse res) {
    ConfigEntryKind kind = kind(req);
    RegistrySnapshot s = BlockingQuery.await(req, registry, INDEX);
    List<Map<String, Object>> out = new ArrayList<>();
    RequestAcl acl = RequestAcl.of(req);
    for (Indexed<ConfigEntry> e : s.configEntries(kind)) {
      if (!canRead(acl, e.value().key())) {
        RequestAcl.filtered(res);
        continue;
      }
      out.add(ConfigEntryJson.encode(e));
    }
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, INDEX));
    Json.send(res, out);
  }

  private void get(ServerRequest req, ServerResponse res) {
    ConfigEntryKind kind = kind(req);
    String name = req.path().pathParameters().get("name");
    require(RequestAcl.of(req), new ConfigEntryKey(kind, name), Access.READ);
    RegistrySnapshot s = BlockingQuery.await(req, registry, INDEX);
    Indexed<ConfigEntry> entry =
        s.configEntry(kind, name)
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "Config entry not found for \""
                            + kind.wireName()
                            + "\" / \""
                            + name
                            + "\""));
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, INDEX));
    Json.send(res, ConfigEntryJson.encode(entry));
  }

  private void delete(ServerRequest req, ServerResponse res) {
    ConfigEntryKind kind = kind(req);
    String name = req.path().pathParameters().get("name");
    require(RequestAcl.of(req), new ConfigEntryKey(kind, name), Access.WRITE);
    CommandResult result =
        registry.apply(
            new DeleteConfigEntry(
                new ConfigEntryKey(kind, name), QueryParams.nonNegativeLong(req, "cas")));
    Json.send(res, result.outcome() != CommandResult.Outcome.CAS_FAILED);
  }

  /**
   * Consul's rights on config entries: intentions on the destination for service-intentions, mesh
   * write for proxy-defaults (which anyone may read), the service (or the whole mesh) for the rest.
   */
  private static void require(RequestAcl acl, ConfigEntryKey key, Access needed) {
    if (key.kind() == ConfigEntryKind.PROXY_DEFAULTS) {
      if (needed != Access.READ) {
        acl.requireMesh(needed);
      }
    } else if (key.kind() == ConfigEntryKind.SERVICE_INTENTIONS) {
      acl.requireIntentions(key.name(), needed);
    } else {
      acl.requireServiceConfig(key.name(), needed);
    }
  }

  private static boolean canRead(RequestAcl acl, ConfigEntryKey key) {
    if (key.kind() == ConfigEntryKind.PROXY_DEFAULTS) {
      return true;
    }
    return key.kind() == ConfigEntryKind.SERVICE_INTENTIONS
        ? acl.canReadIntentions(key.name())
        : acl.canReadServiceConfig(key.name());
  }

  private static ConfigEntryKind kind(ServerRequest req) {
    String text = req.path().pathParameters().get("kind");
    return ConfigEntryKind.parse(text)
        .orElseThrow(
            () ->
                ApiException.badRequest(
                    "config entry kind '"
                        + text
                        + "' is not supported; Cairn supports "
                        + ConfigEntryJson.supported()));
  }
}
