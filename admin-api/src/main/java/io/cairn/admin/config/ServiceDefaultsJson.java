package io.cairn.admin.config;

import io.cairn.admin.json.ConsulPaths;
import io.cairn.admin.json.JsonFields;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ServiceDefaults;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** {@code service-defaults}: the service's protocol. */
final class ServiceDefaultsJson {
  private ServiceDefaultsJson() {}

  static Optional<ServiceDefaults> decode(JsonFields f, String name) {
    String text = f.string("Protocol", "tcp");
    Optional<Protocol> protocol = Protocol.parse(text.isEmpty() ? "tcp" : text);
    if (protocol.isEmpty()) {
      f.problems()
          .add(f.pathOf("Protocol"), "must be tcp, http, http2 or grpc, was '" + text + "'");
    }
    Map<String, String> meta = f.stringMap("Meta");
    if (protocol.isEmpty()) {
      return Optional.empty();
    }
    return ConsulPaths.collect(
        f.problems(), "", () -> new ServiceDefaults(name, protocol.get(), meta));
  }

  static Map<String, Object> encode(ServiceDefaults e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("Protocol", e.protocol().wireName());
    return out;
  }
}
