package io.cairn.dns.wire;

/**
 * The EDNS(0) options of a query (RFC 6891), from its OPT record.
 *
 * @param payloadSize the largest UDP reply the client accepts, as it said
 * @param version EDNS version; only 0 exists
 * @param dnssecOk the DO bit, echoed in the reply
 * @param clientSubnet the EDNS Client Subnet option (RFC 7871), echoed in the reply with scope 0:
 *     Cairn's answers do not depend on where the client is
 */
public record Edns(
    int payloadSize, int version, boolean dnssecOk, java.util.Optional<ClientSubnet> clientSubnet) {
  /**
   * An EDNS Client Subnet option as the query sent it.
   *
   * @param family 1 for IPv4, 2 for IPv6
   * @param sourcePrefix how many leading bits of {@code address} are meaningful
   * @param address those bits, in as many bytes as they take
   */
  public record ClientSubnet(int family, int sourcePrefix, byte[] address) {
    public ClientSubnet {
      address = address.clone();
    }

    @Override
    public byte[] address() {
      return address.clone();
    }

    /** The option's length on the wire, with its code and length fields. */
    public int wireLength() {
      return 4 + 4 + address.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ClientSubnet c
          && family == c.family
          && sourcePrefix == c.sourcePrefix
          && java.util.Arrays.equals(address, c.address);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * family + sourcePrefix) + java.util.Arrays.hashCode(address);
    }
  }

  /** EDNS without options. */
  public Edns(int payloadSize, int version, boolean dnssecOk) {
    this(payloadSize, version, dnssecOk, java.util.Optional.empty());
  }

  /** The largest UDP reply Cairn sends and advertises, whatever the client accepts. */
  public static final int MAX_UDP_PAYLOAD = 4096;

  /** What a query without EDNS may receive over UDP (RFC 1035). */
  public static final int CLASSIC_UDP_PAYLOAD = 512;

  public Edns {
    if (payloadSize < 0 || payloadSize > 65535 || version < 0 || version > 255) {
      throw new IllegalArgumentException("payloadSize or version out of range");
    }
    java.util.Objects.requireNonNull(clientSubnet, "clientSubnet");
  }

  /** The length of the reply's OPT record: fixed part plus the echoed options. */
  public int optLength() {
    return 11 + clientSubnet.map(ClientSubnet::wireLength).orElse(0);
  }

  /** The UDP reply size to honour: the client's, at least 512 and at most 4096. */
  public int udpLimit() {
    return Math.clamp(payloadSize, CLASSIC_UDP_PAYLOAD, MAX_UDP_PAYLOAD);
  }
}
