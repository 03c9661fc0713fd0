package io.cairn.xds.server;

import io.cairn.ca.Leaf;
import io.cairn.ca.LeafCache;
import io.cairn.ca.MeshCa;
import io.cairn.registry.ChangeEvent;
import io.cairn.registry.Core;
import io.cairn.registry.Registry;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.Subscription;
import io.cairn.registry.acl.AclResolver;
import io.cairn.registry.acl.AclState;
import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.model.Locality;
import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.ValidationException;
import io.cairn.tls.ServerTls;
import io.cairn.xds.cache.ContentSnapshot;
import io.cairn.xds.cache.DownstreamKey;
import io.cairn.xds.cache.DownstreamSnapshots;
import io.cairn.xds.cache.ProxylessSnapshots;
import io.cairn.xds.cache.SidecarSnapshots;
import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.server.DefaultExecutorGroup;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.controlplane.server.serializer.DefaultProtoResourcesSerializer;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves xDS over gRPC: ADS plus the per-type services, state of the world and delta. Registry
 * changes are debounced (a quiet period, bounded by a maximum delay) and then become new snapshots.
 *
 * <p>Who gets what, by {@code node.id}: a registered connect proxy gets its sidecar configuration
 * (a snapshot shared by every sidecar registered alike, set under the proxy's own id so that a node
 * never changes group). An Envoy ({@code user_agent_name} envoy) with any other id gets a group of
 * its own with no snapshot: its requests wait until a proxy with its id registers. Everything else
 * (proxyless gRPC clients) shares one snapshot of every service, asked for by name; a proxyless
 * client whose {@code node.cluster} names a service, or whose {@code node.locality} has a region,
 * is grouped with the other clients of that service in that locality, and served the shared
 * snapshot with the service's UpstreamConfig applied to the clusters and the endpoints of resolvers
 * that prioritize by locality ordered for its locality ({@link DownstreamSnapshots}). A proxyless
 * node that names a certificate provider instance of its bootstrap in its metadata ({@code
 * CAIRN_CERTIFICATE_PROVIDER}) is grouped with the others naming the same one and dials
 * Connect-native services over mTLS; a gRPC server whose {@code node.cluster} is a registered
 * service is served its gRFC A36 Listener ({@link ServerListenerNames}). Those groups are bounded
 * (past the bound a client shares the plain snapshot) and released when their last stream ends.
 *
 * <p>Sidecars speak mutual TLS with leaves of the mesh CA, served as secrets on the same stream.
 * Their snapshots wait for the CA (set up on the first registered sidecar, off the builder's
 * thread); {@link LeafRenewals} issues and renews their services' leaves, each new leaf reaching
 * the snapshot builder through the leaf cache's listener, where it replaces those sidecars' secrets
 * and nothing else.
 *
 * <p>With ACLs on, each call presents a token in its metadata ({@code x-consul-token}, or {@code
 * authorization: Bearer}); an unknown token is refused, a sidecar's token needs {@code
 * service:write} on its service, and every response leaves out what the token cannot read ({@link
 * AclWatcher}). When ACLs change, the streams whose rights changed are ended, so their clients
 * reconnect and are served under the new rights. With ACLs off none of this is in the path.
 */
