package io.cairn.admin.config;

import io.cairn.admin.json.ConsulPaths;
import io.cairn.admin.json.JsonFields;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.UpstreamConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** {@code service-defaults}: the service's protocol and its {@code UpstreamConfig}. */
final class ServiceDefaultsJson {
  private ServiceDefaultsJson() {}

  static Optional<ServiceDefaults> decode(JsonFields f, String name) {
    String text = f.string("Protocol", "tcp");
    Optional<Protocol> protocol = Protocol.parse(text.isEmpty() ? "tcp" : text);
    if (protocol.isEmpty()) {
      f.problems()
          .add(f.pathOf("Protocol"), "must be tcp, http, http2 or grpc, was '" + text + "'");
    }
    Optional<JsonFields> upstreamJson = f.object("UpstreamConfig");
    Optional<UpstreamConfig> upstream = upstreamJson.flatMap(UpstreamConfigJson::decode);
    Map<String, String> meta = f.stringMap("Meta");
    if (protocol.isEmpty() || upstreamJson.isPresent() && upstream.isEmpty()) {
      return Optional.empty();
    }
    return ConsulPaths.collect(
        f.problems(),
        "",
        () ->
            new ServiceDefaults(name, protocol.get(), upstream.orElse(UpstreamConfig.NONE), meta));
  }

  static Map<String, Object> encode(ServiceDefaults e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("Protocol", e.protocol().wireName());
    if (!e.upstreamConfig().isEmpty()) {
      out.put("UpstreamConfig", UpstreamConfigJson.encode(e.upstreamConfig()));
    }
    return out;
  }
}
