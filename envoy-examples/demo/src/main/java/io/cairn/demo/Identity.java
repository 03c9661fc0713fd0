package io.cairn.demo;

import java.util.Optional;

/**
 * Who a demo server is: service name, version (the {@code version} meta a resolver subset selects
 * on) and instance ID. Its description is what every reply says, so a client can count by it.
 */
record Identity(String service, Optional<String> version, String id) {
  /** {@code api v1 (api-1)}, or {@code web (web-1)} without a version. */
  String describe() {
    return service + version.map(v -> " " + v).orElse("") + " (" + id + ")";
  }

  /** The version a {@link #describe()} reply names, if it names one. */
  static Optional<String> versionOf(String reply) {
    String[] words = reply.strip().split(" ");
    return words.length >= 3 && words[1].startsWith("v") ? Optional.of(words[1]) : Optional.empty();
  }
}
