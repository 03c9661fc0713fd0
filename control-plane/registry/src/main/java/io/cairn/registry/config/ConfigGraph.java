package io.cairn.registry.config;

import io.cairn.registry.validation.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The config entries as a whole, for checks that span entries: a subset named by a split, route,
 * redirect or failover must exist in the target's resolver, and splitting, routing and L7
 * permissions need an HTTP-family protocol, as in Consul; a grpc service's routes must be able to
 * match a gRPC request ({@link GrpcRouteMatches}).
 */
public final class ConfigGraph {
  private final Map<ConfigEntryKey, ConfigEntry> entries;

  public ConfigGraph(Map<ConfigEntryKey, ConfigEntry> entries) {
    this.entries = Map.copyOf(entries);
  }

  /**
   * The service's protocol from its service-defaults, else the mesh-wide one of proxy-defaults; tcp
   * when neither sets one.
   */
  public Protocol protocolOf(String service) {
    return entry(ConfigEntryKind.SERVICE_DEFAULTS, service, ServiceDefaults.class)
        .map(ServiceDefaults::protocol)
        .or(
            () ->
                entry(ConfigEntryKind.PROXY_DEFAULTS, ProxyDefaults.GLOBAL, ProxyDefaults.class)
                    .flatMap(ProxyDefaults::protocol))
        .orElse(Protocol.TCP);
  }

  public Optional<ServiceResolver> resolver(String service) {
    return entry(ConfigEntryKind.SERVICE_RESOLVER, service, ServiceResolver.class);
  }

  /** The entry of that kind and name, if there is one. */
  public Optional<ConfigEntry> entry(ConfigEntryKind kind, String name) {
    return Optional.ofNullable(entries.get(new ConfigEntryKey(kind, name)));
  }

  /**
   * The services with a router, splitter or resolver: those whose discovery chain is not trivial.
   */
  public Set<String> chainServices() {
    Set<String> out = new TreeSet<>();
    for (ConfigEntryKey key : entries.keySet()) {
      switch (key.kind()) {
        case SERVICE_ROUTER, SERVICE_SPLITTER, SERVICE_RESOLVER -> out.add(key.name());
        default -> {}
      }
    }
    return out;
  }

  private <T extends ConfigEntry> Optional<T> entry(
      ConfigEntryKind kind, String name, Class<T> type) {
    return Optional.ofNullable(entries.get(new ConfigEntryKey(kind, name))).map(type::cast);
  }

  /** Every reference or protocol problem between entries, each under its entry's key. */
  public List<Problem> problems() {
    List<Problem> problems = new ArrayList<>();
    for (ConfigEntry entry : entries.values()) {
      String at = entry.key().toString();
      switch (entry) {
        case ServiceSplitter s -> {
          requireL7Routing(problems, at, s.name(), "splitting");
          for (int i = 0; i < s.splits().size(); i++) {
            requireSubset(
                problems, at + ".splits[" + i + "]", s.name(), s.splits().get(i).target());
          }
        }
        case ServiceRouter r -> {
          requireL7Routing(problems, at, r.name(), "routing");
          if (protocolOf(r.name()) == Protocol.GRPC) {
            problems.addAll(GrpcRouteMatches.neverMatching(at, r));
          }
          for (int i = 0; i < r.routes().size(); i++) {
            requireSubset(
                problems,
                at + ".routes[" + i + "].destination",
                r.name(),
                r.routes().get(i).destination().target());
          }
        }
        case ServiceResolver r -> {
          r.redirect().ifPresent(t -> requireSubset(problems, at + ".redirect", r.name(), t));
          r.failover()
              .forEach(
                  (subset, targets) -> {
                    for (int i = 0; i < targets.size(); i++) {
                      requireSubset(
                          problems,
                          at + ".failover." + subset + "[" + i + "]",
                          r.name(),
                          targets.get(i));
                    }
                  });
        }
        case ServiceIntentions in -> {
          boolean l7 = in.sources().stream().anyMatch(src -> !src.permissions().isEmpty());
          if (l7 && !in.isWildcard()) {
            requireHttp(problems, at, in.name(), "L7 permissions");
          }
        }
        case ServiceDefaults d -> {}
        case ProxyDefaults d -> {}
      }
    }
    return problems;
  }

  private void requireHttp(List<Problem> problems, String at, String service, String what) {
    requireHttp(problems, at, service, what, "");
  }

  /** Routing and splitting, refused with Consul's words for those who search for them. */
  private void requireL7Routing(List<Problem> problems, String at, String service, String what) {
    requireHttp(
        problems,
        at,
        service,
        what,
        ", which does not permit advanced routing or splitting behavior");
  }

  private void requireHttp(
      List<Problem> problems, String at, String service, String what, String consequence) {
    Protocol protocol = protocolOf(service);
    if (!protocol.isHttpFamily()) {
      problems.add(
          new Problem(
              at,
              what
                  + " needs protocol http, http2 or grpc but '"
                  + service
                  + "' is "
                  + protocol.wireName()
                  + consequence
                  + " (set it with a service-defaults entry)"));
    }
  }

  private void requireSubset(
      List<Problem> problems, String at, String owner, ServiceTarget target) {
    if (!target.hasSubset()) {
      return;
    }
    String service = target.serviceOr(owner);
    boolean defined =
        resolver(service).map(r -> r.subsets().containsKey(target.serviceSubset())).orElse(false);
    if (!defined) {
      problems.add(
          new Problem(
              at,
              "subset '"
                  + target.serviceSubset()
                  + "' is not defined by a service-resolver for '"
                  + service
                  + "'"));
    }
  }
}
