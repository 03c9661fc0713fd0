package io.cairn.registry.validation;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Rules for addresses and ports. Never resolves names: a literal is checked as text. */
public final class NetworkAddresses {
  private static final Pattern IPV4 =
      Pattern.compile(
          "(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final int MAX_HOSTNAME_LENGTH = 253;

  private NetworkAddresses() {}

  public static boolean isIpv4Literal(String value) {
    return value != null && IPV4.matcher(value).matches();
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

  public static void port(Problems p, String field, int port) {
    p.check(port >= 1 && port <= 65535, field, "must be between 1 and 65535, was " + port);
  }
}
