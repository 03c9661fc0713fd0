package io.cairn.admin.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRoute;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where the 405 routes go among the routes a service registers (the answers are in OpenApiIT). */
class MethodNotAllowedRulesTest {
  private static final Handler OK = (req, res) -> res.send();

  private final List<String> registered = new ArrayList<>();

  @Test
  void eachPathGetsIts405RightAfterItsMethods() {
    MethodNotAllowedRules.routing(
        recorder(""),
        rules ->
            rules
                .put("/service/register", OK)
                .post("/service/register", OK)
                .get("/service/{id}", OK)
                .delete("/service/{name}", OK)
                .get("/self", OK)
                .any(OK));
    assertThat(registered)
        .containsExactly(
            "PUT /service/register",
            "POST /service/register",
            "ANY /service/register",
            "GET /service/{id}",
            "DELETE /service/{name}",
            "ANY /service/{id}",
            "GET /self",
            "ANY /self",
            "ANY");
  }

  @Test
  void registeredServicesGetThe405sToo() {
    HttpService service = rules -> rules.get("/services", OK);
    MethodNotAllowedRules.routing(
        recorder(""), rules -> rules.get("/", OK).register("/v1/agent", service));
    assertThat(registered)
        .containsExactly(
            "GET /",
            "ANY /",
            "REGISTER /v1/agent",
            "GET /v1/agent/services",
            "ANY /v1/agent/services");
  }

  @Test
  void aPathTakingAnyMethodNeedsNo405() {
    MethodNotAllowedRules.routing(recorder(""), rules -> rules.any("/proxy", OK));
    assertThat(registered).containsExactly("ANY /proxy");
  }

  @Test
  void methodsOfAPathMustBeRegisteredTogether() {
    assertThatThrownBy(
            () ->
                MethodNotAllowedRules.routing(
                    recorder(""),
                    rules -> rules.get("/a/{id}", OK).get("/b", OK).put("/a/{name}", OK)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/a/{name}");
    assertThatThrownBy(
            () ->
                MethodNotAllowedRules.routing(
                    recorder(""), rules -> rules.get("/a", OK).any("/a", OK)))
        .as("a hand-written 405 after the path's methods")
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aRouteWhosePathAndMethodsAreHiddenIsRefused() {
    assertThatThrownBy(
            () ->
                MethodNotAllowedRules.routing(
                    recorder(""),
                    rules -> rules.route(HttpRoute.builder().path("/a").handler(OK).build())))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  /** Rules that write down each registration as {@code METHOD /path}, following services. */
  private HttpRules recorder(String prefix) {
    return (HttpRules)
        Proxy.newProxyInstance(
            HttpRules.class.getClassLoader(),
            new Class<?>[] {HttpRules.class},
            (proxy, method, args) -> {
              String name = method.getName();
              if (name.equals("register")) {
                String path = (String) args[0];
                registered.add("REGISTER " + prefix + path);
                for (HttpService s : (HttpService[]) args[1]) {
                  s.routing(recorder(prefix + path));
                }
              } else if (args[0] instanceof Method m) {
                registered.add(m.text() + " " + prefix + args[1]);
              } else if (args.length == 2) {
                registered.add(name.toUpperCase() + " " + prefix + args[0]);
              } else {
                registered.add(name.toUpperCase());
              }
              return proxy;
            });
  }
}
