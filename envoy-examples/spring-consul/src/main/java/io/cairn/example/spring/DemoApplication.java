package io.cairn.example.spring;

import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * A plain Spring Cloud Consul application: its {@code greeting} comes from Consul's KV (here,
 * Cairn's) and follows changes; it registers itself and finds others through the catalog.
 */
@SpringBootApplication
public class DemoApplication {
  public static void main(String[] args) {
    SpringApplication.run(DemoApplication.class, args);
  }

  /** Answers with the property read from the KV store; refreshed when the key changes. */
  @RestController
  @RefreshScope
  static class Greeting {
    @Value("${greeting:none}")
    private String greeting;

    @GetMapping("/greeting")
    String greeting() {
      return greeting;
    }
  }

  /** Finds a service through the discovery client and calls its {@code /greeting}. */
  @RestController
  static class Calls {
    private final DiscoveryClient discovery;

    Calls(DiscoveryClient discovery) {
      this.discovery = discovery;
    }

    @GetMapping("/call/{service}")
    String call(@PathVariable String service) {
      List<ServiceInstance> instances = discovery.getInstances(service);
      if (instances.isEmpty()) {
        return "no instance of " + service;
      }
      return RestClient.create()
          .get()
          .uri(instances.get(0).getUri() + "/greeting")
          .retrieve()
          .body(String.class);
    }
  }
}
