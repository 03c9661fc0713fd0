package io.cairn.dns.wire;

import java.util.Arrays;
import java.util.Optional;

/**
 * Assembles one reply: the header, the question copied from the query, then records section by
 * section within a size limit. Records come precomputed in wire form; those in the answer section
 * own the question's name through a compression pointer to it ({@link #QUESTION_NAME}).
 *
 * <p>An answer or authority record that does not fit truncates the reply: it and everything after
 * it are left out and TC is set. Additional records that do not fit are left out without TC (RFC
 * 2181 section 9). Room for the OPT record is kept from the start.
 */
public final class ResponseWriter {
  /** Offset of the question's name in every reply, the target of owner-name pointers. */
  public static final int QUESTION_NAME = Query.HEADER_LENGTH;

  /** Largest DNS message (TCP's length prefix is 16 bits). */
  public static final int MAX_MESSAGE = 65535;

  /** Most replies (a few A or SRV records) fit; larger ones grow the buffer. */
  private static final int INITIAL_CAPACITY = 256;

  private final int limit;
  private final Optional<Edns> edns;
  private byte[] buf;
  private int at;
  private int flags;
  private int rcode;
  private int answers;
  private int authorities;
  private int additionals;
  private int section;
  private boolean truncated;

  private ResponseWriter(int id, int flags, Optional<Edns> edns, int limit, int initialCapacity) {
    this.edns = edns;
    this.limit = Math.min(limit, MAX_MESSAGE) - edns.map(Edns::optLength).orElse(0);
    this.buf = new byte[Math.max(initialCapacity, 64)];
    this.flags = Flags.QR | (flags & (Flags.OPCODE_MASK | Flags.RD));
    buf[0] = (byte) (id >>> 8);
    buf[1] = (byte) id;
    at = Query.HEADER_LENGTH;
  }

  /** A reply to {@code query} of at most {@code limit} bytes, question included. */
  public static ResponseWriter reply(Query query, int limit) {
    ResponseWriter w =
        new ResponseWriter(query.id(), query.flags(), query.edns(), limit, INITIAL_CAPACITY);
    w.ensure(query.questionLength());
    query.copyQuestion(w.buf, w.at);
    w.at += query.questionLength();
    w.put16(4, 1);
    return w;
  }

  /** The header-only reply to a rejected packet. */
  public static byte[] rejection(ParsedQuery.Rejected rejected, boolean recursionAvailable) {
    ResponseWriter w =
        new ResponseWriter(
            rejected.id(), rejected.flags(), rejected.edns(), MAX_MESSAGE, Query.HEADER_LENGTH);
    w.recursionAvailable(recursionAvailable);
    w.rcode(rejected.rcode());
    return w.finish();
  }

  public ResponseWriter authoritative(boolean on) {
    return flag(Flags.AA, on);
  }

  public ResponseWriter recursionAvailable(boolean on) {
    return flag(Flags.RA, on);
  }

  /** The response code; values above 15 go to the OPT record (they need EDNS). */
  public ResponseWriter rcode(int rcode) {
    this.rcode = rcode;
    return this;
  }

  private ResponseWriter flag(int bit, boolean on) {
    flags = on ? flags | bit : flags & ~bit;
    return this;
  }

  /** Adds an answer record; false (and TC) when it does not fit. */
  public boolean answer(byte[] record) {
    if (!add(record, 1)) {
      return false;
    }
    answers++;
    return true;
  }

  /** Adds an authority record; false (and TC) when it does not fit. */
  public boolean authority(byte[] record) {
    if (!add(record, 2)) {
      return false;
    }
    authorities++;
    return true;
  }

  /** Adds an additional record; false when it does not fit, which does not set TC. */
  public boolean additional(byte[] record) {
    if (truncated || at + record.length > limit) {
      return false;
    }
    if (!add(record, 3)) {
      return false;
    }
    additionals++;
    return true;
  }

  public boolean truncated() {
    return truncated;
  }

  public int answerCount() {
    return answers;
  }

  private boolean add(byte[] record, int toSection) {
    if (toSection < section) {
      throw new IllegalStateException("records must be added section by section");
    }
    section = toSection;
    if (truncated) {
      return false;
    }
    if (at + record.length > limit) {
      truncated = true;
      return false;
    }
    ensure(record.length);
    System.arraycopy(record, 0, buf, at, record.length);
    at += record.length;
    return true;
  }

  /** Writes the counts, flags and the OPT record; returns the message. */
  public byte[] finish() {
    if (truncated) {
      flags |= Flags.TC;
    }
    put16(2, flags | (rcode & 0xf));
    put16(6, answers);
    put16(8, authorities);
    int additionalCount = additionals;
    if (edns.isPresent()) {
      ensure(edns.get().optLength());
      buf[at++] = 0; // root
      put16(at, 41); // OPT
      put16(at + 2, Edns.MAX_UDP_PAYLOAD);
      buf[at + 4] = (byte) (rcode >>> 4); // extended rcode
      buf[at + 5] = 0; // version
      buf[at + 6] = (byte) (edns.get().dnssecOk() ? 0x80 : 0);
      buf[at + 7] = 0;
      Optional<Edns.ClientSubnet> subnet = edns.get().clientSubnet();
      put16(at + 8, subnet.map(Edns.ClientSubnet::wireLength).orElse(0));
      at += 10;
      if (subnet.isPresent()) {
        // RFC 7871 7.2.1: the client's subnet back, scope 0: the answer fits every client.
        byte[] address = subnet.get().address();
        put16(at, 8);
        put16(at + 2, 4 + address.length);
        put16(at + 4, subnet.get().family());
        buf[at + 6] = (byte) subnet.get().sourcePrefix();
        buf[at + 7] = 0;
        System.arraycopy(address, 0, buf, at + 8, address.length);
        at += 8 + address.length;
      }
      additionalCount++;
    }
    put16(10, additionalCount);
    return Arrays.copyOf(buf, at);
  }

  private void ensure(int more) {
    if (at + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, at + more));
    }
  }

  private void put16(int offset, int value) {
    buf[offset] = (byte) (value >>> 8);
    buf[offset + 1] = (byte) value;
  }
}
