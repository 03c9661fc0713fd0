package io.cairn.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** Real local servers for probes to hit, each stoppable and restartable on the same port. */
final class ProbeTargets {
  private ProbeTargets() {}

  /** An HTTP server answering every path with a settable status code, recording what it got. */
  static final class Http implements AutoCloseable {
    final AtomicInteger status = new AtomicInteger(200);
    final AtomicInteger delayMillis = new AtomicInteger();
    final AtomicReference<String> lastRequest = new AtomicReference<>("");
    private final int port;
    private final boolean tls;
    private HttpServer server;

    Http(boolean tls) throws IOException {
      this.tls = tls;
      this.server = start(0);
      this.port = server.getAddress().getPort();
    }

    int port() {
      return port;
    }

    private HttpServer start(int onPort) throws IOException {
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort);
      HttpServer s;
      if (tls) {
        HttpsServer https = HttpsServer.create(address, 0);
        https.setHttpsConfigurator(new HttpsConfigurator(SelfSigned.context()));
        s = https;
      } else {
        s = HttpServer.create(address, 0);
      }
      s.createContext("/", this::handle);
      s.start();
      return s;
    }

    private void handle(HttpExchange exchange) throws IOException {
      try (exchange;
          InputStream in = exchange.getRequestBody()) {
        String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        lastRequest.set(
            exchange.getRequestMethod()
                + " "
                + exchange.getRequestURI()
                + " x-probe="
                + exchange.getRequestHeaders().getFirst("X-Probe")
                + " agent="
                + exchange.getRequestHeaders().getFirst("User-Agent")
                + " body="
                + body);
        Thread.sleep(delayMillis.get());
        byte[] reply = ("status " + status.get()).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status.get(), reply.length);
        exchange.getResponseBody().write(reply);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void stop() {
      server.stop(0);
    }

    void restart() throws IOException {
      server = start(port);
    }

    @Override
    public void close() {
      stop();
    }
  }

  /** A TCP listener that accepts and closes connections. */
  static final class Tcp implements AutoCloseable {
    private final int port;
    private ServerSocket socket;

    Tcp() throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      port = socket.getLocalPort();
    }

    int port() {
      return port;
    }

    void stop() throws IOException {
      socket.close();
    }

    void restart() throws IOException {
      socket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
    }

    @Override
    public void close() throws IOException {
      stop();
    }
  }

  /**
   * A misbehaving server on a raw socket: it reads a request's head and then, depending on {@link
   * Mode}, never answers, or sends {@code 200} headers promising a body it stalls or trickles. It
   * counts the connections still open, so a test sees whether a prober let go of them.
   */
  static final class Raw implements AutoCloseable {
    enum Mode {
      /** Accepts and never writes a byte: no headers, no gRPC handshake. */
      SILENT,
      /** Sends {@code 200} headers for a 1,000-byte body, then nothing. */
      STALL_BODY,
      /** Sends {@code 200} headers for a 1,000-byte body, then one byte a second. */
      TRICKLE_BODY
    }

    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger maxOpen = new AtomicInteger();
    final AtomicInteger accepted = new AtomicInteger();
    private final Mode mode;
    private final ServerSocket socket;
    private final java.util.Set<java.net.Socket> connections =
        java.util.concurrent.ConcurrentHashMap.newKeySet();

    Raw(Mode mode) throws IOException {
      this.mode = mode;
      this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual().name("raw-accept").start(this::acceptLoop);
    }

    int port() {
      return socket.getLocalPort();
    }

    private void acceptLoop() {
      while (!socket.isClosed()) {
        try {
          java.net.Socket s = socket.accept();
          accepted.incrementAndGet();
          maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
          connections.add(s);
          Thread.ofVirtual().start(() -> serve(s));
        } catch (IOException e) {
          return; // closed
        }
      }
    }

    private void serve(java.net.Socket s) {
      try (s;
          InputStream in = s.getInputStream()) {
        if (mode != Mode.SILENT) {
          readHead(in);
          s.getOutputStream()
              .write(
                  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n"
                      .getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
        }
        if (mode == Mode.TRICKLE_BODY) {
          // Bounded: 1,000 bytes at most, one a second; a write fails once the client is gone.
          for (int i = 0; i < 1000 && !s.isClosed(); i++) {
            s.getOutputStream().write('x');
            s.getOutputStream().flush();
            Thread.sleep(1000);
          }
        }
        // Silent and stalled: wait for the client to close (read returns -1 or fails).
        while (in.read() >= 0) {
          // discard whatever else the client sends
        }
      } catch (IOException e) {
        // the client closed or reset the connection
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        connections.remove(s);
        open.decrementAndGet();
      }
    }

    /** Reads up to the blank line that ends a request's head (at most 16 KiB). */
    private static void readHead(InputStream in) throws IOException {
      int matched = 0;
      byte[] end = {'\r', '\n', '\r', '\n'};
      for (int i = 0; i < 16 * 1024 && matched < end.length; i++) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("closed before the request's head ended");
        }
        matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (java.net.Socket s : connections) {
        s.close();
      }
    }
  }

  /**
   * A TCP black hole on loopback: a listener whose accept queue is full and never drained, so the
   * kernel drops new SYNs and a connect waits until it times out (as with a firewalled port).
   */
  static final class FullBacklog implements AutoCloseable {
    private final ServerSocket socket;
    private final java.util.List<java.net.Socket> fillers = new java.util.ArrayList<>();

    FullBacklog() throws IOException {
      socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      // Fill the queue until a connect no longer completes; bounded in count.
      for (int i = 0; i < 16; i++) {
        java.net.Socket s = new java.net.Socket();
        fillers.add(s);
        try {
          s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 300);
        } catch (java.net.SocketTimeoutException e) {
          return;
        }
      }
      close();
      throw new IOException("the accept queue of a backlog-1 listener never filled");
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      for (java.net.Socket s : fillers) {
        s.close();
      }
      socket.close();
    }
  }

  /** A gRPC server with the standard health service. */
  static final class GrpcHealth implements AutoCloseable {
    final HealthStatusManager health = new HealthStatusManager();
    private final int port;
    private Server server;

    GrpcHealth() throws IOException {
      server = start(0);
      port = server.getPort();
    }

    private Server start(int onPort) throws IOException {
      return Grpc.newServerBuilderForPort(onPort, InsecureServerCredentials.create())
          .addService(health.getHealthService())
          .build()
          .start();
    }

    int port() {
      return port;
    }

    void stop() throws InterruptedException {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    void restart() throws IOException {
      server = start(port);
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }

  /** A self-signed certificate for 127.0.0.1, made once by the JDK's keytool. */
  static final class SelfSigned {
    private static SSLContext context;

    static synchronized SSLContext context() throws IOException {
      if (context != null) {
        return context;
      }
      try {
        Path dir = Files.createTempDirectory("cairn-tls-");
        Path store = dir.resolve("server.p12");
        Process keytool =
            new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair",
                    "-alias",
                    "server",
                    "-keyalg",
                    "EC",
                    "-dname",
                    "CN=localhost",
                    "-ext",
                    "SAN=ip:127.0.0.1",
                    "-validity",
                    "2",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    store.toString(),
                    "-storepass",
                    "changeit")
                .redirectErrorStream(true)
                .start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keytool.waitFor() != 0) {
          throw new IOException("keytool failed: " + output);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
          keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(kmf.getKeyManagers(), null, null);
        context = c;
        return c;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      } catch (java.security.GeneralSecurityException e) {
        throw new IOException(e);
      }
    }
  }
}
