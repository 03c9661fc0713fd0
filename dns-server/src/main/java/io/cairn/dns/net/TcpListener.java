package io.cairn.dns.net;

import io.cairn.dns.wire.Transport;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over TCP (RFC 7766): a virtual thread per connection reading length-prefixed queries and
 * answering them in order. Connections beyond the cap are closed on accept, as is one that sends a
 * packet that gets no reply.
 *
 * <p>Each connection has a deadline: its next query must have arrived whole within the idle timeout
 * (however slowly its bytes trickle in), and each reply must have been taken by the client within
 * the write timeout. A reaper closes connections past their deadline, which also ends a write
 * blocked on a client that never reads: otherwise such clients would hold every slot of the cap for
 * good and lock TCP DNS.
 */
final class TcpListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TcpListener.class);
  private static final int BACKLOG = 256;

  private static final long NO_DEADLINE = Long.MAX_VALUE;
  private static final Duration MIN_REAP = Duration.ofMillis(10);
  private static final Duration MAX_REAP = Duration.ofSeconds(1);

  /** An open connection and the time ({@link System#nanoTime()}) it must make progress by. */
  private static final class Connection {
    final Socket socket;
    volatile long deadline = NO_DEADLINE;

    Connection(Socket socket) {
      this.socket = socket;
    }

    boolean overdue(long now) {
      long d = deadline;
      return d != NO_DEADLINE && now - d > 0;
    }
  }

  private final ServerSocket server;
  private final Answerer answerer;
  private final long idleNanos;
  private final long writeNanos;
  private final Duration reapEvery;
  private final int maxConnections;
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final DnsMetrics metrics;
  private final Thread acceptor;
  private final Thread reaper;
  private volatile boolean closed;

  private TcpListener(
      ServerSocket server,
      Answerer answerer,
      Duration idle,
      Duration write,
      int maxConnections,
      DnsMetrics metrics) {
    this.server = server;
    this.answerer = answerer;
    this.idleNanos = idle.toNanos();
    this.writeNanos = write.toNanos();
    Duration shorter = idle.compareTo(write) < 0 ? idle : write;
    Duration quarter = shorter.dividedBy(4);
    this.reapEvery =
        quarter.compareTo(MIN_REAP) < 0
            ? MIN_REAP
            : quarter.compareTo(MAX_REAP) > 0 ? MAX_REAP : quarter;
    this.maxConnections = maxConnections;
    this.metrics = metrics;
    metrics.tcpConnections(open::size);
    this.acceptor = Thread.ofVirtual().name("dns-tcp-accept").unstarted(this::acceptLoop);
    this.reaper = Thread.ofVirtual().name("dns-tcp-reaper").unstarted(this::reapLoop);
  }

  /**
   * @param idle how long a connection may take to deliver its next whole query
   * @param write how long a client may take to take a reply
   */
  static TcpListener start(
      InetSocketAddress address,
      Answerer answerer,
      Duration idle,
      Duration write,
      int maxConnections,
      DnsMetrics metrics)
      throws IOException {
    ServerSocket server = new ServerSocket();
    try {
      server.setReuseAddress(true);
      server.bind(address, BACKLOG);
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    TcpListener listener = new TcpListener(server, answerer, idle, write, maxConnections, metrics);
    listener.acceptor.start();
    listener.reaper.start();
    return listener;
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        log.atDebug().addKeyValue("error", e.toString()).log("TCP accept failed");
        continue;
      }
      if (open.size() >= maxConnections) {
        metrics.tcpRefused();
        closeQuietly(socket);
        continue;
      }
      Connection connection = new Connection(socket);
      open.add(connection);
      Thread.ofVirtual().name("dns-tcp").start(() -> serve(connection));
    }
  }

  private void serve(Connection c) {
    Socket socket = c.socket;
    try (socket) {
      socket.setTcpNoDelay(true);
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      OutputStream out = socket.getOutputStream();
      while (!closed) {
        c.deadline = System.nanoTime() + idleNanos;
        byte[] packet = new byte[in.readUnsignedShort()];
        in.readFully(packet);
        // Answering may wait for a recursor, which has its own timeout.
        c.deadline = NO_DEADLINE;
        Optional<byte[]> reply = answerer.answer(packet, Transport.TCP, System.nanoTime());
        if (reply.isEmpty()) {
          return; // a packet without a reply: the stream cannot be trusted any more
        }
        c.deadline = System.nanoTime() + writeNanos;
        write(out, reply.get());
      }
    } catch (EOFException e) {
      // the client closed
    } catch (SocketException e) {
      // closed by the reaper or on shutdown, or reset by the client
      log.atTrace().addKeyValue("error", e.toString()).log("TCP connection ended");
    } catch (IOException e) {
      log.atDebug().addKeyValue("error", e.toString()).log("TCP connection failed");
    } finally {
      open.remove(c);
    }
  }

  /** Closes connections past their deadline; their threads then end on the closed socket. */
  private void reapLoop() {
    while (!closed) {
      try {
        Thread.sleep(reapEvery);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (Connection c : open) {
        if (c.overdue(now) && open.remove(c)) {
          metrics.tcpTimedOut();
          closeQuietly(c.socket);
        }
      }
    }
  }

  private static void write(OutputStream out, byte[] reply) throws IOException {
    byte[] framed = new byte[reply.length + 2];
    framed[0] = (byte) (reply.length >>> 8);
    framed[1] = (byte) reply.length;
    System.arraycopy(reply, 0, framed, 2, reply.length);
    out.write(framed);
    out.flush();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly0(server);
    reaper.interrupt();
    open.forEach(c -> closeQuietly(c.socket));
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly0(ServerSocket server) {
    try {
      server.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
