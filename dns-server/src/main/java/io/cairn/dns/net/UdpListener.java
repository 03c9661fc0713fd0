package io.cairn.dns.net;

import io.cairn.dns.answer.UdpExchange;
import io.cairn.dns.wire.Edns;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over UDP: a fixed set of platform threads, each receiving, answering and sending in a loop on
 * a socket of its own. The sockets share the port with {@code SO_REUSEPORT}, so the kernel spreads
 * clients over them and no thread waits for another's lock (threads sharing one socket take turns
 * in receive, which serialises them). Where the option is missing, the threads share one socket.
 * Forwarded queries go to virtual threads, so a slow recursor never holds a loop. Each loop reuses
 * its buffers: a repeat question answered from the reply cache creates no objects but the sender's
 * address.
 */
final class UdpListener implements UdpFrontEnd {
  private static final Logger log = LoggerFactory.getLogger(UdpListener.class);
  private static final int MAX_DATAGRAM = 65535;
  private static final int SOCKET_BUFFER = 4 << 20;

  private final List<DatagramChannel> channels;
  private final Answerer answerer;
  private final List<Thread> loops = new ArrayList<>();
  private volatile boolean closed;

  private UdpListener(List<DatagramChannel> channels, Answerer answerer) {
    this.channels = channels;
    this.answerer = answerer;
  }

  /** Binds {@code address} (port 0 picks one) and starts {@code workers} receive loops. */
  static UdpListener start(InetSocketAddress address, int workers, Answerer answerer)
      throws IOException {
    List<DatagramChannel> channels = new ArrayList<>();
    try {
      boolean shared = workers > 1 && reusePortSupported();
      channels.add(open(address, shared));
      int port = ((InetSocketAddress) channels.getFirst().getLocalAddress()).getPort();
      for (int i = 1; shared && i < workers; i++) {
        channels.add(open(new InetSocketAddress(address.getAddress(), port), true));
      }
    } catch (IOException | RuntimeException e) {
      for (DatagramChannel c : channels) {
        c.close();
      }
      throw e;
    }
    UdpListener listener = new UdpListener(List.copyOf(channels), answerer);
    for (int i = 0; i < workers; i++) {
      DatagramChannel channel = channels.get(i % channels.size());
      listener.loops.add(
          Thread.ofPlatform()
              .name("dns-udp-" + i)
              .daemon()
              .start(() -> listener.receiveLoop(channel)));
    }
    return listener;
  }

  private static DatagramChannel open(InetSocketAddress address, boolean reusePort)
      throws IOException {
    DatagramChannel channel = DatagramChannel.open();
    try {
      channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
      channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
      if (reusePort) {
        channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      }
      channel.bind(address);
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static boolean reusePortSupported() throws IOException {
    try (DatagramChannel probe = DatagramChannel.open()) {
      return probe.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
    }
  }

  @Override
  public int port() {
    try {
      return ((InetSocketAddress) channels.getFirst().getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new IllegalStateException("UDP socket is closed", e);
    }
  }

  private void receiveLoop(DatagramChannel channel) {
    ByteBuffer in = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    ByteBuffer out = ByteBuffer.allocateDirect(Edns.MAX_UDP_PAYLOAD);
    UdpExchange exchange = new UdpExchange();
    while (!closed) {
      SocketAddress from;
      try {
        in.clear();
        from = channel.receive(in);
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        log.atDebug().addKeyValue("error", e.toString()).log("UDP receive failed");
        continue;
      }
      long started = System.nanoTime();
      in.flip();
      int length = in.remaining();
      in.get(exchange.buffer(), 0, length);
      exchange.received(length);
      if (answerer.answerFromCache(exchange, started)) {
        out.clear();
        out.put(exchange.reply(), 0, exchange.replyLength()).flip();
        send(channel, out, from);
      } else {
        answerer.answerAsync(
            exchange, started, reply -> send(channel, ByteBuffer.wrap(reply), from));
      }
    }
  }

  private void send(DatagramChannel channel, ByteBuffer reply, SocketAddress to) {
    try {
      channel.send(reply, to);
    } catch (IOException e) {
      if (!closed) {
        log.atDebug()
            .addKeyValue("to", to)
            .addKeyValue("error", e.toString())
            .log("UDP send failed");
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    for (DatagramChannel channel : channels) {
      try {
        channel.close();
      } catch (IOException e) {
        log.atDebug().addKeyValue("error", e.toString()).log("closing a UDP socket failed");
      }
    }
    for (Thread t : loops) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