public final class XdsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(XdsServer.class);
  static final String PROXYLESS = "proxyless";
  private static final String SIDECAR = "sidecar:";
  private static final String DOWNSTREAM = "downstream:";

  /**
   * Most groups of proxyless clients by service and locality at once; others share the snapshot.
   */
  static final int MAX_DOWNSTREAM_GROUPS = 1024;

  /** A downstream group used this recently is not released (a watch may be on its way). */
  private static final long DOWNSTREAM_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Registry registry;
  private final ProxyTracker tracker;
  private final SimpleCache<String> cache = new SimpleCache<>(this::group);
  // Proxy ids with a published sidecar snapshot; replaced whole by the debounce thread.
  private volatile Set<String> sidecarIds = Set.of();
  // Groups of proxyless clients by node.cluster and node.locality, with when a request was last
  // grouped there.
  private final Map<DownstreamKey, Long> downstreams = new ConcurrentHashMap<>();
  private final Server server;
  private final Subscription subscription;
  private final Optional<AclStreams> aclStreams;
  private final StreamLimit streamLimit;
  // Owned by the subscription thread.
  private AclState lastAcl;
  private final ScheduledExecutorService debounce =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("cairn-xds-debounce").factory());
  private final Duration quiet;
  private final Duration maxDelay;
  private final AtomicReference<ScheduledFuture<?>> pending = new AtomicReference<>();
  // Whether a proxyless client is being served, and when a request was last grouped as one;
  // guarded by proxylessLock. Nothing is built for proxyless clients while none is connected.
  private final Object proxylessLock = new Object();
  private boolean proxylessOpen;
  private long proxylessUsedAt;
  // Owned by the debounce thread.
  private ProxylessSnapshots proxyless = new ProxylessSnapshots();
  private boolean proxylessBuilt;
  private final ProxylessRouteWarnings routeWarnings = new ProxylessRouteWarnings();
  private final SidecarSnapshots sidecars;
  private final DownstreamSnapshots downstream;
  private final LeafCache leaves;
  private final LeafRenewals renewals;
  private final Runnable stopListening;
  // Services with a new leaf not yet handed to the sidecars; guarded by itself.
  private final Set<String> issuedLeaves = new HashSet<>();
  // Owned by the debounce thread: the leaf index each sidecar service was last given.
  private final Map<String, Long> givenLeaves = new HashMap<>();
  private final Set<String> changed = new HashSet<>();
  // Owned by the debounce thread: the instances changed since the last publication.
  private final Set<String> changedInstances = new HashSet<>();
  private boolean rebuildAll;
  private RegistrySnapshot lastRegistry;
  private ContentSnapshot lastShared;
  private long firstPendingAt;

  private XdsServer(
      Registry registry,
      MeterRegistry meters,
      XdsSettings settings,
      IntentionAction intentionsDefault,
      MeshCa mesh,
      Optional<ServerTls> tls,
      AclResolver acl,
      List<DiscoveryServerCallbacks> observers)
      throws IOException {
    this.registry = registry;
    this.sidecars = new SidecarSnapshots(intentionsDefault, mesh.datacenter());
    this.downstream = new DownstreamSnapshots(intentionsDefault, mesh.datacenter());
    this.leaves = mesh.leaves();
    this.stopListening = leaves.listen((service, entry) -> leafIssued(service));
    this.renewals = new LeafRenewals(mesh, registry::snapshot, mesh.clock());
    this.tracker = new ProxyTracker(meters, this::streamEnded);
    this.streamLimit = new StreamLimit(settings.maxStreams(), meters);
    this.quiet = settings.debounceQuiet();
    this.maxDelay = settings.debounceMax();
    V3DiscoveryServer discovery;
    if (acl.enabled()) {
      AclGate gate = new AclGate(acl, registry::snapshot, meters);
      this.aclStreams = Optional.of(new AclStreams(gate));
      // ACL checks first: a refused request must not reach the tracker as the node's own.
      List<DiscoveryServerCallbacks> callbacks = new ArrayList<>();
      callbacks.add(new AclCallbacks(gate));
      callbacks.add(tracker);
      callbacks.addAll(observers);
      ConfigWatcher watcher = new AclWatcher(new ServerListenerNames(cache), gate);
      discovery = discoveryServer(callbacks, StreamNode.filling(new AnswerMissingNames(watcher)));
    } else {
      this.aclStreams = Optional.empty();
      List<DiscoveryServerCallbacks> callbacks = new ArrayList<>();
      callbacks.add(tracker);
      callbacks.addAll(observers);
      discovery =
          discoveryServer(
              callbacks,
              StreamNode.filling(new AnswerMissingNames(new ServerListenerNames(cache))));
    }
    this.subscription = registry.subscribe(this::onChange);
    RegistrySnapshot start = subscription.startSnapshot();
    this.lastAcl = start.acl();
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
                new InetSocketAddress(settings.address(), settings.port()), credentials(tls))
            .maxConcurrentCallsPerConnection(settings.maxStreamsPerConnection())
            .addService(tracked(discovery.getAggregatedDiscoveryServiceImpl()))
            .addService(tracked(discovery.getClusterDiscoveryServiceImpl()))
            .addService(tracked(discovery.getEndpointDiscoveryServiceImpl()))
            .addService(tracked(discovery.getListenerDiscoveryServiceImpl()))
            .addService(tracked(discovery.getRouteDiscoveryServiceImpl()))
            .addService(io.grpc.ServerInterceptors.intercept(new NoLoadReports(), streamLimit))
            .build()
            .start();
    log.atInfo()
        .addKeyValue("address", settings.address())
        .addKeyValue("port", server.getPort())
        .addKeyValue(
            "tls",
            tls.map(t -> t.mutual() ? "mTLS (client certificates required)" : "on").orElse("off"))
        .addKeyValue("acl", acl.enabled() ? "on" : "off")
        .log("xDS listening");
  }

  /** Plaintext, or TLS whose managers follow the files (the server never needs rebuilding). */
  private static ServerCredentials credentials(Optional<ServerTls> tls) {
    if (tls.isEmpty()) {
      return InsecureServerCredentials.create();
    }
    ServerTls t = tls.get();
    TlsServerCredentials.Builder creds =
        TlsServerCredentials.newBuilder().keyManager(t.keyManager());
    t.trustManager()
        .ifPresent(
            trust -> creds.trustManager(trust).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE));
    return creds.build();
  }

  /**
   * Followed by the tracker; under ACLs, the token is read first; before all, the stream limit (the
   * last interceptor runs first), so a refused stream costs nothing more.
   */
  private io.grpc.ServerServiceDefinition tracked(io.grpc.BindableService service) {
    if (aclStreams.isPresent()) {
      return io.grpc.ServerInterceptors.intercept(
          service, StreamNode.interceptor(), tracker.interceptor(), aclStreams.get(), streamLimit);
    }
    return io.grpc.ServerInterceptors.intercept(
        service, StreamNode.interceptor(), tracker.interceptor(), streamLimit);
  }

  /**
   * Starts serving; returns once the port is bound and the first snapshot is published.
   *
   * @param core the registry, meters, ACL resolver (when off, everyone is served everything) and
   *     what sidecars do with connections no intention applies to
   * @param mesh the CA and the leaves sidecars are given (shared with the HTTP API)
   * @param tls when present, serve over TLS with these (reloading) credentials
   */
  public static XdsServer start(
      XdsSettings settings, Core core, MeshCa mesh, Optional<ServerTls> tls) {
    return start(settings, core, mesh, tls, List.of());
  }

  /**
   * As {@link #start(XdsSettings, Core, MeshCa, Optional)}, with callbacks that also see every
   * request and response (after the ACL check and the tracker); the tests check every response with
   * them.
   */
  static XdsServer start(
      XdsSettings settings,
      Core core,
      MeshCa mesh,
      Optional<ServerTls> tls,
      List<DiscoveryServerCallbacks> observers) {
    try {
      return new XdsServer(
          core.registry(),
          core.meters(),
          settings,
          core.intentionsDefault(),
          mesh,
          tls,
          core.acl(),
          observers);
    } catch (IOException e) {
      throw new UncheckedIOException("xDS server could not listen", e);
    }
  }

  /** Connected xDS clients with their ACKed versions and last NACK. */
  public List<ProxyStatus> proxies() {
    return tracker.proxies(this::kind);
  }

  /**
   * The watches the cache holds for {@code node}'s group: the library's state for its open streams,
   * which must go when a stream ends.
   */
  int watchCount(Node node) {
    var status = cache.statusInfo(group(node));
    return status == null ? 0 : status.numWatches();
  }

  /** Streams open now, as the stream limit counts them. */
  int openStreams() {
    return streamLimit.open();
  }

  /** How many node groups the cache holds state for: open watches, or a sidecar's snapshot. */
  int groupCount() {
    Set<String> held = new HashSet<>(cache.groups());
    sidecarIds.forEach(id -> held.add(SIDECAR + id));
    downstreams.keySet().forEach(s -> held.add(DOWNSTREAM + s.name()));
    return held.size();
  }

  /** Whether the shared proxyless snapshot is built and published (only while clients need it). */
  boolean holdsProxylessSnapshot() {
    return cache.getSnapshot(PROXYLESS) != null;
  }

  /**
   * Whether the cache holds anything (watch state or a snapshot) for the sidecar group of an id.
   */
  boolean holdsSidecarGroup(String nodeId) {
    String group = SIDECAR + nodeId;
    return cache.groups().contains(group) || cache.getSnapshot(group) != null;
  }

  /**
   * Sidecars and Envoys by node id; proxyless clients by the service they name in {@code
   * node.cluster} (whose UpstreamConfig then applies to their clusters) and their {@code
   * node.locality} (for resolvers that prioritize by locality), or all together.
   */
  private String group(Node node) {
    if (sidecarIds.contains(node.getId()) || isEnvoy(node)) {
      return SIDECAR + node.getId();
    }
    proxylessUsed();
    Optional<DownstreamKey> downstream = downstreamOf(node);
    if (downstream.isEmpty()) {
      return PROXYLESS;
    }
    DownstreamKey key = downstream.get();
    long now = System.nanoTime();
    if (downstreams.computeIfPresent(key, (k, t) -> now) != null) {
      return DOWNSTREAM + key.name();
    }
    if (downstreams.size() >= MAX_DOWNSTREAM_GROUPS) {
      return PROXYLESS;
    }
    if (downstreams.putIfAbsent(key, now) == null) {
      try {
        debounce.execute(() -> openDownstream(key));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
    return DOWNSTREAM + key.name();
  }

  /**
   * A proxyless client's group beyond the shared one: by the service it names (only a name a
   * service can have: anything else could not carry an UpstreamConfig) and where it runs.
   */
  static Optional<DownstreamKey> downstreamOf(Node node) {
    String service = Names.isDnsLabel(node.getCluster()) ? node.getCluster() : "";
    Optional<Locality> locality = Optional.empty();
    var l = node.getLocality();
    if (!l.getRegion().isEmpty()) {
      try {
        locality = Optional.of(new Locality(l.getRegion(), l.getZone()));
      } catch (ValidationException e) {
        // Not a locality an instance could have: none of them is nearer than another.
      }
    }
    Optional<String> provider = certificateProvider(node);
    if (service.isEmpty() && locality.isEmpty() && provider.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new DownstreamKey(service, locality, provider));
  }

  /**
   * The certificate provider instance a node's bootstrap defines and names in its metadata ({@value
   * DownstreamKey#CERTIFICATE_PROVIDER}): its opt-in to mTLS. Anything but a non-empty string of at
   * most {@value DownstreamKey#MAX_PROVIDER_LENGTH} characters is no opt-in.
   */
  static Optional<String> certificateProvider(Node node) {
    var value = node.getMetadata().getFieldsMap().get(DownstreamKey.CERTIFICATE_PROVIDER);
    if (value == null || !value.hasStringValue()) {
      return Optional.empty();
    }
    String name = value.getStringValue();
    return name.isEmpty() || name.length() > DownstreamKey.MAX_PROVIDER_LENGTH
        ? Optional.empty()
        : Optional.of(name);
  }

  /**
   * A request from a proxyless client is being grouped: the first since none was served has the
   * proxyless snapshot built (its watch waits for it, as for any group without a snapshot yet).
   */
  private void proxylessUsed() {
    synchronized (proxylessLock) {
      proxylessUsedAt = System.nanoTime();
      if (proxylessOpen) {
        return;
      }
      proxylessOpen = true;
    }
    try {
      debounce.execute(this::openProxyless);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  /**
   * On the debounce thread: builds the proxyless snapshot of the last published registry snapshot;
   * later publications update it from the names that changed since.
   */
  private void openProxyless() {
    if (proxylessBuilt) {
      return;
    }
    long started = System.nanoTime();
    ContentSnapshot built = proxyless.rebuild(lastRegistry);
    proxylessBuilt = true;
    cache.setSnapshot(PROXYLESS, built);
    // Service groups are opened from the shared snapshot last published to them.
    downstream
        .update(lastRegistry, built)
        .forEach((s, d) -> cache.setSnapshot(DOWNSTREAM + s.name(), d));
    lastShared = built;
    log.atInfo()
        .addKeyValue("services", lastRegistry.serviceNames().size())
        .addKeyValue("build-ms", (System.nanoTime() - started) / 1_000_000)
        .log("first proxyless client: proxyless snapshot built");
  }

  /**
   * On the debounce thread: once no proxyless client has been served for the grace period (no watch
   * on the shared group, no service group, no request lately), drops the proxyless snapshot and
   * stops building it; the next proxyless client builds it again.
   */
  private void releaseProxyless() {
    if (!proxylessBuilt || !downstreams.isEmpty()) {
      return;
    }
    synchronized (proxylessLock) {
      if (System.nanoTime() - proxylessUsedAt < DOWNSTREAM_GRACE_NANOS) {
        return;
      }
      var status = cache.statusInfo(PROXYLESS);
      if (status != null && status.numWatches() > 0) {
        return;
      }
      if (!cache.clearSnapshot(PROXYLESS)) {
        return; // a watch arrived; its stream's end comes back here
      }
      proxylessOpen = false;
    }
    proxylessBuilt = false;
    proxyless = new ProxylessSnapshots();
    lastShared = null;
    log.atInfo().log("no proxyless client left: proxyless snapshot released");
  }

  /** On the debounce thread: the first snapshot of a group of proxyless clients. */
  private void openDownstream(DownstreamKey key) {
    String group = DOWNSTREAM + key.name();
    if (downstreams.containsKey(key) && cache.getSnapshot(group) == null) {
      cache.setSnapshot(group, downstream.track(lastRegistry, lastShared, key));
    }
  }

  /**
   * On the debounce thread: drops a group of proxyless clients once no stream watches it and no
   * request was grouped there lately; otherwise looks again later.
   */
  private void releaseDownstream(DownstreamKey service) {
    String group = DOWNSTREAM + service.name();
    if (!downstreams.containsKey(service)) {
      return;
    }
    var status = cache.statusInfo(group);
    if (status != null && status.numWatches() > 0) {
      return; // that stream's end comes back here
    }
    boolean[] recent = {false};
    // Under the map's lock for this service, so a request grouped here meanwhile either came first
    // (and is recent) or comes after and opens the group again.
    downstreams.computeIfPresent(
        service,
        (k, at) -> {
          if (System.nanoTime() - at < DOWNSTREAM_GRACE_NANOS) {
            recent[0] = true;
            return at;
          }
          if (!cache.clearSnapshot(group)) {
            return at; // a watch arrived; its stream's end comes back here
          }
          downstream.forget(service);
          return null;
        });
    if (recent[0]) {
      debounce.schedule(
          () -> releaseDownstream(service), DOWNSTREAM_GRACE_NANOS, TimeUnit.NANOSECONDS);
    }
  }

  private String kind(Node node) {
    if (sidecarIds.contains(node.getId())) {
      return "sidecar";
    }
    return isEnvoy(node) ? "unregistered" : "proxyless";
  }

  private static boolean isEnvoy(Node node) {
    return node.getUserAgentName().equals("envoy");
  }

  /**
   * A cluster whose service lost its last instance leaves the snapshot, but gRPC clients ignore the
   * deletion of Listeners and Clusters (gRFC A88) and keep watching its endpoints, and
   * java-control-plane answers none of a client's endpoint requests while one watched name is
   * missing: changes to every other service stopped reaching that client. A watched name that is
   * not in the snapshot is therefore answered with an empty ClusterLoadAssignment.
   */
  private static V3DiscoveryServer discoveryServer(
      List<DiscoveryServerCallbacks> callbacks, ConfigWatcher watcher) {
    return new V3DiscoveryServer(
        callbacks,
        watcher,
        new DefaultExecutorGroup(),
        new DefaultProtoResourcesSerializer(),
        () -> true);
  }

  public int port() {
    return server.getPort();
  }

  private void onChange(ChangeEvent event) {
    AclState acl = event.snapshot().acl();
    if (acl != lastAcl) {
      lastAcl = acl;
      aclStreams.ifPresent(AclStreams::reviewAll);
    }
    debounce.execute(
        () -> {
          changed.addAll(event.services());
          changedInstances.addAll(event.instances());
          event.configEntries().forEach(k -> changed.add(k.name()));
          // proxy-defaults' protocol is every service's default.
          rebuildAll |=
              event.configEntries().stream()
                  .anyMatch(k -> k.kind() == ConfigEntryKind.PROXY_DEFAULTS);
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
    Set<String> changedNames = Set.copyOf(changed);
    changed.clear();
    Set<String> instances = Set.copyOf(changedInstances);
    changedInstances.clear();
    full |= rebuildAll;
    rebuildAll = false;
    if (proxylessBuilt) {
      ContentSnapshot built =
          full ? proxyless.rebuild(snapshot) : proxyless.update(snapshot, changedNames);
      cache.setSnapshot(PROXYLESS, built);
      (full ? downstream.update(snapshot, built) : downstream.update(snapshot, built, changedNames))
          .forEach((s, d) -> cache.setSnapshot(DOWNSTREAM + s.name(), d));
      lastShared = built;
    }
    routeWarnings.check(
        snapshot,
        full
            ? snapshot.configEntries(ConfigEntryKind.SERVICE_ROUTER).stream()
                .map(e -> e.value().key().name())
                .toList()
            : changedNames);
    // Groups idle past the grace period (a client that changed its node.cluster leaves one).
    long now = System.nanoTime();
    downstreams.forEach(
        (service, used) -> {
          if (now - used >= DOWNSTREAM_GRACE_NANOS) {
            releaseDownstream(service);
          }
        });
    releaseProxyless();
    lastRegistry = snapshot;
    SidecarSnapshots.Update update =
        full ? sidecars.rebuild(snapshot) : sidecars.update(snapshot, changedNames, instances);
    Set<String> services = sidecars.services();
    givenLeaves.keySet().retainAll(services);
    // Leaves issued meanwhile (or before, for the HTTP API) go with the first snapshot.
    SidecarSnapshots.Update withLeaves = sidecars.leaves(newLeaves(services));
    Map<String, ContentSnapshot> published = new HashMap<>(update.snapshots());
    published.putAll(withLeaves.snapshots());
    // A snapshot is set before its id joins the set, so a node is never grouped without one.
    published.forEach((id, s) -> cache.setSnapshot(SIDECAR + id, s));
    Set<String> ids = new HashSet<>(sidecarIds);
    ids.addAll(published.keySet());
    ids.removeAll(update.removed());
    sidecarIds = Set.copyOf(ids);
    renewals.follow(services, snapshot.ca());
    // A deregistered proxy that is still connected keeps its last configuration until it goes.
    update.removed().forEach(this::releaseUnregistered);
    log.atDebug()
        .addKeyValue("index", snapshot.index())
        .addKeyValue("sidecars", published.size())
        .addKeyValue("build-ms", (System.nanoTime() - started) / 1_000_000)
        .log("xDS snapshot published");
  }

  /** A new leaf, on the thread that issued it: handed to the sidecars on the debounce thread. */
  private void leafIssued(String service) {
    synchronized (issuedLeaves) {
      if (!issuedLeaves.add(service) || issuedLeaves.size() > 1) {
        return; // a hand-over is already on its way and takes this one too
      }
    }
    try {
      debounce.execute(this::giveLeaves);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  /** On the debounce thread: the sidecars of services with new leaves get them, and only them. */
  private void giveLeaves() {
    Set<String> issued;
    synchronized (issuedLeaves) {
      issued = Set.copyOf(issuedLeaves);
      issuedLeaves.clear();
    }
    Set<String> wanted = new HashSet<>(sidecars.services());
    wanted.retainAll(issued);
    SidecarSnapshots.Update update = sidecars.leaves(newLeaves(wanted));
    update.snapshots().forEach((id, s) -> cache.setSnapshot(SIDECAR + id, s));
  }

  /**
   * On the debounce thread: the held leaves of {@code services} not yet given to their sidecars.
   */
  private Map<String, Leaf> newLeaves(Set<String> services) {
    Map<String, Leaf> out = new HashMap<>();
    for (String service : services) {
      leaves
          .held(service)
          .ifPresent(
              e -> {
                Long given = givenLeaves.get(service);
                if (given == null || given != e.index()) {
                  givenLeaves.put(service, e.index());
                  out.put(service, e.leaf());
                }
              });
    }
    return out;
  }

  /** A stream ended: its node's group may no longer be needed (decided on the debounce thread). */
  private void streamEnded(Node node) {
    try {
      debounce.execute(() -> releaseUnregistered(node.getId()));
      downstreamOf(node).ifPresent(key -> debounce.execute(() -> releaseDownstream(key)));
      debounce.schedule(this::releaseProxyless, DOWNSTREAM_GRACE_NANOS, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing: the cache goes with the server
    }
  }

  /**
   * On the debounce thread, which alone publishes sidecar snapshots (so a proxy registering now
   * cannot lose its new snapshot here): drops the group of an id that is no registered proxy,
   * unless a stream still watches it; that stream's end comes back here.
   */
  private void releaseUnregistered(String proxyId) {
    if (sidecarIds.contains(proxyId)) {
      return;
    }
    String group = SIDECAR + proxyId;
    var status = cache.statusInfo(group);
    if (status == null ? cache.getSnapshot(group) != null : status.numWatches() == 0) {
      cache.clearSnapshot(group);
    }
  }

  @Override
  public void close() {
    subscription.close();
    stopListening.run();
    renewals.close();
    debounce.shutdownNow();
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
