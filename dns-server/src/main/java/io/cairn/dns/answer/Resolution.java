package io.cairn.dns.answer;

import java.util.Collection;
import java.util.List;

/** What a question's name is, as far as Cairn knows. */
sealed interface Resolution {
  /** A service's healthy instances, all or those with a tag, in zone {@code zone}. */
  record Service(int zone, AnswerSet set) implements Resolution {}

  /** {@code <hex-ip>.addr.<domain>}: the address written in the name, 4 or 16 bytes. */
  record Address(int zone, byte[] ip) implements Resolution {}

  /**
   * A node: its address and its metadata.
   *
   * @param ip 4 or 16 bytes, or none for a node without an IP address
   * @param text the node's TXT records (one per meta entry), owned by the question's name
   */
  record Node(int zone, byte[] ip, List<byte[]> text) implements Resolution {}

  /** The domain itself: SOA and NS. */
  record Apex(int zone) implements Resolution {}

  /** {@code ns.<domain>}, the name server in the NS record. */
  record NameServer(int zone) implements Resolution {}

  /** A name that exists without records of its own ({@code service.<domain>}). */
  record Empty(int zone) implements Resolution {}

  /** A name under the domain that does not exist. */
  record NoSuchName(int zone) implements Resolution {}

  /** A reverse name of an instance address: its PTR records. */
  record Pointers(Collection<byte[]> records) implements Resolution {}

  /** A name Cairn is not authoritative for. */
  enum Outside implements Resolution {
    INSTANCE
  }
}
