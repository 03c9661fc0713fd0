package io.cairn.dns.answer;

import io.cairn.dns.wire.Query;

/** What to do with a packet: send a reply, forward the query to a recursor, or nothing. */
public sealed interface Reply {
  /** Question type recorded for packets without a readable question. */
  int NO_TYPE = -1;

  /**
   * A reply to send.
   *
   * @param message the reply's bytes
   * @param type the question's type, or {@link #NO_TYPE}
   * @param rcode the reply's response code
   * @param truncated whether records were left out and TC set
   */
  record Send(byte[] message, int type, int rcode, boolean truncated) implements Reply {}

  /** A query for a name outside Cairn's domains, for the recursors. */
  record Forward(Query query) implements Reply {}

  /** No reply: the packet is a response or too short to answer. */
  enum Drop implements Reply {
    INSTANCE
  }
}
