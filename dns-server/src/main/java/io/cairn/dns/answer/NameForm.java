package io.cairn.dns.answer;

/** What a question's name asks for, as {@link QueryNames} reads it. */
sealed interface NameForm {
  /**
   * A service's instances, all ({@code tag} empty) or those with a tag.
   *
   * @param name the service name, lower case
   * @param tag the tag, lower case, or empty for every instance
   * @param srvOnly an RFC 2782 name without {@code service}: Consul answers only SRV questions for
   *     it
   */
  record Service(String name, String tag, boolean srvOnly) implements NameForm {}

  /** {@code <node>.node}: a node by name, lower case. */
  record Node(String name) implements NameForm {}

  /** {@code <hex-ip>.addr}: the 4 or 16 bytes spelled in the name. */
  record Address(byte[] ip) implements NameForm {}

  /** Names without a lookup of their own. */
  enum Fixed implements NameForm {
    /** The domain itself. */
    APEX,
    /** {@code ns.<domain>}. */
    NAME_SERVER,
    /** A name that exists without records: {@code service.<domain>}, {@code addr.<domain>}. */
    EMPTY,
    /** Any other name, another datacenter's included. */
    NO_SUCH_NAME
  }
}
