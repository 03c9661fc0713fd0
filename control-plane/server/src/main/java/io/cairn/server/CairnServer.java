package io.cairn.server;

import io.cairn.admin.AdminApi;
import io.cairn.admin.AdminHooks;
import io.cairn.ca.MeshCa;
import io.cairn.cluster.EtcdCluster;
import io.cairn.dns.DnsServer;
import io.cairn.health.CheckOwnership;
import io.cairn.health.HealthChecker;
import io.cairn.health.NetworkProber;
import io.cairn.registry.Core;
import io.cairn.registry.Registry;
import io.cairn.registry.SessionReaper;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.cairn.server.config.ServerSettings;
import io.cairn.server.config.StoreSettings;
import io.cairn.tls.ServerTls;
import io.cairn.xds.server.XdsServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Cairn: the durable store, the registry on top of it and the front ends reading from
 * it. Front ends start after the registry and stop before it, so every request they accepted is
 * answered before the store closes.
 */
public final class CairnServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CairnServer.class);

  private final Registry registry;
  private final AutoCloseable store;
  private final HealthChecker health;
  private final SessionReaper sessions;
  private final DnsServer dns;
  private final XdsServer xds;
  private final AdminApi admin;
  private final MeshCa mesh;
  private final Optional<ServerTls> tls;
  private final AtomicBoolean closed = new AtomicBoolean();

  private CairnServer(
      Registry registry,
      AutoCloseable store,
      HealthChecker health,
      SessionReaper sessions,
      DnsServer dns,
      XdsServer xds,
      AdminApi admin,
      MeshCa mesh,
      Optional<ServerTls> tls) {
    this.mesh = mesh;
    this.registry = registry;
    this.sessions = sessions;
    this.tls = tls;
    this.store = store;
    this.health = health;
    this.dns = dns;
    this.xds = xds;
    this.admin = admin;
  }

  /**
   * Opens the store (the data directory, or etcd joined as this node) and starts everything.
   *
   * @param scrape Prometheus text of every meter, for the metrics endpoint
   */
  public static CairnServer start(
      ServerSettings settings, MeterRegistry meters, Supplier<String> scrape, String version) {
    Optional<EtcdCluster> cluster =
        switch (settings.store()) {
          case StoreSettings.Embedded e -> Optional.empty();
          case StoreSettings.Etcd e ->
              Optional.of(EtcdCluster.join(e.etcd(), settings.node().name(), meters));
        };
    Registry registry =
        cluster
            .map(EtcdCluster::registry)
            .orElseGet(() -> Registry.open(SqliteStore.open(settings.dataDir()), meters));
    AutoCloseable store = cluster.isPresent() ? cluster.get() : registry;
    HealthChecker health = null;
    SessionReaper sessions = null;
    DnsServer dns = null;
    XdsServer xds = null;
    MeshCa mesh = null;
    Optional<ServerTls> tls = Optional.empty();
    try {
      // One set of credentials, watched once, serves both front ends.
      tls = settings.tls().files().map(ServerTls::start);
      Optional<ServerTls> adminTls = tls.filter(t -> settings.tls().admin());
      Optional<ServerTls> xdsTls = tls.filter(t -> settings.tls().xds());
      health =
          HealthChecker.start(
              registry,
              new NetworkProber(),
              meters,
              settings.health(),
              cluster.map(EtcdCluster::ownership).orElse(CheckOwnership.ALL));
      HealthChecker checker = health;
      sessions = SessionReaper.start(registry);
      cluster.ifPresent(c -> c.followTtlReports(checker::ttlReported));
      // One ACL resolver and one intentions default for every front end.
      Core core = Core.of(registry, meters, settings.acl(), settings.intentionsDefault());
      // One CA and one leaf per service, for sidecars and the HTTP API alike.
      mesh = MeshCa.start(registry, settings.node().datacenter(), Clock.systemUTC());
      dns = DnsServer.start(settings.dns(), core);
      xds = XdsServer.start(settings.xds(), core, mesh, xdsTls);
      AdminApi admin =
          AdminApi.start(
              settings.http(),
              core,
              mesh,
              adminTls,
              new AdminHooks(
                  checkId -> {
                    checker.ttlReported(checkId);
                    cluster.ifPresent(c -> c.reportTtl(checkId));
                  },
                  ProxyViews.of(xds),
                  scrape,
                  version,
                  AdminHooks.XdsPorts.of(xds.port(), xdsTls.isPresent())));
      return new CairnServer(registry, store, health, sessions, dns, xds, admin, mesh, tls);
    } catch (RuntimeException e) {
      if (xds != null) {
        xds.close();
      }
      if (dns != null) {
        dns.close();
      }
      if (mesh != null) {
        mesh.close();
      }
      if (health != null) {
        health.close();
      }
      if (sessions != null) {
        sessions.close();
      }
      tls.ifPresent(ServerTls::close);
      closeQuietly(store);
      throw e;
    }
  }

  public int xdsPort() {
    return xds.port();
  }

  public int httpPort() {
    return admin.port();
  }

  public int dnsPort() {
    return dns.udpPort();
  }

  public Registry registry() {
    return registry;
  }

  /** Stops the front ends, lets the writer finish queued commands, closes the store. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    log.info("stopping");
    admin.close();
    xds.close();
    dns.close();
    mesh.close();
    health.close();
    sessions.close();
    tls.ifPresent(ServerTls::close);
    closeQuietly(store);
    log.info("stopped");
  }

  /** Closes the registry, or for a cluster replica leaves the cluster and closes the registry. */
  private static void closeQuietly(AutoCloseable store) {
    try {
      store.close();
    } catch (Exception e) {
      log.warn("closing the store failed", e);
    }
  }
}
