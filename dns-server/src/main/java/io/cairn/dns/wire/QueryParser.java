package io.cairn.dns.wire;

import java.util.Optional;

/**
 * Reads a query packet. Every length and offset is checked against the packet, so no input makes it
 * throw: what cannot be answered becomes {@link ParsedQuery.Rejected} (FORMERR, NOTIMP, BADVERS) or
 * {@link ParsedQuery.Ignored}.
 */
public final class QueryParser {
  /** FORMERR, NOTIMP and BADVERS (an extended rcode, RFC 6891). */
  public static final int FORMERR = 1;

  public static final int NOTIMP = 4;
  public static final int BADVERS = 16;

  private static final int TYPE_OPT = 41;
  private static final int OPTION_CLIENT_SUBNET = 8;
  private static final int MAX_NAME_LENGTH = 255;
  private static final int MAX_LABELS = 127;

  private QueryParser() {}

  public static ParsedQuery parse(byte[] packet) {
    if (packet.length < Query.HEADER_LENGTH) {
      return ParsedQuery.Ignored.INSTANCE;
    }
    int id = u16(packet, 0);
    int flags = u16(packet, 2);
    if ((flags & Flags.QR) != 0) {
      return ParsedQuery.Ignored.INSTANCE;
    }
    if (Flags.opcode(flags) != Flags.OPCODE_QUERY) {
      return new ParsedQuery.Rejected(id, flags, NOTIMP, Optional.empty());
    }
    int qdcount = u16(packet, 4);
    int ancount = u16(packet, 6);
    int nscount = u16(packet, 8);
    int arcount = u16(packet, 10);
    if (qdcount != 1 || ancount != 0 || nscount != 0) {
      return formErr(id, flags);
    }
    int[] starts = new int[8];
    int labels = 0;
    int at = Query.HEADER_LENGTH;
    int nameLength = 1;
    while (true) {
      if (at >= packet.length) {
        return formErr(id, flags);
      }
      int length = packet[at] & 0xff;
      if (length == 0) {
        at++;
        break;
      }
      // 0xC0 is a compression pointer, 0x40 and 0x80 obsolete label types: none belongs in a
      // question that starts the message.
      if (length > 63 || labels == MAX_LABELS) {
        return formErr(id, flags);
      }
      nameLength += length + 1;
      if (nameLength > MAX_NAME_LENGTH || at + 1 + length > packet.length) {
        return formErr(id, flags);
      }
      if (labels == starts.length) {
        starts = java.util.Arrays.copyOf(starts, starts.length * 2);
      }
      starts[labels++] = at;
      at += 1 + length;
    }
    if (at + 4 > packet.length) {
      return formErr(id, flags);
    }
    int type = u16(packet, at);
    int dclass = u16(packet, at + 2);
    int questionEnd = at + 4;
    if (type == TYPE_OPT) {
      return formErr(id, flags);
    }
    Optional<Edns> edns = Optional.empty();
    at = questionEnd;
    for (int i = 0; i < arcount; i++) {
      int nameStart = at;
      at = skipName(packet, at);
      if (at < 0 || at + 10 > packet.length) {
        return formErr(id, flags);
      }
      int rtype = u16(packet, at);
      int rdlength = u16(packet, at + 8);
      if (at + 10 + rdlength > packet.length) {
        return formErr(id, flags);
      }
      if (rtype == TYPE_OPT) {
        if (edns.isPresent() || at - nameStart != 1) {
          return formErr(id, flags); // a second OPT, or one not owned by the root
        }
        int payload = u16(packet, at + 2);
        int version = packet[at + 5] & 0xff;
        boolean dnssecOk = (packet[at + 6] & 0x80) != 0;
        Optional<Optional<Edns.ClientSubnet>> subnet = clientSubnet(packet, at + 10, rdlength);
        if (subnet.isEmpty()) {
          return formErr(id, flags); // malformed options
        }
        edns = Optional.of(new Edns(payload, version, dnssecOk, subnet.get()));
      }
      at += 10 + rdlength;
    }
    if (edns.isPresent() && edns.get().version() != 0) {
      return new ParsedQuery.Rejected(id, flags, BADVERS, edns);
    }
    return new Query(
        packet,
        id,
        flags,
        java.util.Arrays.copyOf(starts, labels),
        questionEnd,
        type,
        dclass,
        edns);
  }

  /**
   * The Client Subnet option among the OPT record's options at {@code from}; empty when the options
   * are malformed (RFC 7871 7.1.2: a bad ECS option is a FORMERR), an empty inner value when there
   * is none.
   */
  private static Optional<Optional<Edns.ClientSubnet>> clientSubnet(
      byte[] packet, int from, int length) {
    Optional<Edns.ClientSubnet> found = Optional.empty();
    int at = from;
    int end = from + length;
    while (at < end) {
      if (at + 4 > end) {
        return Optional.empty();
      }
      int code = u16(packet, at);
      int optionLength = u16(packet, at + 2);
      int data = at + 4;
      if (data + optionLength > end) {
        return Optional.empty();
      }
      if (code == OPTION_CLIENT_SUBNET) {
        if (found.isPresent() || optionLength < 4) {
          return Optional.empty();
        }
        int family = u16(packet, data);
        int source = packet[data + 2] & 0xff;
        int scope = packet[data + 3] & 0xff;
        int maxBits = family == 1 ? 32 : family == 2 ? 128 : -1;
        int bytes = (source + 7) / 8;
        if (maxBits < 0 || source > maxBits || scope != 0 || optionLength - 4 != bytes) {
          return Optional.empty();
        }
        byte[] address = java.util.Arrays.copyOfRange(packet, data + 4, data + 4 + bytes);
        if (source % 8 != 0 && bytes > 0 && (address[bytes - 1] & (0xff >>> (source % 8))) != 0) {
          return Optional.empty(); // bits past the source prefix must be zero
        }
        found = Optional.of(new Edns.ClientSubnet(family, source, address));
      }
      at = data + optionLength;
    }
    return Optional.of(found);
  }

  /** The offset after the name at {@code at} (labels, ending in the root or a pointer), or -1. */
  private static int skipName(byte[] packet, int at) {
    int seen = 0;
    while (at < packet.length && seen++ <= MAX_LABELS) {
      int length = packet[at] & 0xff;
      if (length == 0) {
        return at + 1;
      }
      if ((length & 0xc0) == 0xc0) {
        return at + 2 <= packet.length ? at + 2 : -1;
      }
      if (length > 63) {
        return -1;
      }
      at += 1 + length;
    }
    return -1;
  }

  private static ParsedQuery formErr(int id, int flags) {
    return new ParsedQuery.Rejected(id, flags, FORMERR, Optional.empty());
  }

  static int u16(byte[] b, int at) {
    return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }
}
