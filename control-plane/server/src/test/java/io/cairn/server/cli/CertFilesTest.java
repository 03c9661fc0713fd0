package io.cairn.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertFilesTest {
  @TempDir Path tmp;

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesTheKeyOwnerOnlyAndTheCertificatesReadableAndLeavesNoTemporaryFile() throws Exception {
    Path dir = tmp.resolve("a/b");
    CertFiles files = CertFiles.in(dir);
    files.writeRoots("ROOT 1\nROOT 2");
    files.writeLeaf("LEAF\n", "KEY");

    assertThat(Files.readString(dir.resolve("ca.pem"))).isEqualTo("ROOT 1\nROOT 2\n");
    assertThat(Files.readString(dir.resolve("cert.pem"))).isEqualTo("LEAF\n");
    assertThat(Files.readString(dir.resolve("key.pem"))).isEqualTo("KEY\n");
    assertThat(mode(dir.resolve("key.pem"))).isEqualTo("rw-------");
    assertThat(mode(dir.resolve("cert.pem"))).isEqualTo("rw-r--r--");
    assertThat(mode(dir.resolve("ca.pem"))).isEqualTo("rw-r--r--");
    assertThat(names(dir)).containsExactly("ca.pem", "cert.pem", "key.pem");
  }

  @Test
  void replacesTheFilesAndKeepsTheKeyOwnerOnly() throws Exception {
    CertFiles files = CertFiles.in(tmp);
    files.writeLeaf("OLD LEAF", "OLD KEY");
    Files.setPosixFilePermissions(
        tmp.resolve("key.pem"), PosixFilePermissions.fromString("rw-r--r--"));
    files.writeLeaf("NEW LEAF", "NEW KEY");
    assertThat(Files.readString(tmp.resolve("cert.pem"))).isEqualTo("NEW LEAF\n");
    assertThat(Files.readString(tmp.resolve("key.pem"))).isEqualTo("NEW KEY\n");
    assertThat(mode(tmp.resolve("key.pem"))).isEqualTo("rw-------");
  }

  /**
   * grpc-java's {@code file_watcher} rule: the key and certificate are reloaded only when both
   * modification times differ from those recorded at the last load (what it read is recorded).
   */
  private static final class PollingWatcher {
    private final Path dir;
    private FileTime certTime;
    private FileTime keyTime;
    String cert;
    String key;

    PollingWatcher(Path dir) throws Exception {
      this.dir = dir;
      scan();
    }

    void scan() throws Exception {
      FileTime c = Files.getLastModifiedTime(dir.resolve("cert.pem"));
      FileTime k = Files.getLastModifiedTime(dir.resolve("key.pem"));
      if (!c.equals(certTime) && !k.equals(keyTime)) {
        cert = Files.readString(dir.resolve("cert.pem"));
        key = Files.readString(dir.resolve("key.pem"));
        certTime = c;
        keyTime = k;
      }
    }
  }

  @Test
  void aWatcherThatLoadsBetweenAnyTwoFilesEndsWithTheNewPair() throws Exception {
    CertFiles.in(tmp).writeLeaf("OLD LEAF", "OLD KEY");
    List<PollingWatcher> watchers = new ArrayList<>();
    watchers.add(new PollingWatcher(tmp));
    // A watcher starts (or restarts) after each file the renewal puts in place.
    CertFiles files =
        CertFiles.in(
            tmp,
            name -> {
              try {
                watchers.add(new PollingWatcher(tmp));
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            });
    files.writeLeaf("NEW LEAF", "NEW KEY");
    for (PollingWatcher w : watchers) {
      w.scan();
    }
    assertThat(watchers).hasSize(4);
    assertThat(watchers)
        .allSatisfy(
            w -> {
              assertThat(w.cert).isEqualTo("NEW LEAF\n");
              assertThat(w.key).isEqualTo("NEW KEY\n");
            });
  }

  @Test
  void aReplacedFilesTimeMovesForwardEvenWithinOneClockTick() throws Exception {
    CertFiles files = CertFiles.in(tmp);
    files.writeRoots("ROOT 1");
    FileTime future = FileTime.fromMillis(System.currentTimeMillis() + 60_000);
    Files.setLastModifiedTime(tmp.resolve("ca.pem"), future);
    files.writeRoots("ROOT 2");
    assertThat(Files.getLastModifiedTime(tmp.resolve("ca.pem"))).isGreaterThan(future);
  }

  @Test
  void removesWhatAKilledRunLeftAndNothingElse() throws Exception {
    Files.writeString(tmp.resolve(".key.pem.123.tmp"), "half a key");
    Files.writeString(tmp.resolve(".cert.pem.456.tmp"), "half a cert");
    Files.writeString(tmp.resolve("other.tmp"), "not ours");
    CertFiles.in(tmp);
    assertThat(names(tmp)).containsExactly("other.tmp");
  }

  @Test
  void aFileIsNotADirectory() throws Exception {
    Path file = Files.writeString(tmp.resolve("cert.pem"), "x");
    assertThatThrownBy(() -> CertFiles.in(file))
        .isInstanceOf(CliException.class)
        .hasMessage("--dir " + file + " is not a directory");
  }
}
