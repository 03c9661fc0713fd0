package io.cairn.admin.status;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** Prometheus text exposition of every meter: {@code /metrics}, and Consul's agent metrics path. */
public final class MetricsEndpoint implements HttpService {
  private final Supplier<String> scrape;

  public MetricsEndpoint(Supplier<String> scrape) {
    this.scrape = scrape;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/", (req, res) -> send(res));
  }

  public void send(ServerResponse res) {
    res.header(HeaderValues.create("Content-Type", "text/plain; version=0.0.4; charset=utf-8"));
    res.send(scrape.get().getBytes(StandardCharsets.UTF_8));
  }
}
