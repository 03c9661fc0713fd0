package io.cairn.xds.cache;

import static io.cairn.xds.pgv.ValidResources.valid;
import static io.cairn.xds.pgv.ValidResources.validForGrpc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.InMemoryStore;
import io.cairn.registry.Registry;
import io.cairn.registry.Subscription;
import io.cairn.registry.command.Command;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.config.ConfigEntry;
import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.config.HashPolicy;
import io.cairn.registry.config.HeaderMatch;
import io.cairn.registry.config.HttpPermission;
import io.cairn.registry.config.HttpRouteMatch;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.config.IntentionPermission;
import io.cairn.registry.config.IntentionSource;
import io.cairn.registry.config.LeastRequestConfig;
import io.cairn.registry.config.LoadBalancerPolicy;
import io.cairn.registry.config.MatchType;
import io.cairn.registry.config.PassiveHealthCheck;
import io.cairn.registry.config.PathMatch;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ProxyDefaults;
import io.cairn.registry.config.QueryParamMatch;
import io.cairn.registry.config.ResolverSubset;
import io.cairn.registry.config.RingHashConfig;
import io.cairn.registry.config.Route;
import io.cairn.registry.config.RouteDestination;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.ServiceIntentions;
import io.cairn.registry.config.ServiceResolver;
import io.cairn.registry.config.ServiceRouter;
import io.cairn.registry.config.ServiceSplitter;
import io.cairn.registry.config.ServiceTarget;
import io.cairn.registry.config.Split;
import io.cairn.registry.config.UpstreamConfig;
import io.cairn.registry.config.UpstreamLimits;
import io.cairn.registry.config.UpstreamSettings;
import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.Locality;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.TtlCheck;
import io.cairn.registry.model.Upstream;
import io.cairn.registry.model.Weights;
import io.cairn.xds.TestCa;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Thousands of generated registries (instances in every health state, sidecars, and random
 * service-defaults, resolvers with redirects and failover, routers and splitters across services,
 * and intentions): every resource of every proxyless and sidecar snapshot must pass Envoy's
 * validation rules. Entries the registry refuses are skipped; refusing is fine, emitting something
 * Envoy rejects is not. The seed is printed; rerun one with {@code -Dcairn.seed=N}.
 */
class GeneratedConfigTest {
  private static final List<String> SERVICES = List.of("api", "web", "db", "pay", "batch");
  private static final List<String> REGEXES =
      List.of(
          "/v[0-9]+/.*",
          "^[a-z]+$",
          "a|b",
          "(foo|bar)+",
          "\\d{2,4}",
          "(?i)get",
          ".*\\.json",
          "(?=x)y",
          "(a)\\1",
          "a*+");
  private static final List<String> HEADERS = List.of("x-canary", "x-user", ":authority", "te");
  private static final int ROUNDS = 1000;
  private static final Duration BUDGET = Duration.ofSeconds(90);
  private static final int MIN_ROUNDS = 20;

