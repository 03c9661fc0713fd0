package io.cairn.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code cairn proxies}: the xDS clients connected now, what they ACKed and their last NACK. */
final class Proxies {
  /** Envoy's discovery service names for the resource types, as operators say them. */
  private static final Map<String, String> SHORT =
      Map.of(
          "envoy.config.cluster.v3.Cluster", "CDS",
          "envoy.config.endpoint.v3.ClusterLoadAssignment", "EDS",
          "envoy.config.listener.v3.Listener", "LDS",
          "envoy.config.route.v3.RouteConfiguration", "RDS",
          "envoy.config.route.v3.ScopedRouteConfiguration", "SRDS",
          "envoy.config.route.v3.VirtualHost", "VHDS",
          "envoy.extensions.transport_sockets.tls.v3.Secret", "SDS",
          "envoy.service.runtime.v3.Runtime", "RTDS");

  private static final List<String> ORDER = List.of("CDS", "EDS", "LDS", "RDS");
  private static final int VERSION_WIDTH = 8;
  private static final int ERROR_WIDTH = 60;

  private Proxies() {}

  static void print(JsonNode proxies, Instant now, PrintStream out) {
    Table table = new Table("NODE", "KIND", "STREAMS", "CONNECTED", "ACKED", "LAST NACK");
    for (JsonNode p : proxies) {
      table.row(
          p.path("Node").asText(),
          p.path("Kind").asText(),
          p.path("Streams").asText(),
          ago(p.path("ConnectedAt").asText(), now),
          acked(p.path("Acked")),
          nack(p.path("LastNack"), now));
    }
    if (table.isEmpty()) {
      out.println("no xDS clients connected");
      return;
    }
    table.print(out);
  }

  /** {@code CDS:3f2a9c1e EDS:...}: types in xDS order, versions cut to eight characters. */
  private static String acked(JsonNode acked) {
    List<String[]> pairs = new ArrayList<>();
    acked
        .fields()
        .forEachRemaining(e -> pairs.add(new String[] {type(e.getKey()), e.getValue().asText()}));
    pairs.sort(
        (a, b) -> {
          int ia = ORDER.indexOf(a[0]);
          int ib = ORDER.indexOf(b[0]);
          return ia != ib
              ? Integer.compare(ia < 0 ? ORDER.size() : ia, ib < 0 ? ORDER.size() : ib)
              : a[0].compareTo(b[0]);
        });
    List<String> shown = new ArrayList<>();
    for (String[] p : pairs) {
      String version = p[1].isEmpty() ? "-" : p[1];
      shown.add(
          p[0]
              + ":"
              + (version.length() > VERSION_WIDTH ? version.substring(0, VERSION_WIDTH) : version));
    }
    return shown.isEmpty() ? "-" : String.join(" ", shown);
  }

  private static String nack(JsonNode nack, Instant now) {
    if (!nack.isObject()) {
      return "-";
    }
    return type(nack.path("TypeUrl").asText())
        + " "
        + ago(nack.path("At").asText(), now)
        + ": "
        + Table.shorten(nack.path("Error").asText(), ERROR_WIDTH);
  }

  /** The short name of a type URL ({@code CDS}), or its message name when not an xDS staple. */
  static String type(String typeUrl) {
    String message = typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
    return SHORT.getOrDefault(message, message.substring(message.lastIndexOf('.') + 1));
  }

  /** {@code 42s ago}, {@code 3m ago}, {@code 5h ago}, {@code 2d ago}. */
  static String ago(String iso, Instant now) {
    Instant at;
    try {
      at = Instant.parse(iso);
    } catch (DateTimeParseException e) {
      return iso;
    }
    long s = Math.max(0, Duration.between(at, now).toSeconds());
    if (s < 120) {
      return s + "s ago";
    }
    if (s < 7200) {
      return s / 60 + "m ago";
    }
    return s < 172800 ? s / 3600 + "h ago" : s / 86400 + "d ago";
  }
}
