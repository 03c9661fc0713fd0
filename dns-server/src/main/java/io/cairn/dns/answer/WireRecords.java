package io.cairn.dns.answer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HexFormat;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** Records in wire form, built with dnsjava once per table rebuild. */
final class WireRecords {
  private WireRecords() {}

  /**
   * {@code record}, which must be owned by the root, as a record owned by the question's name: a
   * compression pointer to offset 12 takes the place of the root label. Rdata is not compressed.
   */
  static byte[] ownedByQuestion(Record record) {
    if (!record.getName().equals(Name.root)) {
      throw new IllegalArgumentException("record must be owned by the root: " + record);
    }
    byte[] wire = record.toWire(Section.ANSWER);
    byte[] out = new byte[wire.length + 1];
    out[0] = (byte) 0xc0;
    out[1] = (byte) io.cairn.dns.wire.ResponseWriter.QUESTION_NAME;
    System.arraycopy(wire, 1, out, 2, wire.length - 1);
    return out;
  }

  /** {@code record} with its owner name written out in full. */
  static byte[] standalone(Record record) {
    return record.toWire(Section.ADDITIONAL);
  }

  /**
   * An A or AAAA record for a 4- or 16-byte address owned by the question's name, written without
   * dnsjava: the one record built per query ({@code <hex-ip>.addr.<domain>}).
   */
  static byte[] addressOwnedByQuestion(long ttl, byte[] ip) {
    byte[] out = new byte[2 + 10 + ip.length];
    out[0] = (byte) 0xc0;
    out[1] = (byte) io.cairn.dns.wire.ResponseWriter.QUESTION_NAME;
    int type = ip.length == 4 ? Type.A : Type.AAAA;
    out[2] = (byte) (type >>> 8);
    out[3] = (byte) type;
    out[5] = DClass.IN;
    out[6] = (byte) (ttl >>> 24);
    out[7] = (byte) (ttl >>> 16);
    out[8] = (byte) (ttl >>> 8);
    out[9] = (byte) ttl;
    out[11] = (byte) ip.length;
    System.arraycopy(ip, 0, out, 12, ip.length);
    return out;
  }

  /** An A or AAAA record for a 4- or 16-byte address. */
  static Record address(Name owner, long ttl, byte[] address) {
    InetAddress ip = inet(address);
    return address.length == 4
        ? new ARecord(owner, DClass.IN, ttl, ip)
        : new AAAARecord(owner, DClass.IN, ttl, ip);
  }

  /** The bytes of an IPv4 or IPv6 literal; the registry has checked it is one. */
  static byte[] parseAddress(String literal) {
    byte[] bytes = Address.toByteArray(literal, Address.IPv4);
    if (bytes == null) {
      bytes = Address.toByteArray(literal, Address.IPv6);
    }
    if (bytes == null) {
      throw new IllegalArgumentException("not an IP address: " + literal);
    }
    return bytes;
  }

  static InetAddress inet(byte[] address) {
    try {
      return InetAddress.getByAddress(address);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not a 4- or 16-byte address", e);
    }
  }

  /** The {@code <hex-ip>} label of {@code <hex-ip>.addr.<domain>}: 8 or 32 hex digits. */
  static String hex(byte[] address) {
    return HexFormat.of().formatHex(address);
  }

  /** An absolute name from text the registry has validated (a hostname, a service name). */
  static Name name(String text) {
    try {
      return Name.fromString(text.endsWith(".") ? text : text + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException("not a domain name: " + text, e);
    }
  }

  /** {@code ttl} in whole seconds, as a record's TTL field holds it. */
  static long seconds(Duration ttl) {
    return ttl.toSeconds();
  }
}
