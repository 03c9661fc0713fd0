package io.cairn.admin.intentions;

import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.config.IntentionSource;
import io.cairn.registry.config.ServiceIntentions;
import io.cairn.registry.model.Indexed;
import java.util.Comparator;
import java.util.Optional;

/** One source-destination intention, with the entry's indexes and its precedence. */
record Intention(
    String destination,
    IntentionSource source,
    int precedence,
    long createIndex,
    long modifyIndex) {
  /** Evaluation order: higher precedence first, then by names for a stable order. */
  static final Comparator<Intention> ORDER =
      Comparator.comparingInt(Intention::precedence)
          .reversed()
          .thenComparing(Intention::destination)
          .thenComparing(i -> i.source().name());

  static Intention of(Indexed<ServiceIntentions> entry, IntentionSource source) {
    ServiceIntentions e = entry.value();
    return new Intention(
        e.name(), source, e.precedence(source), entry.createIndex(), entry.modifyIndex());
  }

  boolean appliesTo(String sourceName, String destinationName) {
    return (destination.equals(ServiceIntentions.WILDCARD) || destination.equals(destinationName))
        && (source.isWildcard() || source.name().equals(sourceName));
  }

  /** The L4 decision: L7 intentions count as deny, as Consul's check endpoint documents. */
  boolean allowsConnections() {
    return source.action().equals(Optional.of(IntentionAction.ALLOW));
  }
}
