package io.cairn.registry.config;

import io.cairn.registry.validation.Metadata;
import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.Problems;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How calls to a service find instances: named subsets, the default subset, a redirect to another
 * service, failover targets per subset ({@code *} for any), connect timeout, LB policy and its
 * ring-hash or least-request settings, what a hash-based policy hashes, and whether instances near
 * the caller come first.
 *
 * @param prioritizeByLocality Consul's {@code PrioritizeByLocality} mode {@code failover}: each
 *     client is sent the instances in its own locality (region and zone) first, then those in its
 *     region, then the rest, and moves on only when the nearer ones have no healthy instance
 */
public record ServiceResolver(
    String name,
    Optional<String> defaultSubset,
    Map<String, ResolverSubset> subsets,
    Optional<ServiceTarget> redirect,
    Map<String, List<ServiceTarget>> failover,
    Optional<Duration> connectTimeout,
    Optional<LoadBalancerPolicy> loadBalancer,
    Optional<RingHashConfig> ringHashConfig,
    Optional<LeastRequestConfig> leastRequestConfig,
    List<HashPolicy> hashPolicies,
    boolean prioritizeByLocality,
    Map<String, String> meta)
    implements ConfigEntry {

  /** The failover key that applies to every subset without its own. */
  public static final String ANY_SUBSET = "*";

  public ServiceResolver {
    // Entries stored before these settings existed have none.
    ringHashConfig = ringHashConfig == null ? Optional.empty() : ringHashConfig;
    leastRequestConfig = leastRequestConfig == null ? Optional.empty() : leastRequestConfig;
    hashPolicies = hashPolicies == null ? List.of() : List.copyOf(hashPolicies);
    Problems p = new Problems();
    Names.serviceName(p, "name", name);
    if (subsets == null || failover == null) {
      p.add("", "subsets and failover must not be null (use empty maps)");
    }
    if (defaultSubset == null
        || redirect == null
        || connectTimeout == null
        || loadBalancer == null) {
      p.add("", "optional settings must not be null (use Optional.empty())");
    }
    p.throwIfAny();
    subsets = Collections.unmodifiableMap(new TreeMap<>(subsets));
    TreeMap<String, List<ServiceTarget>> failoverCopy = new TreeMap<>();
    failover.forEach((subset, targets) -> failoverCopy.put(subset, List.copyOf(targets)));
    failover = Collections.unmodifiableMap(failoverCopy);
    checkSubsets(p, subsets, defaultSubset, failover);
    if (redirect.isPresent()) {
      ServiceTarget r = redirect.get();
      if (r.serviceOr(name).equals(name) && !r.hasSubset()) {
        p.add("redirect", "redirects the service to itself");
      }
      if (!subsets.isEmpty() || !failover.isEmpty() || defaultSubset.isPresent()) {
        p.add("redirect", "cannot be combined with subsets, defaultSubset or failover");
      }
      if (prioritizeByLocality) {
        // The redirect's own resolver decides how its instances are ordered.
        p.add("prioritizeByLocality", "cannot be combined with redirect");
      }
    }
    if (connectTimeout.isPresent()
        && (connectTimeout.get().isNegative() || connectTimeout.get().isZero())) {
      p.add("connectTimeout", "must be positive, was " + connectTimeout.get());
    }
    if (loadBalancer != null) {
      LoadBalancerPolicy policy = loadBalancer.orElse(LoadBalancerPolicy.ROUND_ROBIN);
      if (ringHashConfig.isPresent() && policy != LoadBalancerPolicy.RING_HASH) {
        p.add(
            "loadBalancer.ringHashConfig",
            "needs policy ring_hash, the policy is " + policy.wireName());
      }
      if (leastRequestConfig.isPresent() && policy != LoadBalancerPolicy.LEAST_REQUEST) {
        p.add(
            "loadBalancer.leastRequestConfig",
            "needs policy least_request, the policy is " + policy.wireName());
      }
      if (!hashPolicies.isEmpty() && !policy.hashBased()) {
        p.add(
            "loadBalancer.hashPolicies",
            "HashPolicies specified for non-hash-based policy " + policy.wireName());
      }
    }
    meta = Metadata.check(p, "meta", meta);
    p.throwIfAny();
  }

  /** A resolver named {@code name} with nothing set; set what it needs, then build it. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Builds a resolver; every setting starts unset (empty, off). */
  public static final class Builder {
    private final String name;
    private Optional<String> defaultSubset = Optional.empty();
    private Map<String, ResolverSubset> subsets = Map.of();
    private Optional<ServiceTarget> redirect = Optional.empty();
    private Map<String, List<ServiceTarget>> failover = Map.of();
    private Optional<Duration> connectTimeout = Optional.empty();
    private Optional<LoadBalancerPolicy> loadBalancer = Optional.empty();
    private Optional<RingHashConfig> ringHashConfig = Optional.empty();
    private Optional<LeastRequestConfig> leastRequestConfig = Optional.empty();
    private List<HashPolicy> hashPolicies = List.of();
    private boolean prioritizeByLocality;
    private Map<String, String> meta = Map.of();

    private Builder(String name) {
      this.name = name;
    }

    public Builder defaultSubset(Optional<String> value) {
      this.defaultSubset = value;
      return this;
    }

    public Builder subsets(Map<String, ResolverSubset> value) {
      this.subsets = value;
      return this;
    }

    public Builder redirect(Optional<ServiceTarget> value) {
      this.redirect = value;
      return this;
    }

    public Builder failover(Map<String, List<ServiceTarget>> value) {
      this.failover = value;
      return this;
    }

    public Builder connectTimeout(Optional<Duration> value) {
      this.connectTimeout = value;
      return this;
    }

    public Builder loadBalancer(Optional<LoadBalancerPolicy> value) {
      this.loadBalancer = value;
      return this;
    }

    public Builder ringHashConfig(Optional<RingHashConfig> value) {
      this.ringHashConfig = value;
      return this;
    }

    public Builder leastRequestConfig(Optional<LeastRequestConfig> value) {
      this.leastRequestConfig = value;
      return this;
    }

    public Builder hashPolicies(List<HashPolicy> value) {
      this.hashPolicies = value;
      return this;
    }

    public Builder prioritizeByLocality(boolean value) {
      this.prioritizeByLocality = value;
      return this;
    }

    public Builder meta(Map<String, String> value) {
      this.meta = value;
      return this;
    }

    /**
     * @throws io.cairn.registry.validation.ValidationException if the settings do not fit together
     */
    public ServiceResolver build() {
      return new ServiceResolver(
          name,
          defaultSubset,
          subsets,
          redirect,
          failover,
          connectTimeout,
          loadBalancer,
          ringHashConfig,
          leastRequestConfig,
          hashPolicies,
          prioritizeByLocality,
          meta);
    }
  }

  private static void checkSubsets(
      Problems p,
      Map<String, ResolverSubset> subsets,
      Optional<String> defaultSubset,
      Map<String, List<ServiceTarget>> failover) {
    for (String subset : subsets.keySet()) {
      p.check(Names.isDnsLabel(subset), "subsets." + subset, "subset names must be DNS labels");
    }
    if (defaultSubset.isPresent() && !subsets.containsKey(defaultSubset.get())) {
      p.add(
          "defaultSubset",
          "'" + defaultSubset.get() + "' is not one of the subsets " + subsets.keySet());
    }
    for (Map.Entry<String, List<ServiceTarget>> e : failover.entrySet()) {
      String key = e.getKey();
      if (!key.equals(ANY_SUBSET) && !subsets.containsKey(key)) {
        p.add("failover." + key, "is neither '*' nor one of the subsets " + subsets.keySet());
      }
      if (e.getValue().isEmpty()) {
        p.add("failover." + key, "needs at least one target");
      }
    }
  }

  @Override
  public ConfigEntryKind kind() {
    return ConfigEntryKind.SERVICE_RESOLVER;
  }

  /** The failover targets for {@code subset}: its own, else the wildcard's, else none. */
  public List<ServiceTarget> failoverFor(String subset) {
    return failover.getOrDefault(subset, failover.getOrDefault(ANY_SUBSET, List.of()));
  }
}
