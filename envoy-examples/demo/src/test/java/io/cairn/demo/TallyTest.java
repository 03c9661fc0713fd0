package io.cairn.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TallyTest {
  private static Tally tally(int v1, int v2) {
    return new Tally(
        Map.of("api v1 (api-1)", v1, "api v2 (api-2)", v2),
        Map.of(),
        Duration.ofMillis(5),
        Duration.ofMillis(50));
  }

  @Test
  void countsRepliesByTheVersionTheyName() {
    Tally tally =
        new Tally(
            Map.of("api v1 (api-1)", 3, "api v1 (api-3)", 4, "api v2 (api-2)", 1, "web (web-1)", 2),
            Map.of("UNAVAILABLE", 1),
            Duration.ZERO,
            Duration.ZERO);
    assertThat(tally.byVersion())
        .containsExactly(Map.entry("v1", 7), Map.entry("v2", 1), Map.entry("web (web-1)", 2));
    assertThat(tally.calls()).isEqualTo(11);
    assertThat(tally.render("xds:///api"))
        .contains("by version: v1=7 v2=1 web (web-1)=2", "  failed: UNAVAILABLE      1");
  }

  @Test
  void aNinetyTenDrawMatchesNinetyTenButNotFiftyFifty() {
    assertThat(tally(891, 109).mismatch(Map.of("v1", 90, "v2", 10))).isEmpty();
    assertThat(tally(891, 109).mismatch(Map.of("v1", 50, "v2", 50)))
        .hasValueSatisfying(m -> assertThat(m).contains("v1 got 89.1%, expected 50%"));
    assertThat(tally(510, 490).mismatch(Map.of("v1", 50, "v2", 50))).isEmpty();
  }

  @Test
  void aVersionThatShouldGetNothingMustGetNothing() {
    assertThat(tally(1000, 0).mismatch(Map.of("v1", 100))).isEmpty();
    assertThat(tally(990, 10).mismatch(Map.of("v1", 100)))
        .hasValueSatisfying(m -> assertThat(m).contains("v2 was not expected"));
  }

  @Test
  void noReplyIsAMismatch() {
    assertThat(tally(0, 0).mismatch(Map.of("v1", 90))).contains("no call succeeded");
  }
}
