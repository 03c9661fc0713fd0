package io.cairn.dns.answer;

import io.cairn.dns.wire.Edns;
import io.cairn.dns.wire.QuestionKey;
import java.util.Arrays;

/**
 * One UDP receive loop's reusable buffers: the packet received, the reply from the cache, and the
 * question read from the packet. A query answered from the {@link QueryHandler}'s reply cache
 * creates no objects. Not thread-safe: one per loop.
 */
public final class UdpExchange {
  private static final int MAX_DATAGRAM = 65535;

  private final byte[] packet = new byte[MAX_DATAGRAM];
  private final byte[] reply = new byte[Edns.MAX_UDP_PAYLOAD];
  final QuestionKey question = new QuestionKey();
  // Scratch for drawing a shuffled reply's order.
  final double[] keys = new double[ReplyCache.MAX_SHUFFLED];
  final int[] order = new int[ReplyCache.MAX_SHUFFLED];
  private int length;
  private int replyLength;
  // Whether the question was read: the reply may be cached.
  boolean keyed;

  /** The buffer to receive a packet into; then call {@link #received}. */
  public byte[] buffer() {
    return packet;
  }

  /** The packet in {@link #buffer()} is {@code length} bytes. */
  public void received(int length) {
    if (length < 0 || length > MAX_DATAGRAM) {
      throw new IllegalArgumentException("length " + length + " out of range");
    }
    this.length = length;
    this.keyed = false;
  }

  byte[] packet() {
    return packet;
  }

  /** Bytes of the packet received. */
  public int length() {
    return length;
  }

  /** The packet received, as a copy of its own. */
  public byte[] packetCopy() {
    return Arrays.copyOf(packet, length);
  }

  /** The buffer holding the cached reply, {@link #replyLength()} bytes of it. */
  public byte[] reply() {
    return reply;
  }

  public int replyLength() {
    return replyLength;
  }

  void replied(int length) {
    replyLength = length;
  }

  /** The cached reply's question type. */
  public int type() {
    return question.type();
  }

  /** The cached reply's response code. */
  public int rcode() {
    return reply[3] & 0x0f;
  }
}
