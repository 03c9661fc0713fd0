package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Write load over HTTP from several clients (registrations, deregistrations, TTL check updates,
 * config entries), remembering every operation's outcome per key so that a state read later can be
 * checked: each key must hold what its last acknowledged operation left, or what a later operation
 * whose outcome is unknown (a 5xx or a dropped connection) would have left.
 */
final class StoreWorkload implements AutoCloseable {
  static final int CLIENTS = 16;
  private static final int KEYS_PER_CLIENT = 8;
  static final String ABSENT = "<absent>";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ObjectMapper mapper = new ObjectMapper();
  private final int port;
  private final int clientCount;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> clients = new ArrayList<>();
  private final Map<String, List<Op>> history = new ConcurrentHashMap<>();
  final AtomicInteger acknowledged = new AtomicInteger();
  final AtomicInteger refused = new AtomicInteger();
  final AtomicInteger rejected = new AtomicInteger();
  private final AtomicInteger sequence = new AtomicInteger();

  /** One operation on a key: the state it leaves, and whether it was acknowledged. */
  record Op(String state, Outcome outcome) {}

  enum Outcome {
    /** 200: applied and durable. */
    ACKNOWLEDGED,
    /** 4xx: not applied (a deregistration of an absent instance confirms the absence). */
    NOT_APPLIED,
    /** 5xx or no answer: may or may not have been applied. */
    UNKNOWN
  }

  StoreWorkload(int port) {
    this(port, CLIENTS);
  }

  StoreWorkload(int port, int clients) {
    this.port = port;
    this.clientCount = clients;
  }

  /** Registers the instances whose TTL checks the load updates, before any fault. */
  void prepare() throws Exception {
    for (int c = 0; c < clientCount; c++) {
      String id = "chk-" + c;
      int status =
          put(
              "/v1/agent/service/register",
              "{\"ID\":\"" + id + "\",\"Name\":\"checked\",\"Port\":1,\"Check\":{\"TTL\":\"1h\"}}");
      if (status != 200) {
        throw new AssertionError("preparing " + id + ": HTTP " + status);
      }
    }
  }

  void start() {
    for (int c = 0; c < clientCount; c++) {
      int client = c;
      clients.add(Thread.ofVirtual().name("load-" + c).start(() -> run(client)));
    }
  }

  private void run(int client) {
    for (int i = 0; !stop.get(); i++) {
      int seq = sequence.incrementAndGet();
      String instance = "c" + client + "-" + (i % KEYS_PER_CLIENT);
      switch (i % 5) {
        case 0, 1 ->
            record(
                "svc:" + instance,
                "port=" + seq,
                put(
                    "/v1/agent/service/register",
                    "{\"ID\":\""
                        + instance
                        + "\",\"Name\":\"load-"
                        + (client % 4)
                        + "\",\"Port\":"
                        + seq
                        + "}"));
        case 2 ->
            record("svc:" + instance, ABSENT, put("/v1/agent/service/deregister/" + instance, ""));
        case 3 ->
            record(
                "check:chk-" + client,
                "note-" + seq,
                put("/v1/agent/check/pass/service:chk-" + client + "?note=note-" + seq, ""));
        default -> {
          String name = "cfg-" + client;
          if (i % 10 == 4) {
            record("cfg:" + name, ABSENT, delete("/v1/config/service-defaults/" + name));
          } else {
            String protocol = seq % 2 == 0 ? "http" : "grpc";
            record(
                "cfg:" + name,
                protocol,
                put(
                    "/v1/config",
                    "{\"Kind\":\"service-defaults\",\"Name\":\""
                        + name
                        + "\",\"Protocol\":\""
                        + protocol
                        + "\"}"));
          }
        }
      }
    }
  }

  private void record(String key, String state, int status) {
    Outcome outcome;
    if (status == 200) {
      outcome = Outcome.ACKNOWLEDGED;
      acknowledged.incrementAndGet();
    } else if (status == 404 && state.equals(ABSENT)) {
      // Deregistering or deleting something absent: confirms the absence.
      outcome = Outcome.ACKNOWLEDGED;
      acknowledged.incrementAndGet();
    } else if (status >= 400 && status < 500) {
      outcome = Outcome.NOT_APPLIED;
      rejected.incrementAndGet();
    } else {
      outcome = Outcome.UNKNOWN;
      refused.incrementAndGet();
    }
    history.computeIfAbsent(key, k -> new ArrayList<>()).add(new Op(state, outcome));
  }

