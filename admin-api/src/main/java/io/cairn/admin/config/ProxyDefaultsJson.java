package io.cairn.admin.config;

import io.cairn.admin.json.ConsulPaths;
import io.cairn.admin.json.JsonFields;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ProxyDefaults;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code proxy-defaults} (named {@code global}): its {@code Config} with the mesh-wide {@code
 * protocol}. Other Config keys, and Consul's other fields ({@code Mode}, {@code TransparentProxy},
 * {@code MeshGateway}, {@code Expose}, {@code AccessLogs}, ...), are refused by name.
 */
final class ProxyDefaultsJson {
  private ProxyDefaultsJson() {}

  static Optional<ProxyDefaults> decode(JsonFields f, String name) {
    Optional<Protocol> protocol = Optional.empty();
    boolean ok = true;
    Optional<JsonFields> config = f.object("Config");
    if (config.isPresent()) {
      JsonFields c = config.get();
      String text = c.string("protocol", "");
      if (!text.isEmpty()) {
        protocol = Protocol.parse(text);
        if (protocol.isEmpty()) {
          c.problems()
              .add(c.pathOf("protocol"), "must be tcp, http, http2 or grpc, was '" + text + "'");
          ok = false;
        }
      }
      c.rejectUnknown(Set.of());
    }
    Map<String, String> meta = f.stringMap("Meta");
    // Built even with a bad protocol, so that the name's problem is reported with it.
    Optional<Protocol> chosen = protocol;
    // Consul names the entry global when the name is left out.
    String global = name.isEmpty() ? ProxyDefaults.GLOBAL : name;
    Optional<ProxyDefaults> entry =
        ConsulPaths.collect(f.problems(), "", () -> new ProxyDefaults(global, chosen, meta));
    return ok ? entry : Optional.empty();
  }

  static Map<String, Object> encode(ProxyDefaults e) {
    Map<String, Object> out = new LinkedHashMap<>();
    e.protocol().ifPresent(p -> out.put("Config", Map.of("protocol", p.wireName())));
    return out;
  }
}
