package io.cairn.admin.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.QueryParams;
import com.ecwid.consul.v1.Response;
import com.ecwid.consul.v1.kv.model.GetValue;
import com.ecwid.consul.v1.kv.model.PutParams;
import com.ecwid.consul.v1.session.model.NewSession;
import com.ecwid.consul.v1.session.model.Session;
import io.cairn.admin.AdminServer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The unchanged Ecwid consul-api KV client (what Spring Cloud Consul Config reads with) against
 * Cairn: writes, reads, prefixes, check-and-set, deletes and a blocking watch.
 */
class EcwidKvIT {
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

  @Test
  void readsWritesListsAndWatchesKeys() throws Exception {
    assertThat(consul.setKVValue("config/app/server.port", "8081").getValue()).isTrue();
    assertThat(consul.setKVValue("config/app/greeting", "hello").getValue()).isTrue();
    assertThat(consul.setKVValue("config/other/x", "1").getValue()).isTrue();

    Response<GetValue> port = consul.getKVValue("config/app/server.port");
    assertThat(port.getValue().getDecodedValue()).isEqualTo("8081");
    assertThat(port.getConsulIndex()).isEqualTo(port.getValue().getModifyIndex());
    assertThat(consul.getKVValue("config/app/missing").getValue()).isNull();

    Response<List<GetValue>> app = consul.getKVValues("config/app/");
    assertThat(app.getValue())
        .extracting(GetValue::getKey)
        .containsExactly("config/app/greeting", "config/app/server.port");
    assertThat(consul.getKVKeysOnly("config/").getValue()).hasSize(3);

    long index = consul.getKVValues("config/app/").getConsulIndex();
    CompletableFuture<Response<List<GetValue>>> watch =
        CompletableFuture.supplyAsync(
            () -> consul.getKVValues("config/app/", new QueryParams(60, index)));
    Thread.sleep(300);
    assertThat(watch).isNotDone();
    consul.setKVValue("config/app/greeting", "hi");
    Response<List<GetValue>> changed = watch.get(30, TimeUnit.SECONDS);
    assertThat(changed.getConsulIndex()).isGreaterThan(index);
    assertThat(changed.getValue().get(0).getDecodedValue()).isEqualTo("hi");

    PutParams stale = new PutParams();
    stale.setCas(index);
    assertThat(consul.setKVValue("config/app/greeting", "lost", stale).getValue()).isFalse();
    PutParams fresh = new PutParams();
    fresh.setCas(changed.getValue().get(0).getModifyIndex());
    fresh.setFlags(3);
    assertThat(consul.setKVValue("config/app/greeting", "won", fresh).getValue()).isTrue();
    assertThat(consul.getKVValue("config/app/greeting").getValue().getFlags()).isEqualTo(3);

    consul.deleteKVValue("config/other/x");
    assertThat(consul.getKVValue("config/other/x").getValue()).isNull();
    consul.deleteKVValues("config/");
    assertThat(consul.getKVValues("config/").getValue()).isNull();
  }

  @Test
  void sessionsAndLocksWorkThroughTheClient() {
    NewSession spec = new NewSession();
    spec.setName("leader-election");
    spec.setTtl("30s");
    spec.setLockDelay(0);
    spec.setBehavior(Session.Behavior.RELEASE);
    String session = consul.sessionCreate(spec, QueryParams.DEFAULT).getValue();
    assertThat(session).isNotBlank();
    Session info = consul.getSessionInfo(session, QueryParams.DEFAULT).getValue();
    assertThat(info.getName()).isEqualTo("leader-election");
    assertThat(info.getTtl()).isEqualTo("30s");
    assertThat(consul.renewSession(session, QueryParams.DEFAULT).getValue().getId())
        .isEqualTo(session);

    PutParams acquire = new PutParams();
    acquire.setAcquireSession(session);
    assertThat(consul.setKVValue("service/leader", "me", acquire).getValue()).isTrue();
    GetValue held = consul.getKVValue("service/leader").getValue();
    assertThat(held.getSession()).isEqualTo(session);
    assertThat(held.getLockIndex()).isEqualTo(1);
    assertThat(consul.getSessionList(QueryParams.DEFAULT).getValue()).hasSize(1);

    consul.sessionDestroy(session, QueryParams.DEFAULT);
    assertThat(consul.getKVValue("service/leader").getValue().getSession()).isNull();
    assertThat(consul.getSessionInfo(session, QueryParams.DEFAULT).getValue()).isNull();
  }
}
