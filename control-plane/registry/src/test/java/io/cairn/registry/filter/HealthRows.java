package io.cairn.registry.filter;

import static io.cairn.registry.filter.SelectorSchema.bool;
import static io.cairn.registry.filter.SelectorSchema.decimal;
import static io.cairn.registry.filter.SelectorSchema.integer;
import static io.cairn.registry.filter.SelectorSchema.listOf;
import static io.cairn.registry.filter.SelectorSchema.mapOf;
import static io.cairn.registry.filter.SelectorSchema.object;
import static io.cairn.registry.filter.SelectorSchema.text;

import java.util.List;
import java.util.Map;

/**
 * Rows shaped like Consul's {@code /v1/health/service/:service} entries (Node, Service, Checks),
 * and the schema for them, after the selector table in Consul's health API docs.
 */
final class HealthRows {
  private HealthRows() {}

  static final SelectorSchema.ObjectOf CHECK =
      object()
          .with("Node", text())
          .with("CheckID", text())
          .with("Name", text())
          .with("Status", text())
          .with("ServiceID", text())
          .with("ServiceName", text())
          .with("ServiceTags", listOf(text()));

  static final SelectorSchema SCHEMA =
      object()
          .with(
              "Node",
              object()
                  .with("ID", text())
                  .with("Node", text())
                  .with("Address", text())
                  .with("Datacenter", text())
                  .with("Meta", mapOf(text()))
                  .with("TaggedAddresses", mapOf(text())))
          .with(
              "Service",
              object()
                  .with("ID", text())
                  .with("Service", text())
                  .with("Kind", text())
                  .with("Tags", listOf(text()))
                  .with("Address", text())
                  .with("Meta", mapOf(text()))
                  .with("Port", integer())
                  .with("Load", decimal())
                  .with("EnableTagOverride", bool())
                  .with("Weights", object().with("Passing", integer()).with("Warning", integer()))
                  .with(
                      "TaggedAddresses",
                      mapOf(object().with("Address", text()).with("Port", integer()))))
          .with("Checks", listOf(CHECK));

  /** web1: two passing checks, canary. */
  static final Map<String, Object> WEB1 =
      Map.of(
          "Node",
          Map.of(
              "Node", "node-1", "Datacenter", "dc1", "Meta", Map.of("os", "linux", "rack", "r1")),
          "Service",
          Map.of(
              "ID",
              "web1",
              "Service",
              "web",
              "Tags",
              List.of("v1", "canary"),
              "Meta",
              Map.of("version", "2", "env", "prod"),
              "Port",
              8080,
              "Load",
              0.5,
              "Address",
              "10.0.0.1",
              "EnableTagOverride",
              false,
              "Weights",
              Map.of("Passing", 10, "Warning", 1),
              "TaggedAddresses",
              Map.of("lan", Map.of("Address", "10.0.0.1", "Port", 8080))),
          "Checks",
          List.of(
              Map.of("CheckID", "serfHealth", "Status", "passing", "ServiceTags", List.of()),
              Map.of(
                  "CheckID",
                  "service:web1",
                  "Status",
                  "passing",
                  "ServiceTags",
                  List.of("v1", "canary"))));

  /** web2: one critical check; a meta key that needs brackets. */
  static final Map<String, Object> WEB2 =
      Map.of(
          "Node",
          Map.of("Node", "node-2", "Datacenter", "dc1", "Meta", Map.of("os", "darwin")),
          "Service",
          Map.of(
              "ID",
              "web2",
              "Service",
              "web",
              "Tags",
              List.of("v2"),
              "Meta",
              Map.of("version", "3", "odd key", "x-y"),
              "Port",
              9090,
              "Load",
              1.25,
              "Address",
              "10.0.0.2",
              "EnableTagOverride",
              true,
              "Weights",
              Map.of("Passing", 1, "Warning", 1),
              "TaggedAddresses",
              Map.of()),
          "Checks",
          List.of(
              Map.of("CheckID", "serfHealth", "Status", "passing"),
              Map.of("CheckID", "service:web2", "Status", "critical")));

  /** api1: nothing optional set and no checks. */
  static final Map<String, Object> API1 =
      Map.of(
          "Node",
          Map.of("Node", "node-3", "Datacenter", "dc2", "Meta", Map.of()),
          "Service",
          Map.of(
              "ID",
              "api1",
              "Service",
              "api",
              "Tags",
              List.of(),
              "Meta",
              Map.of(),
              "Port",
              8080,
              "Load",
              0.0,
              "Address",
              "",
              "EnableTagOverride",
              false,
              "Weights",
              Map.of("Passing", 1, "Warning", 1),
              "TaggedAddresses",
              Map.of()),
          "Checks",
          List.of());

  static Map<String, Selectable> rows() {
    return Map.of("api1", Rows.row(API1), "web1", Rows.row(WEB1), "web2", Rows.row(WEB2));
  }
}
