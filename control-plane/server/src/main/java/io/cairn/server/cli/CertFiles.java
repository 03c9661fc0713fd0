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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The files of {@code cairn connect certs} in one directory: {@code cert.pem}, {@code key.pem}
 * (mode 0600) and {@code ca.pem}, always written together. Each is replaced atomically (a temporary
 * file in the same directory, synced, then renamed over it) and a replaced file's modification time
 * always moves forward.
 *
 * <p>The order and the "always together" are for grpc-java's {@code file_watcher} provider and its
 * mTLS context, which polls the files' times: it rereads the key pair when either time moved and
 * the roots when {@code ca.pem}'s did, and it builds a new context only once it has reread both
 * since its last one. A write that changed only the leaf (a renewal) or only the roots would never
 * be used. So every write renames the key and the certificate one right after the other (the three
 * files are prepared and synced first), then, {@link #ROOTS_AFTER_PAIR} later, {@code ca.pem}: a
 * poll between two renames rereads at most a pair, and the context is built at the poll that sees
 * the new {@code ca.pem}, from the whole set.
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

  /**
   * The pause between the certificate's rename and {@code ca.pem}'s. A grpc-java poll checks the
   * pair, reads and parses it, and only then checks {@code ca.pem}: one that starts between the
   * key's rename and the certificate's and finds the new {@code ca.pem} at its end would build a
   * context from the new key and the old certificate and then wait for roots that do not change
   * again. The pause is far longer than such a poll takes, so a poll that saw half a pair never
   * sees the new roots; the next poll rereads the whole pair first.
   */
  static final Duration ROOTS_AFTER_PAIR = Duration.ofMillis(500);

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
   * Replaces the three files: the leaf's key, its certificate (with the chain the server sent after
   * it) and every root to trust, one PEM block after another (see the class comment for the order).
   */
  void write(String certPem, String privateKeyPem, String caPem) {
    List<Path> temps = new ArrayList<>();
    try {
      Path key = prepare(KEY, privateKeyPem, OWNER_ONLY, temps);
      Path cert = prepare(CERT, certPem, READABLE, temps);
      Path ca = prepare(CA, caPem, READABLE, temps);
      rename(key, KEY);
      rename(cert, CERT);
      pause(ROOTS_AFTER_PAIR);
      rename(ca, CA);
      temps.clear();
      syncDirectory();
    } finally {
      for (Path tmp : temps) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // Removed by the next run.
        }
      }
    }
  }

  /** A synced temporary file holding {@code pem}, with a time later than the file it replaces. */
  private Path prepare(String name, String pem, Set<PosixFilePermission> mode, List<Path> temps) {
    Path target = dir.resolve(name);
    try {
      // Created 0600 whatever it will hold, so a key is never readable by others, even briefly.
      FileAttribute<?>[] attrs =
          posix
              ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
              : new FileAttribute<?>[0];
      Path tmp = Files.createTempFile(dir, "." + name + ".", ".tmp", attrs);
      temps.add(tmp);
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
      return tmp;
    } catch (IOException e) {
      throw new CliException(CliException.REFUSED, "cannot write " + target + ": " + reason(e));
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the roots are written at once; the set stays whole
    }
  }

  private void rename(Path tmp, String name) {
    Path target = dir.resolve(name);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new CliException(CliException.REFUSED, "cannot write " + target + ": " + reason(e));
    }
    replaced.accept(name);
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
