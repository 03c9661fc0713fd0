package io.cairn.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Many writes from files ({@code cairn register}, {@code cairn config write}): each argument is a
 * JSON file (an object, or an array of them), a directory of {@code *.json} files, or {@code -} for
 * stdin. Every item is sent on its own; a failed one does not stop the others, and the failures are
 * listed at the end with the server's words. Progress goes to stderr.
 */
final class BulkWrite {
  /** One request body, named after where it came from ({@code dir/web.json[3]}). */
  record Item(String label, Optional<JsonNode> body, String parseError) {}

  /**
   * What a kind of write does: its verbs, how many requests may be in flight, the request, and the
   * order items are sent in (config entries: those referred to first).
   */
  record Kind(
      String verb,
      String progressVerb,
      int parallel,
      Consumer<JsonNode> write,
      Comparator<JsonNode> order) {}

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final PrintStream out;
  private final PrintStream err;
  private final InputStream stdin;
  private final Progress.Style progress;

  BulkWrite(PrintStream out, PrintStream err, InputStream stdin, Progress.Style progress) {
    this.out = out;
    this.err = err;
    this.stdin = stdin;
    this.progress = progress;
  }

  void run(List<String> sources, Kind kind) {
    if (sources.isEmpty()) {
      throw new CliException(CliException.USAGE, "missing file, directory or -");
    }
    List<Item> items = new ArrayList<>();
    for (String source : sources) {
      items.addAll(items(source));
    }
    if (items.isEmpty()) {
      throw new CliException(CliException.USAGE, "nothing to send: " + String.join(" ", sources));
    }
    // Unparsable items first: they fail without a request, and the rest keep the order asked for.
    items.sort(
        Comparator.comparing((Item i) -> i.body().isPresent())
            .thenComparing(
                (a, b) ->
                    a.body().isPresent() && b.body().isPresent()
                        ? kind.order().compare(a.body().get(), b.body().get())
                        : 0));
    if (items.size() == 1) {
      Item only = items.getFirst();
      kind.write()
          .accept(
              only.body()
                  .orElseThrow(
                      () ->
                          new CliException(
                              CliException.REFUSED, only.label() + ": " + only.parseError())));
      out.println(kind.verb());
      return;
    }
    long started = System.nanoTime();
    ConcurrentSkipListMap<Integer, String> failures = send(items, kind);
    out.printf(
        "%s %d of %d in %.1f s%s%n",
        kind.verb(),
        items.size() - failures.size(),
        items.size(),
        (System.nanoTime() - started) / 1e9,
        failures.isEmpty() ? "" : ", " + failures.size() + " failed");
    if (!failures.isEmpty()) {
      StringBuilder m = new StringBuilder(failures.size() + " of " + items.size() + " failed:");
      failures.forEach(
          (i, why) ->
              m.append("\n  ")
                  .append(items.get(i).label())
                  .append(": ")
                  .append(why.replace("\n", "\n    ")));
      throw new CliException(CliException.REFUSED, m.toString());
    }
  }

  /** Sends every item, {@code parallel} at a time; returns the failures by item position. */
  private ConcurrentSkipListMap<Integer, String> send(List<Item> items, Kind kind) {
    ConcurrentSkipListMap<Integer, String> failures = new ConcurrentSkipListMap<>();
    Progress bar = new Progress(err, progress, kind.progressVerb(), items.size());
    AtomicInteger next = new AtomicInteger();
    AtomicInteger sent = new AtomicInteger();
    // Errors every later item would hit too (no server, no permission) stop the run.
    AtomicReference<CliException> fatal = new AtomicReference<>();
    Runnable worker =
        () -> {
          for (int i = next.getAndIncrement();
              i < items.size() && fatal.get() == null;
              i = next.getAndIncrement()) {
            Item item = items.get(i);
            if (item.body().isEmpty()) {
              failures.put(i, item.parseError());
              bar.done(false);
              continue;
            }
            try {
              kind.write().accept(item.body().get());
              sent.incrementAndGet();
              bar.done(true);
            } catch (CliException e) {
              if (e.status() == CliException.UNREACHABLE
                  || (e instanceof ApiException a && a.httpStatus() == 403)) {
                fatal.compareAndSet(null, e);
                return;
              }
              failures.put(i, e.getMessage());
              sent.incrementAndGet();
              bar.done(false);
            }
          }
        };
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < Math.min(kind.parallel(), items.size()); t++) {
      threads.add(Thread.ofVirtual().start(worker));
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException(CliException.UNREACHABLE, "interrupted");
      }
    }
    if (fatal.get() != null) {
      bar.abandon();
      throw new CliException(
          fatal.get().status(),
          fatal.get().getMessage()
              + "\n(stopped after "
              + sent.get()
              + " of "
              + items.size()
              + " requests)");
    }
    return failures;
  }

  private List<Item> items(String source) {
    if (source.equals("-")) {
      try {
        return parse("stdin", new String(stdin.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new CliException(CliException.USAGE, "cannot read stdin: " + e.getMessage());
      }
    }
    Path path = Path.of(source);
    if (Files.isDirectory(path)) {
      List<Path> files;
      try (Stream<Path> list = Files.list(path)) {
        files =
            list.filter(p -> p.getFileName().toString().endsWith(".json"))
                .filter(Files::isRegularFile)
                .sorted()
                .toList();
      } catch (IOException e) {
        throw new CliException(CliException.USAGE, "cannot list " + source + ": " + e);
      }
      if (files.isEmpty()) {
        throw new CliException(CliException.USAGE, "no *.json files in " + source);
      }
      List<Item> items = new ArrayList<>();
      files.forEach(f -> items.addAll(parse(f.toString(), read(f))));
      return items;
    }
    return parse(source, read(path));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new CliException(
          CliException.USAGE,
          "cannot read "
              + file
              + (Files.exists(file) ? ": " + e.getMessage() : ": no such file or directory"));
    }
  }

  /** An object is one item, an array one per element; bad JSON is an item that fails. */
  private static List<Item> parse(String label, String text) {
    JsonNode json;
    try {
      json = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      String at =
          e.getLocation() == null
              ? ""
              : " (line %d, column %d)"
                  .formatted(e.getLocation().getLineNr(), e.getLocation().getColumnNr());
      return List.of(
          new Item(
              label,
              Optional.empty(),
              "not JSON: " + Table.shorten(e.getOriginalMessage(), 100) + at));
    }
    if (json == null || !(json.isObject() || json.isArray())) {
      return List.of(new Item(label, Optional.empty(), "expected a JSON object or array"));
    }
    if (json.isObject()) {
      return List.of(new Item(label + name(json), Optional.of(json), ""));
    }
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < json.size(); i++) {
      JsonNode element = json.get(i);
      String at = label + "[" + i + "]";
      items.add(
          element.isObject()
              ? new Item(at + name(element), Optional.of(element), "")
              : new Item(at, Optional.empty(), "expected a JSON object"));
    }
    return items;
  }

  /** " (web-1)" for a registration, " (service-resolver/web)" for a config entry. */
  private static String name(JsonNode json) {
    String id = json.path("ID").asText(json.path("Name").asText(""));
    String kind = json.path("Kind").asText("");
    if (id.isEmpty()) {
      return "";
    }
    return " (" + (kind.isEmpty() || kind.equals("connect-proxy") ? "" : kind + "/") + id + ")";
  }
}
