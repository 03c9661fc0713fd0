package io.cairn.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
    files.write("LEAF\n", "KEY", "ROOT 1\nROOT 2");

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
    files.write("OLD LEAF", "OLD KEY", "ROOT");
    Files.setPosixFilePermissions(
        tmp.resolve("key.pem"), PosixFilePermissions.fromString("rw-r--r--"));
    files.write("NEW LEAF", "NEW KEY", "ROOT");
    assertThat(Files.readString(tmp.resolve("cert.pem"))).isEqualTo("NEW LEAF\n");
    assertThat(Files.readString(tmp.resolve("key.pem"))).isEqualTo("NEW KEY\n");
    assertThat(mode(tmp.resolve("key.pem"))).isEqualTo("rw-------");
  }

  /**
   * grpc-java's {@code file_watcher} provider feeding the mTLS context of an xDS client or server,
   * by their rules (grpc-java 1.85, {@code FileWatcherCertificateProvider} and {@code
   * CertProviderSslContextProvider}): a poll rereads the key pair when either file's time differs
   * from the last reread, then the roots when {@code ca.pem}'s does; a context is built once a pair
   * and roots have both been reread since the last build, from the latest of each.
   */
  private static final class GrpcMtlsContext {
    private final Path dir;
    private FileTime certTime;
    private FileTime keyTime;
    private FileTime caTime;
    private String pendingPair;
    private String pendingRoots;
    String built = "";

    GrpcMtlsContext(Path dir) throws Exception {
      this.dir = dir;
      poll();
    }

    void poll() throws Exception {
      FileTime c = Files.getLastModifiedTime(dir.resolve("cert.pem"));
      FileTime k = Files.getLastModifiedTime(dir.resolve("key.pem"));
      if (!c.equals(certTime) || !k.equals(keyTime)) {
        pendingPair = read("cert.pem") + read("key.pem");
        certTime = c;
        keyTime = k;
        buildWhenReady();
      }
      FileTime a = Files.getLastModifiedTime(dir.resolve("ca.pem"));
      if (!a.equals(caTime)) {
        pendingRoots = read("ca.pem");
        caTime = a;
        buildWhenReady();
      }
    }

    boolean waiting() {
      return pendingPair != null || pendingRoots != null;
    }

    private void buildWhenReady() {
      if (pendingPair != null && pendingRoots != null) {
        built = pendingPair + pendingRoots;
        pendingPair = null;
        pendingRoots = null;
      }
    }

    private String read(String name) throws Exception {
      return Files.readString(dir.resolve(name));
    }
  }

  @ParameterizedTest(name = "{0}, polls after {1}")
  @MethodSource("changesAndPolls")
  void grpcJavasMtlsContextUsesEveryWriteWhereverItsPollsFall(String change, Set<String> polls)
      throws Exception {
    CertFiles.in(tmp).write("OLD LEAF", "OLD KEY", "OLD ROOTS");
    GrpcMtlsContext context = new GrpcMtlsContext(tmp);
    assertThat(context.built).isEqualTo("OLD LEAF\nOLD KEY\nOLD ROOTS\n");
    CertFiles files =
        CertFiles.in(
            tmp,
            name -> {
              if (polls.contains(name)) {
                try {
                  context.poll();
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
              }
            });
    String leaf = change.contains("leaf") ? "NEW LEAF" : "OLD LEAF";
    String key = change.contains("leaf") ? "NEW KEY" : "OLD KEY";
    String roots = change.contains("roots") ? "NEW ROOTS" : "OLD ROOTS";
    files.write(leaf, key, roots);
    context.poll();
    assertThat(context.built).isEqualTo(leaf + "\n" + key + "\n" + roots + "\n");
    assertThat(context.waiting()).as("a reread left waiting for its partner").isFalse();
  }

  static Stream<Arguments> changesAndPolls() {
    List<Arguments> cases = new ArrayList<>();
    for (String change : List.of("a renewed leaf", "new roots", "a rotation: new roots and leaf")) {
      for (Set<String> polls :
          List.of(
              Set.<String>of(),
              Set.of("key.pem"),
              Set.of("cert.pem"),
              Set.of("key.pem", "cert.pem"),
              Set.of("key.pem", "cert.pem", "ca.pem"))) {
        cases.add(Arguments.of(change, polls));
      }
    }
    return cases.stream();
  }

  @Test
  void aReplacedFilesTimeMovesForwardEvenWithinOneClockTick() throws Exception {
    CertFiles files = CertFiles.in(tmp);
    files.write("LEAF", "KEY", "ROOT 1");
    FileTime future = FileTime.fromMillis(System.currentTimeMillis() + 60_000);
    Files.setLastModifiedTime(tmp.resolve("ca.pem"), future);
    files.write("LEAF", "KEY", "ROOT 2");
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