  @Test
  void everyEmittedResourcePassesEnvoysRules() {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    System.out.println("GeneratedConfigTest seed " + seed + " (-Dcairn.seed=" + seed + ")");
    Random random = new Random(seed);
    long deadline = System.nanoTime() + BUDGET.toNanos();
    int rounds = 0;
    int applied = 0;
    int refused = 0;
    int aggregates = 0;
    for (; rounds < ROUNDS && System.nanoTime() < deadline; rounds++) {
      long roundSeed = random.nextLong();
      Generator g = new Generator(new Random(roundSeed));
      try (Registry registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry())) {
        List<Command> commands = new java.util.ArrayList<>(g.commands());
        // Sidecars are built once the mesh CA is set up: before, among or after the changes.
        commands.add(g.random.nextInt(commands.size() + 1), TestCa.setUp());
        // Part way through, an incremental builder starts; it then sees only the changed names.
        int cut = g.random.nextInt(commands.size() + 1);
        ProxylessSnapshots incremental = new ProxylessSnapshots();
        IntentionAction policy =
            g.random.nextBoolean() ? IntentionAction.ALLOW : IntentionAction.DENY;
        SidecarSnapshots incrementalSidecars = new SidecarSnapshots(policy, "dc1");
        Set<String> changed = ConcurrentHashMap.newKeySet();
        // As XdsServer does: proxy-defaults' protocol is every service's default.
        AtomicBoolean rebuildAll = new AtomicBoolean();
        AtomicLong seen = new AtomicLong();
        Subscription subscription = null;
        for (int i = 0; i <= commands.size(); i++) {
          if (i == cut) {
            subscription =
                registry.subscribe(
                    e -> {
                      changed.addAll(e.services());
                      e.configEntries().forEach(k -> changed.add(k.name()));
                      if (e.configEntries().stream()
                          .anyMatch(k -> k.kind() == ConfigEntryKind.PROXY_DEFAULTS)) {
                        rebuildAll.set(true);
                      }
                      seen.set(e.toIndex());
                    });
            incremental.rebuild(subscription.startSnapshot());
            incrementalSidecars.rebuild(subscription.startSnapshot());
          }
          if (i == commands.size()) {
            break;
          }
          try {
            registry.apply(commands.get(i));
            applied++;
          } catch (RuntimeException e) {
            refused++; // the registry refused the entry: nothing reaches xDS
          }
        }
        String at = "round seed " + roundSeed + " (run seed " + seed + ")";
        long last = registry.snapshot().index();
        long from = subscription.startSnapshot().index();
        await().atMost(Duration.ofSeconds(30)).until(() -> last == from || seen.get() >= last);
        subscription.close();
        ContentSnapshot proxyless = validForGrpc(ProxylessSnapshots.build(registry.snapshot()));
        assertThat(
                SnapshotVersions.of(
                    rebuildAll.get()
                        ? incremental.rebuild(registry.snapshot())
                        : incremental.update(registry.snapshot(), Set.copyOf(changed))))
            .as("incremental after %s: %s", changed, at)
            .isEqualTo(SnapshotVersions.of(proxyless));
        aggregates +=
            (int)
                proxyless.clusters().resources().values().stream()
                    .filter(c -> c.hasClusterType())
                    .count();
        SidecarSnapshots sidecars = new SidecarSnapshots(policy, "dc1");
        sidecars.rebuild(registry.snapshot());
        sidecars.all().values().forEach(s -> assertThat(valid(s)).as(at).isNotNull());
        if (rebuildAll.get()) {
          incrementalSidecars.rebuild(registry.snapshot());
        } else {
          incrementalSidecars.update(registry.snapshot(), Set.copyOf(changed));
        }
        assertThat(versions(incrementalSidecars))
            .as("incremental sidecars after %s: %s", changed, at)
            .isEqualTo(versions(sidecars));
        // What proxyless clients naming each service (node.cluster) are served.
        ContentSnapshot shared = proxyless;
        DownstreamSnapshots downstream = new DownstreamSnapshots();
        downstream.update(registry.snapshot(), shared);
        // ... and in each locality (node.locality), with or without a service of their own.
        List<Optional<Locality>> localities =
            List.of(
                Optional.empty(),
                Optional.of(new Locality("eu", "a")),
                Optional.of(new Locality("us", "")),
                Optional.of(new Locality("ap", "b")));
        for (Optional<Locality> locality : localities) {
          for (String service : SERVICES) {
            assertThat(
                    validForGrpc(
                        downstream.track(
                            registry.snapshot(), shared, new DownstreamKey(service, locality))))
                .as(at)
                .isNotNull();
          }
          locality.ifPresent(
              l ->
                  assertThat(
                          validForGrpc(
                              downstream.track(
                                  registry.snapshot(),
                                  shared,
                                  new DownstreamKey("", Optional.of(l)))))
                      .as(at)
                      .isNotNull());
        }
      }
    }
    System.out.printf(
        "GeneratedConfigTest: %d registries, %d commands applied, %d refused, %d failover"
            + " clusters%n",
        rounds, applied, refused, aggregates);
    assertThat(aggregates).as("redirects and failover are generated").isPositive();
    // The budget bounds the time, so the count depends on the machine's load (94 rounds in 90 s
    // on a busy 2-core CI machine, several hundred when idle); this floor only says it ran.
    assertThat(rounds).isGreaterThanOrEqualTo(MIN_ROUNDS);
    assertThat(applied).isGreaterThan(refused);
  }

  private static Map<String, Map<String, String>> versions(SidecarSnapshots sidecars) {
    Map<String, Map<String, String>> out = new TreeMap<>();
    sidecars.all().forEach((id, snapshot) -> out.put(id, SnapshotVersions.of(snapshot)));
    return out;
  }

  /** One registry's worth of commands: instances first, then config entries. */
  private static final class Generator {
    final Random random;
    private final Map<String, List<String>> subsets = new TreeMap<>();

    Generator(Random random) {
      this.random = random;
    }

    <T> T pick(List<T> from) {
      return from.get(random.nextInt(from.size()));
    }

    List<Command> commands() {
      List<Command> out = new ArrayList<>();
      int n = 0;
      for (String service : SERVICES) {
        for (int i = random.nextInt(4); i > 0; i--, n++) {
          int k = n;
          command(out, () -> instance(service, k));
          if (random.nextInt(3) == 0) {
            command(out, () -> sidecar(service, k));
          }
        }
      }
      if (random.nextInt(3) == 0) {
        out.add(
            PutConfigEntry.of(
                new ProxyDefaults(
                    ProxyDefaults.GLOBAL,
                    random.nextBoolean()
                        ? Optional.empty()
                        : Optional.of(pick(List.of(Protocol.values()))),
                    Map.of())));
      }
      for (String service : SERVICES) {
        if (random.nextInt(4) > 0) {
          entry(out, () -> defaults(service));
        }
        if (random.nextBoolean()) {
          // Redirects and failover name other services: loops among them are refused.
          entry(
              out,
              () -> {
                ServiceResolver r = resolver(service);
                subsets.put(service, List.copyOf(r.subsets().keySet()));
                return r;
              });
        }
      }
      for (String service : SERVICES) {
        if (random.nextBoolean()) {
          entry(out, () -> router(service));
        }
        if (random.nextBoolean()) {
          entry(out, () -> splitter(service));
        }
        if (random.nextInt(3) == 0) {
          entry(out, () -> intentions(random.nextInt(5) == 0 ? "*" : service));
        }
      }
      return out;
    }

    /** Builds an entry, leaving out one its own constructor refuses. */
    private void entry(List<Command> out, Supplier<ConfigEntry> entry) {
      command(out, () -> PutConfigEntry.of(entry.get()));
    }

    private void command(List<Command> out, Supplier<Command> command) {
      try {
        out.add(command.get());
      } catch (RuntimeException refused) {
        // invalid by construction: the admin API would answer 400
      }
    }

    private Command instance(String service, int n) {
      String id = service + "-" + n;
      ServiceInstance instance =
          ServiceInstance.builder(id, service)
              .address(
                  pick(
                      List.of("10.0.0." + (n + 1), "fd00::" + (n + 1), "", "host-" + n + ".local")))
              .port(pick(List.of(0, 1, 8080, 65535)))
              .meta(Map.of("version", pick(List.of("v1", "v2"))))
              .weights(new Weights(1 + random.nextInt(65535), pick(List.of(0, 1, 3, 65535))))
              .locality(
                  random.nextBoolean()
                      ? Optional.of(new Locality(pick(List.of("eu", "us")), pick(List.of("", "a"))))
                      : Optional.empty())
              .build();
      HealthStatus status = pick(List.of(HealthStatus.values()));
      return new RegisterInstance(
          instance,
          List.of(
              HealthCheck.of("c-" + id, "ttl", id, new TtlCheck(Duration.ofSeconds(30)), status)),
          false);
    }

    private Command sidecar(String service, int n) {
      List<Upstream> upstreams = new ArrayList<>();
      for (int i = random.nextInt(3); i > 0; i--) {
        upstreams.add(new Upstream(pick(SERVICES), 9000 + upstreams.size()));
      }
      return RegisterInstance.of(
          ServiceInstance.builder(service + "-" + n + "-sidecar-proxy", service + "-sidecar-proxy")
              .address(pick(List.of("10.0.0." + (n + 1), "fd00::" + (n + 1))))
              .port(21000 + n)
              .kind(
                  new ConnectProxy(
                      service, Optional.of(service + "-" + n), "127.0.0.1", 8080, upstreams))
              .build());
    }

    private ServiceDefaults defaults(String service) {
      return new ServiceDefaults(
          service, pick(List.of(Protocol.values())), upstreamConfig(), Map.of());
    }

    private UpstreamConfig upstreamConfig() {
      if (random.nextBoolean()) {
        return UpstreamConfig.NONE;
      }
      Map<String, UpstreamSettings> overrides = new TreeMap<>();
      for (String upstream : SERVICES) {
        if (random.nextInt(3) == 0) {
          overrides.put(upstream, upstreamSettings());
        }
      }
      return new UpstreamConfig(
          random.nextBoolean() ? upstreamSettings() : UpstreamSettings.NONE, overrides);
    }

    private UpstreamSettings upstreamSettings() {
      return new UpstreamSettings(
          maybeDuration(),
          random.nextBoolean()
              ? Optional.empty()
              : Optional.of(new UpstreamLimits(maybe(2000), maybe(2000), maybe(2000))),
          random.nextBoolean()
              ? Optional.empty()
              : Optional.of(
                  new PassiveHealthCheck(
                      maybeDuration(), maybe(50), maybe(101), maybe(101), maybeDuration())));
    }

    private Optional<Integer> maybe(int bound) {
      return random.nextBoolean() ? Optional.empty() : Optional.of(random.nextInt(bound));
    }

    private Optional<Duration> maybeDuration() {
      return random.nextBoolean()
          ? Optional.empty()
          : Optional.of(Duration.ofMillis(1 + random.nextInt(120_000)));
    }

    private ServiceResolver resolver(String service) {
      Map<String, ResolverSubset> subsets = new TreeMap<>();
      if (random.nextBoolean()) {
        subsets.put("v1", new ResolverSubset("Service.Meta.version == v1", random.nextBoolean()));
        subsets.put("v2", new ResolverSubset("Service.Meta.version == v2", random.nextBoolean()));
      }
      Optional<String> defaultSubset =
          !subsets.isEmpty() && random.nextBoolean() ? Optional.of("v1") : Optional.empty();
      Optional<ServiceTarget> redirect = Optional.empty();
      Map<String, List<ServiceTarget>> failover = new TreeMap<>();
      if (random.nextInt(4) == 0) {
        redirect = Optional.of(target(service));
        subsets.clear();
        defaultSubset = Optional.empty();
      } else if (random.nextBoolean()) {
        for (String key : random.nextBoolean() ? List.of("*") : subsets.keySet()) {
          List<ServiceTarget> targets = new ArrayList<>();
          for (int i = 1 + random.nextInt(3); i > 0; i--) {
            targets.add(target(service));
          }
          failover.put(key, targets);
        }
      }
      Optional<LoadBalancerPolicy> policy =
          random.nextBoolean()
              ? Optional.of(pick(List.of(LoadBalancerPolicy.values())))
              : Optional.empty();
      Optional<RingHashConfig> ringHash =
          policy.equals(Optional.of(LoadBalancerPolicy.RING_HASH)) && random.nextBoolean()
              ? Optional.of(
                  new RingHashConfig(
                      Optional.of((long) 1 + random.nextInt(1024)),
                      random.nextBoolean()
                          ? Optional.of(RingHashConfig.MAX_RING_SIZE)
                          : Optional.empty()))
              : Optional.empty();
      Optional<LeastRequestConfig> leastRequest =
          policy.equals(Optional.of(LoadBalancerPolicy.LEAST_REQUEST)) && random.nextBoolean()
              ? Optional.of(new LeastRequestConfig(2 + random.nextInt(20)))
              : Optional.empty();
      List<HashPolicy> hashPolicies = new ArrayList<>();
      if (policy.isPresent() && policy.get().hashBased()) {
        for (int i = random.nextInt(4); i > 0; i--) {
          hashPolicies.add(hashPolicy());
        }
      }
      return ServiceResolver.builder(service)
          .defaultSubset(defaultSubset)
          .subsets(subsets)
          .redirect(redirect)
          .failover(failover)
          .connectTimeout(
              random.nextBoolean()
                  ? Optional.of(
                      pick(
                          List.of(
                              Duration.ofNanos(1), Duration.ofMillis(250), Duration.ofMinutes(2))))
                  : Optional.empty())
          .loadBalancer(policy)
          .ringHashConfig(ringHash)
          .leastRequestConfig(leastRequest)
          .hashPolicies(hashPolicies)
          .prioritizeByLocality(redirect.isEmpty() && random.nextBoolean())
          .build();
    }

    private HashPolicy hashPolicy() {
      boolean terminal = random.nextBoolean();
      return switch (random.nextInt(4)) {
        case 0 -> HashPolicy.sourceIp(terminal);
        case 1 -> HashPolicy.header(pick(HEADERS), terminal);
        case 2 ->
            new HashPolicy(
                Optional.of(HashPolicy.Field.QUERY_PARAMETER),
                "user",
                Optional.empty(),
                false,
                terminal);
        default ->
            new HashPolicy(
                Optional.of(HashPolicy.Field.COOKIE),
                "sticky",
                random.nextBoolean()
                    ? Optional.empty()
                    : Optional.of(
                        new HashPolicy.CookieConfig(
                            random.nextBoolean(),
                            Optional.empty(),
                            random.nextBoolean() ? "/" : "")),
                false,
                terminal);
      };
    }

    private ServiceTarget target(String owner) {
      String service = random.nextInt(3) == 0 ? "" : pick(SERVICES);
      List<String> known = subsets.getOrDefault(service.isEmpty() ? owner : service, List.of());
      String subset = !known.isEmpty() && random.nextBoolean() ? pick(known) : "";
      return new ServiceTarget(service, subset);
    }

    private ServiceRouter router(String service) {
      List<Route> routes = new ArrayList<>();
      for (int i = random.nextInt(4); i > 0; i--) {
        Optional<PathMatch> path =
            switch (random.nextInt(4)) {
              case 0 -> Optional.empty();
              case 1 -> Optional.of(new PathMatch(MatchType.EXACT, "/x/" + i));
              case 2 -> Optional.of(new PathMatch(MatchType.PREFIX, "/v" + i));
              default -> Optional.of(new PathMatch(MatchType.REGEX, pick(REGEXES)));
            };
        List<HeaderMatch> headers = new ArrayList<>();
        for (int h = random.nextInt(3); h > 0; h--) {
          MatchType type = pick(List.of(MatchType.values()));
          String value =
              switch (type) {
                case PRESENT -> "";
                case REGEX -> pick(REGEXES);
                default -> pick(List.of("1", "canary", "a b"));
              };
          headers.add(new HeaderMatch(pick(HEADERS) + h, type, value, random.nextBoolean()));
        }
        List<QueryParamMatch> params = new ArrayList<>();
        if (random.nextInt(3) == 0) {
          params.add(
              random.nextBoolean()
                  ? new QueryParamMatch("debug", MatchType.PRESENT, "")
                  : new QueryParamMatch("v", MatchType.REGEX, pick(REGEXES)));
        }
        List<String> methods =
            random.nextBoolean() ? List.of() : List.of(pick(List.of("GET", "POST", "PATCH")));
        boolean rewritable = path.isPresent() && path.get().type() != MatchType.REGEX;
        RouteDestination destination =
            new RouteDestination(
                target(service),
                rewritable && random.nextBoolean() ? "/new" : "",
                random.nextBoolean()
                    ? Optional.of(
                        pick(
                            List.of(
                                Duration.ofNanos(1), Duration.ofMillis(1500), Duration.ofHours(1))))
                    : Optional.empty(),
                pick(List.of(0, 0, 1, 3, 100)),
                random.nextBoolean(),
                random.nextBoolean() ? List.of() : List.of(503, 429),
                random.nextBoolean()
                    ? List.of()
                    : List.of(
                        pick(
                            List.copyOf(
                                new java.util.TreeSet<>(RouteDestination.RETRY_CONDITIONS)))));
        routes.add(new Route(new HttpRouteMatch(path, headers, params, methods), destination));
      }
      return new ServiceRouter(service, routes, Map.of());
    }

    private ServiceSplitter splitter(String service) {
      int count = 1 + random.nextInt(4);
      List<Integer> cuts = new ArrayList<>(List.of(0, 10000));
      for (int i = 1; i < count; i++) {
        cuts.add(pick(List.of(0, 1, 3333, 5000, 6667, 9999, random.nextInt(10001))));
      }
      cuts.sort(null);
      List<Split> splits = new ArrayList<>();
      for (int i = 0; i + 1 < cuts.size(); i++) {
        splits.add(new Split((cuts.get(i + 1) - cuts.get(i)) / 100.0, target(service)));
      }
      return new ServiceSplitter(service, splits, Map.of());
    }

    private ServiceIntentions intentions(String destination) {
      List<IntentionSource> sources = new ArrayList<>();
      List<String> names = new ArrayList<>(SERVICES);
      names.add("*");
      names.add("ghost");
      java.util.Collections.shuffle(names, random);
      for (String name : names.subList(0, 1 + random.nextInt(4))) {
        if (random.nextInt(3) == 0) {
          sources.add(
              new IntentionSource(
                  name,
                  Optional.empty(),
                  List.of(
                      new IntentionPermission(
                          pick(List.of(IntentionAction.values())),
                          new HttpPermission(
                              Optional.of(
                                  random.nextBoolean()
                                      ? new PathMatch(MatchType.PREFIX, "/admin")
                                      : new PathMatch(MatchType.REGEX, pick(REGEXES))),
                              random.nextBoolean()
                                  ? List.of()
                                  : List.of(new HeaderMatch("x-user", MatchType.EXACT, "a", false)),
                              random.nextBoolean() ? List.of() : List.of("GET")))),
                  ""));
        } else {
          sources.add(IntentionSource.of(name, pick(List.of(IntentionAction.values()))));
        }
      }
      return new ServiceIntentions(destination, sources, Map.of());
    }
  }
}
