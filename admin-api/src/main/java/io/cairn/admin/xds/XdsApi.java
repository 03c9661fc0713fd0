package io.cairn.admin.xds;

import io.cairn.admin.http.ErrorResponses;
import io.cairn.admin.http.Json;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

/** {@code GET /v1/xds/proxies}: connected xDS clients, their ACKed versions and last NACK. */
public final class XdsApi implements HttpService {
  private final ConnectedProxies proxies;

  public XdsApi(ConnectedProxies proxies) {
    this.proxies = proxies;
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .get("/proxies", (req, res) -> Json.send(res, proxies.list()))
        .any("/proxies", (req, res) -> ErrorResponses.methodNotAllowed(req, res, "GET"));
  }
}
