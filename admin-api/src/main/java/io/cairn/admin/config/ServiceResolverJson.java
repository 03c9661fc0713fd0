package io.cairn.admin.config;

import io.cairn.admin.json.ConsulPaths;
import io.cairn.admin.json.GoDuration;
import io.cairn.admin.json.JsonFields;
import io.cairn.registry.config.HashPolicy;
import io.cairn.registry.config.LeastRequestConfig;
import io.cairn.registry.config.LoadBalancerPolicy;
import io.cairn.registry.config.ResolverSubset;
import io.cairn.registry.config.RingHashConfig;
import io.cairn.registry.config.ServiceResolver;
import io.cairn.registry.config.ServiceTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code service-resolver}: subsets, default subset, redirect, failover, timeout, LB policy with
 * its {@code RingHashConfig} or {@code LeastRequestConfig}, its {@code HashPolicies}, and {@code
 * PrioritizeByLocality} (mode {@code failover}; {@code none} or empty is off).
 */
final class ServiceResolverJson {
  private ServiceResolverJson() {}

  static Optional<ServiceResolver> decode(JsonFields f, String name) {
    Optional<Duration> connectTimeout = f.duration("ConnectTimeout").filter(d -> !d.isZero());
    Optional<String> defaultSubset = f.string("DefaultSubset").filter(s -> !s.isEmpty());
    Map<String, ResolverSubset> subsets = new LinkedHashMap<>();
    f.objectMap("Subsets")
        .forEach(
            (subset, s) -> {
              String filter = s.string("Filter", "");
              boolean onlyPassing = s.bool("OnlyPassing", false);
              s.rejectUnknown(Set.of());
              ConsulPaths.collect(
                      f.problems(), s.path(), () -> new ResolverSubset(filter, onlyPassing))
                  .ifPresent(v -> subsets.put(subset, v));
            });
    Optional<ServiceTarget> redirect = f.object("Redirect").flatMap(ServiceResolverJson::target);
    Map<String, List<ServiceTarget>> failover = new LinkedHashMap<>();
    f.objectMap("Failover").forEach((subset, fo) -> failover.put(subset, failoverTargets(fo)));
    Optional<JsonFields> lb = f.object("LoadBalancer");
    Optional<LoadBalancerPolicy> policy = lb.flatMap(ServiceResolverJson::policy);
    Optional<RingHashConfig> ringHash =
        lb.flatMap(l -> l.object("RingHashConfig")).flatMap(ServiceResolverJson::ringHash);
    Optional<LeastRequestConfig> leastRequest =
        lb.flatMap(l -> l.object("LeastRequestConfig")).flatMap(ServiceResolverJson::leastRequest);
    List<JsonFields> listedPolicies = lb.map(l -> l.objects("HashPolicies")).orElse(List.of());
    List<HashPolicy> hashPolicies =
        listedPolicies.stream()
            .map(ServiceResolverJson::hashPolicy)
            .flatMap(Optional::stream)
            .toList();
    LoadBalancerPolicy chosen = policy.orElse(LoadBalancerPolicy.ROUND_ROBIN);
    if (hashPolicies.size() < listedPolicies.size() && !chosen.hashBased()) {
      // The resolver reports this for the valid ones; with none valid it would be lost.
      f.problems()
          .add(
              "LoadBalancer.HashPolicies",
              "HashPolicies specified for non-hash-based policy " + chosen.wireName());
    }
    lb.ifPresent(l -> l.rejectUnknown(Set.of()));
    boolean prioritize =
        f.object("PrioritizeByLocality").map(ServiceResolverJson::prioritize).orElse(false);
    Map<String, String> meta = f.stringMap("Meta");
    return ConsulPaths.collect(
        f.problems(),
        "",
        () ->
            new ServiceResolver(
                name,
                defaultSubset,
                subsets,
                redirect,
                failover,
                connectTimeout,
                policy,
                ringHash,
                leastRequest,
                hashPolicies,
                prioritize,
                meta));
  }

