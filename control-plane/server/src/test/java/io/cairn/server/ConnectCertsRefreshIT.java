package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn connect certs} never writes answers older than the files already hold. A change of
 * the roots and one of the leaf come milliseconds apart, so their two refreshes overlap; the server
 * (scripted here, to hold one answer) delays the first refresh's leaf read, computed before the
 * leaf changed, until the second refresh could have written the new leaf. Refreshing one at a time,
 * the held answer is written first and the new leaf after it; two refreshes at once would write the
 * new leaf and then the older one over it, and nothing would correct it until the next change.
 */
class ConnectCertsRefreshIT {
  /** How long the held answer waits for a write it must not overtake before it goes anyway. */
  private static final Duration HOLD = Duration.ofSeconds(5);

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void overlappingRefreshesEndWithTheNewestLeaf(@TempDir Path dir) throws Exception {
    ScriptedCa ca = new ScriptedCa(dir.resolve("cert.pem"));
    try (ca;
        CairnProcess certs =
            CairnProcess.start(
                List.of(
                    "connect",
                    "certs",
                    "--service",
                    "web",
                    "--dir",
                    dir.toString(),
                    "--http-addr",
                    "127.0.0.1:" + ca.port()))) {
      certs.awaitLine(l -> l.startsWith("wrote key.pem and cert.pem: serial 01"), TIMEOUT);
      assertThat(awaitFile(dir.resolve("ca.pem"), "ROOT-1", TIMEOUT)).isTrue();

      ca.holdNextLeafRead();
      ca.rotateRoots(); // the roots' watch refreshes; its leaf read is held with leaf 01
      assertThat(ca.held.await(30, TimeUnit.SECONDS)).as("the refresh read the leaf").isTrue();
      ca.renewLeaf(); // the leaf's watch refreshes too
      assertThat(ca.released.await(30, TimeUnit.SECONDS)).as("the held answer went").isTrue();

      // Each watch blocks again at the new index only after its refresh has written.
      assertThat(ca.watchingNewIndexes.await(60, TimeUnit.SECONDS)).as("both watches").isTrue();
      certs.awaitLine(l -> l.startsWith("wrote ca.pem: 2 roots"), TIMEOUT);
      certs.awaitLine(l -> l.startsWith("wrote key.pem and cert.pem: serial 02"), TIMEOUT);
      String lastLeaf =
          certs
              .output()
              .lines()
              .filter(l -> l.startsWith("wrote key.pem"))
              .reduce((a, b) -> b)
              .orElseThrow();
      assertThat(lastLeaf).as("the last leaf written").contains("serial 02");
      assertThat(Files.readString(dir.resolve("cert.pem"))).isEqualTo("LEAF-02\n");
      assertThat(Files.readString(dir.resolve("key.pem"))).isEqualTo("KEY-02\n");
      assertThat(Files.readString(dir.resolve("ca.pem"))).contains("ROOT-1").contains("ROOT-2");
    }
  }

  /** Whether {@code file} holds {@code content} within {@code within}. */
  private static boolean awaitFile(Path file, String content, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (Files.readString(file).contains(content)) {
          return true;
        }
      } catch (IOException notYet) {
        // not written yet
      }
      Thread.sleep(20);
    }
    return false;
  }

  /**
   * Cairn's two endpoints as {@code connect certs} reads them: the roots and the leaf of {@code
   * web}, each with its own {@code X-Consul-Index}, blocking reads that return when it changes, and
   * one leaf read that can be held.
   */
  private static final class ScriptedCa implements AutoCloseable {
    private final HttpServer server;
    private final Path certFile;
    private int rootsIndex = 1;
    private String roots = roots("ROOT-1", "ROOT-1");
    private int leafIndex = 1;
    private String leaf = leaf("01");
    private boolean hold;
    final CountDownLatch held = new CountDownLatch(1);
    final CountDownLatch released = new CountDownLatch(1);

    /** Counted down by the first blocking read of each endpoint at index 2 (after its change). */
    final CountDownLatch watchingNewIndexes = new CountDownLatch(2);

    private final AtomicBoolean rootsWatching = new AtomicBoolean();
    private final AtomicBoolean leafWatching = new AtomicBoolean();
    private boolean closed;

    ScriptedCa(Path certFile) throws IOException {
      this.certFile = certFile;
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.createContext("/v1/connect/ca/roots", x -> answer(x, true));
      server.createContext("/v1/agent/connect/ca/leaf/web", x -> answer(x, false));
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    synchronized void holdNextLeafRead() {
      hold = true;
    }

    synchronized void rotateRoots() {
      rootsIndex++;
      roots = roots("ROOT-2", "ROOT-1", "ROOT-2");
      notifyAll();
    }

    synchronized void renewLeaf() {
      leafIndex++;
      leaf = leaf("02");
      notifyAll();
    }

    /** The roots answer: {@code active} and every root, oldest first, as Cairn lists them. */
    private static String roots(String active, String... oldestFirst) {
      return "{\"ActiveRootID\":\"%s\",\"Roots\":[%s]}"
          .formatted(
              active,
              String.join(
                  ",",
                  java.util.Arrays.stream(oldestFirst)
                      .map(c -> "{\"ID\":\"%s\",\"RootCert\":\"%s\"}".formatted(c, c))
                      .toList()));
    }

    private static String leaf(String serial) {
      return ("{\"SerialNumber\":\"%s\",\"CertPEM\":\"LEAF-%s\\n\",\"PrivateKeyPEM\":\"KEY-%s\\n\","
              + "\"ValidBefore\":\"2030-01-01T00:00:00Z\"}")
          .formatted(serial, serial, serial);
    }

    private void answer(HttpExchange x, boolean isRoots) throws IOException {
      String query = x.getRequestURI().getQuery();
      long index = 0;
      if (query != null) {
        for (String p : query.split("&")) {
          if (p.startsWith("index=")) {
            index = Long.parseLong(p.substring(6));
          }
        }
      }
      if (index >= 2 && !(isRoots ? rootsWatching : leafWatching).getAndSet(true)) {
        watchingNewIndexes.countDown();
      }
      String body;
      int at;
      boolean holdThis;
      synchronized (this) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        try {
          while (!closed
              && index != 0
              && (isRoots ? rootsIndex : leafIndex) == index
              && System.nanoTime() < deadline) {
            TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        body = isRoots ? roots : leaf;
        at = isRoots ? rootsIndex : leafIndex;
        holdThis = !isRoots && index == 0 && hold;
        if (holdThis) {
          hold = false; // only the next one
        }
      }
      if (holdThis) {
        held.countDown();
        try {
          awaitFile(certFile, "LEAF-02", HOLD); // a second refresh at once writes it meanwhile
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        released.countDown();
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().set("Content-Type", "application/json");
      x.getResponseHeaders().set("X-Consul-Index", Integer.toString(at));
      x.sendResponseHeaders(200, bytes.length);
      try (var out = x.getResponseBody()) {
        out.write(bytes);
      }
    }

    @Override
    public void close() {
      synchronized (this) {
        closed = true;
        notifyAll();
      }
      server.stop(0);
    }
  }
}
