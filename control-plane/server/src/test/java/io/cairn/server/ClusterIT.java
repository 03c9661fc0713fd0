package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.cairn.testfixtures.etcd.LocalEtcd;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packaged Cairn replicas ({@code --store etcd}) on a real three-member etcd cluster on loopback,
 * driven as an operator would: HTTP to register, {@code dig} and an ADS stream to read, SIGKILL to
 * break things.
 */
class ClusterIT {
  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  private LocalEtcd etcd;
  private final List<CairnProcess> processes = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** A running replica and its ports. */
  record Replica(String name, CairnProcess process, int http, int dns, int xds) {}

  @AfterEach
  void tearDown() {
    processes.forEach(CairnProcess::close);
    if (etcd != null) {
      etcd.close();
    }
  }

  private Replica replica(String name) throws Exception {
    CairnProcess p =
        CairnProcess.server(
            dir.resolve(name),
            "--store",
            "etcd",
            "--etcd-endpoints",
            etcd.endpointsCsv(),
            "--etcd-member-ttl",
            "2s",
            "--node-name",
            name);
    processes.add(p);
    return new Replica(
        name, p, p.awaitHttpPort(START), p.awaitDnsPort(START), p.awaitXdsPort(START));
  }

  @Test
  void aRegistrationOnOneReplicaReachesDnsAndXdsOnAnotherWithTheSameVersions() throws Exception {
    etcd = LocalEtcd.start(3, dir.resolve("etcd"));
    Replica a = replica("cairn-a");
    Replica b = replica("cairn-b");
    try (AdsProbe onA = new AdsProbe(a.xds(), "probe-a", "web");
        AdsProbe onB = new AdsProbe(b.xds(), "probe-b", "web")) {
      long start = System.nanoTime();
      assertThat(register(a, instance("web-1", "web", "10.1.2.3", 8080, ""))).isEqualTo(200);
      long registered = System.nanoTime();

      long dnsSeen = 0;
      while (dnsSeen == 0 && System.nanoTime() - start < WAIT.toNanos()) {
        if (Dig.query(b.dns(), "web.service.cairn", "A", "+short").contains("10.1.2.3")) {
          dnsSeen = System.nanoTime();
        }
      }
      assertThat(dnsSeen).as("DNS on b answers with the instance registered on a").isPositive();
      AdsProbe.Eds edsB = onB.await(e -> AdsProbe.has(e, "10.1.2.3", 8080), WAIT);
      AdsProbe.Eds edsA = onA.await(e -> AdsProbe.has(e, "10.1.2.3", 8080), WAIT);
      System.out.printf(
          "cluster: registered on a in %.1f ms; seen on b: DNS (dig polling) %.1f ms,"
              + " xDS push %.1f ms after the 200%n",
          (registered - start) / 1e6,
          (dnsSeen - registered) / 1e6,
          (edsB.receivedNanos() - registered) / 1e6);

      // Same content hash on both replicas, and the same index for blocking queries.
      assertThat(edsB.version()).isEqualTo(edsA.version());
      assertThat(edsB.assignment()).isEqualTo(edsA.assignment());
      assertThat(consulIndex(b, "/v1/health/service/web"))
          .isEqualTo(consulIndex(a, "/v1/health/service/web"));
    }
  }

