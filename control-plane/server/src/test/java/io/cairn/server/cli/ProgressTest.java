package io.cairn.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private static String run(Progress.Style style, int total, int failAt) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Progress p =
        new Progress(new PrintStream(err, true, StandardCharsets.UTF_8), style, "sending", total);
    for (int i = 1; i <= total; i++) {
      p.done(i != failAt);
    }
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void linesComeOncePerTenthAndCountFailures() {
    String lines = run(Progress.Style.LINES, 200, 30);
    assertThat(lines.lines().toList())
        .hasSize(10)
        .startsWith("sending 20/200 (10%)", "sending 40/200 (20%), 1 failed")
        .endsWith("sending 200/200 (100%), 1 failed");
  }

  @Test
  void aTerminalLineIsRedrawnInPlaceAndEndedOnce() {
    String tty = run(Progress.Style.TTY, 500, 0);
    assertThat(tty).startsWith("\rsending 1/500 (0%)").endsWith("\rsending 500/500 (100%)\n");
    assertThat(tty.chars().filter(c -> c == '\n').count()).isEqualTo(1);
  }

  @Test
  void smallOrSingleOperationsShowNothingButOnATerminal() {
    assertThat(run(Progress.Style.LINES, 19, 0)).isEmpty();
    assertThat(run(Progress.Style.TTY, 1, 0)).isEmpty();
    assertThat(run(Progress.Style.TTY, 2, 0)).endsWith("\rsending 2/2 (100%)\n");
    assertThat(run(Progress.Style.NONE, 1000, 0)).isEmpty();
  }
}
