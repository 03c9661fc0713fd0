package io.cairn.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * {@code cairn kv get|put|delete|ls} over {@code /v1/kv}, with {@code consul kv}'s messages: a
 * value is printed as its bytes, a missing key or a failed check-and-set is exit status 1.
 */
final class Kv {
  private final ApiClient api;
  private final Cli.Args args;
  private final PrintStream out;
  private final InputStream in;

  Kv(ApiClient api, Cli.Args args, PrintStream out, InputStream in) {
    this.api = api;
    this.args = args;
    this.out = out;
    this.in = in;
  }

  void run() {
    String op = args.word(1, "get, put, delete or ls");
    switch (op) {
      case "get" -> get(args.word(2, "key"));
      case "put" -> put(args.word(2, "key"));
      case "delete" -> delete(args.word(2, "key"));
      case "ls" -> ls(args.words().size() > 2 ? args.words().get(2) : "");
      default ->
          throw new CliException(
              CliException.USAGE, "kv takes get, put, delete or ls, not '" + op + "'");
    }
  }

  static String path(String key) {
    StringBuilder p = new StringBuilder("v1/kv/");
    String[] parts = key.split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      // Each segment encoded, the slashes kept: they are part of the key.
      p.append(i == 0 ? "" : "/").append(ApiClient.encode(parts[i]).replace("+", "%20"));
    }
    return p.toString();
  }

  private void get(String key) {
    args.accept(2, 1, "detailed", "recurse", "base64");
    boolean detailed = args.flag("detailed");
    if (args.flag("recurse")) {
      JsonNode entries = api.find(path(key) + "?recurse").orElseThrow(() -> missing(key));
      for (int i = 0; i < entries.size(); i++) {
        JsonNode e = entries.get(i);
        if (!detailed) {
          out.println(e.path("Key").asText() + ":" + shown(e));
          continue;
        }
        if (i > 0) {
          out.println();
        }
        printDetailed(e);
      }
      return;
    }
    if (detailed) {
      printDetailed(api.find(path(key)).orElseThrow(() -> missing(key)).get(0));
      return;
    }
    byte[] value =
        api.getBytes(path(key) + "?raw", Duration.ofSeconds(30)).orElseThrow(() -> missing(key));
    if (args.flag("base64")) {
      out.println(Base64.getEncoder().encodeToString(value));
      return;
    }
    out.write(value, 0, value.length);
    if (value.length > 0 && value[value.length - 1] != '\n') {
      out.println();
    }
    out.flush();
  }

  /** The fields of {@code consul kv get -detailed}, one a line. */
  private void printDetailed(JsonNode e) {
    for (String field :
        new String[] {"CreateIndex", "Flags", "Key", "LockIndex", "ModifyIndex", "Session"}) {
      out.printf("%-12s %s%n", field, e.path(field).asText(field.equals("Session") ? "-" : ""));
    }
    out.printf("%-12s %s%n", "Value", shown(e));
  }

  /** An entry's value as printed: its text, or with {@code --base64} as the API's base64. */
  private String shown(JsonNode entry) {
    JsonNode v = entry.path("Value");
    if (!v.isTextual()) {
      return "";
    }
    return args.flag("base64")
        ? v.asText()
        : new String(Base64.getDecoder().decode(v.asText()), StandardCharsets.UTF_8);
  }

  private static CliException missing(String key) {
    return new CliException(CliException.REFUSED, "Error! No key exists at: " + key);
  }

  private void put(String key) {
    args.accept(2, 2, "flags", "cas", "acquire", "release", "base64");
    byte[] value = value(args.words().size() > 3 ? args.words().get(3) : "");
    if (args.flag("base64")) {
      value = fromBase64(value);
    }
    StringBuilder query = new StringBuilder();
    args.option("flags").ifPresent(f -> query.append("&flags=").append(ApiClient.encode(f)));
    args.option("cas").ifPresent(c -> query.append("&cas=").append(ApiClient.encode(c)));
    args.option("acquire").ifPresent(s -> query.append("&acquire=").append(ApiClient.encode(s)));
    args.option("release").ifPresent(s -> query.append("&release=").append(ApiClient.encode(s)));
    String suffix = query.isEmpty() ? "" : "?" + query.substring(1);
    JsonNode ok = api.putBytes(path(key) + suffix, value);
    if (!ok.asBoolean(false)) {
      throw new CliException(
          CliException.REFUSED,
          "Error! Did not write to "
              + key
              + (args.option("cas").isPresent()
                  ? ": CAS failed"
                  : ": the lock is held by another session or in its lock delay"));
    }
    out.println("Success! Data written to: " + key);
  }

  /** The value: the word itself, {@code -} for standard input, {@code @file} for a file. */
  private byte[] value(String word) {
    try {
      if (word.equals("-")) {
        return in.readAllBytes();
      }
      if (word.startsWith("@")) {
        return Files.readAllBytes(Path.of(word.substring(1)));
      }
    } catch (IOException e) {
      throw new CliException(CliException.USAGE, "cannot read the value: " + e.getMessage());
    }
    return word.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code --base64}: the value as given is base64 (surrounding white space ignored). */
  private static byte[] fromBase64(byte[] encoded) {
    String text = new String(encoded, StandardCharsets.UTF_8).strip();
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new CliException(
          CliException.USAGE, "--base64: the value is not base64: " + e.getMessage());
    }
  }

  private void delete(String key) {
    args.accept(2, 1, "recurse", "cas");
    boolean recurse = args.flag("recurse");
    Optional<String> cas = args.option("cas");
    // Both go to the server, which refuses the pair: a recursive delete cannot be a check-and-set.
    String query =
        (recurse ? "&recurse" : "") + cas.map(c -> "&cas=" + ApiClient.encode(c)).orElse("");
    String suffix = query.isEmpty() ? "" : "?" + query.substring(1);
    JsonNode ok = api.delete(path(key) + suffix);
    if (!ok.asBoolean(false)) {
      throw new CliException(
          CliException.REFUSED, "Error! Did not delete key " + key + ": CAS failed");
    }
    out.println(
        recurse ? "Success! Deleted keys with prefix: " + key : "Success! Deleted key: " + key);
  }

  private void ls(String prefix) {
    args.accept(2, 1, "recurse");
    String query = args.flag("recurse") ? "?keys" : "?keys&separator=/";
    Optional<JsonNode> keys = api.find(path(prefix) + query);
    if (keys.isEmpty()) {
      throw new CliException(CliException.REFUSED, "Error! No keys under: " + prefix);
    }
    keys.get().forEach(k -> out.println(k.asText()));
  }
}
