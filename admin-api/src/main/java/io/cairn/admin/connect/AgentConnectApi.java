package io.cairn.admin.connect;

import io.cairn.admin.acl.RequestAcl;
import io.cairn.admin.http.BlockingQuery;
import io.cairn.admin.http.Json;
import io.cairn.admin.http.QueryParams;
import io.cairn.admin.json.JsonFields;
import io.cairn.ca.CaService;
import io.cairn.ca.LeafCache;
import io.cairn.ca.MeshCa;
import io.cairn.ca.SpiffeId;
import io.cairn.registry.Registry;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.acl.Access;
import io.cairn.registry.ca.CaSetup;
import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.config.Intention;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.Problems;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * {@code /v1/agent/connect}: the roots as the agent serves them, a service's leaf certificate
 * (renewed before it expires; a blocking read returns the next one: it wakes when the leaf is
 * renewed or the CA changes, and renews it itself when it falls due), and {@code authorize}, which
 * answers whether a client certificate's service may call a target by the intentions. The leaves
 * are the process's one {@link LeafCache}, which sidecars are served from too.
 */
public final class AgentConnectApi implements HttpService {
  private static final Pattern COLON_HEX = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2})*");

  private final ConnectCaApi roots;
  private final Registry registry;
  private final CaService ca;
  private final LeafCache leaves;
  private final IntentionAction defaultPolicy;
  private final Clock clock;

  public AgentConnectApi(
      Registry registry, MeshCa mesh, IntentionAction defaultPolicy, Clock clock) {
    this.registry = registry;
    this.ca = mesh.service();
    this.roots = new ConnectCaApi(registry, ca);
    this.leaves = mesh.leaves();
    this.defaultPolicy = defaultPolicy;
    this.clock = clock;
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .get("/ca/roots", roots::roots)
        .get("/ca/leaf/{service}", this::leaf)
        .post("/authorize", this::authorize);
  }

  private void leaf(ServerRequest req, ServerResponse res) {
    String service = req.path().pathParameters().get("service");
    Problems p = new Problems();
    Names.serviceName(p, "service", service);
    p.throwIfAny();
    RequestAcl.of(req).requireService(service, Access.WRITE);
    LeafCache.Entry entry = leaves.leaf(service);
    OptionalLong index = QueryParams.nonNegativeLong(req, "index");
    if (index.isPresent() && index.getAsLong() == entry.index()) {
      entry = awaitChange(service, entry, BlockingQuery.waitOf(req));
    }
    BlockingQuery.headers(res, entry.index());
    Json.send(res, CaJson.leaf(entry.leaf(), entry.index()));
  }

  /**
   * The leaf once it differs from {@code seen}, or {@code seen} after {@code wait}: wakes when the
   * leaf is renewed or the CA changes, and at the leaf's renewal time, when this read renews it.
   */
  private LeafCache.Entry awaitChange(String service, LeafCache.Entry seen, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    LeafCache.Entry entry = seen;
    try {
      while (entry.index() == seen.index()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        // Taken before reading again, so a change in between completes it.
        CompletableFuture<Void> change = leaves.nextChange(service);
        entry = leaves.leaf(service);
        if (entry.index() != seen.index()) {
          break;
        }
        long untilDue = Duration.between(clock.instant(), entry.renewAt()).toNanos();
        try {
          change.get(Math.max(1, Math.min(left, untilDue)), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          // Due for renewal, or out of time: the loop decides.
        }
        entry = leaves.leaf(service);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException("a leaf change future never fails", e);
    }
    return entry;
  }

  /** Consul's {@code {"Authorized": bool, "Reason": "..."}}; needs write on the target. */
  private void authorize(ServerRequest req, ServerResponse res) {
    Problems p = new Problems();
    JsonFields body = JsonFields.of("", Json.body(req), p);
    String target = body.string("Target", "");
    String uri = body.string("ClientCertURI", "");
    // Consul checks the serial against no revocation list either; Cairn checks its form.
    body.string("ClientCertSerial")
        .filter(serial -> !serial.isEmpty() && !COLON_HEX.matcher(serial).matches())
        .ifPresent(
            serial ->
                p.add(
                    "ClientCertSerial",
                    "'" + serial + "' is not a colon-hex serial number such as '0a:1b:2c'"));
    body.defaultTenancy();
    body.rejectUnknown(Set.of());
    Names.serviceName(p, "Target", target);
    var id = SpiffeId.parse(uri);
    if (uri.isEmpty()) {
      p.add("ClientCertURI", "is required");
    } else if (id.isEmpty()) {
      p.add("ClientCertURI", "'" + uri + "' is not a service's SPIFFE ID");
    }
    p.throwIfAny();
    RequestAcl.of(req).requireService(target, Access.WRITE);
    CaSetup setup = ca.current().value();
    Map<String, Object> out = new LinkedHashMap<>();
    if (!id.get().trustDomain().equals(setup.trustDomain())) {
      out.put("Authorized", false);
      out.put(
          "Reason", "Client certificate from a different trust domain: " + id.get().trustDomain());
    } else {
      RegistrySnapshot s = registry.snapshot();
      boolean allowed = Intention.allows(intentions(s), id.get().service(), target, defaultPolicy);
      out.put("Authorized", allowed);
      out.put(
          "Reason",
          (allowed ? "Allowed" : "Denied")
              + " by the intentions from "
              + id.get().service()
              + " to "
              + target
              + " (default "
              + defaultPolicy.name().toLowerCase(Locale.ROOT)
              + ")");
    }
    Json.send(res, out);
  }

  private static List<Intention> intentions(RegistrySnapshot s) {
    return Intention.all(s.configEntries(ConfigEntryKind.SERVICE_INTENTIONS));
  }
}
