package io.cairn.dns.answer;

import io.cairn.dns.answer.NameForm.Address;
import io.cairn.dns.answer.NameForm.Fixed;
import io.cairn.dns.answer.NameForm.Node;
import io.cairn.dns.answer.NameForm.Service;
import io.cairn.dns.wire.Query;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Reads what the labels in front of one of Cairn's domains ask for, in the forms Consul's DNS
 * answers (docs/dns.md lists them). Only the name is read here; the answer table looks it up. Pure
 * and total: any name gets a form, {@link Fixed#NO_SUCH_NAME} when it is none of them.
 *
 * <p>As in Consul, the kind label ({@code service}, {@code node}, {@code addr}) is the rightmost
 * one; the labels before it say what is asked for, the labels after it the datacenter: none, {@code
 * <dc>} or {@code <dc>.dc}. An RFC 2782 name may leave out {@code service}: {@code
 * _web._tcp[.<dc>[.dc]].<domain>}.
 */
final class QueryNames {
  /** The tag of an RFC 2782 name that means every instance: {@code _web._tcp}. */
  private static final String RFC2782_ANY = "tcp";

  /** No tag: every instance. */
  static final String NO_TAG = "";

  private QueryNames() {}

  /**
   * The form of {@code query}'s name, whose first {@code prefix} labels come before the domain.
   *
   * @param datacenter Cairn's datacenter, lower case; names for another are {@link
   *     Fixed#NO_SUCH_NAME}
   */
  static NameForm parse(Query query, int prefix, byte[] datacenter) {
    if (prefix == 0) {
      return Fixed.APEX;
    }
    for (int k = prefix - 1; k >= 0; k--) {
      if (query.labelIs(k, Labels.SERVICE)) {
        return inDatacenter(query, k + 1, prefix, datacenter)
            ? service(query, k)
            : Fixed.NO_SUCH_NAME;
      }
      if (query.labelIs(k, Labels.NODE)) {
        return inDatacenter(query, k + 1, prefix, datacenter) && k == 1
            ? new Node(query.label(0))
            : Fixed.NO_SUCH_NAME;
      }
      if (query.labelIs(k, Labels.ADDR)) {
        return inDatacenter(query, k + 1, prefix, datacenter)
            ? address(query, k)
            : Fixed.NO_SUCH_NAME;
      }
      if (query.label(k).startsWith("_")) {
        // _web._tcp.<domain>: the protocol or tag label ends the name.
        return inDatacenter(query, k + 1, prefix, datacenter) && k == 1
            ? rfc2782(query.label(0), query.label(1), true)
            : Fixed.NO_SUCH_NAME;
      }
    }
    return prefix == 1 && query.labelIs(0, Labels.NS) ? Fixed.NAME_SERVER : Fixed.NO_SUCH_NAME;
  }

  /** Whether labels {@code from} to {@code to} (exclusive) name Cairn's datacenter, or none. */
  private static boolean inDatacenter(Query query, int from, int to, byte[] datacenter) {
    return switch (to - from) {
      case 0 -> true;
      case 1 -> query.labelIs(from, datacenter);
      case 2 -> query.labelIs(from, datacenter) && query.labelIs(from + 1, Labels.DC);
      default -> false;
    };
  }

  /** {@code [<tag>.]<service>} or {@code _<service>._<tag>}: the {@code count} labels first. */
  private static NameForm service(Query query, int count) {
    return switch (count) {
      case 0 -> Fixed.EMPTY;
      case 1 -> new Service(query.label(0), NO_TAG, false);
      case 2 -> {
        String first = query.label(0);
        String second = query.label(1);
        yield first.startsWith("_") && second.startsWith("_")
            ? rfc2782(first, second, false)
            : new Service(second, first, false); // v1.web
      }
      default -> Fixed.NO_SUCH_NAME;
    };
  }

  /** {@code _web._tcp} names every instance of web, {@code _web._v1} those tagged v1. */
  private static NameForm rfc2782(String service, String protocolOrTag, boolean srvOnly) {
    if (service.length() < 2 || protocolOrTag.length() < 2) {
      return Fixed.NO_SUCH_NAME; // a bare "_"
    }
    String tag = protocolOrTag.substring(1);
    return new Service(service.substring(1), tag.equals(RFC2782_ANY) ? NO_TAG : tag, srvOnly);
  }

  private static NameForm address(Query query, int count) {
    if (count == 0) {
      return Fixed.EMPTY;
    }
    String hex = count == 1 ? query.label(0) : "";
    if ((hex.length() == 8 || hex.length() == 32) && hex.chars().allMatch(HexFormat::isHexDigit)) {
      return new Address(HexFormat.of().parseHex(hex));
    }
    return Fixed.NO_SUCH_NAME;
  }

  /** The fixed labels, lower case, as {@link Query#labelIs} compares them. */
  private static final class Labels {
    static final byte[] SERVICE = ascii("service");
    static final byte[] NODE = ascii("node");
    static final byte[] ADDR = ascii("addr");
    static final byte[] NS = ascii("ns");
    static final byte[] DC = ascii("dc");

    private Labels() {}

    private static byte[] ascii(String label) {
      return label.getBytes(StandardCharsets.US_ASCII);
    }
  }
}
