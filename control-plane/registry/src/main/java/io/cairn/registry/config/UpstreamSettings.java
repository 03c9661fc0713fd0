package io.cairn.registry.config;

import io.cairn.registry.validation.Problems;
import java.time.Duration;
import java.util.Optional;

/**
 * How one downstream service reaches an upstream: Consul's {@code UpstreamConfig.Defaults} or one
 * of its {@code Overrides}. Unset values leave what the upstream's own entries say.
 *
 * @param connectTimeout replaces the upstream's resolver {@code ConnectTimeout}
 */
public record UpstreamSettings(
    Optional<Duration> connectTimeout,
    Optional<UpstreamLimits> limits,
    Optional<PassiveHealthCheck> passiveHealthCheck) {
  public static final UpstreamSettings NONE =
      new UpstreamSettings(Optional.empty(), Optional.empty(), Optional.empty());

  public UpstreamSettings {
    Problems p = new Problems();
    if (connectTimeout == null || limits == null || passiveHealthCheck == null) {
      p.add("", "every field is required (may be empty)");
    } else if (connectTimeout.isPresent() && connectTimeout.get().isNegative()) {
      p.add("connectTimeout", "cannot be negative");
    }
    p.throwIfAny();
    // A zero timeout is Consul's "unset".
    connectTimeout = connectTimeout.filter(t -> !t.isZero());
  }

  public boolean isEmpty() {
    return connectTimeout.isEmpty() && limits.isEmpty() && passiveHealthCheck.isEmpty();
  }

  /** These settings with each field {@code over} sets replacing this one's, as Consul merges. */
  public UpstreamSettings with(UpstreamSettings over) {
    return new UpstreamSettings(
        over.connectTimeout.or(() -> connectTimeout),
        over.limits.or(() -> limits),
        over.passiveHealthCheck.or(() -> passiveHealthCheck));
  }
}
