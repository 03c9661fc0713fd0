package io.cairn.bench.eureka;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.netflix.eureka.server.EnableEurekaServer;

/** A standalone Eureka server for {@code bin/bench http}; settings in application.properties. */
@SpringBootApplication
@EnableEurekaServer
public class EurekaPeer {
  public static void main(String[] args) {
    SpringApplication.run(EurekaPeer.class, args);
  }
}
