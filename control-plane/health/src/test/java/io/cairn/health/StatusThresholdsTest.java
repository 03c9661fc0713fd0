package io.cairn.health;

import static io.cairn.registry.model.HealthStatus.CRITICAL;
import static io.cairn.registry.model.HealthStatus.PASSING;
import static io.cairn.registry.model.HealthStatus.WARNING;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.model.CheckThresholds;
import io.cairn.registry.model.HealthStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusThresholdsTest {

  private static List<Optional<HealthStatus>> run(CheckThresholds t, HealthStatus... results) {
    StatusThresholds counter = new StatusThresholds(t);
    List<Optional<HealthStatus>> decided = new ArrayList<>();
    for (HealthStatus r : results) {
      decided.add(counter.record(r));
    }
    return decided;
  }

  @Test
  void withoutThresholdsEveryResultDecidesAtOnce() {
    assertThat(run(CheckThresholds.IMMEDIATE, PASSING, CRITICAL, WARNING, PASSING))
        .containsExactly(
            Optional.of(PASSING),
            Optional.of(CRITICAL),
            Optional.of(WARNING),
            Optional.of(PASSING));
  }

  @Test
  void successesMustRunUnbrokenBeforePassing() {
    assertThat(run(new CheckThresholds(3, 0, 0), PASSING, PASSING, CRITICAL, PASSING, PASSING))
        .containsExactly(
            Optional.empty(),
            Optional.empty(),
            Optional.of(CRITICAL),
            Optional.empty(),
            Optional.empty());
    assertThat(run(new CheckThresholds(2, 0, 0), PASSING, WARNING, PASSING))
        .as("a warning result counts as a success, as in Consul")
        .containsExactly(Optional.empty(), Optional.of(WARNING), Optional.of(PASSING));
  }

  @Test
  void failuresWarnFirstThenGoCritical() {
    assertThat(run(new CheckThresholds(0, 1, 3), CRITICAL, CRITICAL, CRITICAL, PASSING))
        .containsExactly(
            Optional.of(WARNING),
            Optional.of(WARNING),
            Optional.of(CRITICAL),
            Optional.of(PASSING));
  }

  @Test
  void aSuccessResetsTheFailureCount() {
    assertThat(run(new CheckThresholds(0, 2, 2), CRITICAL, PASSING, CRITICAL, CRITICAL))
        .containsExactly(
            Optional.empty(), Optional.of(PASSING), Optional.empty(), Optional.of(CRITICAL));
  }
}
