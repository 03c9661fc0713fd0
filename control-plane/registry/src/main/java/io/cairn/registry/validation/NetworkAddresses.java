package io.cairn.registry.validation;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Rules for addresses and ports. Never resolves names: a literal is checked as text. */
public final class NetworkAddresses {
  private static final int MAX_HOSTNAME_LENGTH = 253;

  private NetworkAddresses() {}

  /** Dotted-quad IPv4: four decimal octets 0..255 without leading zeros. */
  public static boolean isIpv4Literal(String value) {
    if (value == null) {
      return false;
    }
    int octets = 0;
    int i = 0;
    int n = value.length();
    while (i < n) {
      int start = i;
      int octet = 0;
      while (i < n && value.charAt(i) >= '0' && value.charAt(i) <= '9') {
        octet = octet * 10 + (value.charAt(i) - '0');
        i++;
        if (i - start > 3) {
          return false;
        }
      }
      int digits = i - start;
      if (digits == 0 || octet > 255 || (digits > 1 && value.charAt(start) == '0')) {
        return false;
      }
      octets++;
      if (i == n) {
        break;
      }
      if (value.charAt(i) != '.' || octets == 4) {
        return false;
      }
      i++;
      if (i == n) {
        return false;
      }
    }
    return octets == 4;
  }

  public static boolean isIpv6Literal(String value) {
    if (value == null || value.indexOf(':') < 0) {
      return false;
    }
    try {
      // A string containing ':' is parsed as an IPv6 literal and never looked up.
      return InetAddress.getByName(value) instanceof Inet6Address;
    } catch (UnknownHostException | SecurityException e) {
      return false;
    }
  }

  public static boolean isIpLiteral(String value) {
    return isIpv4Literal(value) || isIpv6Literal(value);
  }

  /** A dot-separated sequence of DNS labels (an optional trailing dot is allowed). */
  public static boolean isHostname(String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_HOSTNAME_LENGTH) {
      return false;
    }
    String name = value.endsWith(".") ? value.substring(0, value.length() - 1) : value;
    if (name.isEmpty()) {
      return false;
    }
    for (String label : name.split("\\.", -1)) {
      if (!Names.isDnsLabel(label)) {
        return false;
      }
    }
    // A name of digits and dots only is a mistyped IPv4 address, not a hostname.
    return !name.chars().allMatch(c -> c == '.' || Character.isDigit(c));
  }

  /** An IPv4 or IPv6 literal or a hostname. */
  public static void address(Problems p, String field, String value) {
    if (value == null || value.isEmpty()) {
      p.add(field, "is required");
    } else if (!isIpLiteral(value) && !isHostname(value)) {
      p.add(field, "'" + value + "' is neither an IP address nor a hostname");
    }
  }

  /** A port that may be 0, meaning "none given" (Consul lets services register without one). */
  public static void optionalPort(Problems p, String field, int port) {
    if (port < 0 || port > 65535) {
      p.add(field, "must be between 0 and 65535, was " + port);
    }
  }

  public static void port(Problems p, String field, int port) {
    if (port < 1 || port > 65535) {
      p.add(field, "must be between 1 and 65535, was " + port);
    }
  }
}
