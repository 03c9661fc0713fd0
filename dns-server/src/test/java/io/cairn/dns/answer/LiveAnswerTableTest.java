package io.cairn.dns.answer;

import static io.cairn.dns.DnsMessages.query;
import static io.cairn.dns.DnsMessages.wire;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.dns.DnsSettings;
import io.cairn.dns.wire.Transport;
import io.cairn.registry.Fixtures;
import io.cairn.registry.InMemoryStore;
import io.cairn.registry.Registry;
import io.cairn.registry.command.DeregisterInstance;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.command.SetMaintenance;
import io.cairn.registry.command.UpdateCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.ServiceInstance;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** The table rebuilt per changed service answers exactly like one built from scratch. */
class LiveAnswerTableTest {
  private static final List<String> NAMES = List.of("web", "Web", "api", "db");
  private static final List<String> QUESTIONS =
      List.of(
          "web.service.cairn.",
          "v1.web.service.cairn.",
          "_web._tcp.service.cairn.",
          "api.service.consul.",
          "db.service.cairn.",
          "1.0.0.10.in-addr.arpa.",
          "2.0.0.10.in-addr.arpa.",
          "3.0.0.10.in-addr.arpa.",
          "cairn.");

  @Test
  void incrementalUpdatesMatchAFullBuild() {
    DnsSettings settings = DnsSettings.builder().altDomain(Optional.of("consul")).build();
    Random random = new Random(3);
    try (Registry registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry());
        LiveAnswerTable live =
            LiveAnswerTable.start(
                registry,
                settings,
                new SimpleMeterRegistry(),
                io.cairn.registry.acl.AclResolver.off())) {
      List<String> ids = new ArrayList<>();
      for (int step = 0; step < 300; step++) {
        change(registry, ids, random);
        long index = registry.snapshot().index();
        await()
            .pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(1))
            .atMost(Duration.ofSeconds(5))
            .until(() -> live.get().index() == index);
        DnsAnswerTable full = DnsAnswerTable.build(registry.snapshot(), settings);
        for (String name : QUESTIONS) {
          for (int type : new int[] {Type.A, Type.SRV, Type.PTR, Type.SOA}) {
            assertThat(answer(live.get(), name, type))
                .as("step %d: %s %s", step, name, Type.string(type))
                .isEqualTo(answer(full, name, type));
          }
        }
      }
    }
  }

  @Test
  void whileNobodyAsksChangesAreFoldedAndTheFirstQuestionCatchesUp() {
    DnsSettings settings = DnsSettings.builder().build();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (Registry registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry());
        LiveAnswerTable live =
            LiveAnswerTable.start(
                registry, settings, meters, io.cairn.registry.acl.AclResolver.off())) {
      for (int i = 1; i <= 3; i++) {
        registry.apply(
            RegisterInstance.of(
                ServiceInstance.builder("web-" + i, "web")
                    .address("10.0.0." + i)
                    .port(80)
                    .build()));
      }
      long index = registry.snapshot().index();
      await().atMost(Duration.ofSeconds(5)).until(live::behind);
      assertThat(meters.timer("cairn.dns.table.updates").count())
          .as("no question yet: nothing applied")
          .isZero();

      DnsAnswerTable table = live.get();
      assertThat(table.index()).isEqualTo(index);
      assertThat(live.behind()).isFalse();
      assertThat(meters.timer("cairn.dns.table.updates").count())
          .as("the three registrations applied at once")
          .isEqualTo(1);
      assertThat(answer(table, "web.service.cairn.", Type.A))
          .isEqualTo(
              answer(
                  DnsAnswerTable.build(registry.snapshot(), settings),
                  "web.service.cairn.",
                  Type.A));
      assertThat(answer(table, "3.0.0.10.in-addr.arpa.", Type.PTR)).contains("03776562"); // web

      // Asked recently: the next change is applied as it comes, without a question.
      registry.apply(
          RegisterInstance.of(
              ServiceInstance.builder("web-4", "web").address("10.0.0.4").port(80).build()));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> meters.timer("cairn.dns.table.updates").count() == 2);
      assertThat(live.behind()).isFalse();
    }
  }

  @Test
  void answersAreBuiltWhenFirstAskedAndKeptUntilTheirServiceChanges() {
    DnsSettings settings = DnsSettings.builder().build();
    try (Registry registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry())) {
      for (String name : List.of("web", "api", "db")) {
        registry.apply(
            RegisterInstance.of(
                ServiceInstance.builder(name + "-1", name).address("10.0.0.1").port(80).build()));
      }
      DnsAnswerTable table = DnsAnswerTable.build(registry.snapshot(), settings);
      assertThat(table.builtServices()).as("nothing built before a query").isZero();
      // A reverse lookup needs no service's answers built: PTR records are kept current.
      assertThat(answer(table, "1.0.0.10.in-addr.arpa.", Type.PTR)).contains("03776562"); // web
      assertThat(table.builtServices()).isZero();

      String web = answer(table, "web.service.cairn.", Type.A);
      assertThat(table.builtServices()).isEqualTo(1);

      registry.apply(
          RegisterInstance.of(
              ServiceInstance.builder("api-2", "api").address("10.0.0.2").port(80).build()));
      DnsAnswerTable next = table.update(registry.snapshot(), List.of("api"), List.of("api-2"));
      assertThat(next.builtServices())
          .as("web's built answers are shared, api's dropped")
          .isEqualTo(1);
      assertThat(answer(next, "web.service.cairn.", Type.A)).isEqualTo(web);
      assertThat(next.builtServices()).isEqualTo(1);
      assertThat(answer(next, "api.service.cairn.", Type.A))
          .as("api's answer has its new instance")
          .contains("0a000002");
      assertThat(next.builtServices()).isEqualTo(2);
      assertThat(answer(next, "2.0.0.10.in-addr.arpa.", Type.PTR)).contains("03617069"); // api
    }
  }

  private static void change(Registry registry, List<String> ids, Random random) {
    int what = random.nextInt(10);
    if (ids.isEmpty() || what < 4) {
      String id = "i-" + random.nextInt(12);
      String name = NAMES.get(random.nextInt(NAMES.size()));
      ServiceInstance instance =
          ServiceInstance.builder(id, name)
              .address("10.0.0." + (1 + random.nextInt(3)))
              .port(8000 + random.nextInt(3))
              .tags(random.nextBoolean() ? List.of("v1") : List.of("v2", "V1"))
              .build();
      HealthStatus status = HealthStatus.values()[random.nextInt(3)];
      registry.apply(
          new RegisterInstance(
              instance, List.of(Fixtures.ttlCheck(id + ":ttl", id, status)), true));
      if (!ids.contains(id)) {
        ids.add(id);
      }
      return;
    }
    String id = ids.get(random.nextInt(ids.size()));
    switch (what) {
      case 4, 5 ->
          registry.apply(
              new UpdateCheck(id + ":ttl", HealthStatus.values()[random.nextInt(3)], ""));
      case 6 -> registry.apply(SetMaintenance.enable(id, "test"));
      case 7 -> registry.apply(SetMaintenance.disable(id));
      default -> {
        registry.apply(new DeregisterInstance(id));
        ids.remove(id);
      }
    }
  }

  /** The reply's bytes with the same random draws for both tables. */
  private static String answer(DnsAnswerTable table, String name, int type) {
    QueryHandler handler = new QueryHandler(() -> table, () -> new Random(11));
    byte[] q = wire(query(name, type));
    q[0] = 0;
    q[1] = 1;
    return java.util.HexFormat.of()
        .formatHex(((Reply.Send) handler.handle(q, Transport.UDP)).message());
  }
}
