package io.cairn.admin.agent;

import io.cairn.registry.validation.Problems;
import java.util.Optional;

/** {@code host:port} or {@code [v6]:port}, as Consul's TCP and GRPC check targets are written. */
record HostPort(String host, int port) {
  static Optional<HostPort> parse(Problems p, String field, String value) {
    String host;
    String port;
    if (value.startsWith("[")) {
      int close = value.indexOf(']');
      if (close < 0 || close + 1 >= value.length() || value.charAt(close + 1) != ':') {
        p.add(field, "'" + value + "' is not [address]:port");
        return Optional.empty();
      }
      host = value.substring(1, close);
      port = value.substring(close + 2);
    } else {
      int colon = value.lastIndexOf(':');
      if (colon <= 0 || value.indexOf(':') != colon) {
        p.add(field, "'" + value + "' is not host:port");
        return Optional.empty();
      }
      host = value.substring(0, colon);
      port = value.substring(colon + 1);
    }
    try {
      return Optional.of(new HostPort(host, Integer.parseInt(port)));
    } catch (NumberFormatException e) {
      p.add(field, "'" + value + "' has no numeric port");
      return Optional.empty();
    }
  }
}
