package io.cairn.admin.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.admin.JsonSeeds;
import io.cairn.admin.JsonTreeMutator;
import io.cairn.admin.config.ConfigEntryJson;
import io.cairn.admin.config.ServiceIntentionsJson;
import io.cairn.admin.http.ApiException;
import io.cairn.admin.http.Json;
import io.cairn.admin.json.JsonFields;
import io.cairn.registry.InMemoryStore;
import io.cairn.registry.Registry;
import io.cairn.registry.RegistryException;
import io.cairn.registry.StoreException;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.command.RegisterCheck;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.fuzz.FuzzRun;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.validation.Problems;
import io.cairn.registry.validation.ValidationException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutated Consul request bodies through the same steps the handlers take (Jackson, then the
 * decoders, then the registry): each body is accepted or rejected with the API's own exceptions and
 * a message, never another exception, and what the registry accepted is there afterwards.
 */
class JsonDecoderFuzzTest {
  private Registry registry;

  @BeforeEach
  void open() {
    registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry());
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder("web-1", "web").address("10.0.0.1").port(80).build()));
  }

  @AfterEach
  void close() {
    registry.close();
  }

  /** Where a body was stopped, counted: "not-json", "accepted", "400", "404"... */
  @FunctionalInterface
  interface Decode {
    String accept(JsonFields body);
  }

  @Test
  @Timeout(60)
  void registrations() {
    Map<String, Integer> outcomes =
        fuzz(
            "registration",
            JsonSeeds.REGISTRATIONS,
            8_000,
            body -> {
              registry.apply(RegistrationDecoder.decode(body, "127.0.0.1", "dc1", false));
              return "accepted";
            });
    assertThat(outcomes).containsKeys("accepted", "400", "not-json");
    // Every accepted registration is in the registry, which still reads and writes.
    assertThat(registry.snapshot().instances().size()).isGreaterThan(1);
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder("after", "after").address("10.0.0.2").port(1).build()));
    assertThat(registry.snapshot().instance("after")).isPresent();
  }

  @Test
  @Timeout(60)
  void checks() {
    Map<String, Integer> outcomes =
        fuzz(
            "check",
            JsonSeeds.CHECKS,
            4_000,
            body -> {
              Problems p = body.problems();
              String serviceId = body.string("ServiceID", "");
              Optional<HealthCheck> check =
                  CheckDecoder.decode(body, serviceId, "web", "service:" + serviceId);
              p.throwIfAny();
              registry.apply(new RegisterCheck(check.orElseThrow()));
              return "accepted";
            });
    assertThat(outcomes).containsKeys("accepted", "400");
  }

  @Test
  @Timeout(60)
  void configEntries() {
    Map<String, Integer> outcomes =
        fuzz(
            "config-entry",
            JsonSeeds.CONFIG_ENTRIES,
            8_000,
            body -> {
              registry.apply(PutConfigEntry.of(ConfigEntryJson.decode(body)));
              return "accepted";
            });
    assertThat(outcomes).containsKeys("accepted", "400");
  }

  @Test
  @Timeout(60)
  void intentionSources() {
    Map<String, Integer> outcomes =
        fuzz(
            "intention",
            JsonSeeds.INTENTIONS,
            4_000,
            body -> {
              ServiceIntentionsJson.decodeSource(body, "web");
              body.problems().throwIfAny();
              return "accepted";
            });
    assertThat(outcomes).containsKeys("accepted", "400");
  }

  private static Map<String, Integer> fuzz(
      String name, List<String> seeds, int iterations, Decode decode) {
    FuzzRun run = FuzzRun.of(name, 20261124L, iterations);
    Map<String, Integer> outcomes =
        run.run(
            seed -> new JsonTreeMutator(seed, seeds),
            bytes -> {
              JsonNode node;
              try {
                node = Json.tree(bytes);
              } catch (ApiException e) {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.getMessage()).startsWith("request body is");
                return "not-json";
              }
              try {
                return decode.accept(JsonFields.of("", node, new Problems()));
              } catch (ApiException e) {
                assertThat(e.getMessage()).isNotBlank();
                assertThat(e.status()).isBetween(400, 499);
                return String.valueOf(e.status());
              } catch (ValidationException e) {
                assertThat(e.problems()).isNotEmpty();
                return "400";
              } catch (StoreException e) {
                throw e; // a 500: never for a bad body
              } catch (RegistryException e) {
                // ErrorResponses maps the rest of the registry's exceptions to 400/404.
                assertThat(e.getMessage()).isNotBlank();
                return e.getClass().getSimpleName();
              }
            });
    assertThat(run.slowestNanos()).as(run.slowest()).isLessThan(5_000_000_000L);
    return outcomes;
  }
}