  private static Optional<HashPolicy> hashPolicy(JsonFields h) {
    String fieldText = h.string("Field", "");
    Optional<HashPolicy.Field> field = HashPolicy.Field.parse(fieldText);
    if (!fieldText.isEmpty() && field.isEmpty()) {
      h.problems()
          .add(
              h.pathOf("Field"),
              "must be header, cookie or query_parameter, was '" + fieldText + "'");
    }
    String value = h.string("FieldValue", "");
    Optional<HashPolicy.CookieConfig> cookie =
        h.object("CookieConfig").flatMap(ServiceResolverJson::cookieConfig);
    boolean sourceIp = h.bool("SourceIP", false);
    boolean terminal = h.bool("Terminal", false);
    h.rejectUnknown(Set.of());
    if (!fieldText.isEmpty() && field.isEmpty()) {
      return Optional.empty();
    }
    return ConsulPaths.collect(
        h.problems(), h.path(), () -> new HashPolicy(field, value, cookie, sourceIp, terminal));
  }

  private static Optional<HashPolicy.CookieConfig> cookieConfig(JsonFields c) {
    boolean session = c.bool("Session", false);
    Optional<Duration> ttl = c.duration("TTL").filter(d -> !d.isZero());
    String path = c.string("Path", "");
    c.rejectUnknown(Set.of());
    return ConsulPaths.collect(
        c.problems(), c.path(), () -> new HashPolicy.CookieConfig(session, ttl, path));
  }

  /** Consul's modes: {@code failover}, or {@code none} / empty for off. */
  private static boolean prioritize(JsonFields p) {
    String mode = p.string("Mode", "");
    p.rejectUnknown(Set.of());
    return switch (mode) {
      case "failover" -> true;
      case "", "none" -> false;
      default -> {
        p.problems().add(p.pathOf("Mode"), "must be failover or none, was '" + mode + "'");
        yield false;
      }
    };
  }

  /** Zero is Consul's "unset" for both sizes: the client's default applies. */
  private static Optional<RingHashConfig> ringHash(JsonFields r) {
    Optional<Long> min = size(r, "MinimumRingSize");
    Optional<Long> max = size(r, "MaximumRingSize");
    r.rejectUnknown(Set.of());
    if (min.isEmpty() && max.isEmpty()) {
      return Optional.empty();
    }
    return ConsulPaths.collect(r.problems(), r.path(), () -> new RingHashConfig(min, max));
  }

  private static Optional<Long> size(JsonFields r, String field) {
    java.util.OptionalInt v = r.integer(field);
    return v.isPresent() && v.getAsInt() != 0 ? Optional.of((long) v.getAsInt()) : Optional.empty();
  }

  /** Zero is Consul's "unset": Envoy's default of 2 choices. */
  private static Optional<LeastRequestConfig> leastRequest(JsonFields l) {
    int choices = l.integer("ChoiceCount", 0);
    l.rejectUnknown(Set.of());
    if (choices == 0) {
      return Optional.empty();
    }
    return ConsulPaths.collect(l.problems(), l.path(), () -> new LeastRequestConfig(choices));
  }

  private static Optional<ServiceTarget> target(JsonFields t) {
    String service = t.string("Service", "");
    String subset = t.string("ServiceSubset", "");
    t.defaultTenancy();
    t.rejectUnknown(Set.of());
    return ConsulPaths.collect(t.problems(), t.path(), () -> new ServiceTarget(service, subset));
  }

  /** Consul's failover: explicit {@code Targets}, or one target from Service/ServiceSubset. */
  private static List<ServiceTarget> failoverTargets(JsonFields fo) {
    List<ServiceTarget> targets = new ArrayList<>();
    List<JsonFields> listed = fo.objects("Targets");
    if (!listed.isEmpty()) {
      listed.forEach(t -> target(t).ifPresent(targets::add));
      fo.defaultTenancy();
      fo.rejectUnknown(Set.of());
      return targets;
    }
    target(fo).ifPresent(targets::add);
    return targets;
  }

