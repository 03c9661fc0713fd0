package io.cairn.registry.kv;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Consul session: what holds KV locks. It is invalidated when it is destroyed, when its TTL
 * passes twice without a renewal (Consul's grace), or when a check it names goes critical; then the
 * keys it holds are released or deleted and stay unlockable for {@code lockDelay}.
 *
 * @param nodeChecks the node's checks it depends on; Cairn has one, {@code serfHealth}: the server
 *     itself, passing while it runs
 * @param serviceChecks ids of service checks it depends on
 * @param renewedAtMillis wall-clock time of creation or the last renewal, what the TTL counts from
 */
public record Session(
    String id,
    String name,
    String node,
    Duration lockDelay,
    SessionBehavior behavior,
    Optional<Duration> ttl,
    List<String> nodeChecks,
    List<String> serviceChecks,
    long renewedAtMillis) {
  /** Consul's node liveness check, the only node check Cairn has. */
  public static final String SERF_HEALTH = "serfHealth";

  public static final Duration MIN_TTL = Duration.ofSeconds(10);
  public static final Duration MAX_TTL = Duration.ofHours(24);
  public static final Duration DEFAULT_LOCK_DELAY = Duration.ofSeconds(15);
  public static final Duration MAX_LOCK_DELAY = Duration.ofSeconds(60);

  public Session {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(lockDelay, "lockDelay");
    Objects.requireNonNull(behavior, "behavior");
    Objects.requireNonNull(ttl, "ttl");
    nodeChecks = List.copyOf(nodeChecks);
    serviceChecks = List.copyOf(serviceChecks);
    if (id.isEmpty()) {
      throw new IllegalArgumentException("a session needs an id");
    }
  }

  /** When an unrenewed session with a TTL expires: twice the TTL after the last renewal. */
  public Optional<Long> expiresAtMillis() {
    return ttl.map(t -> renewedAtMillis + 2 * t.toMillis());
  }

  public Session renewedAt(long millis) {
    return new Session(id, name, node, lockDelay, behavior, ttl, nodeChecks, serviceChecks, millis);
  }

  /** Whether the session depends on check {@code checkId}. */
  public boolean dependsOn(String checkId) {
    return serviceChecks.contains(checkId) || nodeChecks.contains(checkId);
  }
}
