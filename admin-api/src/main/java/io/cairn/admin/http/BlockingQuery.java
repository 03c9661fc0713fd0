package io.cairn.admin.http;

import io.cairn.admin.json.GoDuration;
import io.cairn.registry.Registry;
import io.cairn.registry.RegistrySnapshot;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToLongFunction;

/**
 * Consul's blocking queries. With {@code ?index=N} a read waits until the index of what it reads
 * differs from N (grows, or went backwards after a restore), or {@code ?wait} (default 5m, at most
 * 10m, plus up to 1/16 jitter) passes; then it answers with the current state. The index a response
 * carries in {@code X-Consul-Index} is never below 1.
 */
public final class BlockingQuery {
  public static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
  public static final Duration MAX_WAIT = Duration.ofMinutes(10);

  private BlockingQuery() {}

  /**
   * The snapshot to answer {@code req} from: at once without {@code ?index}, else after waiting.
   *
   * @param indexOf the index of what this endpoint reads (a service, a table)
   */
  public static RegistrySnapshot await(
      ServerRequest req, Registry registry, ToLongFunction<RegistrySnapshot> indexOf) {
    RegistrySnapshot snapshot = registry.snapshot();
    OptionalLong index = QueryParams.nonNegativeLong(req, "index");
    Duration wait = waitOf(req);
    if (index.isEmpty() || index.getAsLong() == 0) {
      return snapshot;
    }
    long target = index.getAsLong();
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      while (indexFor(snapshot, indexOf) == target) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          break;
        }
        snapshot = registry.awaitIndex(snapshot.index(), Duration.ofNanos(remaining));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return snapshot;
  }

  /** The request's {@code ?wait}, capped and jittered; the default when absent. */
  public static Duration waitOf(ServerRequest req) {
    var raw = QueryParams.string(req, "wait");
    Duration wait = DEFAULT_WAIT;
    if (raw.isPresent() && !raw.get().isEmpty()) {
      try {
        wait = GoDuration.parse(raw.get());
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("query parameter 'wait': " + e.getMessage());
      }
      if (wait.isNegative()) {
        throw ApiException.badRequest("query parameter 'wait' must not be negative");
      }
      if (wait.compareTo(MAX_WAIT) > 0) {
        wait = MAX_WAIT;
      }
    }
    // Jitter spreads the wake-ups of many clients that started waiting together.
    long jitter = wait.toNanos() / 16;
    return jitter > 0 ? wait.plusNanos(ThreadLocalRandom.current().nextLong(jitter)) : wait;
  }

  /** The index to report for {@code snapshot}: what the endpoint reads, and at least 1. */
  public static long indexFor(RegistrySnapshot snapshot, ToLongFunction<RegistrySnapshot> indexOf) {
    return Math.max(1, indexOf.applyAsLong(snapshot));
  }

  /** Sets Consul's query metadata headers. */
  public static void headers(ServerResponse res, long index) {
    res.header(io.helidon.http.HeaderValues.create(Json.CONSUL_INDEX, index));
    res.header(KNOWN_LEADER);
    res.header(LAST_CONTACT);
  }

  private static final io.helidon.http.Header KNOWN_LEADER =
      io.helidon.http.HeaderValues.createCached("X-Consul-KnownLeader", "true");
  private static final io.helidon.http.Header LAST_CONTACT =
      io.helidon.http.HeaderValues.createCached("X-Consul-LastContact", "0");
}
