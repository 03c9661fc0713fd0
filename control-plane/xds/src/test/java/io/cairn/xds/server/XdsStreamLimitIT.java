package io.cairn.xds.server;

import static io.cairn.xds.server.AdsClient.CLUSTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.Registry;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With {@code xds.max-streams} open, a new stream is refused until one of them ends. */
class XdsStreamLimitIT {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path dir;
  private Registry registry;
  private SimpleMeterRegistry meters;
  private XdsServer xds;
  private final List<AdsClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    registry = Registry.open(SqliteStore.open(dir), new SimpleMeterRegistry());
    meters = new SimpleMeterRegistry();
    xds =
        CheckedXds.start(
            XdsSettings.loopback(0).withStreamLimits(3, 1_000),
            io.cairn.registry.Core.of(registry, meters),
            java.util.Optional.empty());
  }

  @AfterEach
  void stop() throws Exception {
    for (AdsClient c : clients) {
      c.close();
    }
    xds.close();
    registry.close();
  }

  private AdsClient open(String nodeId) {
    AdsClient c = new AdsClient(xds.port(), nodeId, "envoys");
    clients.add(c);
    c.subscribe(CLUSTER);
    return c;
  }

  @Test
  void aStreamPastTheCapIsRefusedAndOneEndingLetsANewOneIn() throws Exception {
    AdsClient first = open("envoy-1");
    open("envoy-2");
    open("envoy-3");
    await().atMost(WAIT).until(() -> xds.proxies().size() == 3);

    AdsClient fourth = open("envoy-4");
    Status refused = fourth.ended(WAIT);
    assertThat(refused.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(refused.getDescription()).contains("xds.max-streams").contains("3");
    assertThat(meters.counter("cairn.xds.streams.refused").count()).isEqualTo(1.0);

    first.close();
    await().atMost(WAIT).until(() -> xds.openStreams() == 2);
    AdsClient fifth = open("envoy-5");
    await()
        .atMost(WAIT)
        .until(() -> xds.proxies().stream().anyMatch(p -> p.nodeId().equals("envoy-5")));
    assertThat(fifth.isOpen()).isTrue();
  }
}
