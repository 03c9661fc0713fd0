package io.cairn.admin.intentions;

import io.cairn.admin.config.ServiceIntentionsJson;
import io.cairn.registry.config.Intention;
import java.util.LinkedHashMap;
import java.util.Map;

/** An intention as Consul's intentions API shows it. */
final class IntentionJson {
  private IntentionJson() {}

  static Map<String, Object> encode(Intention i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ID", "");
    m.put("SourceNS", "default");
    m.put("SourceName", i.source().name());
    m.put("DestinationNS", "default");
    m.put("DestinationName", i.destination());
    m.put("SourcePartition", "default");
    m.put("DestinationPartition", "default");
    m.put("SourceType", "consul");
    ServiceIntentionsJson.putSource(m, i.source());
    m.putIfAbsent("Description", "");
    m.put("Precedence", i.precedence());
    m.put("Meta", Map.of());
    m.put("CreateIndex", i.createIndex());
    m.put("ModifyIndex", i.modifyIndex());
    return m;
  }
}
