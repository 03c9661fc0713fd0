package io.cairn.xds.server;

import io.cairn.registry.ChangeEvent;
import io.cairn.registry.Registry;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.Subscription;
import io.cairn.xds.cache.ContentSnapshot;
import io.cairn.xds.cache.ProxylessSnapshots;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves xDS over gRPC: ADS plus the per-type services, state of the world and delta. Registry
 * changes are debounced (a quiet period, bounded by a maximum delay) and then become one new
 * snapshot. Every client currently shares the proxyless group; sidecar groups per service are to
 * come.
 */
public final class XdsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(XdsServer.class);
  static final String PROXYLESS = "proxyless";

  private final Registry registry;
  private final ProxyTracker tracker;
  private final SimpleCache<String> cache = new SimpleCache<>(node -> PROXYLESS);
  private final Server server;
  private final Subscription subscription;
  private final ScheduledExecutorService debounce =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("cairn-xds-debounce").factory());
  private final Duration quiet;
  private final Duration maxDelay;
  private final AtomicReference<ScheduledFuture<?>> pending = new AtomicReference<>();
  // Owned by the debounce thread.
  private final ProxylessSnapshots proxyless = new ProxylessSnapshots();
  private final Set<String> changed = new HashSet<>();
  private long firstPendingAt;

  private XdsServer(Registry registry, MeterRegistry meters, XdsSettings settings)
      throws IOException {
    this.registry = registry;
    this.tracker = new ProxyTracker(meters);
    this.quiet = settings.debounceQuiet();
    this.maxDelay = settings.debounceMax();
    V3DiscoveryServer discovery = new V3DiscoveryServer(tracker, cache);
    this.subscription = registry.subscribe(this::onChange);
    RegistrySnapshot start = subscription.startSnapshot();
    try {
      debounce.submit(() -> publish(start, true)).get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("first xDS snapshot failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building the first xDS snapshot", e);
    }
    this.server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(settings.address(), settings.port()),
                InsecureServerCredentials.create())
            .addService(discovery.getAggregatedDiscoveryServiceImpl())
            .addService(discovery.getClusterDiscoveryServiceImpl())
            .addService(discovery.getEndpointDiscoveryServiceImpl())
            .addService(discovery.getListenerDiscoveryServiceImpl())
            .addService(discovery.getRouteDiscoveryServiceImpl())
            .build()
            .start();
    log.atInfo()
        .addKeyValue("address", settings.address())
        .addKeyValue("port", server.getPort())
        .log("xDS listening");
  }

  public static XdsServer start(Registry registry, MeterRegistry meters, XdsSettings settings) {
    try {
      return new XdsServer(registry, meters, settings);
    } catch (IOException e) {
      throw new UncheckedIOException("xDS server could not listen", e);
    }
  }

  /** Connected xDS clients with their ACKed versions and last NACK. */
  public List<ProxyStatus> proxies() {
    return tracker.proxies();
  }

  public int port() {
    return server.getPort();
  }

  private void onChange(ChangeEvent event) {
    debounce.execute(
        () -> {
          changed.addAll(event.services());
          event.configEntries().forEach(k -> changed.add(k.name()));
          schedule();
        });
  }

  /** On the debounce thread: publish after a quiet period, but never later than the max delay. */
  private void schedule() {
    long now = System.nanoTime();
    ScheduledFuture<?> previous = pending.get();
    if (previous == null || previous.isDone()) {
      firstPendingAt = now;
    } else {
      previous.cancel(false);
    }
    long waited = now - firstPendingAt;
    long delay = Math.max(0, Math.min(quiet.toNanos(), maxDelay.toNanos() - waited));
    pending.set(
        debounce.schedule(() -> publish(registry.snapshot(), false), delay, TimeUnit.NANOSECONDS));
  }

  /** On the debounce thread: the snapshot with every change since the last publication. */
  private void publish(RegistrySnapshot snapshot, boolean full) {
    long started = System.nanoTime();
    ContentSnapshot built =
        full ? proxyless.rebuild(snapshot) : proxyless.update(snapshot, Set.copyOf(changed));
    changed.clear();
    cache.setSnapshot(PROXYLESS, built);
    log.atDebug()
        .addKeyValue("index", snapshot.index())
        .addKeyValue("build-ms", (System.nanoTime() - started) / 1_000_000)
        .log("xDS snapshot published");
  }

  @Override
  public void close() {
    subscription.close();
    debounce.shutdownNow();
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
