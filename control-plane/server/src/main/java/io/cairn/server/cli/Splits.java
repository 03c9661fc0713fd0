package io.cairn.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code cairn split NAME [TARGET=WEIGHT ...]}: a service-splitter entry from the command line.
 * TARGET is {@code SUBSET} (a subset of NAME), {@code SERVICE/} (all of another service, or NAME
 * itself without a subset) or {@code SERVICE/SUBSET}; weights are percentages adding up to 100.
 */
final class Splits {
  /** One share of NAME's traffic; an empty service means NAME itself. */
  record Share(String service, String subset, BigDecimal weight) {}

  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
  private static final int BAR_WIDTH = 40;

  /** The server's words for a chain service whose protocol is not the chain's. */
  private static final Pattern INCONSISTENT =
      Pattern.compile("service \"([^\"]+)\" has \"[a-z0-9]+\" which is not \"([a-z0-9]+)\"");

  private Splits() {}

  /** The shares the words ask for, or a usage error listing every problem with them. */
  static List<Share> parse(String name, List<String> words) {
    List<String> problems = new ArrayList<>();
    List<Share> shares = new ArrayList<>();
    Set<String> targets = new HashSet<>();
    BigDecimal total = BigDecimal.ZERO;
    for (String word : words) {
      int eq = word.lastIndexOf('=');
      if (eq < 0) {
        problems.add("'" + word + "': expected TARGET=WEIGHT, e.g. v1=90");
        continue;
      }
      String target = word.substring(0, eq);
      String weightText = word.substring(eq + 1).replaceFirst("%$", "");
      int slash = target.indexOf('/');
      String service = slash < 0 ? "" : target.substring(0, slash);
      String subset = slash < 0 ? target : target.substring(slash + 1);
      if (target.isEmpty() || (slash >= 0 && service.isEmpty()) || subset.contains("/")) {
        problems.add("'" + word + "': the target must be SUBSET, SERVICE/ or SERVICE/SUBSET");
        continue;
      }
      if (service.equals(name) && !subset.isEmpty()) {
        service = "";
      }
      BigDecimal weight;
      try {
        weight = new BigDecimal(weightText);
      } catch (NumberFormatException e) {
        problems.add("'" + word + "': the weight '" + weightText + "' is not a number");
        continue;
      }
      if (weight.signum() < 0 || weight.compareTo(HUNDRED) > 0) {
        problems.add("'" + word + "': the weight must be between 0 and 100");
        continue;
      }
      if (weight.stripTrailingZeros().scale() > 2) {
        problems.add("'" + word + "': the weight may have at most two decimals");
        continue;
      }
      if (!targets.add(service + "/" + subset)) {
        problems.add("'" + word + "': " + target + " appears more than once");
        continue;
      }
      total = total.add(weight);
      shares.add(new Share(service, subset, weight));
    }
    if (problems.isEmpty() && total.compareTo(HUNDRED) != 0) {
      problems.add(
          "the weights add up to " + total.stripTrailingZeros().toPlainString() + ", not 100");
    }
    if (!problems.isEmpty()) {
      throw new CliException(
          CliException.USAGE,
          "invalid split for '"
              + name
              + "':"
              + problems.stream().map(p -> "\n  - " + p).collect(Collectors.joining()));
    }
    return shares;
  }

  /** The service-splitter entry, in Consul's JSON, keeping the existing entry's meta. */
  static ObjectNode entry(String name, List<Share> shares, JsonNode meta) {
    ObjectNode entry = JsonNodeFactory.instance.objectNode();
    entry.put("Kind", "service-splitter").put("Name", name);
    var splits = entry.putArray("Splits");
    for (Share s : shares) {
      ObjectNode split = splits.addObject().put("Weight", s.weight());
      if (!s.service().isEmpty()) {
        split.put("Service", s.service());
      }
      if (!s.subset().isEmpty()) {
        split.put("ServiceSubset", s.subset());
      }
    }
    if (meta.isObject() && !meta.isEmpty()) {
      entry.set("Meta", meta);
    }
    return entry;
  }

  /** What to do about the server's reasons for refusing a split, for the problems it gave. */
  static String hint(String name, List<Share> shares, List<String> problems) {
    List<String> hints = new ArrayList<>();
    if (problems.stream().anyMatch(p -> p.contains("service-resolver"))) {
      String subsets =
          shares.stream()
              .filter(s -> s.service().isEmpty() && !s.subset().isEmpty())
              .map(
                  s ->
                      "\"%s\":{\"Filter\":\"Service.Meta.version == %s\"}"
                          .formatted(s.subset(), s.subset()))
              .collect(Collectors.joining(","));
      hints.add(
          "subsets are defined by the service's service-resolver entry; write one first, e.g.\n"
              + "    echo '{\"Kind\":\"service-resolver\",\"Name\":\"%s\",\"Subsets\":{%s}}'"
                  .formatted(name, subsets.isEmpty() ? "\"v1\":{\"Filter\":\"...\"}" : subsets)
              + " | cairn config write -");
    }
    if (problems.stream().anyMatch(p -> p.contains("needs protocol"))) {
      hints.add(
          "splitting needs an HTTP-family protocol; set it with\n"
              + "    echo '{\"Kind\":\"service-defaults\",\"Name\":\"%s\",\"Protocol\":\"http\"}'"
                  .formatted(name)
              + " | cairn config write -");
    }
    Map<String, String> protocols = new LinkedHashMap<>();
    for (String problem : problems) {
      Matcher m = INCONSISTENT.matcher(problem);
      if (m.find()) {
        protocols.putIfAbsent(m.group(1), m.group(2));
      }
    }
    protocols.forEach(
        (service, protocol) ->
            hints.add(
                "the services of a discovery chain must speak one protocol; set %s's with\n"
                        .formatted(service)
                    + ("    echo '{\"Kind\":\"service-defaults\",\"Name\":\"%s\",\"Protocol\":\"%s\"}'"
                            + " | cairn config write -")
                        .formatted(service, protocol)));
    return hints.stream().map(h -> "hint: " + h).collect(Collectors.joining("\n"));
  }

  /** The entry's splits as TARGET (in the syntax {@code split} takes), WEIGHT and a bar. */
  static void print(String name, JsonNode entry, PrintStream out) {
    Table table = new Table("TARGET", "WEIGHT", "");
    for (JsonNode s : entry.path("Splits")) {
      String service = s.path("Service").asText("");
      String subset = s.path("ServiceSubset").asText("");
      String target =
          service.isEmpty() || (service.equals(name) && !subset.isEmpty())
              ? (subset.isEmpty() ? name + "/" : subset)
              : service + "/" + subset;
      double weight = s.path("Weight").asDouble();
      int bar = (int) Math.round(weight * BAR_WIDTH / 100);
      table.row(
          target,
          BigDecimal.valueOf(weight).stripTrailingZeros().toPlainString() + "%",
          "#".repeat(weight > 0 ? Math.max(1, bar) : 0));
    }
    table.print(out);
  }
}
