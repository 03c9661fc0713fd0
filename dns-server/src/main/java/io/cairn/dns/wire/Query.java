package io.cairn.dns.wire;

import java.util.Optional;

/**
 * A well-formed query with one question. Holds the packet it was read from; labels are read from it
 * on demand.
 */
public final class Query implements ParsedQuery {
  static final int HEADER_LENGTH = 12;

  private final byte[] packet;
  private final int id;
  private final int flags;
  private final int[] labelStarts;
  private final int questionEnd;
  private final int type;
  private final int dclass;
  private final Optional<Edns> edns;

  Query(
      byte[] packet,
      int id,
      int flags,
      int[] labelStarts,
      int questionEnd,
      int type,
      int dclass,
      Optional<Edns> edns) {
    this.packet = packet;
    this.id = id;
    this.flags = flags;
    this.labelStarts = labelStarts;
    this.questionEnd = questionEnd;
    this.type = type;
    this.dclass = dclass;
    this.edns = edns;
  }

  public int id() {
    return id;
  }

  /** The header's flag bits (QR, opcode, AA, TC, RD, RA, Z, AD, CD, RCODE). */
  public int flags() {
    return flags;
  }

  public boolean recursionDesired() {
    return (flags & Flags.RD) != 0;
  }

  /** The question's type (A is 1, SRV is 33, ...). */
  public int type() {
    return type;
  }

  /** The question's class (IN is 1). */
  public int dclass() {
    return dclass;
  }

  public Optional<Edns> edns() {
    return edns;
  }

  /** Labels in the question's name, the root excluded ({@code web.service.cairn.} has 3). */
  public int labelCount() {
    return labelStarts.length;
  }

  /** Label {@code i}, counted from the left, in lower case (bytes as ISO-8859-1 characters). */
  public String label(int i) {
    int at = labelStarts[i];
    int length = packet[at];
    char[] chars = new char[length];
    for (int k = 0; k < length; k++) {
      chars[k] = (char) lower(packet[at + 1 + k]);
    }
    return new String(chars);
  }

  /** Whether label {@code i} equals {@code lowerCase} (ASCII letters compared without case). */
  public boolean labelIs(int i, byte[] lowerCase) {
    int at = labelStarts[i];
    if (packet[at] != lowerCase.length) {
      return false;
    }
    for (int k = 0; k < lowerCase.length; k++) {
      if (lower(packet[at + 1 + k]) != lowerCase[k]) {
        return false;
      }
    }
    return true;
  }

  /** The question's name in lower case, absolute ({@code web.service.cairn.}). */
  public String name() {
    if (labelStarts.length == 0) {
      return ".";
    }
    StringBuilder s = new StringBuilder(questionEnd);
    for (int i = 0; i < labelStarts.length; i++) {
      s.append(label(i)).append('.');
    }
    return s.toString();
  }

  /** The question section as received: name, type and class. */
  void copyQuestion(byte[] to, int at) {
    System.arraycopy(packet, HEADER_LENGTH, to, at, questionLength());
  }

  int questionLength() {
    return questionEnd - HEADER_LENGTH;
  }

  /** The packet's first {@code length} bytes as received, for forwarding. */
  public byte[] packet() {
    return packet.clone();
  }

  private static int lower(byte b) {
    return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b & 0xff;
  }

  @Override
  public String toString() {
    return "Query[id=" + id + ", name=" + name() + ", type=" + type + ", class=" + dclass + "]";
  }
}
