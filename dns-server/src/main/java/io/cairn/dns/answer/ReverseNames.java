package io.cairn.dns.answer;

import io.cairn.dns.wire.Query;
import java.util.Optional;

/**
 * The address a reverse name asks about, as the hex of its bytes: {@code 1.0.0.10.in-addr.arpa.} is
 * {@code 0a000001}, and the 32 nibble labels of an {@code ip6.arpa.} name are the 16 bytes of an
 * IPv6 address. The answer table keeps PTR records under that key, so a registry change costs no
 * reverse-name formatting.
 */
final class ReverseNames {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private ReverseNames() {}

  /** Empty for a name that is not a whole IPv4 or IPv6 reverse name. */
  static Optional<String> addressHex(Query query) {
    int labels = query.labelCount();
    if (labels == 6 && query.label(4).equals("in-addr") && query.label(5).equals("arpa")) {
      StringBuilder hex = new StringBuilder(8);
      for (int i = 3; i >= 0; i--) {
        String label = query.label(i);
        int octet = octet(label);
        if (octet < 0) {
          return Optional.empty();
        }
        hex.append(HEX[octet >> 4]).append(HEX[octet & 0xf]);
      }
      return Optional.of(hex.toString());
    }
    if (labels == 34 && query.label(32).equals("ip6") && query.label(33).equals("arpa")) {
      StringBuilder hex = new StringBuilder(32);
      for (int i = 31; i >= 0; i--) {
        String label = query.label(i);
        if (label.length() != 1 || Character.digit(label.charAt(0), 16) < 0) {
          return Optional.empty();
        }
        hex.append(label.charAt(0));
      }
      return Optional.of(hex.toString());
    }
    return Optional.empty();
  }

  /** A decimal octet as written in a reverse name (no sign, no leading zeros), else -1. */
  private static int octet(String label) {
    if (label.isEmpty() || label.length() > 3 || (label.length() > 1 && label.charAt(0) == '0')) {
      return -1;
    }
    int value = 0;
    for (int i = 0; i < label.length(); i++) {
      char c = label.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value <= 255 ? value : -1;
  }
}
