package io.cairn.xds.cache;

import com.google.protobuf.Message;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Resource versions from content: SHA-256 of the deterministic serialization, so a restarted Cairn
 * or another replica gives the same version for the same resource (the library's default, a
 * protobuf hash code, differs between JVMs).
 */
public final class ContentVersion {
  private ContentVersion() {}

  public static String of(Message resource) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest = sha.digest(deterministic(resource));
      return HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /** The resource with its content version. */
  public static <T extends Message> io.envoyproxy.controlplane.cache.VersionedResource<T> versioned(
      T resource) {
    return io.envoyproxy.controlplane.cache.VersionedResource.create(resource, of(resource));
  }

  /** A version for a set of resources: the hash of their names and versions, in order. */
  public static String ofAll(Iterable<String> namesAndVersions) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String s : namesAndVersions) {
        sha.update(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  private static byte[] deterministic(Message resource) {
    try {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      com.google.protobuf.CodedOutputStream coded =
          com.google.protobuf.CodedOutputStream.newInstance(out);
      coded.useDeterministicSerialization();
      resource.writeTo(coded);
      coded.flush();
      return out.toByteArray();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
  }
}
