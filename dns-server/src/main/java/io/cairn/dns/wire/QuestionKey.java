package io.cairn.dns.wire;

/**
 * Reads, in place and without allocating, what a plain UDP query's reply depends on: the question
 * (name without case, type, class) and the EDNS settings that shape the reply (present or not, the
 * UDP size, the DO bit). Only the plainest queries qualify: opcode QUERY, one question, no answer
 * or authority records, at most an OPT record of version 0 owned by the root <em>without
 * options</em> (so no Client Subnet, no cookies) and nothing after it. Anything else is not {@link
 * #read read}, and takes the full {@link QueryParser} path. Mutable and reused: one per thread.
 */
public final class QuestionKey {
  private static final int TYPE_OPT = 41;
  private static final int MAX_NAME_LENGTH = 255;
  private static final int OPT_LENGTH = 11;

  private int nameEnd;
  private int questionEnd;
  private int type;
  private int edns;
  private int hash;

  /**
   * Reads {@code packet[0, length)}; false when the query is not one whose reply may be reused (the
   * fields are then meaningless).
   */
  public boolean read(byte[] packet, int length) {
    if (length < Query.HEADER_LENGTH
        || (packet[2] & 0xf8) != 0 // QR clear, opcode QUERY
        || QueryParser.u16(packet, 4) != 1
        || QueryParser.u16(packet, 6) != 0
        || QueryParser.u16(packet, 8) != 0) {
      return false;
    }
    int arcount = QueryParser.u16(packet, 10);
    int h = 0x811c9dc5;
    int at = Query.HEADER_LENGTH;
    while (true) {
      if (at >= length) {
        return false;
      }
      int label = packet[at] & 0xff;
      if (label == 0) {
        h = h * 0x01000193;
        at++;
        nameEnd = at;
        break;
      }
      if (label > 63
          || at + 1 + label > length
          || at + 1 + label - Query.HEADER_LENGTH >= MAX_NAME_LENGTH) {
        return false;
      }
      h = (h ^ label) * 0x01000193;
      for (int k = at + 1; k <= at + label; k++) {
        h = (h ^ lower(packet[k])) * 0x01000193;
      }
      at += 1 + label;
    }
    if (at + 4 > length) {
      return false;
    }
    type = QueryParser.u16(packet, at);
    if (type == TYPE_OPT) {
      return false;
    }
    for (int k = at; k < at + 4; k++) {
      h = (h ^ (packet[k] & 0xff)) * 0x01000193;
    }
    questionEnd = at + 4;
    if (arcount == 0) {
      edns = 0;
    } else {
      int opt = questionEnd;
      if (arcount != 1
          || opt + OPT_LENGTH != length
          || packet[opt] != 0
          || QueryParser.u16(packet, opt + 1) != TYPE_OPT
          || packet[opt + 6] != 0 // version
          || QueryParser.u16(packet, opt + 9) != 0) { // no options
        return false;
      }
      int limit =
          Math.clamp(
              QueryParser.u16(packet, opt + 3), Edns.CLASSIC_UDP_PAYLOAD, Edns.MAX_UDP_PAYLOAD);
      boolean dnssecOk = (packet[opt + 7] & 0x80) != 0;
      edns = 1 << 16 | (dnssecOk ? 1 << 15 : 0) | limit;
    }
    hash = (h ^ edns) * 0x01000193;
    return true;
  }

  /** The question's type, as read. */
  public int type() {
    return type;
  }

  /** The end of the question section (the header and question are copied from the query). */
  public int questionEnd() {
    return questionEnd;
  }

  /** A hash of the key, the same for queries that differ only in case, id and RD. */
  public int hash() {
    return hash;
  }

  /**
   * The key of the query read from {@code packet}, to keep: the question in lower case, then EDNS.
   */
  public byte[] copy(byte[] packet) {
    int length = questionEnd - Query.HEADER_LENGTH;
    byte[] key = new byte[length + 4];
    for (int k = 0; k < length; k++) {
      byte b = packet[Query.HEADER_LENGTH + k];
      key[k] = Query.HEADER_LENGTH + k < nameEnd ? (byte) lower(b) : b;
    }
    key[length] = (byte) (edns >>> 24);
    key[length + 1] = (byte) (edns >>> 16);
    key[length + 2] = (byte) (edns >>> 8);
    key[length + 3] = (byte) edns;
    return key;
  }

  /** Whether {@code key} (from {@link #copy}) is the key of the query read from {@code packet}. */
  public boolean matches(byte[] key, byte[] packet) {
    int length = questionEnd - Query.HEADER_LENGTH;
    if (key.length != length + 4) {
      return false;
    }
    int name = nameEnd - Query.HEADER_LENGTH;
    for (int k = 0; k < name; k++) {
      if (key[k] != (byte) lower(packet[Query.HEADER_LENGTH + k])) {
        return false;
      }
    }
    for (int k = name; k < length; k++) {
      if (key[k] != packet[Query.HEADER_LENGTH + k]) {
        return false;
      }
    }
    return key[length] == (byte) (edns >>> 24)
        && key[length + 1] == (byte) (edns >>> 16)
        && key[length + 2] == (byte) (edns >>> 8)
        && key[length + 3] == (byte) edns;
  }

  private static int lower(byte b) {
    return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b & 0xff;
  }
}
