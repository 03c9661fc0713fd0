package io.cairn.dns.net;

import io.cairn.dns.wire.Transport;
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
 * DNS over UDP: one socket, a fixed set of platform threads each receiving, answering and sending
 * in a loop. While one thread answers, another waits in receive, so answering overlaps the kernel's
 * work; forwarded queries go to virtual threads so a slow recursor never holds a loop.
 */
final class UdpListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UdpListener.class);
  private static final int MAX_DATAGRAM = 65535;
  private static final int SOCKET_BUFFER = 4 << 20;

  private final DatagramChannel channel;
  private final Answerer answerer;
  private final List<Thread> loops = new ArrayList<>();
  private volatile boolean closed;

  private UdpListener(DatagramChannel channel, Answerer answerer) {
    this.channel = channel;
    this.answerer = answerer;
  }

  /** Binds {@code address} (port 0 picks one) and starts {@code workers} receive loops. */
  static UdpListener start(InetSocketAddress address, int workers, Answerer answerer)
      throws IOException {
    DatagramChannel channel = DatagramChannel.open();
    try {
      channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
      channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
      channel.bind(address);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    UdpListener listener = new UdpListener(channel, answerer);
    for (int i = 0; i < workers; i++) {
      listener.loops.add(
          Thread.ofPlatform().name("dns-udp-" + i).daemon().start(listener::receiveLoop));
    }
    return listener;
  }

  int port() {
    try {
      return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new IllegalStateException("UDP socket is closed", e);
    }
  }

  private void receiveLoop() {
    ByteBuffer in = ByteBuffer.allocateDirect(MAX_DATAGRAM);
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
      byte[] packet = new byte[in.remaining()];
      in.get(packet);
      answerer.answerAsync(packet, Transport.UDP, started, reply -> send(reply, from));
    }
  }

  private void send(byte[] reply, SocketAddress to) {
    try {
      channel.send(ByteBuffer.wrap(reply), to);
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
    try {
      channel.close();
    } catch (IOException e) {
      log.atDebug().addKeyValue("error", e.toString()).log("closing the UDP socket failed");
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
