package io.cairn.admin.xds;

import io.cairn.admin.acl.RequestAcl;
import io.cairn.admin.http.Json;
import io.cairn.registry.acl.Access;
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
    rules.get(
        "/proxies",
        (req, res) -> {
          // Connected proxies are a diagnostic of the whole mesh: an operator's view.
          RequestAcl.of(req).requireOperator(Access.READ);
          Json.send(res, proxies.list());
        });
  }
}
