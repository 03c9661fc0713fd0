package io.cairn.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * {@code cairn connect certs --service S --dir D [--once]}: writes the service's mesh leaf
 * certificate ({@code cert.pem}, {@code key.pem}) and every root of the CA ({@code ca.pem}) into D,
 * the files grpc-java's {@code file_watcher} certificate provider reads. Without {@code --once} it
 * follows the leaf and the roots with blocking reads, a virtual thread each, and rewrites the files
 * at every new leaf (renewal, root rotation, a restarted Cairn) and every change of the roots.
 * Every write is of all three files (see {@link CertFiles}); a new answer from either read triggers
 * a fresh read of both endpoints, one refresh at a time, so a rotation (new roots, then a leaf of
 * the new root) is one write and no write goes back to answers older than the last one's. Errors
 * are retried with backoff, except before the first write, where only an unreachable or failing
 * server is; SIGTERM stops it after any write in progress, with exit status 0.
 */
final class ConnectCerts {
  static final String ROOTS = "v1/connect/ca/roots";

  /** How long one blocking read waits for a change (Consul's default). */
  static final Duration WAIT = Duration.ofMinutes(5);

  /** The server may add up to 1/16 of the wait as jitter; then the answer has to arrive. */
  private static final Duration TIMEOUT = WAIT.plus(WAIT.dividedBy(16)).plusSeconds(30);

  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration MAX_RETRY = Duration.ofSeconds(30);

  /** A read that returns sooner than this with the same index did not block: pause, not spin. */
  private static final Duration MIN_ROUND = Duration.ofSeconds(1);

  /** An endpoint followed, what identifies its content, and the line saying it was written. */
  private record Source(
      String name,
      String path,
      Function<JsonNode, String> content,
      Function<JsonNode, String> written) {}

  private final ApiClient api;
  private final Cli.Args args;
  private final PrintStream out;
  private final PrintStream err;
  private CertFiles files;
  private Source roots;
  private Source leaf;

  /** Held while files are written, so that stopping never cuts a key and cert pair apart. */
  private final Object writing = new Object();

  /** Set, holding {@link #writing}, when SIGTERM (or an error) ends the command: no more writes. */
  private volatile boolean stopping;

  /** Held while both endpoints are read and the files written after a change. */
  private final ReentrantLock refreshing = new ReentrantLock();

  /** The answers the files were last written from, held by {@link #writing}; null before. */
  private JsonNode writtenRoots;

  private JsonNode writtenLeaf;

  /** Completed by a loop that cannot go on: an unexpected error. */
  private final CompletableFuture<CliException> failed = new CompletableFuture<>();

  ConnectCerts(ApiClient api, Cli.Args args, PrintStream out, PrintStream err) {
    this.api = api;
    this.args = args;
    this.out = out;
    this.err = err;
  }

  void run() {
    String op = args.word(1, "certs");
    if (!op.equals("certs")) {
      throw new CliException(CliException.USAGE, "connect takes certs, not '" + op + "'");
    }
    args.accept(2, 0, "service", "dir", "once");
    List<String> missing = new ArrayList<>();
    String service = args.option("service").orElse("");
    String dir = args.option("dir").orElse("");
    if (service.isEmpty()) {
      missing.add("--service NAME");
    }
    if (dir.isEmpty()) {
      missing.add("--dir DIR");
    }
    if (!missing.isEmpty()) {
      throw new CliException(
          CliException.USAGE, "connect certs needs " + String.join(" and ", missing));
    }
    files = CertFiles.in(Path.of(dir));
    roots =
        new Source(
            "CA roots",
            ROOTS,
            ConnectCerts::caPem,
            json ->
                "wrote %s: %d root%s, active %s"
                    .formatted(
                        CertFiles.CA,
                        json.path("Roots").size(),
                        json.path("Roots").size() == 1 ? "" : "s",
                        json.path("ActiveRootID").asText()));
    leaf =
        new Source(
            "leaf of " + service,
            "v1/agent/connect/ca/leaf/" + ApiClient.encode(service).replace("+", "%20"),
            json -> {
              field(json, "PrivateKeyPEM");
              return field(json, "CertPEM");
            },
            json ->
                "wrote %s and %s: serial %s, valid before %s"
                    .formatted(
                        CertFiles.KEY,
                        CertFiles.CERT,
                        json.path("SerialNumber").asText(),
                        json.path("ValidBefore").asText()));
    if (args.flag("once")) {
      refresh();
      return;
    }
    watch();
  }

  /**
   * Reads both endpoints now and writes the files from them if they changed; returns false when
   * stopping. Both answers come first, so a refused leaf leaves nothing written, and the roots
   * before the leaf, so the leaf is at least as new as they are.
   */
  private boolean refresh() {
    refreshing.lock();
    try {
      JsonNode rootsNow = api.get(roots.path());
      JsonNode leafNow = api.get(leaf.path());
      roots.content().apply(rootsNow);
      leaf.content().apply(leafNow);
      return write(rootsNow, leafNow);
    } finally {
      refreshing.unlock();
    }
  }

  /** Every root's certificate, oldest first, so leaves of an older root still verify. */
  static String caPem(JsonNode roots) {
    StringBuilder pem = new StringBuilder();
    roots.path("Roots").forEach(r -> pem.append(r.path("RootCert").asText().strip()).append('\n'));
    if (pem.isEmpty()) {
      throw new CliException(CliException.REFUSED, "the server listed no CA root certificates");
    }
    return pem.toString();
  }

