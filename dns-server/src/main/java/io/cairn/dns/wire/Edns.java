package io.cairn.dns.wire;

/**
 * The EDNS(0) options of a query (RFC 6891), from its OPT record.
 *
 * @param payloadSize the largest UDP reply the client accepts, as it said
 * @param version EDNS version; only 0 exists
 * @param dnssecOk the DO bit, echoed in the reply
 */
public record Edns(int payloadSize, int version, boolean dnssecOk) {
  /** The largest UDP reply Cairn sends and advertises, whatever the client accepts. */
  public static final int MAX_UDP_PAYLOAD = 4096;

  /** What a query without EDNS may receive over UDP (RFC 1035). */
  public static final int CLASSIC_UDP_PAYLOAD = 512;

  public Edns {
    if (payloadSize < 0 || payloadSize > 65535 || version < 0 || version > 255) {
      throw new IllegalArgumentException("payloadSize or version out of range");
    }
  }

  /** The UDP reply size to honour: the client's, at least 512 and at most 4096. */
  public int udpLimit() {
    return Math.clamp(payloadSize, CLASSIC_UDP_PAYLOAD, MAX_UDP_PAYLOAD);
  }
}
