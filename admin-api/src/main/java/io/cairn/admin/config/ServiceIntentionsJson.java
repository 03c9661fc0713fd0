package io.cairn.admin.config;

import io.cairn.admin.json.ConsulPaths;
import io.cairn.admin.json.JsonFields;
import io.cairn.registry.config.HttpPermission;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.config.IntentionPermission;
import io.cairn.registry.config.IntentionSource;
import io.cairn.registry.config.ServiceIntentions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code service-intentions}: who may call the destination, as L4 actions or L7 permissions. The
 * source part is shared with the {@code /v1/connect/intentions} API.
 */
public final class ServiceIntentionsJson {
  /** Fields Consul fills in or keeps for history, accepted on input and ignored. */
  static final Set<String> SOURCE_IGNORED =
      Set.of("Precedence", "LegacyID", "LegacyMeta", "LegacyCreateTime", "LegacyUpdateTime");

  private ServiceIntentionsJson() {}

  static Optional<ServiceIntentions> decode(JsonFields f, String name) {
    List<IntentionSource> sources = new ArrayList<>();
    for (JsonFields s : f.objects("Sources")) {
      String source = s.string("Name", "");
      decodeSource(s, source).ifPresent(sources::add);
      s.defaultTenancy();
      for (String field : List.of("Type", "SourceType")) {
        s.string(field)
            .filter(v -> !v.isEmpty() && !v.equals("consul"))
            .ifPresent(
                v ->
                    s.problems()
                        .add(s.pathOf(field), "only 'consul' is supported, was '" + v + "'"));
      }
      s.rejectUnknown(SOURCE_IGNORED);
    }
    Map<String, String> meta = f.stringMap("Meta");
    return ConsulPaths.collect(f.problems(), "", () -> new ServiceIntentions(name, sources, meta));
  }

  /** A source's Action or Permissions and Description; the caller knows its name. */
  public static Optional<IntentionSource> decodeSource(JsonFields s, String sourceName) {
    Optional<IntentionAction> action = Optional.empty();
    String actionText = s.string("Action", "");
    if (!actionText.isEmpty()) {
      action = IntentionAction.parse(actionText);
      if (action.isEmpty()) {
        s.problems().add(s.pathOf("Action"), "must be allow or deny, was '" + actionText + "'");
      }
    }
    List<IntentionPermission> permissions = new ArrayList<>();
    for (JsonFields p : s.objects("Permissions")) {
      String pa = p.string("Action", "");
      Optional<IntentionAction> permissionAction = IntentionAction.parse(pa);
      if (permissionAction.isEmpty()) {
        p.problems().add(p.pathOf("Action"), "must be allow or deny, was '" + pa + "'");
      }
      Optional<HttpPermission> http =
          p.object("HTTP")
              .flatMap(
                  h -> {
                    var path = MatchJson.path(h);
                    var headers = MatchJson.headers(h, "Header");
                    List<String> methods = h.strings("Methods");
                    h.rejectUnknown(Set.of());
                    return ConsulPaths.collect(
                        h.problems(), h.path(), () -> new HttpPermission(path, headers, methods));
                  });
      if (!p.has("HTTP")) {
        p.problems().add(p.pathOf("HTTP"), "is required");
      }
      p.rejectUnknown(Set.of());
      if (permissionAction.isPresent() && http.isPresent()) {
        permissions.add(new IntentionPermission(permissionAction.get(), http.get()));
      }
    }
    String description = s.string("Description", "");
    Optional<IntentionAction> a = action;
    return ConsulPaths.collect(
        s.problems(), s.path(), () -> new IntentionSource(sourceName, a, permissions, description));
  }

  static Map<String, Object> encode(ServiceIntentions e) {
    List<Map<String, Object>> sources = new ArrayList<>();
    for (IntentionSource s : e.sources()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("Name", s.name());
      putSource(m, s);
      m.put("Precedence", e.precedence(s));
      m.put("Type", "consul");
      sources.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("Sources", sources);
    return out;
  }

  /** Action or Permissions, and Description, as Consul shows them. */
  public static void putSource(Map<String, Object> m, IntentionSource s) {
    s.action().ifPresent(a -> m.put("Action", a.wireName()));
    if (!s.permissions().isEmpty()) {
      List<Map<String, Object>> permissions = new ArrayList<>();
      for (IntentionPermission p : s.permissions()) {
        Map<String, Object> http = new LinkedHashMap<>();
        MatchJson.putPath(http, p.http().path());
        if (!p.http().headers().isEmpty()) {
          http.put("Header", MatchJson.encodeHeaders(p.http().headers()));
        }
        if (!p.http().methods().isEmpty()) {
          http.put("Methods", p.http().methods());
        }
        Map<String, Object> permission = new LinkedHashMap<>();
        permission.put("Action", p.action().wireName());
        permission.put("HTTP", http);
        permissions.add(permission);
      }
      m.put("Permissions", permissions);
    }
    if (!s.description().isEmpty()) {
      m.put("Description", s.description());
    }
  }
}
