package io.cairn.admin.http;

import io.helidon.http.Method;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRoute;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Routing rules that answer every other method on a path with 405 and an {@code Allow} header
 * naming exactly the methods registered for it, so no service writes its 405 routes by hand.
 * Services registered through these rules get the same rules.
 *
 * <p>A path's methods are registered one after another; its 405 route goes right after them, so
 * that a later pattern which also matches the path (such as {@code /service/{id}} after {@code
 * /service/register}) does not serve it. Registering more methods on a path after another path has
 * been registered is refused, since its {@code Allow} would no longer be complete.
 */
public final class MethodNotAllowedRules implements HttpRules {
  /** The order of methods in {@code Allow}. */
  private static final List<Method> ORDER =
      List.of(
          Method.GET,
          Method.HEAD,
          Method.PUT,
          Method.POST,
          Method.DELETE,
          Method.PATCH,
          Method.OPTIONS,
          Method.TRACE);

  private final HttpRules rules;

  /** Paths (parameter names removed) already registered: pending or finished. */
  private final Set<String> done = new HashSet<>();

  private Optional<Pending> pending = Optional.empty();

  private MethodNotAllowedRules(HttpRules rules) {
    this.rules = rules;
  }

  /** The path being registered, as first written, and its methods so far. */
  private record Pending(String path, Set<Method> methods) {}

  /** Lets {@code routes} register on {@code rules}, adding the 405 routes. */
  public static void routing(HttpRules rules, Consumer<HttpRules> routes) {
    MethodNotAllowedRules with405 = new MethodNotAllowedRules(rules);
    routes.accept(with405);
    with405.finishPath();
  }

  /** A path that takes every method: it needs no 405. */
  @Override
  public HttpRules any(String path, Handler... handlers) {
    finishPath();
    startPath(path);
    rules.any(path, handlers);
    return this;
  }

  /** The catch-all for whatever no route served. */
  @Override
  public HttpRules any(Handler... handlers) {
    finishPath();
    rules.any(handlers);
    return this;
  }

  @Override
  public HttpRules register(HttpService... services) {
    finishPath();
    rules.register(with405(services));
    return this;
  }

  @Override
  public HttpRules register(String path, HttpService... services) {
    finishPath();
    rules.register(path, with405(services));
    return this;
  }

  /**
   * A route built elsewhere hides its path and methods, so its 405 could not be right. Helidon's
   * {@code get(path, handlers)} and the like come through {@link #route(Method, String, Handler)};
   * should that change, registering fails here rather than leaving a path without its 405.
   */
  @Override
  public HttpRules route(HttpRoute route) {
    throw new UnsupportedOperationException(
        "register routes with get, put, post, delete... so that the 405 knows their methods");
  }

  /** Where {@code get}, {@code put} and the other methods' routes come. */
  @Override
  public HttpRules route(Method method, String path, Handler handler) {
    method(method, path);
    rules.route(method, path, handler);
    return this;
  }

  private void method(Method method, String path) {
    if (pending.isEmpty() || !key(pending.get().path()).equals(key(path))) {
      finishPath();
      pending = Optional.of(new Pending(path, new HashSet<>()));
      startPath(path);
    }
    pending.get().methods().add(method);
  }

  private void startPath(String path) {
    if (!done.add(key(path))) {
      throw new IllegalStateException(
          "routes for " + path + " must be registered together: its 405 route is already in place");
    }
  }

  private void finishPath() {
    pending.ifPresent(
        p -> {
          String allowed = allow(p.methods());
          rules.any(p.path(), (req, res) -> ErrorResponses.methodNotAllowed(req, res, allowed));
        });
    pending = Optional.empty();
  }

  private static String allow(Set<Method> methods) {
    List<Method> ordered = new ArrayList<>(ORDER);
    ordered.retainAll(methods);
    methods.stream()
        .filter(m -> !ORDER.contains(m))
        .sorted(Comparator.comparing(Method::text))
        .forEach(ordered::add);
    return ordered.stream().map(Method::text).collect(Collectors.joining(", "));
  }

  /** {@code /a/{id}} and {@code /a/{name}} match the same requests: one path. */
  private static String key(String path) {
    return path.replaceAll("\\{[^}]*}", "{}");
  }

  private static HttpService[] with405(HttpService... services) {
    return Arrays.stream(services).map(With405::new).toArray(HttpService[]::new);
  }

  /** A service whose routes get their 405s; its lifecycle is the service's own. */
  private record With405(HttpService service) implements HttpService {
    @Override
    public void routing(HttpRules rules) {
      MethodNotAllowedRules.routing(rules, service::routing);
    }

    @Override
    public void beforeStart() {
      service.beforeStart();
    }

    @Override
    public void afterStart(WebServer server) {
      service.afterStart(server);
    }

    @Override
    public void afterStop() {
      service.afterStop();
    }
  }
}
