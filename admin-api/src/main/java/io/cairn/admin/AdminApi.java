package io.cairn.admin;

import io.cairn.admin.acl.AclApi;
import io.cairn.admin.acl.AclFilter;
import io.cairn.admin.acl.RequestAcl;
import io.cairn.admin.agent.AgentApi;
import io.cairn.admin.agent.AgentSelf;
import io.cairn.admin.agent.CatalogRegistrationApi;
import io.cairn.admin.catalog.CatalogApi;
import io.cairn.admin.config.ConfigApi;
import io.cairn.admin.connect.AgentConnectApi;
import io.cairn.admin.connect.ConnectCaApi;
import io.cairn.admin.consul.ConsulViews;
import io.cairn.admin.health.HealthApi;
import io.cairn.admin.http.BlockingQueryLimit;
import io.cairn.admin.http.BodyLimit;
import io.cairn.admin.http.ConnectionClose;
import io.cairn.admin.http.ErrorResponses;
import io.cairn.admin.http.MethodNotAllowedRules;
import io.cairn.admin.http.RequestMetrics;
import io.cairn.admin.http.ScopeFilter;
import io.cairn.admin.http.TransportErrors;
import io.cairn.admin.http.WriteRateLimit;
import io.cairn.admin.intentions.IntentionsApi;
import io.cairn.admin.kv.KvApi;
import io.cairn.admin.kv.SessionApi;
import io.cairn.admin.kv.TxnApi;
import io.cairn.admin.status.HealthEndpoint;
import io.cairn.admin.status.MetricsEndpoint;
import io.cairn.admin.status.StatusApi;
import io.cairn.admin.ui.UiApi;
import io.cairn.admin.ui.UiAssets;
import io.cairn.admin.xds.XdsApi;
import io.cairn.ca.MeshCa;
import io.cairn.registry.Core;
import io.cairn.registry.Registry;
import io.cairn.registry.acl.Access;
import io.cairn.registry.acl.AclResolver;
import io.cairn.tls.ServerTls;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API: a Helidon SE web server whose routing registers one {@code HttpService} per
 * resource. Handlers run on virtual threads, so blocking queries simply wait.
 */
