package io.cairn.admin.json;

import io.cairn.registry.validation.Problem;
import io.cairn.registry.validation.Problems;
import io.cairn.registry.validation.ValidationException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reports the registry's validation problems under the names the client used: the model's {@code
 * upstreams[1].localBindPort} becomes Consul's {@code Proxy.Upstreams[1].LocalBindPort}.
 */
public final class ConsulPaths {
  private static final Map<String, String> SPECIAL =
      Map.of(
          "id", "ID",
          "serviceId", "ServiceID",
          "destinationServiceId", "DestinationServiceID",
          "ttl", "TTL",
          "url", "HTTP",
          "useTls", "GRPCUseTLS",
          "tlsSkipVerify", "TLSSkipVerify",
          "sourceIp", "SourceIP");

  private ConsulPaths() {}

  /** A model field path in Consul's spelling; keys below a {@code meta} map are kept as given. */
  public static String of(String modelPath) {
    if (modelPath.isEmpty()) {
      return modelPath;
    }
    StringBuilder out = new StringBuilder();
    String[] segments = modelPath.split("\\.");
    boolean inMap = false;
    for (String segment : segments) {
      if (!out.isEmpty()) {
        out.append('.');
      }
      if (inMap) {
        out.append(segment);
        continue;
      }
      int bracket = segment.indexOf('[');
      String name = bracket < 0 ? segment : segment.substring(0, bracket);
      String rest = bracket < 0 ? "" : segment.substring(bracket);
      String translated =
          SPECIAL.getOrDefault(
              name,
              name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1));
      out.append(translated).append(rest);
      inMap = name.equals("meta") || name.equals("headers") || name.equals("subsets");
    }
    return out.toString();
  }

  /**
   * Builds a model value; if it is invalid, records its problems under {@code prefix} (already in
   * Consul's spelling) and returns empty, so the rest of the request is still checked.
   */
  public static <T> Optional<T> collect(Problems problems, String prefix, Supplier<T> build) {
    try {
      return Optional.of(build.get());
    } catch (ValidationException e) {
      for (Problem problem : e.problems()) {
        String field = of(problem.field());
        String at = prefix.isEmpty() ? field : field.isEmpty() ? prefix : prefix + "." + field;
        problems.add(at, problem.message());
      }
      return Optional.empty();
    }
  }
}
