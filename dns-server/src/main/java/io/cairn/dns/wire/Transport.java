package io.cairn.dns.wire;

/** How a query arrived, which sets how large its reply may be. */
public enum Transport {
  /** 512 bytes, or the client's EDNS buffer size up to {@link Edns#MAX_UDP_PAYLOAD}. */
  UDP,
  /** A whole message, up to 65,535 bytes. */
  TCP;

  /** The largest reply to {@code query} over this transport. */
  public int replyLimit(Query query) {
    if (this == TCP) {
      return ResponseWriter.MAX_MESSAGE;
    }
    return query.edns().map(Edns::udpLimit).orElse(Edns.CLASSIC_UDP_PAYLOAD);
  }
}
