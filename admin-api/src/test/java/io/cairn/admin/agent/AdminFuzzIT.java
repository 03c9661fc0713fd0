package io.cairn.admin.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.admin.AdminServer;
import io.cairn.admin.JsonSeeds;
import io.cairn.admin.JsonTreeMutator;
import io.cairn.admin.config.ConfigEntryJson;
import io.cairn.admin.http.Json;
import io.cairn.admin.json.JsonFields;
import io.cairn.registry.InMemoryStore;
import io.cairn.registry.Registry;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.fuzz.FuzzRun;
import io.cairn.registry.fuzz.Mutator;
import io.cairn.registry.fuzz.ThreadCounts;
import io.cairn.registry.validation.Problems;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutated bodies and filters against a live admin API: every answer is 200 or a 4xx with the JSON
 * error body, never a 500; the registry holds exactly what the accepted requests wrote (replayed
 * through the decoders into a second registry); and the server still registers afterwards.
 */
class AdminFuzzIT {
  private static final Set<Integer> REJECTIONS = Set.of(400, 404, 405, 413);

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  @Timeout(120)
  void hostileBodiesAndFiltersGet4xxAndLeaveTheRegistryConsistent() throws Exception {
    try (AdminServer api = AdminServer.start();
        Registry replay = Registry.open(new InMemoryStore(), new SimpleMeterRegistry())) {
      // The baseline after this client's first request, so its own pool threads are in it.
      assertThat(send(api, "GET", "/v1/agent/services", null)).isEqualTo(200);
      int baseline = ThreadCounts.live();
      java.util.Set<String> before = ThreadCounts.names();
      List<byte[]> acceptedRegistrations = new ArrayList<>();
      List<byte[]> acceptedConfig = new ArrayList<>();

      FuzzRun registrations = FuzzRun.of("http-registration", 20261124L, 600);
      registrations.run(
          seed -> new JsonTreeMutator(seed, JsonSeeds.REGISTRATIONS),
          body -> {
            int status = send(api, "PUT", "/v1/agent/service/register", body);
            if (status == 200) {
              acceptedRegistrations.add(body);
            }
            return String.valueOf(status);
          });
      FuzzRun config = FuzzRun.of("http-config", 20261125L, 400);
      config.run(
          seed -> new JsonTreeMutator(seed, JsonSeeds.CONFIG_ENTRIES),
          body -> {
            int status = send(api, "PUT", "/v1/config", body);
            if (status == 200) {
              acceptedConfig.add(body);
            }
            return String.valueOf(status);
          });
      FuzzRun checks = FuzzRun.of("http-check", 20261126L, 200);
      checks.run(
          seed -> new JsonTreeMutator(seed, JsonSeeds.CHECKS),
          body -> String.valueOf(send(api, "PUT", "/v1/agent/check/register", body)));
      FuzzRun intentions = FuzzRun.of("http-intention", 20261127L, 200);
      intentions.run(
          seed -> new JsonTreeMutator(seed, JsonSeeds.INTENTIONS),
          body ->
              String.valueOf(
                  send(
                      api,
                      "PUT",
                      "/v1/connect/intentions/exact?source=web&destination=api",
                      body)));
      FuzzRun filters = FuzzRun.of("http-filter", 20261128L, 400);
      filters.run(
          seed ->
              Mutator.ofText(
                  new Random(seed),
                  List.of(
                      "Service.Port == 8080", "\"v1\" in Service.Tags", "Checks.Status == passing"),
                  List.of(" and ", " or ", "(", ")", "not ", "matches ", "\"")),
          filter -> {
            String q =
                URLEncoder.encode(
                    new String(filter, StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            return String.valueOf(rawGet(api, "/v1/health/service/web?filter=" + q));
          });

      // The live registry equals the accepted requests replayed through the decoders.
      for (byte[] body : acceptedRegistrations) {
        replay.apply(
            RegistrationDecoder.decode(
                JsonFields.of("", Json.tree(body), new Problems()),
                "127.0.0.1",
                AdminServer.NODE.datacenter(),
                false));
      }
      for (byte[] body : acceptedConfig) {
        replay.apply(
            PutConfigEntry.of(
                ConfigEntryJson.decode(JsonFields.of("", Json.tree(body), new Problems()))));
      }
      assertThat(instances(api.registry().snapshot())).isEqualTo(instances(replay.snapshot()));
      assertThat(configKeys(api.registry().snapshot())).isEqualTo(configKeys(replay.snapshot()));
      assertThat(acceptedRegistrations).isNotEmpty();

      AdminServer.Reply ok =
          api.put(
              "/v1/agent/service/register",
              "{\"ID\":\"after-fuzz\",\"Name\":\"after\",\"Port\":1,\"Address\":\"10.9.9.9\"}");
      assertThat(ok.status()).isEqualTo(200);
      assertThat(api.get("/v1/agent/service/after-fuzz").status()).isEqualTo(200);
      int after = ThreadCounts.settleTo(baseline, 4, Duration.ofSeconds(10));
      java.util.Set<String> added = new java.util.TreeSet<>(ThreadCounts.names());
      added.removeAll(before);
      System.out.printf("admin threads: baseline=%d after=%d new=%s%n", baseline, after, added);
      assertThat(after).isLessThanOrEqualTo(baseline + 4);
    }
  }

  /** The status; a 500 or a rejection without the JSON error body fails the run. */
  private int send(AdminServer api, String method, String path, byte[] body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 414 || r.statusCode() == 431) {
      return r.statusCode(); // Helidon's own, before routing: a URI or headers over its limits
    }
    if (r.statusCode() != 200) {
      assertThat(REJECTIONS)
          .as("status of %s %s: %s", method, path, r.body())
          .contains(r.statusCode());
      JsonNode error = AdminServer.parse(r.body());
      assertThat(error.get("StatusCode").asInt()).isEqualTo(r.statusCode());
      assertThat(error.get("Error").asText()).isNotBlank();
    }
    return r.statusCode();
  }

  /**
   * A GET on its own connection: after a 414 Helidon closes the connection, which a pooling client
   * would then reuse and read EOF from.
   */
  private static int rawGet(AdminServer api, String path) throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", api.port())) {
      s.setSoTimeout(30_000);
      try {
        s.getOutputStream()
            .write(
                ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
      } catch (java.net.SocketException e) {
        if (path.length() > 4096) {
          return 414; // closed by the server before the request line ended, as below
        }
        throw e;
      }
      java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int c;
        try {
          c = in.read();
        } catch (java.net.SocketException e) {
          c = -1; // reset: the server closed with our request unread
        }
        if (c < 0 && head.isEmpty() && path.length() > 4096) {
          // Helidon answers a request line over its limit with 414 and closes at once; the
          // unread rest of the request turns that into a reset that may swallow the 414.
          return 414;
        }
        assertThat(c).as("response to GET %s: %s", path, head).isNotNegative();
        head.append((char) c);
      }
      assertThat(head.toString()).as("response to GET %s", path).startsWith("HTTP/1.1 ");
      int status = Integer.parseInt(head.substring(9, 12));
      java.util.regex.Matcher length =
          java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
      byte[] body = new byte[length.find() ? Integer.parseInt(length.group(1)) : 0];
      in.readFully(body);
      if (status != 200 && status != 414 && status != 431) {
        String text = new String(body, StandardCharsets.UTF_8);
        assertThat(status).as("status of GET %s: %s", path, text).isIn(REJECTIONS);
        assertThat(AdminServer.parse(text).get("StatusCode").asInt()).isEqualTo(status);
      }
      return status;
    }
  }

  private static Map<String, String> instances(RegistrySnapshot s) {
    return s.instances().stream()
        .map(i -> i.value())
        .collect(
            Collectors.toMap(
                i -> i.id(),
                i -> i.name() + "@" + i.address() + ":" + i.port(),
                (a, b) -> a,
                TreeMap::new));
  }

  private static Set<String> configKeys(RegistrySnapshot s) {
    return s.configEntries().stream()
        .map(e -> e.value().kind() + "/" + e.value().name())
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }
}
