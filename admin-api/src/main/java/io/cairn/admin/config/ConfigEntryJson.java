package io.cairn.admin.config;

import io.cairn.admin.json.JsonFields;
import io.cairn.registry.config.ConfigEntry;
import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.config.ProxyDefaults;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.ServiceIntentions;
import io.cairn.registry.config.ServiceResolver;
import io.cairn.registry.config.ServiceRouter;
import io.cairn.registry.config.ServiceSplitter;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.validation.Problems;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Dispatches config entry JSON to the translator of its {@code Kind}. */
public final class ConfigEntryJson {
  private static final Set<String> COMMON =
      Set.of("Kind", "Name", "Meta", "CreateIndex", "ModifyIndex", "Namespace", "Partition");

  private ConfigEntryJson() {}

  /** The entry in {@code body}; throws a ValidationException listing every problem. */
  public static ConfigEntry decode(JsonFields body) {
    Problems p = body.problems();
    String kindText = body.string("Kind", "");
    String name = body.string("Name", "");
    Optional<ConfigEntryKind> kind = ConfigEntryKind.parse(kindText);
    if (kind.isEmpty()) {
      p.add(
          "Kind",
          kindText.isEmpty()
              ? "is required"
              : "'" + kindText + "' is not supported; Cairn supports " + supported());
      p.throwIfAny();
    }
    Optional<? extends ConfigEntry> entry =
        switch (kind.get()) {
          case SERVICE_DEFAULTS -> ServiceDefaultsJson.decode(body, name);
          case SERVICE_RESOLVER -> ServiceResolverJson.decode(body, name);
          case SERVICE_SPLITTER -> ServiceSplitterJson.decode(body, name);
          case SERVICE_ROUTER -> ServiceRouterJson.decode(body, name);
          case SERVICE_INTENTIONS -> ServiceIntentionsJson.decode(body, name);
          case PROXY_DEFAULTS -> ProxyDefaultsJson.decode(body, name);
        };
    body.defaultTenancy();
    body.rejectUnknown(COMMON);
    p.throwIfAny();
    return entry.orElseThrow();
  }

  static String supported() {
    StringBuilder b = new StringBuilder();
    for (ConfigEntryKind k : ConfigEntryKind.values()) {
      b.append(b.isEmpty() ? "" : ", ").append(k.wireName());
    }
    return b.toString();
  }

  /** The entry as Consul shows it: Kind, Name, the kind's fields, Meta, indexes. */
  public static Map<String, Object> encode(Indexed<ConfigEntry> indexed) {
    ConfigEntry e = indexed.value();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("Kind", e.kind().wireName());
    out.put("Name", e.name());
    out.putAll(
        switch (e) {
          case ServiceDefaults d -> ServiceDefaultsJson.encode(d);
          case ServiceResolver r -> ServiceResolverJson.encode(r);
          case ServiceSplitter s -> ServiceSplitterJson.encode(s);
          case ServiceRouter r -> ServiceRouterJson.encode(r);
          case ServiceIntentions i -> ServiceIntentionsJson.encode(i);
          case ProxyDefaults d -> ProxyDefaultsJson.encode(d);
        });
    if (!e.meta().isEmpty()) {
      out.put("Meta", e.meta());
    }
    out.put("CreateIndex", indexed.createIndex());
    out.put("ModifyIndex", indexed.modifyIndex());
    return out;
  }
}
