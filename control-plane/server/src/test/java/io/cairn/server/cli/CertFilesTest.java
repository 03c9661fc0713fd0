package io.cairn.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
