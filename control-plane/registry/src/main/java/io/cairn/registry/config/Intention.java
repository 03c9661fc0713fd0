package io.cairn.registry.config;

import io.cairn.registry.model.Indexed;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One source-destination intention, with its entry's indexes and its precedence. The admin API's
 * check and the sidecars' RBAC both evaluate intentions through this type, so they agree.
 */
public record Intention(
    String destination,
    IntentionSource source,
    int precedence,
    long createIndex,
    long modifyIndex) {
  /** Evaluation order: higher precedence first, then by names for a stable order. */
  public static final Comparator<Intention> ORDER =
      Comparator.comparingInt(Intention::precedence)
          .reversed()
          .thenComparing(Intention::destination)
          .thenComparing(i -> i.source().name());

  public Intention {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(source, "source");
  }

  public static Intention of(Indexed<ServiceIntentions> entry, IntentionSource source) {
    ServiceIntentions e = entry.value();
    return new Intention(
        e.name(), source, e.precedence(source), entry.createIndex(), entry.modifyIndex());
  }

  /** Every intention in these service-intentions entries, in evaluation order. */
  public static List<Intention> all(Collection<Indexed<ConfigEntry>> serviceIntentions) {
    List<Intention> out = new ArrayList<>();
    for (Indexed<ConfigEntry> e : serviceIntentions) {
      if (e.value() instanceof ServiceIntentions entry) {
        for (IntentionSource source : entry.sources()) {
          out.add(
              new Intention(
                  entry.name(),
                  source,
                  entry.precedence(source),
                  e.createIndex(),
                  e.modifyIndex()));
        }
      }
    }
    out.sort(ORDER);
    return out;
  }

  /**
   * Whether a connection from {@code sourceName} to {@code destinationName} is allowed: the first
   * intention in evaluation order that applies decides, else the default.
   */
  public static boolean allows(
      List<Intention> ordered,
      String sourceName,
      String destinationName,
      IntentionAction defaultPolicy) {
    return ordered.stream()
        .filter(i -> i.appliesTo(sourceName, destinationName))
        .findFirst()
        .map(Intention::allowsConnections)
        .orElse(defaultPolicy == IntentionAction.ALLOW);
  }

  /** Whether this intention's destination is {@code destinationName} or the wildcard. */
  public boolean hasDestination(String destinationName) {
    return destination.equals(ServiceIntentions.WILDCARD) || destination.equals(destinationName);
  }

  public boolean appliesTo(String sourceName, String destinationName) {
    return hasDestination(destinationName)
        && (source.isWildcard() || source.name().equals(sourceName));
  }

  /** The L4 decision: L7 intentions count as deny, as Consul's check endpoint documents. */
  public boolean allowsConnections() {
    return source.action().equals(Optional.of(IntentionAction.ALLOW));
  }
}
