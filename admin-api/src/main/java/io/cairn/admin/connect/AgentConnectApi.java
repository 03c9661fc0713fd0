package io.cairn.admin.connect;

import io.cairn.admin.acl.RequestAcl;
import io.cairn.admin.http.BlockingQuery;
import io.cairn.admin.http.Json;
import io.cairn.admin.http.QueryParams;
import io.cairn.admin.json.JsonFields;
import io.cairn.ca.CaService;
import io.cairn.ca.LeafCache;
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
import java.util.regex.Pattern;

/**
 * {@code /v1/agent/connect}: the roots as the agent serves them, a service's leaf certificate
 * (renewed before it expires; a blocking read returns the next one), and {@code authorize}, which
 * answers whether a client certificate's service may call a target by the intentions.
 */
public final class AgentConnectApi implements HttpService {
  /** How many services' leaves are kept; beyond it the least recently asked are reissued. */
  static final int MAX_LEAVES = 10_000;

  private static final Duration POLL = Duration.ofSeconds(1);
  private static final Pattern COLON_HEX = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2})*");

  private final ConnectCaApi roots;
  private final Registry registry;
  private final CaService ca;
  private final LeafCache leaves;
  private final IntentionAction defaultPolicy;

  public AgentConnectApi(
      Registry registry,
      CaService ca,
      String datacenter,
      IntentionAction defaultPolicy,
      Clock clock) {
    this.registry = registry;
    this.ca = ca;
    this.roots = new ConnectCaApi(registry, ca);
    this.leaves = new LeafCache(() -> ca.current().value(), datacenter, clock, MAX_LEAVES);
    this.defaultPolicy = defaultPolicy;
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
      long deadline = System.nanoTime() + BlockingQuery.waitOf(req).toNanos();
      try {
        while (entry.index() == index.getAsLong() && System.nanoTime() < deadline) {
          long left = Math.min(POLL.toNanos(), deadline - System.nanoTime());
          Thread.sleep(Duration.ofNanos(Math.max(0, left)));
          entry = leaves.leaf(service);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    BlockingQuery.headers(res, entry.index());
    Json.send(res, CaJson.leaf(entry.leaf(), entry.index()));
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
