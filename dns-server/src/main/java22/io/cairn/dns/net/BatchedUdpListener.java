package io.cairn.dns.net;

import io.cairn.dns.answer.UdpExchange;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over UDP with Linux's {@code recvmmsg}/{@code sendmmsg}: each loop takes up to {@value
 * #BATCH} datagrams per system call (returning as soon as one is there), answers them one by one
 * with the same {@link Answerer} as {@link UdpListener} (from the reply cache when it can), and
 * sends the replies with one call. Like {@link UdpListener}, each loop has a socket of its own on
 * the shared port ({@code SO_REUSEPORT}). A receive times out every {@value
 * LinuxSockets#RECEIVE_TIMEOUT_MILLIS} ms so that a loop notices {@link #close()}; sockets are
 * closed once their loop has ended. A query for the recursors replies later from its virtual thread
 * with one {@code sendto}.
 */
final class BatchedUdpListener implements UdpFrontEnd {
  private static final Logger log = LoggerFactory.getLogger(BatchedUdpListener.class);
  static final int BATCH = 32;

  private final List<Integer> sockets;
  private final int port;
  private final Answerer answerer;
  private final List<Thread> loops = new ArrayList<>();
  private volatile boolean closed;

  private BatchedUdpListener(List<Integer> sockets, int port, Answerer answerer) {
    this.sockets = sockets;
    this.port = port;
    this.answerer = answerer;
  }

  /** Why batching cannot be used here; empty when it can. */
  static Optional<String> unavailable() {
    return LinuxSockets.unavailable();
  }

  /** Binds {@code address} (port 0 picks one) and starts {@code workers} receive loops. */
  static BatchedUdpListener start(InetSocketAddress address, int workers, Answerer answerer)
      throws IOException {
    LinuxSockets net = LinuxSockets.instance();
    List<Integer> sockets = new ArrayList<>();
    int port;
    try {
      boolean shared = workers > 1;
      sockets.add(net.openUdp(address, shared));
      port = net.localPort(sockets.getFirst());
      for (int i = 1; i < workers; i++) {
        sockets.add(net.openUdp(new InetSocketAddress(address.getAddress(), port), true));
      }
    } catch (IOException | RuntimeException e) {
      sockets.forEach(net::close);
      throw e;
    }
    BatchedUdpListener listener = new BatchedUdpListener(List.copyOf(sockets), port, answerer);
    for (int i = 0; i < workers; i++) {
      int fd = sockets.get(i);
      listener.loops.add(
          Thread.ofPlatform()
              .name("dns-udp-" + i)
              .daemon()
              .start(() -> listener.receiveLoop(net, fd)));
    }
    return listener;
  }

  @Override
  public int port() {
    return port;
  }

  private void receiveLoop(LinuxSockets net, int fd) {
    Thread self = Thread.currentThread();
    try (Arena arena = Arena.ofConfined()) {
      Datagrams batch = new Datagrams(arena, BATCH);
      UdpExchange exchange = new UdpExchange();
      while (!closed) {
        int received;
        try {
          received = net.receive(fd, batch);
        } catch (IOException e) {
          log.atDebug().addKeyValue("error", e.toString()).log("UDP receive failed");
          continue;
        }
        long started = System.nanoTime();
        for (int i = 0; i < received; i++) {
          int index = i;
          exchange.received(batch.copyPacket(i, exchange.buffer()));
          if (answerer.answerFromCache(exchange, started)) {
            batch.reply(i, exchange.reply(), exchange.replyLength());
            continue;
          }
          byte[] peer = batch.peer(i);
          answerer.answerAsync(
              exchange,
              started,
              reply -> {
                if (Thread.currentThread() == self) {
                  batch.reply(index, reply, reply.length);
                } else {
                  sendLater(net, fd, reply, peer);
                }
              });
        }
        sendReplies(net, fd, batch);
      }
    }
  }

  /** Sends the batch's replies, as many per call as the kernel takes; a failed one is skipped. */
  private void sendReplies(LinuxSockets net, int fd, Datagrams batch) {
    int count = batch.replies();
    int from = 0;
    while (from < count) {
      try {
        from += net.send(fd, batch, from, count - from);
      } catch (IOException e) {
        if (!closed) {
          log.atDebug().addKeyValue("error", e.toString()).log("UDP send failed");
        }
        from++;
      }
    }
  }

  /** A forwarded query's reply, sent from its own thread once the recursor answered. */
  private void sendLater(LinuxSockets net, int fd, byte[] reply, byte[] peer) {
    if (closed) {
      return;
    }
    try {
      net.sendOne(fd, reply, peer);
    } catch (IOException e) {
      if (!closed) {
        log.atDebug().addKeyValue("error", e.toString()).log("UDP send failed");
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Thread t : loops) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    LinuxSockets net = LinuxSockets.instance();
    for (int fd : sockets) {
      net.close(fd);
    }
  }
}
