package io.cairn.xds.cache;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WARN line when a destination's inbound RBAC starts (or changes how it) fails closed because a
 * denied source has instances without an IP address; not one per rebuild. Not thread-safe: the
 * snapshot builder's thread owns it.
 */
final class FailClosedWarnings {
  private static final Logger log = LoggerFactory.getLogger(FailClosedWarnings.class);

  // Destination to its failing-closed sources and their counts, as last reported.
  private final Map<String, Map<String, Integer>> reported = new HashMap<>();

  void report(String destination, Map<String, Integer> sources) {
    Map<String, Integer> before = reported.getOrDefault(destination, Map.of());
    sources.forEach(
        (source, count) -> {
          if (!Objects.equals(before.get(source), count)) {
            log.atWarn()
                .addKeyValue("source", source)
                .addKeyValue("destination", destination)
                .addKeyValue("instances", count)
                .log(
                    "{} instance(s) of {} have no IP address, so its deny intention cannot tell"
                        + " them apart: {}'s inbound RBAC fails closed, denying every connection"
                        + " but those of the other sources its intentions name",
                    count,
                    source,
                    destination);
          }
        });
    if (sources.isEmpty()) {
      reported.remove(destination);
    } else {
      reported.put(destination, Map.copyOf(sources));
    }
  }

  /** Forgets destinations no sidecar fronts any more. */
  void retain(Set<String> destinations) {
    reported.keySet().retainAll(destinations);
  }
}