  private static Optional<LoadBalancerPolicy> policy(JsonFields lb) {
    String text = lb.string("Policy", "");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Optional<LoadBalancerPolicy> policy = LoadBalancerPolicy.parse(text);
    if (policy.isEmpty()) {
      lb.problems()
          .add(
              lb.pathOf("Policy"),
              "must be round_robin, least_request, random, ring_hash or maglev, was '"
                  + text
                  + "'");
    }
    return policy;
  }

  static Map<String, Object> encode(ServiceResolver e) {
    Map<String, Object> out = new LinkedHashMap<>();
    e.connectTimeout().ifPresent(t -> out.put("ConnectTimeout", GoDuration.format(t)));
    e.defaultSubset().ifPresent(s -> out.put("DefaultSubset", s));
    if (!e.subsets().isEmpty()) {
      Map<String, Object> subsets = new LinkedHashMap<>();
      e.subsets()
          .forEach(
              (k, v) -> {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("Filter", v.filter());
                s.put("OnlyPassing", v.onlyPassing());
                subsets.put(k, s);
              });
      out.put("Subsets", subsets);
    }
    e.redirect().ifPresent(r -> out.put("Redirect", target(r)));
    if (!e.failover().isEmpty()) {
      Map<String, Object> failover = new LinkedHashMap<>();
      e.failover()
          .forEach(
              (k, targets) -> {
                Map<String, Object> fo = new LinkedHashMap<>();
                fo.put("Targets", targets.stream().map(ServiceResolverJson::target).toList());
                failover.put(k, fo);
              });
      out.put("Failover", failover);
    }
    Map<String, Object> lb = new LinkedHashMap<>();
    e.loadBalancer().ifPresent(p -> lb.put("Policy", p.wireName()));
    e.ringHashConfig()
        .ifPresent(
            r -> {
              Map<String, Object> ring = new LinkedHashMap<>();
              r.minimumRingSize().ifPresent(v -> ring.put("MinimumRingSize", v));
              r.maximumRingSize().ifPresent(v -> ring.put("MaximumRingSize", v));
              lb.put("RingHashConfig", ring);
            });
    e.leastRequestConfig()
        .ifPresent(l -> lb.put("LeastRequestConfig", Map.of("ChoiceCount", l.choiceCount())));
    if (!e.hashPolicies().isEmpty()) {
      lb.put(
          "HashPolicies", e.hashPolicies().stream().map(ServiceResolverJson::hashPolicy).toList());
    }
    if (!lb.isEmpty()) {
      out.put("LoadBalancer", lb);
    }
    if (e.prioritizeByLocality()) {
      out.put("PrioritizeByLocality", Map.of("Mode", "failover"));
    }
    return out;
  }

  private static Map<String, Object> hashPolicy(HashPolicy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    p.field().ifPresent(f -> m.put("Field", f.wireName()));
    if (!p.fieldValue().isEmpty()) {
      m.put("FieldValue", p.fieldValue());
    }
    p.cookieConfig()
        .ifPresent(
            c -> {
              Map<String, Object> cookie = new LinkedHashMap<>();
              if (c.session()) {
                cookie.put("Session", true);
              }
              c.ttl().ifPresent(t -> cookie.put("TTL", GoDuration.format(t)));
              if (!c.path().isEmpty()) {
                cookie.put("Path", c.path());
              }
              m.put("CookieConfig", cookie);
            });
    if (p.sourceIp()) {
      m.put("SourceIP", true);
    }
    if (p.terminal()) {
      m.put("Terminal", true);
    }
    return m;
  }

  static Map<String, Object> target(ServiceTarget t) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!t.service().isEmpty()) {
      m.put("Service", t.service());
    }
    if (t.hasSubset()) {
      m.put("ServiceSubset", t.serviceSubset());
    }
    return m;
  }
}
