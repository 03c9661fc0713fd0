package io.cairn.admin;

import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpService;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Every route a routing function registers, found by handing it a recording {@link
 * HttpRouting.Builder} instead of Helidon's: {@code GET /v1/agent/services}, with the prefixes of
 * registered services applied. A registration the recorder does not understand fails loudly, so a
 * new way of adding routes cannot slip past the documentation check.
 */
final class RouteRecorder {
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

  /** Settings of the builder that register no routes. */
  private static final Set<String> IGNORED =
      Set.of("addFilter", "addFeature", "error", "security", "maxReRouteCount");

  private final Set<String> routes = new TreeSet<>();
  private final Set<String> fallbacks = new TreeSet<>();

  private RouteRecorder() {}

  /** The routes, as {@code METHOD /path/{param}}, that {@code routing} registers. */
  static RouteRecorder record(Consumer<HttpRouting.Builder> routing) {
    RouteRecorder recorder = new RouteRecorder();
    routing.accept(recorder.rules(""));
    return recorder;
  }

  /** Method-specific routes. */
  Set<String> routes() {
    return routes;
  }

  /** Paths with an any-method route (the 405 answers). */
  Set<String> fallbacks() {
    return fallbacks;
  }

  private HttpRouting.Builder rules(String prefix) {
    return (HttpRouting.Builder)
        Proxy.newProxyInstance(
            HttpRouting.Builder.class.getClassLoader(),
            new Class<?>[] {HttpRouting.Builder.class},
            (proxy, method, args) -> handle(prefix, proxy, method, args));
  }

  private Object handle(String prefix, Object proxy, Method method, Object[] args) {
    String name = method.getName();
    Object[] a = args == null ? new Object[0] : args;
    switch (name) {
      case "toString" -> {
        return "RouteRecorder(" + prefix + ")";
      }
      case "hashCode" -> {
        return System.identityHashCode(proxy);
      }
      case "equals" -> {
        return proxy == a[0];
      }
      default -> {
        // routes and services below
      }
    }
    if (IGNORED.contains(name)) {
      return proxy;
    }
    if (METHODS.contains(name) && a.length == 2 && a[0] instanceof String path) {
      routes.add(name.toUpperCase(Locale.ROOT) + " " + join(prefix, path));
      return proxy;
    }
    if (name.equals("route")
        && a.length == 3
        && a[0] instanceof io.helidon.http.Method m
        && a[1] instanceof String path) {
      routes.add(m.text() + " " + join(prefix, path));
      return proxy;
    }
    if (name.equals("any") && a.length == 2 && a[0] instanceof String path) {
      fallbacks.add(join(prefix, path));
      return proxy;
    }
    if (name.equals("any") && a.length == 1 && prefix.isEmpty()) {
      return proxy; // the catch-all 404
    }
    if (name.equals("register")
        && a.length == 2
        && a[0] instanceof String path
        && a[1] instanceof HttpService[] services) {
      for (HttpService service : services) {
        service.routing(rules(join(prefix, path)));
      }
      return proxy;
    }
    throw new UnsupportedOperationException(
        "RouteRecorder does not follow " + method + "; teach it, so that no route goes unchecked");
  }

  /** Helidon's joining: a service's {@code "/"} is its prefix itself. */
  private static String join(String prefix, String path) {
    if (path.equals("/") && !prefix.isEmpty()) {
      return prefix;
    }
    return prefix + path;
  }
}