  private static String field(JsonNode leaf, String name) {
    String value = leaf.path(name).asText();
    if (value.isBlank()) {
      throw new CliException(CliException.REFUSED, "the server's leaf certificate has no " + name);
    }
    return value;
  }

  /**
   * Writes the three files from these answers, unless they are what was last written, and says what
   * changed; returns false when stopping.
   */
  private boolean write(JsonNode rootsNow, JsonNode leafNow) {
    synchronized (writing) {
      if (stopping) {
        return false;
      }
      boolean newRoots = !same(roots, rootsNow, writtenRoots);
      boolean newLeaf = !same(leaf, leafNow, writtenLeaf);
      if (newRoots || newLeaf) {
        files.write(field(leafNow, "CertPEM"), field(leafNow, "PrivateKeyPEM"), caPem(rootsNow));
        writtenRoots = rootsNow;
        writtenLeaf = leafNow;
        if (newRoots) {
          out.println(roots.written().apply(rootsNow));
        }
        if (newLeaf) {
          out.println(leaf.written().apply(leafNow));
        }
        out.flush();
      }
      return true;
    }
  }

  private static boolean same(Source source, JsonNode answer, JsonNode written) {
    return written != null
        && source.content().apply(answer).equals(source.content().apply(written));
  }

  /** Whether {@code answer} is what the files were last written from. */
  private boolean alreadyWritten(Source source, JsonNode answer) {
    synchronized (writing) {
      return same(source, answer, source == roots ? writtenRoots : writtenLeaf);
    }
  }

  /**
   * Writes both, then follows both until SIGTERM, which ends the process. Before the first write, a
   * refusal (a bad service name, a token without {@code service:write}) is thrown; afterwards every
   * error is retried.
   */
  private void watch() {
    Thread onTerm =
        Thread.ofPlatform()
            .name("cairn-certs-stop")
            .unstarted(
                () -> {
                  // Waits for a write in progress; none starts after this.
                  synchronized (writing) {
                    stopping = true;
                  }
                  err.println("cairn: stopped");
                  out.flush();
                  err.flush();
                  Runtime.getRuntime().halt(0); // a stop asked for is a success, not status 143
                });
    Runtime.getRuntime().addShutdownHook(onTerm);
    try {
      ApiClient.Indexed rootsNow = firstAnswer(roots);
      ApiClient.Indexed leafNow = firstAnswer(leaf);
      if (!write(rootsNow.json(), leafNow.json())) {
        return; // stopping: the hook ends the process
      }
      Thread.ofVirtual().name("cairn-certs roots").start(() -> follow(roots, rootsNow));
      Thread.ofVirtual().name("cairn-certs leaf").start(() -> follow(leaf, leafNow));
      throw failed.join();
    } finally {
      synchronized (writing) {
        stopping = true;
      }
      try {
        Runtime.getRuntime().removeShutdownHook(onTerm);
      } catch (IllegalStateException shuttingDown) {
        // SIGTERM came meanwhile: its hook ends the process.
      }
    }
  }

  /** The source's answer, waiting with backoff while Cairn is unreachable or failing. */
  private ApiClient.Indexed firstAnswer(Source source) {
    Duration retry = FIRST_RETRY;
    while (true) {
      try {
        ApiClient.Indexed answer = api.getIndexed(source.path(), Duration.ofSeconds(30));
        source.content().apply(answer.json()); // a leaf or roots without certificates: refused
        return answer;
      } catch (CliException e) {
        if (!retriable(e) || stopping) {
          throw e;
        }
        retry = retryAfter(source, e, retry);
      }
    }
  }

  /**
   * Blocking reads of one source from its first answer on; a new content starts a {@link #refresh};
   * errors (Cairn restarting, a failed write) are retried with backoff. Ends only with the process.
   */
  private void follow(Source source, ApiClient.Indexed first) {
    long index = first.index();
    Duration retry = FIRST_RETRY;
    while (!stopping) {
      try {
        long began = System.nanoTime();
        String path =
            index == 0
                ? source.path()
                : source.path() + "?index=" + index + "&wait=" + WAIT.toSeconds() + "s";
        ApiClient.Indexed answer = api.getIndexed(path, TIMEOUT);
        source.content().apply(answer.json()); // refused without certificates
        if (!alreadyWritten(source, answer.json()) && !refresh()) {
          return;
        }
        retry = FIRST_RETRY;
        boolean quick = System.nanoTime() - began < MIN_ROUND.toNanos();
        boolean same = answer.index() == index;
        index = answer.index();
        if (quick && same) {
          pause(MIN_ROUND);
        }
      } catch (CliException e) {
        index = 0; // after a restart the server's indexes may start over: read at once
        retry = retryAfter(source, e, retry);
      } catch (RuntimeException e) {
        failed.complete(new CliException(CliException.REFUSED, source.name() + ": " + e));
        return;
      }
    }
  }

  /** Says what failed, waits {@code retry}, and returns the next wait (doubled, bounded). */
  private Duration retryAfter(Source source, CliException e, Duration retry) {
    err.println(
        "cairn: "
            + source.name()
            + ": "
            + e.getMessage()
            + "; retrying in "
            + retry.toSeconds()
            + "s");
    pause(retry);
    Duration next = retry.multipliedBy(2);
    return next.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : next;
  }

  /** Cairn unreachable, restarting or failing: worth waiting for, also before the first write. */
  private static boolean retriable(CliException e) {
    return e instanceof ApiException a
        ? a.httpStatus() >= 500 || a.httpStatus() == 429
        : e.status() == CliException.UNREACHABLE;
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
