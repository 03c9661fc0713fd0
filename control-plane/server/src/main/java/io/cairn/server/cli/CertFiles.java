package io.cairn.server.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The files of {@code cairn connect certs} in one directory: {@code cert.pem}, {@code key.pem}
 * (mode 0600) and {@code ca.pem}. Each is replaced atomically (a temporary file in the same
 * directory, synced, then renamed over it), the key before the certificate, so a reader sees either
 * the old file or the new one, and never a certificate whose key is not there yet. A replaced
 * file's modification time always moves forward.
 *
 * <p>The key is written again after the certificate. grpc-java's {@code file_watcher} provider
 * reloads the pair only when the modification times of both files differ from those of its last
 * load; a provider that loads between the key's rename and the certificate's records the new key's
 * time with the old certificate, and would never see the key change again (found while looking into
 * a {@code DemoScriptIT} run whose client kept its old certificate after a CA rotation). The second
 * key write makes both times move after any such load.
 */
final class CertFiles {
  static final String CERT = "cert.pem";
  static final String KEY = "key.pem";
  static final String CA = "ca.pem";

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> READABLE =
      PosixFilePermissions.fromString("rw-r--r--");

  private final Path dir;
  private final boolean posix;
  private final Consumer<String> replaced;

  private CertFiles(Path dir, Consumer<String> replaced) {
    this.dir = dir;
    this.posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    this.replaced = replaced;
  }

  /**
   * The files in {@code dir}, created if missing; temporary files a killed run left are removed.
   */
  static CertFiles in(Path dir) {
    return in(dir, name -> {});
  }

  /** As {@link #in(Path)}, telling {@code replaced} the name of each file once it is in place. */
  static CertFiles in(Path dir, Consumer<String> replaced) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new CliException(CliException.USAGE, "--dir " + dir + " is not a directory");
    }
    try {
      Files.createDirectories(dir);
      try (DirectoryStream<Path> stale =
          Files.newDirectoryStream(dir, ".{cert,key,ca}.pem.*.tmp")) {
        for (Path p : stale) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      throw new CliException(
          CliException.REFUSED, "cannot use the directory " + dir + ": " + reason(e));
    }
    return new CertFiles(dir, replaced);
  }

  /**
   * The leaf: its key, then its certificate (with the chain the server sent after it), then the key
   * again (see the class comment).
   */
  void writeLeaf(String certPem, String privateKeyPem) {
    write(KEY, privateKeyPem, OWNER_ONLY);
    write(CERT, certPem, READABLE);
    write(KEY, privateKeyPem, OWNER_ONLY);
  }

  /** The roots to trust, one PEM block after another. */
  void writeRoots(String caPem) {
    write(CA, caPem, READABLE);
  }

  private void write(String name, String pem, Set<PosixFilePermission> mode) {
    Path target = dir.resolve(name);
    Path tmp = null;
    try {
      // Created 0600 whatever it will hold, so a key is never readable by others, even briefly.
      FileAttribute<?>[] attrs =
          posix
              ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
              : new FileAttribute<?>[0];
      tmp = Files.createTempFile(dir, "." + name + ".", ".tmp", attrs);
      if (posix && !mode.equals(OWNER_ONLY)) {
        Files.setPosixFilePermissions(tmp, mode);
      }
      String text = pem.endsWith("\n") ? pem : pem + "\n";
      ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        while (bytes.hasRemaining()) {
          ch.write(bytes);
        }
        ch.force(true);
      }
      laterThan(target, tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
      syncDirectory();
      replaced.accept(name);
    } catch (IOException e) {
      throw new CliException(CliException.REFUSED, "cannot write " + target + ": " + reason(e));
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // Removed by the next run.
        }
      }
    }
  }

  /**
   * Gives {@code tmp} a modification time after {@code target}'s, if it has none: file times are
   * coarse (a clock tick), and watchers that poll them must see every replacement.
   */
  private static void laterThan(Path target, Path tmp) throws IOException {
    if (!Files.exists(target)) {
      return;
    }
    FileTime before = Files.getLastModifiedTime(target);
    if (Files.getLastModifiedTime(tmp).compareTo(before) <= 0) {
      Files.setLastModifiedTime(tmp, FileTime.fromMillis(before.toMillis() + 1));
    }
  }

  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Makes the rename durable; not every platform can sync a directory, so failures are ignored. */
  private void syncDirectory() {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // The rename happened; only its durability across a power loss is weaker.
    }
  }
}