public final class AdminApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminApi.class);

  private final WebServer server;
  private final AtomicBoolean ready;

  private AdminApi(WebServer server, AtomicBoolean ready) {
    this.server = server;
    this.ready = ready;
  }

  /**
   * Starts listening; returns once the port is bound.
   *
   * @param tls when present, HTTPS with these (reloading) credentials
   */
  public static AdminApi start(
      AdminSettings settings, Core core, MeshCa mesh, Optional<ServerTls> tls, AdminHooks hooks) {
    AtomicBoolean ready = new AtomicBoolean(true);
    WebServer server =
        webServer(settings, core.meters(), tls)
            .routing(r -> routing(r, settings, core, mesh, ready::get, hooks))
            .build()
            .start();
    log.atInfo()
        .addKeyValue("address", settings.address())
        .addKeyValue("port", server.port())
        .addKeyValue(
            "acl",
            core.acl().enabled()
                ? "on, default policy " + core.acl().settings().defaultPolicy().text()
                : "off")
        .addKeyValue(
            "tls",
            tls.map(t -> t.mutual() ? "mTLS (client certificates required)" : "on").orElse("off"))
        .log("admin API listening");
    return new AdminApi(server, ready);
  }

  /**
   * The web server's settings: address, port, the body-size backstop, the header-size limit, JSON
   * errors for requests refused before routing, and no validation of response headers (ours are
   * constants and numbers; validating them cost 6% of a read).
   */
  public static WebServerConfig.Builder webServer(AdminSettings settings, MeterRegistry meters) {
    return webServer(settings, meters, Optional.empty());
  }

  /** The same, serving HTTPS when {@code tls} is present. */
  public static WebServerConfig.Builder webServer(
      AdminSettings settings, MeterRegistry meters, Optional<ServerTls> tls) {
    WebServerConfig.Builder builder =
        WebServer.builder()
            .host(settings.address())
            .port(settings.port())
            .maxPayloadSize(BodyLimit.backstop(settings.maxBodyBytes()))
            .maxTcpConnections(settings.limits().maxConnections())
            .directHandlers(TransportErrors.handlers(meters, settings.limits().maxHeaderBytes()))
            .addProtocol(
                Http1Config.builder()
                    .validateResponseHeaders(false)
                    .maxHeadersSize(settings.limits().maxHeaderBytes())
                    .build());
    // The context's key and trust managers follow file changes, so Helidon's own reload
    // (WebServer.reloadTls) is not needed.
    tls.ifPresent(
        t ->
            builder.tls(
                Tls.builder()
                    .sslContext(t.sslContext())
                    .clientAuth(t.mutual() ? TlsClientAuth.REQUIRED : TlsClientAuth.NONE)
                    .build()));
    return builder;
  }

  /**
   * The routing of the admin API; tests start a server with exactly this.
   *
   * @param mesh the CA and the process's leaves, shared with the xDS server
   */
  public static void routing(
      HttpRouting.Builder routing,
      AdminSettings settings,
      Core core,
      MeshCa mesh,
      java.util.function.BooleanSupplier ready,
      AdminHooks hooks) {
    Registry registry = core.registry();
    MeterRegistry meters = core.meters();
    String version = hooks.version();
    ConsulViews views = new ConsulViews(settings.node());
    routing.addFilter(new ConnectionClose()); // first, so the others see a normal return
    routing.addFilter(new RequestMetrics(meters));
    routing.addFilter(new BodyLimit(settings.maxBodyBytes()));
    routing.addFilter(new BlockingQueryLimit(settings.limits().maxBlockingQueries(), meters));
    routing.addFilter(new ScopeFilter(settings.node().datacenter()));
    if (settings.limits().limitsWrites()) {
      // Before the token check, so that a flood without a token is slowed down too.
      routing.addFilter(new WriteRateLimit(settings.limits(), meters));
    }
    AclResolver acl = core.acl();
    if (acl.enabled()) {
      routing.addFilter(new AclFilter(acl));
    }
    ErrorResponses.register(routing);
    MetricsEndpoint metrics = new MetricsEndpoint(hooks.scrape());
    // Health reads are the hot path: their routes come first, so matching finds them soonest.
    // Each path's other methods get 405 without a route written for it.
    MethodNotAllowedRules.routing(
        routing,
        rules ->
            rules
                .register("/v1/health", new HealthApi(registry, views))
                .register(
                    "/v1/catalog",
                    new CatalogApi(registry, views),
                    new CatalogRegistrationApi(registry, settings.node()))
                .register(
                    "/v1/agent/connect",
                    new AgentConnectApi(
                        registry, mesh, core.intentionsDefault(), Clock.systemUTC()))
                .register("/v1/connect/ca", new ConnectCaApi(registry, mesh.service()))
                .register(
                    "/v1/agent",
                    new AgentApi(
                        registry,
                        views,
                        new AgentSelf(settings.node(), version, hooks.xds()),
                        hooks.ttlReports()))
                .get(
                    "/v1/agent/metrics",
                    (req, res) -> {
                      RequestAcl.of(req).requireAgent(settings.node().name(), Access.READ);
                      metrics.send(res);
                    })
                .register("/v1/config", new ConfigApi(registry))
                .register("/v1/kv", new KvApi(registry))
                .register("/v1/txn", new TxnApi(registry))
                .register("/v1/session", new SessionApi(registry, settings.node().name()))
                .register(
                    "/v1/connect/intentions", new IntentionsApi(registry, core.intentionsDefault()))
                .register("/v1/status", new StatusApi(settings.node()))
                .register("/v1/acl", new AclApi(registry, acl.settings()))
                .register("/v1/xds", new XdsApi(hooks.proxies()))
                .register("/health", new HealthEndpoint(registry, ready))
                .register("/metrics", metrics)
                .register(
                    "/v1/internal/ui",
                    new UiApi(
                        registry,
                        settings.node(),
                        version,
                        core.intentionsDefault(),
                        acl.enabled()))
                .get("/", UiAssets::redirect)
                .get("/ui", UiAssets::redirect)
                .register("/ui", new UiAssets())
                .any(
                    (req, res) ->
                        ErrorResponses.send(
                            res,
                            404,
                            "no such endpoint: "
                                + req.prologue().method().text()
                                + " "
                                + req.path().path(),
                            List.of())));
  }

  public int port() {
    return server.port();
  }

  /** Stops accepting requests; requests in flight finish first. */
  @Override
  public void close() {
    ready.set(false);
    server.stop();
  }
}
