package io.cairn.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Disk faults ({@code bin/bench faults}): the scenarios of {@code StoreFaultsIT} and {@code
 * AckAfterFsyncIT} (libfiu and {@code sqlite3} against the packaged server under write load, and
 * strace), each fault held for {@code --seconds} instead of the build's 4. They are tests, so this
 * runs them through the Maven Wrapper from the source tree and prints their summary lines; it exits
 * non-zero if any check failed. Needs fiu-utils, strace and sqlite3.
 */
final class FaultsBenchmark {
  /** The tests' own summary lines: counts per fault, and the comparison with the restart. */
  private static final Pattern SUMMARY =
      Pattern.compile(
          "^(fsync|pwrite|short writes|ENOSPC|SQLITE_BUSY|strace): .*|^\\[(INFO|ERROR)\\] Tests"
              + " run:.*");

  private FaultsBenchmark() {}

  static void run(List<String> args) throws Exception {
    int seconds = 30;
    for (int i = 0; i + 1 < args.size(); i += 2) {
      switch (args.get(i)) {
        case "--seconds" -> seconds = Integer.parseInt(args.get(i + 1));
        default -> throw new IllegalArgumentException("unknown option " + args.get(i));
      }
    }
    Path root = sourceTree();
    List<String> command =
        new ArrayList<>(
            List.of(
                root.resolve("mvnw").toString(),
                "-B",
                "-ntp",
                "verify",
                "-pl",
                "control-plane/server",
                "-am",
                "-Dtest=none",
                "-Dit.test=StoreFaultsIT,AckAfterFsyncIT",
                "-Dsurefire.failIfNoSpecifiedTests=false",
                "-Dfailsafe.failIfNoSpecifiedTests=false",
                "-Dspotless.check.skip=true",
                "-Dfaults.seconds=" + seconds));
    System.out.printf("faults: each fault held %d s under 16 writing clients%n", seconds);
    Process p =
        new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (SUMMARY.matcher(line).matches()) {
          System.out.println(line);
        }
      }
    }
    int exit = p.waitFor();
    if (exit != 0) {
      System.out.println("faults: FAILED (mvnw exit " + exit + ")");
      System.exit(1);
    }
  }

  /** The checkout this jar was built in: {@code control-plane/benchmarks/target/<jar>}. */
  private static Path sourceTree() throws Exception {
    Path jar =
        Path.of(FaultsBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path root = jar.getParent().getParent().getParent().getParent();
    if (!Files.isExecutable(root.resolve("mvnw"))) {
      throw new IllegalStateException("not run from a source tree: no mvnw in " + root);
    }
    return root;
  }
}
