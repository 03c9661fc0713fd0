package io.cairn.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code cairn lock <prefix> <command>}, as {@code consul lock}: takes the lock {@code
 * <prefix>/.lock} with a session (TTL 15 s, renewed while the command runs), runs the command with
 * {@code sh -c} while holding it, then releases it. Waits, with blocking queries, while another
 * holder has it. If the session is lost, the command is stopped. The exit status is the command's.
 */
final class Lock {
  private static final Duration TTL = Duration.ofSeconds(15);

  private final ApiClient api;
  private final Cli.Args args;
  private final PrintStream err;

  Lock(ApiClient api, Cli.Args args, PrintStream err) {
    this.api = api;
    this.args = args;
    this.err = err;
  }

  void run() {
    String prefix = args.word(1, "lock prefix");
    List<String> words = args.words();
    if (words.size() < 3) {
      throw new CliException(CliException.USAGE, "missing the command to run under the lock");
    }
    String command = String.join(" ", words.subList(2, words.size()));
    String key = prefix.endsWith("/") ? prefix + ".lock" : prefix + "/.lock";
    String session =
        api.put(
                "v1/session/create",
                "{\"Name\":\"cairn lock "
                    + prefix.replace("\"", "")
                    + "\",\"TTL\":\""
                    + TTL.toSeconds()
                    + "s\",\"Behavior\":\"release\"}")
            .path("ID")
            .asText();
    try {
      acquire(key, session);
      int status = runHolding(command, session);
      if (status != 0) {
        throw new CliException(status, "the command exited with status " + status);
      }
    } finally {
      try {
        api.putBytes(Kv.path(key) + "?release=" + ApiClient.encode(session), new byte[0]);
      } finally {
        api.put("v1/session/destroy/" + ApiClient.encode(session), null);
      }
    }
  }

  /** Takes the lock, waiting on the key while another session holds it. */
  private void acquire(String key, String session) {
    byte[] holder = ("cairn lock, session " + session).getBytes(StandardCharsets.UTF_8);
    String acquire = Kv.path(key) + "?acquire=" + ApiClient.encode(session);
    while (!api.putBytes(acquire, holder).asBoolean(false)) {
      // Held elsewhere (or in its lock delay): wait for the key to change, then try again.
      long index =
          api.find(Kv.path(key)).map(e -> e.path(0).path("ModifyIndex").asLong()).orElse(0L);
      api.find(Kv.path(key) + "?index=" + index + "&wait=" + TTL.toSeconds() + "s");
    }
    err.println("cairn: lock acquired: " + key);
  }

  /** Runs the command, renewing the session meanwhile; stops it if the session is lost. */
  private int runHolding(String command, String session) {
    Process process;
    try {
      process = new ProcessBuilder("/bin/sh", "-c", command).inheritIO().start();
    } catch (IOException e) {
      throw new CliException(CliException.USAGE, "cannot run '" + command + "': " + e.getMessage());
    }
    Thread renewer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    while (!process.waitFor(TTL.toMillis() / 3, TimeUnit.MILLISECONDS)) {
                      JsonNode renewed =
                          api.put("v1/session/renew/" + ApiClient.encode(session), null);
                      if (!renewed.isArray() || renewed.isEmpty()) {
                        throw new CliException(CliException.REFUSED, "session lost");
                      }
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  } catch (CliException e) {
                    err.println("cairn: lock lost (" + e.getMessage() + "); stopping the command");
                    process.destroy();
                  }
                });
    try {
      int status = process.waitFor();
      renewer.interrupt();
      return status;
    } catch (InterruptedException e) {
      process.destroy();
      Thread.currentThread().interrupt();
      throw new CliException(CliException.REFUSED, "interrupted");
    }
  }
}
