package io.cairn.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback between one client and one server, for network faults in tests: {@link
 * #cut} closes every connection and resets new ones, {@link #stall} stops forwarding bytes while
 * keeping connections open (a partition), {@link #restore} forwards again.
 */
final class TcpProxy implements AutoCloseable {
  private enum Mode {
    OPEN,
    CUT,
    STALLED
  }

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Object lock = new Object();
  private volatile Mode mode = Mode.OPEN;
  private volatile boolean closed;

  private TcpProxy(ServerSocket server, InetSocketAddress target) {
    this.server = server;
    this.target = target;
    Thread.ofPlatform().daemon().name("tcp-proxy-accept").start(this::acceptLoop);
  }

  /** A proxy to {@code url} ({@code http://127.0.0.1:PORT}). */
  static TcpProxy to(String url) {
    URI uri = URI.create(url);
    try {
      ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      return new TcpProxy(server, new InetSocketAddress(uri.getHost(), uri.getPort()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The proxy's own URL, to give the client instead of the server's. */
  String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** Closes every connection; new ones are closed at once until {@link #restore}. */
  void cut() {
    mode = Mode.CUT;
    closeAll();
  }

  /** Holds every byte in both directions, connections staying open, until {@link #restore}. */
  void stall() {
    mode = Mode.STALLED;
  }

  void restore() {
    synchronized (lock) {
      mode = Mode.OPEN;
      lock.notifyAll();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        if (mode == Mode.CUT) {
          client.setSoLinger(true, 0);
          client.close();
          continue;
        }
        Socket upstream = new Socket();
        upstream.connect(target, 2_000);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        // The server socket closed, or the target refused: the client sees its connection drop.
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread.ofVirtual()
        .start(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (from;
                  to) {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  awaitForwarding();
                  if (mode == Mode.CUT) {
                    return;
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException | InterruptedException e) {
                // Cut, or the other side went away: both sockets close.
              } finally {
                sockets.remove(from);
                sockets.remove(to);
              }
            });
  }

  private void awaitForwarding() throws InterruptedException {
    synchronized (lock) {
      while (mode == Mode.STALLED && !closed) {
        lock.wait(100);
      }
    }
  }

  private void closeAll() {
    for (Socket s : sockets) {
      try {
        s.setSoLinger(true, 0);
        s.close();
      } catch (IOException e) {
        // already closed
      }
    }
    sockets.clear();
  }

  @Override
  public void close() {
    closed = true;
    restore();
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
    closeAll();
  }
}
