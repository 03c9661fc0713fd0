package io.cairn.dns.answer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * One domain Cairn is authoritative for ({@code cairn.}) and the records at its apex: SOA, NS and
 * the address of the name server {@code ns.<domain>}.
 */
final class ZoneRecords {
  private static final long REFRESH = 3600;
  private static final long RETRY = 600;
  private static final long EXPIRE = 86400;

  final Name origin;

  /** The domain's labels, lower case, left to right, for matching the end of a question. */
  final byte[][] labels;

  /** SOA, owner written out: the answer at the apex and the authority of negative answers. */
  final byte[] soa;

  /** NS owned by the question's name (asked at the apex only). */
  final byte[] ns;

  /** The name server's address, owner {@code ns.<domain>} written out (additional section). */
  final byte[] glue;

  /** The name server's address owned by the question's name ({@code ns.<domain>} asked). */
  final byte[] glueAnswer;

  /** A or AAAA: the type of {@link #glue}. */
  final int glueType;

  private ZoneRecords(
      Name origin, byte[] soa, byte[] ns, byte[] glue, byte[] glueAnswer, int glueType) {
    this.origin = origin;
    this.labels = new byte[origin.labels() - 1][];
    for (int i = 0; i < labels.length; i++) {
      labels[i] =
          origin
              .getLabelString(i)
              .toLowerCase(java.util.Locale.ROOT)
              .getBytes(StandardCharsets.ISO_8859_1);
    }
    this.soa = soa;
    this.ns = ns;
    this.glue = glue;
    this.glueAnswer = glueAnswer;
    this.glueType = glueType;
  }

  /**
   * @param domain absolute, lower case
   * @param serial the SOA serial: the registry index, modulo 2^32
   * @param ttl TTL of the apex records and the negative-caching TTL
   * @param serverAddress the name server's address, 4 or 16 bytes
   */
  static ZoneRecords of(String domain, long serial, Duration ttl, byte[] serverAddress) {
    Name origin = WireRecords.name(domain);
    Name server = WireRecords.name("ns." + domain);
    long seconds = WireRecords.seconds(ttl);
    return new ZoneRecords(
        origin,
        soa(origin, serial, seconds),
        WireRecords.ownedByQuestion(new NSRecord(Name.root, DClass.IN, seconds, server)),
        WireRecords.standalone(WireRecords.address(server, seconds, serverAddress)),
        WireRecords.ownedByQuestion(WireRecords.address(Name.root, seconds, serverAddress)),
        serverAddress.length == 4 ? Type.A : Type.AAAA);
  }

  /** The same zone at another serial; only the SOA changes. */
  ZoneRecords withSerial(long serial, Duration ttl) {
    return new ZoneRecords(
        origin, soa(origin, serial, WireRecords.seconds(ttl)), ns, glue, glueAnswer, glueType);
  }

  private static byte[] soa(Name origin, long serial, long ttlSeconds) {
    return WireRecords.standalone(
        new SOARecord(
            origin,
            DClass.IN,
            ttlSeconds,
            WireRecords.name("ns." + origin),
            WireRecords.name("hostmaster." + origin),
            serial & 0xffffffffL,
            REFRESH,
            RETRY,
            EXPIRE,
            ttlSeconds));
  }
}
