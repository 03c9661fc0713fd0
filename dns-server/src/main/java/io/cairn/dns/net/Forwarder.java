package io.cairn.dns.net;

import io.cairn.dns.wire.Transport;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends queries for names outside Cairn's domains to recursors, in order, each within the timeout,
 * and returns the first reply as it came. A truncated UDP reply to a TCP client is asked again over
 * TCP. Blocking: call it from a virtual thread.
 */
final class Forwarder {
  private static final Logger log = LoggerFactory.getLogger(Forwarder.class);
  private static final int MAX_UDP_REPLY = 65535;

  private final List<InetSocketAddress> recursors;
  private final int timeoutMillis;

  Forwarder(List<InetSocketAddress> recursors, Duration timeout) {
    this.recursors = List.copyOf(recursors);
    this.timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
  }

  /** The first recursor's reply to {@code query}; empty when none answered in time. */
  Optional<byte[]> exchange(byte[] query, Transport transport) {
    int id = ((query[0] & 0xff) << 8) | (query[1] & 0xff);
    for (InetSocketAddress recursor : recursors) {
      try {
        byte[] reply = udp(recursor, query, id);
        if (transport == Transport.TCP && (reply[2] & 0x02) != 0) {
          reply = tcp(recursor, query, id);
        }
        return Optional.of(reply);
      } catch (IOException e) {
        log.atDebug()
            .addKeyValue("recursor", recursor)
            .addKeyValue("error", e.toString())
            .log("recursor did not answer");
      }
    }
    return Optional.empty();
  }

  private byte[] udp(InetSocketAddress recursor, byte[] query, int id) throws IOException {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(recursor);
      socket.send(new DatagramPacket(query, query.length));
      long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
      byte[] buf = new byte[MAX_UDP_REPLY];
      while (true) {
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
          throw new SocketTimeoutException("no reply within " + timeoutMillis + " ms");
        }
        socket.setSoTimeout((int) left);
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        socket.receive(in);
        if (isReplyTo(buf, in.getLength(), id)) {
          return Arrays.copyOf(buf, in.getLength());
        }
      }
    }
  }

  private byte[] tcp(InetSocketAddress recursor, byte[] query, int id) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(recursor, timeoutMillis);
      socket.setSoTimeout(timeoutMillis);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeShort(query.length);
      out.write(query);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] reply = new byte[in.readUnsignedShort()];
      in.readFully(reply);
      if (!isReplyTo(reply, reply.length, id)) {
        throw new IOException("recursor sent something other than the reply over TCP");
      }
      return reply;
    }
  }

  /** A response (QR set) with the query's id. */
  private static boolean isReplyTo(byte[] b, int length, int id) {
    return length >= 12 && (((b[0] & 0xff) << 8) | (b[1] & 0xff)) == id && (b[2] & 0x80) != 0;
  }
}
