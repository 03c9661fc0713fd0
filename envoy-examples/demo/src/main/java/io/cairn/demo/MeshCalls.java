package io.cairn.demo;

import io.grpc.Status;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What {@code cairn-demo mesh-client} does with a {@link MeshClient}: calls that must all end with
 * one status (OK, or PERMISSION_DENIED while an intention denies the caller), or a steady stream of
 * calls across a CA rotation that must all succeed. Both return the exit status.
 */
final class MeshCalls {
  private static final Duration PAUSE = Duration.ofMillis(200);

  private MeshCalls() {}

  /**
   * Calls until one ends with {@code expected} (for at most {@code wait}: an intention reaches the
   * server's RBAC a moment after it is written), then until {@code calls} have; every one of those
   * must end with {@code expected}.
   */
  static int expect(
      MeshClient client,
      Status.Code expected,
      int calls,
      Duration wait,
      PrintStream out,
      PrintStream err)
      throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + wait.toNanos();
    int before = 0;
    MeshClient.Outcome first = client.call(wait);
    while (first.code() != expected && System.nanoTime() < deadline) {
      before++;
      Thread.sleep(PAUSE);
      first = client.call(Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1)));
    }
    if (first.code() != expected) {
      err.printf(
          "cairn-demo: no call to %s ended with %s in %d s; the last: %s%n",
          client.target(), expected, wait.toSeconds(), first.describe());
      return 1;
    }
    List<MeshClient.Outcome> outcomes = new ArrayList<>(List.of(first));
    while (outcomes.size() < calls) {
      outcomes.add(client.call(Duration.ofSeconds(10)));
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    Set<TlsPeer> servers = new LinkedHashSet<>();
    outcomes.forEach(
        o -> {
          counts.merge(o.describe(), 1, Integer::sum);
          o.server().ifPresent(servers::add);
        });
    long matching = outcomes.stream().filter(o -> o.code() == expected).count();
    out.printf(
        "%d calls to %s over mTLS: %d %s%n", outcomes.size(), client.target(), matching, expected);
    if (before > 0) {
      out.printf(
          "  (the first %s came after %d calls that ended otherwise, %.1f s)%n",
          expected, before, (System.nanoTime() - start) / 1e9);
    }
    counts.forEach((text, n) -> out.printf("  %dx %s%n", n, text));
    servers.forEach(
        s -> out.printf("  the server's certificate: %s, serial %s%n", s.spiffeId(), s.serial()));
    if (matching != outcomes.size()) {
      err.printf("cairn-demo: not every call ended with %s%n", expected);
      return 1;
    }
    return 0;
  }

  /**
   * Calls every {@code every} on the client's channel, and each second on a new connection (a new
   * handshake, with the certificate files as they are then), until {@code stop} exists (at most
   * {@code max}). Prints each certificate the server presents when it first does, then {@code N
   * calls, F failed}; fails if a call failed, none was made or {@code stop} never appeared.
   */
  static int steady(
      MeshClient client, Duration every, Path stop, Duration max, PrintStream out, PrintStream err)
      throws InterruptedException {
    out.printf(
        "calling %s every %d ms, and on a new connection every second, until %s exists%n",
        client.target(), every.toMillis(), stop.getFileName());
    long deadline = System.nanoTime() + max.toNanos();
    long nextFresh = System.nanoTime();
    int ok = 0;
    int fresh = 0;
    Map<String, Integer> failures = new TreeMap<>();
    Set<String> serials = new LinkedHashSet<>();
    boolean stopped = true;
    while (!Files.exists(stop)) {
      if (System.nanoTime() > deadline) {
        err.printf("cairn-demo: %s did not appear in %d s%n", stop, max.toSeconds());
        stopped = false;
        break;
      }
      boolean onNew = System.nanoTime() >= nextFresh;
      // The first call waits for the xDS resources too.
      Duration timeout =
          ok + failures.size() == 0 ? Duration.ofSeconds(60) : Duration.ofSeconds(10);
      MeshClient.Outcome outcome;
      if (onNew) {
        nextFresh = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        fresh++;
        outcome = client.callOnNewConnection(timeout);
      } else {
        outcome = client.call(timeout);
      }
      if (outcome.ok()) {
        ok++;
      } else {
        failures.merge(outcome.describe(), 1, Integer::sum);
        err.println("cairn-demo: a call failed: " + outcome.describe());
      }
      Optional<TlsPeer> server = outcome.server();
      if (server.isPresent() && serials.add(server.get().serial())) {
        out.printf(
            "the server's certificate: %s, serial %s%s%n",
            server.get().spiffeId(),
            server.get().serial(),
            serials.size() > 1 && onNew ? " (on a new connection)" : "");
      }
      out.flush();
      Thread.sleep(every);
    }
    int failed = failures.values().stream().mapToInt(Integer::intValue).sum();
    out.printf(
        "%d calls, %d failed (%d on new connections); the server presented %d certificates%n",
        ok + failed, failed, fresh, serials.size());
    failures.forEach((text, n) -> out.printf("  %dx %s%n", n, text));
    return failed == 0 && ok > 0 && stopped ? 0 : 1;
  }
}
