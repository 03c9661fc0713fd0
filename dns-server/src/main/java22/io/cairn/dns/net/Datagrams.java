package io.cairn.dns.net;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * One loop's native memory for a batch, allocated once and reused: {@code mmsghdr} arrays for
 * {@code recvmmsg} and {@code sendmmsg}, an {@code iovec} and a 64 KiB buffer per datagram, and a
 * {@code sockaddr_storage} per sender. A reply is written over its query's buffer (the query has
 * been copied out by then) and sent to the address it came from. Layouts of 64-bit Linux (x86_64,
 * aarch64). Not thread-safe: one loop owns it.
 */
final class Datagrams {
  static final int MAX_DATAGRAM = 65535;
  static final int SOCKADDR_STORAGE = 128;

  static final StructLayout IOVEC =
      MemoryLayout.structLayout(
          ValueLayout.ADDRESS.withName("iov_base"), ValueLayout.JAVA_LONG.withName("iov_len"));
  static final StructLayout MSGHDR =
      MemoryLayout.structLayout(
          ValueLayout.ADDRESS.withName("msg_name"),
          ValueLayout.JAVA_INT.withName("msg_namelen"),
          MemoryLayout.paddingLayout(4),
          ValueLayout.ADDRESS.withName("msg_iov"),
          ValueLayout.JAVA_LONG.withName("msg_iovlen"),
          ValueLayout.ADDRESS.withName("msg_control"),
          ValueLayout.JAVA_LONG.withName("msg_controllen"),
          ValueLayout.JAVA_INT.withName("msg_flags"),
          MemoryLayout.paddingLayout(4));
  static final StructLayout MMSGHDR =
      MemoryLayout.structLayout(
          MSGHDR.withName("msg_hdr"),
          ValueLayout.JAVA_INT.withName("msg_len"),
          MemoryLayout.paddingLayout(4));

  private static final long IOV_BASE = IOVEC.byteOffset(groupElement("iov_base"));
  private static final long IOV_LEN = IOVEC.byteOffset(groupElement("iov_len"));
  private static final long NAME =
      MMSGHDR.byteOffset(groupElement("msg_hdr"), groupElement("msg_name"));
  private static final long NAMELEN =
      MMSGHDR.byteOffset(groupElement("msg_hdr"), groupElement("msg_namelen"));
  private static final long IOV =
      MMSGHDR.byteOffset(groupElement("msg_hdr"), groupElement("msg_iov"));
  private static final long IOVLEN =
      MMSGHDR.byteOffset(groupElement("msg_hdr"), groupElement("msg_iovlen"));
  private static final long FLAGS =
      MMSGHDR.byteOffset(groupElement("msg_hdr"), groupElement("msg_flags"));
  private static final long LEN = MMSGHDR.byteOffset(groupElement("msg_len"));

  static {
    if (IOVEC.byteSize() != 16 || MSGHDR.byteSize() != 56 || MMSGHDR.byteSize() != 64) {
      throw new ExceptionInInitializerError("unexpected struct sizes");
    }
  }

  private final int capacity;
  private final MemorySegment received;
  private final MemorySegment toSend;
  private final MemorySegment receiveVectors;
  private final MemorySegment sendVectors;
  private final MemorySegment buffers;
  private final MemorySegment names;
  private final MemorySegment callState;
  private int replies;

