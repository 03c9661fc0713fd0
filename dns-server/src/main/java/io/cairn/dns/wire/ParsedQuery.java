package io.cairn.dns.wire;

import java.util.Optional;

/** What {@link QueryParser} made of a packet: a query to answer, one to reject, or nothing. */
public sealed interface ParsedQuery permits Query, ParsedQuery.Rejected, ParsedQuery.Ignored {

  /**
   * A packet that gets an error reply without a question section: broken structure (FORMERR), an
   * opcode other than QUERY (NOTIMP) or an EDNS version other than 0 (BADVERS).
   *
   * @param id the query's id
   * @param flags the query's header flags (opcode and RD are echoed)
   * @param rcode the error, possibly extended (BADVERS is 16)
   * @param edns the query's EDNS options, when it had a readable OPT record
   */
  record Rejected(int id, int flags, int rcode, Optional<Edns> edns) implements ParsedQuery {}

  /** A packet that gets no reply: too short to carry an id, or itself a response. */
  enum Ignored implements ParsedQuery {
    INSTANCE
  }
}
