package io.cairn.registry.acl;

import io.cairn.registry.validation.Problems;
import java.util.UUID;
import java.util.regex.Pattern;

/** ACL ids: UUIDs, as Consul makes them; new ones come from a secure random source. */
public final class AclIds {
  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private AclIds() {}

  /** A new random id ({@link UUID#randomUUID} draws from {@code SecureRandom}). */
  public static String random() {
    return UUID.randomUUID().toString();
  }

  public static boolean isUuid(String value) {
    return value != null && UUID_TEXT.matcher(value).matches();
  }

  static void check(Problems p, String field, String value) {
    if (!isUuid(value)) {
      p.add(field, "must be a UUID (8-4-4-4-12 hex digits)");
    }
  }
}
