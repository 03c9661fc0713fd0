package io.cairn.admin.config;

import io.cairn.admin.json.ConsulPaths;
import io.cairn.admin.json.GoDuration;
import io.cairn.admin.json.JsonFields;
import io.cairn.registry.config.PassiveHealthCheck;
import io.cairn.registry.config.UpstreamConfig;
import io.cairn.registry.config.UpstreamLimits;
import io.cairn.registry.config.UpstreamSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * service-defaults {@code UpstreamConfig}: {@code Defaults} and named {@code Overrides}, each with
 * {@code ConnectTimeoutMs}, {@code Limits} and {@code PassiveHealthCheck}. Consul's other fields
 * ({@code Protocol}, {@code MeshGateway}, {@code BalanceOutboundConnections}, the Envoy escape
 * hatches) are refused by name.
 */
final class UpstreamConfigJson {
  private UpstreamConfigJson() {}

  static Optional<UpstreamConfig> decode(JsonFields config) {
    Optional<UpstreamSettings> defaults =
        config.object("Defaults").map(d -> settings(d, Set.of())).orElse(Optional.empty());
    boolean ok = config.object("Defaults").isEmpty() || defaults.isPresent();
    Map<String, UpstreamSettings> overrides = new LinkedHashMap<>();
    List<JsonFields> listed = config.objects("Overrides");
    for (JsonFields o : listed) {
      String name = o.string("Name", "");
      if (name.isEmpty()) {
        o.problems().add(o.pathOf("Name"), "is required");
        ok = false;
      } else if (overrides.containsKey(name)) {
        o.problems().add(o.pathOf("Name"), "'" + name + "' is overridden twice");
        ok = false;
      }
      o.defaultTenancy();
      Optional<UpstreamSettings> s = settings(o, Set.of("Name"));
      if (s.isEmpty()) {
        ok = false;
      } else if (!name.isEmpty()) {
        overrides.put(name, s.get());
      }
    }
    config.rejectUnknown(Set.of());
    if (!ok) {
      return Optional.empty();
    }
    return ConsulPaths.collect(
        config.problems(),
        config.path(),
        () -> new UpstreamConfig(defaults.orElse(UpstreamSettings.NONE), overrides));
  }

  private static Optional<UpstreamSettings> settings(JsonFields s, Set<String> readElsewhere) {
    Optional<Duration> timeout = Optional.empty();
    OptionalInt ms = s.integer("ConnectTimeoutMs");
    boolean ok = true;
    if (ms.isPresent() && ms.getAsInt() < 0) {
      s.problems().add(s.pathOf("ConnectTimeoutMs"), "cannot be negative, was " + ms.getAsInt());
      ok = false;
    } else if (ms.isPresent() && ms.getAsInt() > 0) {
      timeout = Optional.of(Duration.ofMillis(ms.getAsInt()));
    }
    Optional<JsonFields> limitsJson = s.object("Limits");
    Optional<UpstreamLimits> limits = limitsJson.flatMap(UpstreamConfigJson::limits);
    Optional<JsonFields> checkJson = s.object("PassiveHealthCheck");
    Optional<PassiveHealthCheck> check = checkJson.flatMap(UpstreamConfigJson::passiveHealthCheck);
    s.rejectUnknown(readElsewhere);
    if (!ok
        || limits.isEmpty() && limitsJson.isPresent()
        || check.isEmpty() && checkJson.isPresent()) {
      return Optional.empty();
    }
    Optional<Duration> connectTimeout = timeout;
    return ConsulPaths.collect(
        s.problems(), s.path(), () -> new UpstreamSettings(connectTimeout, limits, check));
  }

  private static Optional<UpstreamLimits> limits(JsonFields l) {
    Optional<Integer> connections = boxed(l.integer("MaxConnections"));
    Optional<Integer> pending = boxed(l.integer("MaxPendingRequests"));
    Optional<Integer> concurrent = boxed(l.integer("MaxConcurrentRequests"));
    l.rejectUnknown(Set.of());
    return ConsulPaths.collect(
        l.problems(), l.path(), () -> new UpstreamLimits(connections, pending, concurrent));
  }

  private static Optional<PassiveHealthCheck> passiveHealthCheck(JsonFields c) {
    // Zero is Consul's "unset" for the interval and the failure count.
    Optional<Duration> interval = c.duration("Interval").filter(d -> !d.isZero());
    Optional<Integer> maxFailures = boxed(c.integer("MaxFailures")).filter(n -> n != 0);
    Optional<Integer> enforcing = boxed(c.integer("EnforcingConsecutive5xx"));
    Optional<Integer> maxEjection = boxed(c.integer("MaxEjectionPercent"));
    Optional<Duration> baseEjection = c.duration("BaseEjectionTime");
    c.rejectUnknown(Set.of());
    return ConsulPaths.collect(
        c.problems(),
        c.path(),
        () -> new PassiveHealthCheck(interval, maxFailures, enforcing, maxEjection, baseEjection));
  }

  private static Optional<Integer> boxed(OptionalInt v) {
    return v.isPresent() ? Optional.of(v.getAsInt()) : Optional.empty();
  }

  static Map<String, Object> encode(UpstreamConfig c) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (!c.defaults().isEmpty()) {
      out.put("Defaults", settings(c.defaults()));
    }
    if (!c.overrides().isEmpty()) {
      out.put(
          "Overrides",
          c.overrides().entrySet().stream()
              .map(
                  e -> {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("Name", e.getKey());
                    o.putAll(settings(e.getValue()));
                    return o;
                  })
              .toList());
    }
    return out;
  }

  private static Map<String, Object> settings(UpstreamSettings s) {
    Map<String, Object> out = new LinkedHashMap<>();
    s.connectTimeout().ifPresent(t -> out.put("ConnectTimeoutMs", t.toMillis()));
    s.limits()
        .ifPresent(
            l -> {
              Map<String, Object> m = new LinkedHashMap<>();
              l.maxConnections().ifPresent(v -> m.put("MaxConnections", v));
              l.maxPendingRequests().ifPresent(v -> m.put("MaxPendingRequests", v));
              l.maxConcurrentRequests().ifPresent(v -> m.put("MaxConcurrentRequests", v));
              out.put("Limits", m);
            });
    s.passiveHealthCheck()
        .ifPresent(
            c -> {
              Map<String, Object> m = new LinkedHashMap<>();
              c.interval().ifPresent(v -> m.put("Interval", GoDuration.format(v)));
              c.maxFailures().ifPresent(v -> m.put("MaxFailures", v));
              c.enforcingConsecutive5xx().ifPresent(v -> m.put("EnforcingConsecutive5xx", v));
              c.maxEjectionPercent().ifPresent(v -> m.put("MaxEjectionPercent", v));
              c.baseEjectionTime().ifPresent(v -> m.put("BaseEjectionTime", GoDuration.format(v)));
              out.put("PassiveHealthCheck", m);
            });
    return out;
  }
}
