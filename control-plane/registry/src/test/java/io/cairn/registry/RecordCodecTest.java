package io.cairn.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.ProbeCheck;
import io.cairn.registry.model.TcpCheck;
import io.cairn.registry.store.Mutation;
import io.cairn.registry.store.StoredRecord;
import io.cairn.registry.store.StoredState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
  private final RecordCodec codec = new RecordCodec();

  /** A stored TCP check whose timeout, in the stored JSON, is {@code timeout}. */
  private StoredRecord storedCheckWithTimeout(Duration timeout) {
    Duration stored = Duration.ofSeconds(7);
    HealthCheck check =
        HealthCheck.of(
            "c",
            "c",
            "i",
            new TcpCheck("127.0.0.1", 80, Duration.ofSeconds(10), stored),
            HealthStatus.PASSING);
    Mutation.Put put =
        (Mutation.Put)
            codec
                .batch(5, List.of(new Write.Put(Table.CHECK, "c", new Indexed<>(check, 5, 5))))
                .mutations()
                .getFirst();
    StoredRecord r = put.record();
    String json = new String(r.value(), StandardCharsets.UTF_8);
    String field = "\"timeout\":" + stored.toNanos();
    assertThat(json).contains(field);
    byte[] edited =
        json.replace(field, "\"timeout\":" + timeout.toNanos()).getBytes(StandardCharsets.UTF_8);
    return new StoredRecord(r.table(), r.key(), r.createIndex(), r.modifyIndex(), edited);
  }

  @Test
  void checksStoredBeforeTheTimeoutBoundRestoreWithTheMaximum() {
    StoredRecord legacy = storedCheckWithTimeout(Duration.ofHours(24));
    var snapshot = codec.restore(new StoredState(5, List.of(legacy)));
    HealthCheck restored = snapshot.check("c").orElseThrow().value();
    assertThat(((ProbeCheck) restored.definition()).timeout()).isEqualTo(ProbeCheck.MAX_TIMEOUT);
  }

  @Test
  void otherwiseInvalidStoredChecksStillFailTheRestore() {
    StoredRecord broken = storedCheckWithTimeout(Duration.ZERO);
    assertThatThrownBy(() -> codec.restore(new StoredState(5, List.of(broken))))
        .hasMessageContaining("timeout");
  }
}
