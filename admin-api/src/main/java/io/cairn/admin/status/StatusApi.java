package io.cairn.admin.status;

import io.cairn.admin.consul.NodeIdentity;
import io.cairn.admin.http.Json;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.util.List;

/**
 * {@code /v1/status}: Cairn is its own single server, so it is always the leader. Consul's port
 * 8300 is reported because clients parse {@code address:port}.
 */
public final class StatusApi implements HttpService {
  private final String leader;

  public StatusApi(NodeIdentity node) {
    this.leader = node.address() + ":8300";
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .get("/leader", (req, res) -> Json.send(res, leader))
        .get("/peers", (req, res) -> Json.send(res, List.of(leader)));
  }
}
