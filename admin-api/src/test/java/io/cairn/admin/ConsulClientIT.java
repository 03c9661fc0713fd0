package io.cairn.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.QueryParams;
import com.ecwid.consul.v1.Response;
import com.ecwid.consul.v1.agent.model.NewService;
import com.ecwid.consul.v1.health.model.HealthService;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An independently written Consul client (com.ecwid.consul:consul-api, as used by Spring Cloud
 * Consul) against Cairn, unchanged: register with a TTL check, heartbeat, query healthy instances
 * (also blocking), maintenance, deregister.
 */
class ConsulClientIT {
  private AdminServer api;
  private ConsulClient consul;

  @BeforeEach
  void start() {
    api = AdminServer.start();
    consul = new ConsulClient("127.0.0.1", api.port());
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static NewService service(String id, int port) {
    NewService s = new NewService();
    s.setId(id);
    s.setName("orders");
    s.setAddress("10.1.2.3");
    s.setPort(port);
    s.setTags(List.of("v1", "blue"));
    s.setMeta(Map.of("version", "1.0"));
    NewService.Check check = new NewService.Check();
    check.setTtl("15s");
    check.setDeregisterCriticalServiceAfter("10m");
    s.setCheck(check);
    return s;
  }

  private List<String> healthy() {
    return consul.getHealthServices("orders", true, QueryParams.DEFAULT).getValue().stream()
        .map(h -> h.getService().getId())
        .toList();
  }

  @Test
  void registerHeartbeatQueryAndDeregister() throws Exception {
    consul.agentServiceRegister(service("orders-1", 7001));
    consul.agentServiceRegister(service("orders-2", 7002));

    assertThat(consul.getAgentServices().getValue()).containsKeys("orders-1", "orders-2");
    assertThat(consul.getCatalogServices(QueryParams.DEFAULT).getValue().get("orders"))
        .containsExactlyInAnyOrder("v1", "blue");
    assertThat(healthy()).as("TTL checks start critical").isEmpty();

    consul.agentCheckPass("service:orders-1", "beating");
    assertThat(healthy()).containsExactly("orders-1");

    Response<List<HealthService>> all =
        consul.getHealthServices("orders", false, QueryParams.DEFAULT);
    assertThat(all.getValue()).hasSize(2);
    assertThat(all.getConsulIndex()).isPositive();
    assertThat(all.isConsulKnownLeader()).isTrue();
    HealthService one =
        all.getValue().stream()
            .filter(h -> h.getService().getId().equals("orders-1"))
            .findFirst()
            .orElseThrow();
    assertThat(one.getService().getAddress()).isEqualTo("10.1.2.3");
    assertThat(one.getService().getPort()).isEqualTo(7001);
    assertThat(one.getService().getMeta()).containsEntry("version", "1.0");
    assertThat(one.getChecks())
        .extracting(c -> c.getCheckId())
        .contains("serfHealth", "service:orders-1");
    assertThat(one.getChecks())
        .filteredOn(c -> c.getCheckId().equals("service:orders-1"))
        .singleElement()
        .satisfies(c -> assertThat(c.getOutput()).isEqualTo("beating"));

    // A blocking query from the client wakes when the second instance turns healthy.
    long index = consul.getHealthServices("orders", true, QueryParams.DEFAULT).getConsulIndex();
    CompletableFuture<Response<List<HealthService>>> blocked =
        CompletableFuture.supplyAsync(
            () -> consul.getHealthServices("orders", true, new QueryParams(30, index)));
    Thread.sleep(200);
    assertThat(blocked).isNotDone();
    consul.agentCheckPass("service:orders-2");
    Response<List<HealthService>> woken = blocked.get(10, TimeUnit.SECONDS);
    assertThat(woken.getConsulIndex()).isGreaterThan(index);
    assertThat(woken.getValue()).hasSize(2);

    consul.agentServiceSetMaintenance("orders-2", true, "deploying");
    assertThat(healthy()).containsExactly("orders-1");
    consul.agentServiceSetMaintenance("orders-2", false);
    consul.agentCheckFail("service:orders-1", "down");
    assertThat(healthy()).containsExactly("orders-2");

    consul.agentServiceDeregister("orders-1");
    consul.agentServiceDeregister("orders-2");
    assertThat(consul.getAgentServices().getValue()).isEmpty();
    assertThat(consul.getCatalogServices(QueryParams.DEFAULT).getValue())
        .doesNotContainKey("orders");
  }
}
