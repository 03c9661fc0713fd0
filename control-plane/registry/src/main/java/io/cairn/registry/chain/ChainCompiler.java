package io.cairn.registry.chain;

import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ProxyDefaults;
import io.cairn.registry.config.Route;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.ServiceResolver;
import io.cairn.registry.config.ServiceRouter;
import io.cairn.registry.config.ServiceSplitter;
import io.cairn.registry.config.ServiceTarget;
import io.cairn.registry.config.Split;
import io.cairn.registry.validation.Problem;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compiles a service's discovery chain as Consul does: the service's router routes (a destination
 * without a subset goes through its service's splitter, if it has one), then the service's splitter
 * (a split to another service without a subset is flattened through that service's splitter,
 * weights multiplied), then resolver nodes (redirects followed, the default subset applied,
 * failover targets for the subset or {@code *}, each resolved the same way; the hash policies of
 * the resolver that names the target). Pure; one instance compiles one chain.
 *
 * <p>{@link #problems} also applies Consul's protocol rule: the chain's own service and every
 * service a resolver node passes through (redirect hops and failover targets included) must have
 * the same protocol. Unlike Consul, the chain's own service always counts, even when its splitter
 * sends everything elsewhere: its protocol decides the upstream listener.
 */
public final class ChainCompiler {
  /** Bounds the paths through nested splitters one chain may take (diamonds multiply them). */
  static final int MAX_SPLIT_PATHS = 10_000;

  private final ConfigLookup entries;
  private final Set<String> reads = new HashSet<>();
  private final List<String> splittersInProgress = new ArrayList<>();

  /** The services whose protocol the chain depends on, in the order the compiler met them. */
  private final Set<String> protocolServices = new LinkedHashSet<>();

  private int splitPaths;

  private ChainCompiler(ConfigLookup entries) {
    this.entries = entries;
  }

  /**
   * @throws ChainException on a redirect or splitter loop, or too many paths through splitters
   */
  public static CompiledChain compile(String service, ConfigLookup entries) {
    return new ChainCompiler(entries).chain(service);
  }

  /**
   * The problems of each of {@code services}' chains, one per failing chain: it does not compile,
   * or its services do not agree on protocol.
   */
  public static List<Problem> problems(Collection<String> services, ConfigLookup entries) {
    List<Problem> out = new ArrayList<>();
    for (String service : services) {
      ChainCompiler compiler = new ChainCompiler(entries);
      try {
        compiler.chain(service);
        compiler.protocolProblem(service).ifPresent(out::add);
      } catch (ChainException e) {
        out.add(new Problem("chain." + service, e.getMessage()));
      }
    }
    return out;
  }

  /** Consul's message for the first service whose protocol differs from the chain's own. */
  private Optional<Problem> protocolProblem(String service) {
    Protocol chain = protocolOf(service);
    for (String s : protocolServices) {
      Protocol p = protocolOf(s);
      if (p != chain) {
        return Optional.of(
            new Problem(
                "chain." + service,
                ("discovery chain \"%s\" uses inconsistent protocols; service \"%s\" has \"%s\""
                        + " which is not \"%s\" (set the protocol with a service-defaults entry)")
                    .formatted(service, s, p.wireName(), chain.wireName())));
      }
    }
    return Optional.empty();
  }

  /** The service's service-defaults protocol, else proxy-defaults', else tcp. */
  private Protocol protocolOf(String service) {
    return entries
        .entry(ConfigEntryKind.SERVICE_DEFAULTS, service)
        .filter(ServiceDefaults.class::isInstance)
        .map(e -> ((ServiceDefaults) e).protocol())
        .or(
            () ->
                entries
                    .entry(ConfigEntryKind.PROXY_DEFAULTS, ProxyDefaults.GLOBAL)
                    .filter(ProxyDefaults.class::isInstance)
                    .flatMap(e -> ((ProxyDefaults) e).protocol()))
        .orElse(Protocol.TCP);
  }

  private CompiledChain chain(String service) {
    protocolServices.add(service);
    List<ChainRoute> routes = new ArrayList<>();
    Optional<ServiceRouter> router =
        entry(ConfigEntryKind.SERVICE_ROUTER, service, ServiceRouter.class);
    for (Route route : router.map(ServiceRouter::routes).orElse(List.of())) {
      ServiceTarget t = route.destination().target();
      String to = t.serviceOr(service);
      ChainDestination d =
          t.hasSubset() ? resolve(new ChainTarget(to, t.serviceSubset())) : splitterOrResolver(to);
      routes.add(new ChainRoute(route, d));
    }
    return new CompiledChain(service, routes, splitterOrResolver(service), reads);
  }

  private ChainDestination splitterOrResolver(String service) {
    Optional<ServiceSplitter> splitter =
        entry(ConfigEntryKind.SERVICE_SPLITTER, service, ServiceSplitter.class);
    if (splitter.isEmpty()) {
      return resolve(new ChainTarget(service, ""));
    }
    Map<ResolvedTarget, Double> shares = new LinkedHashMap<>();
    addShares(splitter.get(), 1.0, shares);
    return Weights.rounded(shares);
  }

  /** Adds the splitter's shares, each scaled by {@code scale}, flattening nested splitters. */
  private void addShares(ServiceSplitter splitter, double scale, Map<ResolvedTarget, Double> out) {
    String name = splitter.name();
    if (splittersInProgress.contains(name)) {
      throw new ChainException("splitter loop: " + path(splittersInProgress, name), reads);
    }
    splittersInProgress.add(name);
    for (Split split : splitter.splits()) {
      if (++splitPaths > MAX_SPLIT_PATHS) {
        throw new ChainException(
            "splits through nested splitters take more than " + MAX_SPLIT_PATHS + " paths", reads);
      }
      String to = split.target().serviceOr(name);
      double weight = split.basisPoints() * scale;
      if (!to.equals(name) && !split.target().hasSubset()) {
        Optional<ServiceSplitter> next =
            entry(ConfigEntryKind.SERVICE_SPLITTER, to, ServiceSplitter.class);
        if (next.isPresent()) {
          addShares(next.get(), weight / WeightedSplits.TOTAL, out);
          continue;
        }
      }
      out.merge(resolve(new ChainTarget(to, split.target().serviceSubset())), weight, Double::sum);
    }
    splittersInProgress.remove(splittersInProgress.size() - 1);
  }

  /** A resolver node: the target after redirects, and its failover targets. */
  private ResolvedTarget resolve(ChainTarget asked) {
    ChainTarget target = redirected(asked);
    List<ChainTarget> failover = new ArrayList<>();
    Optional<ServiceResolver> resolver = resolver(target.service());
    List<ServiceTarget> configured =
        resolver.map(r -> r.failoverFor(target.subset())).orElse(List.of());
    for (ServiceTarget f : configured) {
      ChainTarget t = redirected(new ChainTarget(f.serviceOr(target.service()), f.serviceSubset()));
      if (!t.equals(target) && !failover.contains(t)) {
        failover.add(t);
      }
    }
    return new ResolvedTarget(
        target, failover, resolver.map(ServiceResolver::hashPolicies).orElse(List.of()));
  }

  /** Follows redirects, then applies the default subset when none is named. */
  private ChainTarget redirected(ChainTarget asked) {
    List<String> seen = new ArrayList<>();
    ChainTarget t = asked;
    while (true) {
      if (seen.contains(t.toString())) {
        throw new ChainException("redirect loop: " + path(seen, t.toString()), reads);
      }
      seen.add(t.toString());
      protocolServices.add(t.service());
      Optional<ServiceResolver> resolver = resolver(t.service());
      Optional<ServiceTarget> redirect = resolver.flatMap(ServiceResolver::redirect);
      if (redirect.isPresent()) {
        // As in Consul: a redirect to another service drops the subset that was asked for.
        t = new ChainTarget(redirect.get().serviceOr(t.service()), redirect.get().serviceSubset());
        continue;
      }
      Optional<String> defaultSubset = resolver.flatMap(ServiceResolver::defaultSubset);
      if (t.subset().isEmpty() && defaultSubset.isPresent()) {
        return new ChainTarget(t.service(), defaultSubset.get());
      }
      return t;
    }
  }

  private Optional<ServiceResolver> resolver(String service) {
    return entry(ConfigEntryKind.SERVICE_RESOLVER, service, ServiceResolver.class);
  }

  private <T> Optional<T> entry(ConfigEntryKind kind, String service, Class<T> type) {
    reads.add(service);
    return entries.entry(kind, service).filter(type::isInstance).map(type::cast);
  }

  private static String path(List<String> visited, String again) {
    List<String> loop = new ArrayList<>(visited.subList(visited.indexOf(again), visited.size()));
    loop.add(again);
    return String.join(" -> ", loop);
  }
}
