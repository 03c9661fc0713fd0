package io.cairn.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.cairn.testfixtures.logging.CapturedLogs;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StoreIncidentLogTest {

  @RegisterExtension final CapturedLogs logs = CapturedLogs.of(StoreIncidentLogTest.class);
  private long now = 1_000_000_000L;
  private final StoreIncidentLog incidents =
      new StoreIncidentLog(logs.logger(), Duration.ofSeconds(10), () -> now);

  @Test
  void aLoneFailureAndItsRecoveryAreLoggedInFull() {
    incidents.commitFailed(7, 3, "disk I/O error");
    assertThat(incidents.logsReopenAttempts()).isTrue();
    advanceMillis(120);
    incidents.reopened(6, 2, 5, 120);
    incidents.committed();
    incidents.close();

    assertThat(logs.events()).hasSize(2);
    assertThat(logs.events().get(0).getLevel()).isEqualTo(Level.WARN);
    assertThat(logs.events().get(0).getFormattedMessage()).contains("disk I/O error");
    assertThat(value(logs.events().get(0), "commands")).isEqualTo(3);
    assertThat(logs.events().get(1).getLevel()).isEqualTo(Level.INFO);
    assertThat(logs.events().get(1).getFormattedMessage()).contains("store reopened");
    assertThat(value(logs.events().get(1), "refused-commands")).isEqualTo(5);
  }

  @Test
  void failuresEveryFewMillisecondsFoldIntoOneLinePerIntervalWithCounts() {
    // 200 failures 150 ms apart (30 s), each reopened 100 ms later, as libfiu's random fsync
    // failures do to a lone writer.
    for (int i = 0; i < 200; i++) {
      incidents.commitFailed(100 + i, 1, "fsync failed " + i);
      advanceMillis(100);
      incidents.reopened(99 + i, 1, 2, 100);
      advanceMillis(50);
      incidents.committed();
    }
    incidents.close();

    List<ILoggingEvent> folded = logs.events().subList(2, logs.events().size());
    assertThat(logs.events().get(0).getFormattedMessage()).contains("fsync failed 0");
    assertThat(logs.events().get(1).getFormattedMessage()).contains("store reopened");
    assertThat(folded).hasSizeBetween(3, 4);
    assertThat(folded).allMatch(e -> e.getFormattedMessage().contains("store kept failing"));
    assertThat(folded.stream().mapToLong(e -> value(e, "failed-commits")).sum()).isEqualTo(199);
    assertThat(folded.stream().mapToLong(e -> value(e, "reopened")).sum()).isEqualTo(199);
    assertThat(folded.stream().mapToLong(e -> value(e, "refused-commands")).sum())
        .isEqualTo(2 * 199);
    assertThat(folded.getLast().getFormattedMessage()).endsWith("fsync failed 199");
    assertThat(incidents.logsReopenAttempts()).isFalse();
  }

  @Test
  void foldedFailuresAreReportedByTheFirstCommitAfterTheirInterval() {
    incidents.commitFailed(1, 1, "first");
    incidents.reopened(0, 1, 0, 5);
    advanceMillis(500);
    incidents.commitFailed(2, 1, "second");
    incidents.reopened(1, 1, 0, 5);
    incidents.committed();
    assertThat(logs.events()).hasSize(2);

    advanceMillis(10_000);
    incidents.committed();
    assertThat(logs.events()).hasSize(3);
    assertThat(value(logs.events().get(2), "failed-commits")).isEqualTo(1);
    incidents.committed();
    incidents.close();
    assertThat(logs.events()).hasSize(3);
  }

  @Test
  void aFailureAfterAQuietIntervalStartsANewIncidentLoggedInFull() {
    incidents.commitFailed(1, 1, "first");
    incidents.reopened(0, 1, 0, 5);
    advanceMillis(200);
    incidents.commitFailed(2, 1, "folded");
    incidents.reopened(1, 1, 0, 5);
    advanceMillis(10_000);
    incidents.commitFailed(3, 4, "again");

    assertThat(logs.events()).extracting(ILoggingEvent::getFormattedMessage).hasSize(4);
    // The folded failure is reported before the new incident's first line.
    assertThat(logs.events().get(2).getFormattedMessage()).contains("store kept failing", "folded");
    assertThat(logs.events().get(3).getFormattedMessage()).contains("store commit failed", "again");
    assertThat(incidents.logsReopenAttempts()).isTrue();
  }

  @Test
  void refusesAnIntervalThatIsNotPositive() {
    assertThatThrownBy(() -> new StoreIncidentLog(logs.logger(), Duration.ZERO, () -> 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private void advanceMillis(long millis) {
    now += TimeUnit.MILLISECONDS.toNanos(millis);
  }

  private static long value(ILoggingEvent event, String key) {
    return ((Number) CapturedLogs.value(event, key)).longValue();
  }
}