  Datagrams(Arena arena, int capacity) {
    this.capacity = capacity;
    received = arena.allocate(MMSGHDR, capacity);
    toSend = arena.allocate(MMSGHDR, capacity);
    receiveVectors = arena.allocate(IOVEC, capacity);
    sendVectors = arena.allocate(IOVEC, capacity);
    buffers = arena.allocate((long) MAX_DATAGRAM * capacity, 8);
    names = arena.allocate((long) SOCKADDR_STORAGE * capacity, 8);
    callState = arena.allocate(Linker.Option.captureStateLayout());
    for (int i = 0; i < capacity; i++) {
      MemorySegment vector = receiveVectors.asSlice(i * IOVEC.byteSize(), IOVEC);
      vector.set(ValueLayout.ADDRESS, IOV_BASE, buffer(i));
      vector.set(ValueLayout.JAVA_LONG, IOV_LEN, MAX_DATAGRAM);
      MemorySegment header = received.asSlice(i * MMSGHDR.byteSize(), MMSGHDR);
      header.set(ValueLayout.ADDRESS, NAME, name(i));
      header.set(ValueLayout.ADDRESS, IOV, vector);
      header.set(ValueLayout.JAVA_LONG, IOVLEN, 1);
      MemorySegment out = toSend.asSlice(i * MMSGHDR.byteSize(), MMSGHDR);
      out.set(ValueLayout.ADDRESS, IOV, sendVectors.asSlice(i * IOVEC.byteSize(), IOVEC));
      out.set(ValueLayout.JAVA_LONG, IOVLEN, 1);
    }
  }

  /** Where the loop's calls leave {@code errno}. */
  MemorySegment callState() {
    return callState;
  }

  int capacity() {
    return capacity;
  }

  /** The {@code mmsghdr} array to receive into, made ready for a new batch. */
  MemorySegment receiving() {
    replies = 0;
    for (int i = 0; i < capacity; i++) {
      long at = i * MMSGHDR.byteSize();
      received.set(ValueLayout.JAVA_INT, at + NAMELEN, SOCKADDR_STORAGE);
      received.set(ValueLayout.JAVA_INT, at + FLAGS, 0);
      received.set(ValueLayout.JAVA_INT, at + LEN, 0);
    }
    return received;
  }

  /** Copies the {@code index}th datagram received into {@code into}; returns its length. */
  int copyPacket(int index, byte[] into) {
    int length = received.get(ValueLayout.JAVA_INT, index * MMSGHDR.byteSize() + LEN);
    MemorySegment.copy(buffer(index), ValueLayout.JAVA_BYTE, 0, into, 0, length);
    return length;
  }

  /** The address the {@code index}th datagram came from, as a {@code sockaddr}, copied out. */
  byte[] peer(int index) {
    return name(index).asSlice(0, nameLength(index)).toArray(ValueLayout.JAVA_BYTE);
  }

  /**
   * Queues the first {@code length} bytes of {@code reply} to the sender of the {@code index}th
   * datagram of this batch.
   */
  void reply(int index, byte[] reply, int length) {
    int slot = replies++;
    MemorySegment buffer = buffer(index);
    MemorySegment.copy(reply, 0, buffer, ValueLayout.JAVA_BYTE, 0, length);
    MemorySegment vector = sendVectors.asSlice(slot * IOVEC.byteSize(), IOVEC);
    vector.set(ValueLayout.ADDRESS, IOV_BASE, buffer);
    vector.set(ValueLayout.JAVA_LONG, IOV_LEN, length);
    long at = slot * MMSGHDR.byteSize();
    toSend.set(ValueLayout.ADDRESS, at + NAME, name(index));
    toSend.set(ValueLayout.JAVA_INT, at + NAMELEN, nameLength(index));
  }

  /** Replies queued since the batch was received. */
  int replies() {
    return replies;
  }

  /** The {@code mmsghdr} array of the replies from {@code from} on. */
  MemorySegment sending(int from) {
    return toSend.asSlice(from * MMSGHDR.byteSize());
  }

  private int nameLength(int index) {
    int length = received.get(ValueLayout.JAVA_INT, index * MMSGHDR.byteSize() + NAMELEN);
    return Math.min(length, SOCKADDR_STORAGE);
  }

  private MemorySegment buffer(int index) {
    return buffers.asSlice((long) index * MAX_DATAGRAM, MAX_DATAGRAM);
  }

  private MemorySegment name(int index) {
    return names.asSlice((long) index * SOCKADDR_STORAGE, SOCKADDR_STORAGE);
  }
}