  int put(String path, String body) {
    return send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private int delete(String path) {
    return send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .DELETE()
            .build());
  }

  private int send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (java.io.IOException e) {
      return 599; // no answer: the outcome is unknown
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 599;
    }
  }

  void stop() throws InterruptedException {
    stop.set(true);
    for (Thread t : clients) {
      t.join(Duration.ofSeconds(60));
    }
  }

  /**
   * Every key's state as {@code port} serves it: instances by port, check outputs, config entry
   * protocols, plus the catalog's index under {@code "index"} and the registry's under {@code
   * "registry-index"}.
   */
  static Map<String, String> read(HttpClient http, ObjectMapper mapper, int port) throws Exception {
    Map<String, String> state = new TreeMap<>();
    JsonNode services = get(http, mapper, port, "/v1/agent/services");
    services
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getKey().startsWith("c")) {
                state.put("svc:" + e.getKey(), "port=" + e.getValue().path("Port").asInt());
              }
            });
    JsonNode checks = get(http, mapper, port, "/v1/agent/checks");
    checks
        .fields()
        .forEachRemaining(
            e -> {
              String serviceId = e.getValue().path("ServiceID").asText();
              if (serviceId.startsWith("chk-")) {
                state.put(
                    "check:" + serviceId,
                    e.getValue().path("Output").asText() + "/" + e.getValue().path("Status"));
              }
            });
    for (JsonNode entry : get(http, mapper, port, "/v1/config/service-defaults")) {
      state.put("cfg:" + entry.path("Name").asText(), entry.path("Protocol").asText());
    }
    HttpResponse<String> catalog =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/catalog/services"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    state.put("index", catalog.headers().firstValue("X-Consul-Index").orElse("?"));
    state.put("registry-index", get(http, mapper, port, "/health/live").path("Index").asText());
    return state;
  }

  private static JsonNode get(HttpClient http, ObjectMapper mapper, int port, String path)
      throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError("GET " + path + ": HTTP " + response.statusCode());
    }
    return new ObjectMapper().readTree(response.body());
  }

  /**
   * Checks {@code state} (as {@link #read} returns it) against every key's history.
   *
   * @return the problems found, empty when every key holds an allowed state
   */
  List<String> check(Map<String, String> state) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, List<Op>> e : history.entrySet()) {
      String key = e.getKey();
      Set<String> allowed = allowedStates(e.getValue());
      if (allowed.isEmpty()) {
        continue; // nothing about this key is known
      }
      String actual = Optional.ofNullable(state.get(key)).orElse(ABSENT);
      if (key.startsWith("check:")) {
        actual = actual.substring(0, Math.max(0, actual.indexOf('/')));
        if (actual.isEmpty()) {
          actual = ABSENT;
        }
      }
      if (!allowed.contains(actual)) {
        problems.add(key + " is " + actual + ", expected one of " + allowed);
      }
    }
    return problems;
  }

  /**
   * What the last acknowledged operation left, and what each later operation of unknown outcome
   * would have left; empty if no operation was acknowledged and none may have been applied.
   */
  static Set<String> allowedStates(List<Op> ops) {
    Set<String> allowed = new HashSet<>();
    int lastAck = -1;
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i).outcome() == Outcome.ACKNOWLEDGED) {
        lastAck = i;
      }
    }
    if (lastAck < 0) {
      return Set.of();
    }
    allowed.add(ops.get(lastAck).state());
    for (int i = lastAck + 1; i < ops.size(); i++) {
      if (ops.get(i).outcome() == Outcome.UNKNOWN) {
        allowed.add(ops.get(i).state());
      }
    }
    return allowed;
  }

  /** Keys whose state is known from an acknowledged operation. */
  int checkedKeys() {
    return (int) history.values().stream().filter(ops -> !allowedStates(ops).isEmpty()).count();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
