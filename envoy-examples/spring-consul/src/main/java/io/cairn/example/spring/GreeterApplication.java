package io.cairn.example.spring;

import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.server.ResponseStatusException;

/**
 * A Spring Boot application written against Consul, with nothing Cairn-specific in it: its {@code
 * greeting} comes from the KV store ({@code config/greeter/greeting}) and follows changes, it
 * registers itself with its actuator health check, and it finds services through the catalog.
 */
@SpringBootApplication
public class GreeterApplication {
  public static void main(String[] args) {
    SpringApplication.run(GreeterApplication.class, args);
  }

  /** The property read from the KV store; rebuilt on every refresh the config watch triggers. */
  @RestController
  @RefreshScope
  static class Greeting {
    private final String greeting;

    Greeting(@Value("${greeting:unset}") String greeting) {
      this.greeting = greeting;
    }

    @GetMapping("/greeting")
    String greeting() {
      return greeting;
    }
  }

  /** Finds an instance of a service through the discovery client and calls its greeting. */
  @RestController
  static class Caller {
    private final DiscoveryClient discovery;
    private final RestClient http = RestClient.create();

    Caller(DiscoveryClient discovery) {
      this.discovery = discovery;
    }

    /** Answers with the discovered instance's URI, a space, and what it answered. */
    @GetMapping("/call/{service}")
    String call(@PathVariable String service) {
      List<ServiceInstance> instances = discovery.getInstances(service);
      if (instances.isEmpty()) {
        throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no instance of " + service);
      }
      String uri = instances.getFirst().getUri().toString();
      return uri + " " + http.get().uri(uri + "/greeting").retrieve().body(String.class);
    }
  }
}