  @Test
  void losingAnEtcdMemberLosesNoAcknowledgedWrite() throws Exception {
    etcd = LocalEtcd.start(3, dir.resolve("etcd"));
    Replica a = replica("cairn-a");
    Replica b = replica("cairn-b");
    Map<String, Boolean> acknowledged = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger refused = new AtomicInteger();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      Replica to = w % 2 == 0 ? a : b;
      int writer = w;
      writers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int i = 0; !stop.get(); i++) {
                      String id = "w" + writer + "-" + i;
                      try {
                        int status = register(to, instance(id, "load", "10.0.0.1", 80, ""));
                        if (status == 200) {
                          acknowledged.put(id, true);
                        } else {
                          refused.incrementAndGet();
                        }
                      } catch (Exception e) {
                        refused.incrementAndGet();
                      }
                    }
                  }));
    }
    await().atMost(WAIT).until(() -> acknowledged.size() >= 200);
    etcd.kill(0);
    int atKill = acknowledged.size();
    await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= atKill + 300);
    stop.set(true);
    for (Thread t : writers) {
      t.join();
    }
    System.out.printf(
        "cluster: %d writes acknowledged (%d after one etcd member was killed), %d refused%n",
        acknowledged.size(), acknowledged.size() - atKill, refused.get());

    // Every acknowledged write is on both replicas, and on a replica started afterwards.
    Replica c = replica("cairn-c");
    for (Replica r : List.of(a, b, c)) {
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> assertThat(instanceIds(r, "load")).containsAll(acknowledged.keySet()));
    }
  }

  @Test
  void checksOfAKilledReplicaMoveToAnotherAndTtlReportsReachTheirOwner() throws Exception {
    etcd = LocalEtcd.start(3, dir.resolve("etcd"));
    List<Replica> replicas = List.of(replica("cairn-a"), replica("cairn-b"), replica("cairn-c"));
    List<Long> probes = new CopyOnWriteArrayList<>();
    AtomicInteger status = new AtomicInteger(200);
    HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext(
        "/health",
        exchange -> {
          probes.add(System.nanoTime());
          exchange.sendResponseHeaders(status.get(), -1);
          exchange.close();
        });
    target.start();
    try {
      String url = "http://127.0.0.1:" + target.getAddress().getPort() + "/health";
      Replica first = replicas.getFirst();
      assertThat(
              register(
                  first,
                  instance(
                      "app-1",
                      "app",
                      "127.0.0.1",
                      9,
                      ",\"Check\":{\"CheckID\":\"app-http\",\"HTTP\":\""
                          + url
                          + "\",\"Interval\":\"4s\"}")))
          .isEqualTo(200);
      assertThat(
              register(
                  first,
                  instance(
                      "app-2",
                      "app",
                      "127.0.0.1",
                      9,
                      ",\"Check\":{\"CheckID\":\"app-ttl\",\"TTL\":\"3s\"}")))
          .isEqualTo(200);

      // Exactly one replica runs each check.
      Replica owner =
          await().atMost(WAIT).until(() -> runningCheck(replicas, "http"), r -> r != null);
      Replica ttlOwner =
          await().atMost(WAIT).until(() -> runningCheck(replicas, "ttl"), r -> r != null);
      await().atMost(WAIT).until(() -> probes.size() >= 2);

      // TTL reports sent to a replica that does not own the check keep it passing.
      Replica reporter = replicas.stream().filter(r -> r != ttlOwner).findFirst().orElseThrow();
      for (int i = 0; i < 8; i++) {
        assertThat(put(reporter, "/v1/agent/check/pass/app-ttl")).isEqualTo(200);
        Thread.sleep(1000);
      }
      assertThat(checkStatus(ttlOwner, "app-ttl")).isEqualTo("passing");

      // Kill the replica probing app: another takes the check over within one interval.
      long killed = System.nanoTime();
      owner.process().kill(Duration.ofSeconds(10));
      List<Replica> alive = replicas.stream().filter(r -> r != owner).toList();
      Replica next = await().atMost(WAIT).until(() -> runningCheck(alive, "http"), r -> r != null);
      long firstAfter =
          await()
              .atMost(WAIT)
              .until(
                  () -> probes.stream().filter(t -> t > killed).findFirst().orElse(0L), t -> t > 0);
      System.out.printf(
          "cluster: check moved from %s to %s; first probe %.0f ms after the kill (interval 4 s)%n",
          owner.name(), next.name(), (firstAfter - killed) / 1e6);
      assertThat(firstAfter - killed).isLessThan(Duration.ofSeconds(4).toNanos());

      // The new owner's results are written for everyone.
      status.set(500);
      for (Replica r : alive) {
        await().atMost(WAIT).until(() -> checkStatus(r, "app-http").equals("critical"));
      }
    } finally {
      target.stop(0);
    }
  }

  @Test
  void withoutEtcdReplicasKeepAnsweringReadsAndRefuseWrites() throws Exception {
    etcd = LocalEtcd.start(3, dir.resolve("etcd"));
    Replica a = replica("cairn-a");
    Replica b = replica("cairn-b");
    assertThat(register(a, instance("web-1", "web", "10.1.2.3", 8080, ""))).isEqualTo(200);
    await()
        .atMost(WAIT)
        .until(() -> Dig.query(b.dns(), "web.service.cairn", "A", "+short").contains("10.1.2.3"));

    etcd.killAll();
    await()
        .atMost(WAIT)
        .until(() -> register(b, instance("web-2", "web", "10.1.2.4", 8080, "")) == 503);
    for (Replica r : List.of(a, b)) {
      assertThat(Dig.query(r.dns(), "web.service.cairn", "A", "+short")).contains("10.1.2.3");
      assertThat(instanceIds(r, "web")).contains("web-1");
      try (AdsProbe probe = new AdsProbe(r.xds(), "probe-" + r.name(), "web")) {
        probe.await(e -> AdsProbe.has(e, "10.1.2.3", 8080), WAIT);
      }
    }

    for (int m = 0; m < 3; m++) {
      etcd.restart(m);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> register(b, instance("web-2", "web", "10.1.2.4", 8080, "")) == 200);
    await().atMost(WAIT).until(() -> instanceIds(a, "web").contains("web-2"));
  }

  private static String instance(String id, String name, String address, int port, String extra) {
    return "{\"ID\":\"%s\",\"Name\":\"%s\",\"Address\":\"%s\",\"Port\":%d%s}"
        .formatted(id, name, address, port, extra);
  }

  private int register(Replica r, String body) throws Exception {
    HttpResponse<String> res =
        http.send(
            HttpRequest.newBuilder(uri(r, "/v1/agent/service/register"))
                .timeout(Duration.ofSeconds(15))
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return res.statusCode();
  }

  private int put(Replica r, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(uri(r, path)).PUT(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  private HttpResponse<String> get(Replica r, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(r, path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(Replica r, String path) {
    return URI.create("http://127.0.0.1:" + r.http() + path);
  }

  private String consulIndex(Replica r, String path) throws Exception {
    return get(r, path).headers().firstValue("X-Consul-Index").orElseThrow();
  }

  private List<String> instanceIds(Replica r, String service) throws Exception {
    String body = get(r, "/v1/catalog/service/" + service).body();
    List<String> ids = new ArrayList<>();
    Matcher m = Pattern.compile("\"ServiceID\":\"([^\"]+)\"").matcher(body);
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }

  private String checkStatus(Replica r, String checkId) throws Exception {
    String body = get(r, "/v1/health/service/app").body();
    Matcher m =
        Pattern.compile("\"CheckID\":\"" + checkId + "\"[^}]*?\"Status\":\"(\\w+)\"").matcher(body);
    return m.find() ? m.group(1) : "";
  }

  /** The one replica whose metrics say it runs a check of {@code kind}; null if none or several. */
  private Replica runningCheck(List<Replica> replicas, String kind) throws Exception {
    List<Replica> running = new ArrayList<>();
    Pattern gauge = Pattern.compile("cairn_health_checks\\{type=\"" + kind + "\"} (\\d+)");
    for (Replica r : replicas) {
      Matcher m = gauge.matcher(get(r, "/metrics").body());
      if (m.find() && Double.parseDouble(m.group(1)) >= 1) {
        running.add(r);
      }
    }
    return running.size() == 1 ? running.getFirst() : null;
  }
}
