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
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over TCP (RFC 7766): a virtual thread per connection reading length-prefixed queries and
 * answering them in order. A connection idle for the timeout is closed, as is one that sends a
 * packet that gets no reply; connections beyond the cap are closed on accept.
 */
final class TcpListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TcpListener.class);
  private static final int BACKLOG = 256;

  private final ServerSocket server;
  private final Answerer answerer;
  private final int idleMillis;
  private final int maxConnections;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final DnsMetrics metrics;
  private final Thread acceptor;
  private volatile boolean closed;

  private TcpListener(
      ServerSocket server,
      Answerer answerer,
      Duration idle,
      int maxConnections,
      DnsMetrics metrics) {
    this.server = server;
    this.answerer = answerer;
    this.idleMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, idle.toMillis()));
    this.maxConnections = maxConnections;
    this.metrics = metrics;
    metrics.tcpConnections(open::size);
    this.acceptor = Thread.ofVirtual().name("dns-tcp-accept").unstarted(this::acceptLoop);
  }

  static TcpListener start(
      InetSocketAddress address,
      Answerer answerer,
      Duration idle,
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
    TcpListener listener = new TcpListener(server, answerer, idle, maxConnections, metrics);
    listener.acceptor.start();
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
      open.add(socket);
      Thread.ofVirtual().name("dns-tcp").start(() -> serve(socket));
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setSoTimeout(idleMillis);
      socket.setTcpNoDelay(true);
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      OutputStream out = socket.getOutputStream();
      while (!closed) {
        byte[] packet = new byte[in.readUnsignedShort()];
        in.readFully(packet);
        Optional<byte[]> reply = answerer.answer(packet, Transport.TCP, System.nanoTime());
        if (reply.isEmpty()) {
          return; // a packet without a reply: the stream cannot be trusted any more
        }
        write(out, reply.get());
      }
    } catch (EOFException | SocketTimeoutException e) {
      // the client closed, or was idle for too long
    } catch (SocketException e) {
      if (!closed) {
        log.atDebug().addKeyValue("error", e.toString()).log("TCP connection failed");
      }
    } catch (IOException e) {
      log.atDebug().addKeyValue("error", e.toString()).log("TCP connection failed");
    } finally {
      open.remove(socket);
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
    open.forEach(TcpListener::closeQuietly);
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
