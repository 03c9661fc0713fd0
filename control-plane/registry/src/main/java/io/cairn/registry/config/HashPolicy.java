package io.cairn.registry.config;

import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.Problems;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One of Consul's {@code LoadBalancer.HashPolicies}: what a ring-hash or Maglev balancer hashes to
 * pick an endpoint. Either a request field ({@code header}, {@code cookie} or {@code
 * query_parameter}, named by {@code fieldValue}) or the source address; {@code terminal} stops at
 * the first policy that yields a hash. Validated as Consul validates it.
 *
 * @param field the request field, empty when hashing the source address
 * @param fieldValue the header, cookie or query parameter name; empty with {@code sourceIp}
 * @param cookieConfig how a missing cookie is generated; only with {@code field} cookie
 */
public record HashPolicy(
    Optional<Field> field,
    String fieldValue,
    Optional<CookieConfig> cookieConfig,
    boolean sourceIp,
    boolean terminal) {

  /** The request fields a policy may hash, with Consul's names. */
  public enum Field {
    HEADER,
    COOKIE,
    QUERY_PARAMETER;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Field> parse(String value) {
      for (Field f : values()) {
        if (f.wireName().equals(value)) {
          return Optional.of(f);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * Consul's {@code CookieConfig}: Envoy generates the cookie when a request lacks it, as a session
   * cookie or with {@code ttl}, scoped to {@code path} (empty: no path attribute).
   */
  public record CookieConfig(boolean session, Optional<Duration> ttl, String path) {
    public CookieConfig {
      Problems p = new Problems();
      Objects.requireNonNull(path, "path");
      if (ttl == null) {
        p.add("ttl", "is required (may be empty)");
      } else if (ttl.isPresent() && (ttl.get().isNegative() || ttl.get().isZero())) {
        p.add("ttl", "must be positive, was " + ttl.get());
      } else if (ttl.isPresent() && session) {
        p.add("ttl", "a session cookie cannot have an associated TTL");
      }
      if (path.chars().anyMatch(c -> c < 0x21 || c == ';' || c == 0x7f)) {
        p.add("path", "must not contain spaces, control characters or ';'");
      }
      p.throwIfAny();
    }
  }

  public HashPolicy {
    Problems p = new Problems();
    if (field == null || fieldValue == null || cookieConfig == null) {
      p.add("", "field, fieldValue and cookieConfig must not be null (use empty values)");
      p.throwIfAny();
    }
    if (sourceIp && field.isPresent()) {
      p.add(
          "field",
          "a single hash policy cannot hash both a source address and a " + field.get().wireName());
    }
    if (sourceIp && !fieldValue.isEmpty()) {
      p.add("fieldValue", "cannot be specified when hashing SourceIP");
    }
    if (field.isPresent() && fieldValue.isEmpty()) {
      p.add(
          "fieldValue", "Field " + field.get().wireName() + " was specified without a FieldValue");
    }
    if (field.isEmpty() && !fieldValue.isEmpty()) {
      p.add("field", "FieldValue requires a Field to apply to");
    }
    if (field.isEmpty() && !sourceIp) {
      p.add("field", "is required unless SourceIP is true");
    }
    if (field.orElse(null) == Field.HEADER
        && !fieldValue.isEmpty()
        && !Names.isHeaderName(fieldValue)) {
      p.add("fieldValue", "'" + fieldValue + "' is not a valid header name");
    }
    if ((field.orElse(null) == Field.COOKIE || field.orElse(null) == Field.QUERY_PARAMETER)
        && fieldValue.chars().anyMatch(c -> c < 0x21 || c == 0x7f || "=;,".indexOf(c) >= 0)) {
      p.add("fieldValue", "must not contain spaces, control characters, '=', ';' or ','");
    }
    if (cookieConfig.isPresent() && field.orElse(null) != Field.COOKIE) {
      p.add(
          "cookieConfig",
          "CookieConfig provided for "
              + field.map(Field::wireName).orElse("SourceIP")
              + ", only for cookie");
    }
    p.throwIfAny();
  }

  /** Hashes a header's value. */
  public static HashPolicy header(String name, boolean terminal) {
    return new HashPolicy(Optional.of(Field.HEADER), name, Optional.empty(), false, terminal);
  }

  /** Hashes the caller's address. */
  public static HashPolicy sourceIp(boolean terminal) {
    return new HashPolicy(Optional.empty(), "", Optional.empty(), true, terminal);
  }
}
