package io.cairn.registry.model;

import io.cairn.registry.validation.Problems;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An HTTP request whose status decides health: 2xx passing, 429 warning, anything else critical.
 */
public record HttpCheck(
    URI url,
    String method,
    Map<String, List<String>> headers,
    String body,
    boolean tlsSkipVerify,
    Duration interval,
    Duration timeout)
    implements ProbeCheck {

  private static final Pattern TOKEN = Pattern.compile("[A-Z]+");
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  public HttpCheck {
    Problems p = new Problems();
    if (url == null) {
      p.add("url", "is required");
    } else if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
        || url.getHost() == null) {
      p.add("url", "'" + url + "' must be an absolute http:// or https:// URL with a host");
    }
    if (method == null || !TOKEN.matcher(method).matches()) {
      p.add("method", "must be an upper-case HTTP method such as GET, was '" + method + "'");
    }
    TreeMap<String, List<String>> copy = new TreeMap<>();
    if (headers == null) {
      p.add("headers", "must not be null (use an empty map)");
    } else {
      headers.forEach(
          (name, values) -> {
            if (name == null || !HEADER_NAME.matcher(name).matches()) {
              p.add("headers", "'" + name + "' is not a valid header name");
            } else if (values == null || values.stream().anyMatch(v -> v == null)) {
              p.add("headers." + name, "values must not be null");
            } else {
              copy.put(name, List.copyOf(values));
            }
          });
    }
    headers = java.util.Collections.unmodifiableMap(copy);
    if (body == null) {
      p.add("body", "must not be null (use an empty string)");
    }
    ProbeCheck.checkTiming(p, interval, timeout);
    p.throwIfAny();
  }

  /** A GET check without headers or body. */
  public static HttpCheck get(URI url, Duration interval) {
    return new HttpCheck(url, "GET", Map.of(), "", false, interval, DEFAULT_TIMEOUT);
  }
}
