package io.cairn.benchmarks;

import io.cairn.ca.CertificateAuthority;
import io.cairn.registry.ca.CaConfiguration;
import io.cairn.registry.ca.CaSetup;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Leaf issuance: leaves per second for N services with each key type, beside the cost of making the
 * key alone (the JDK's key generator, the floor any CA pays per leaf), and the time a root rotation
 * (new root, cross-signature) takes. In-process; no server.
 */
final class CaBenchmark {
  private CaBenchmark() {}

  static void run(List<String> args) throws Exception {
    int services = 1_000;
    int rounds = 3;
    for (int i = 0; i < args.size(); i += 2) {
      switch (args.get(i)) {
        case "--services" -> services = Integer.parseInt(args.get(i + 1));
        case "--rounds" -> rounds = Integer.parseInt(args.get(i + 1));
        default -> throw new IllegalArgumentException("unknown option " + args.get(i));
      }
    }
    System.out.printf(
        "ca: leaves for %d services, %d rounds; %d cores, %s%n",
        services, rounds, Runtime.getRuntime().availableProcessors(), Runtime.version());
    System.out.printf(
        "%-9s %5s %12s %14s %16s %12s%n",
        "key", "round", "leaves/s", "keys-only/s", "sign+build us", "ratio");
    for (CaConfiguration config :
        List.of(
            CaConfiguration.DEFAULT,
            new CaConfiguration(Duration.ofHours(72), "rsa", 2048, Duration.ofDays(3650)))) {
      CaSetup ca = CertificateAuthority.create(config, "bench.consul", Instant.now());
      String label = config.privateKeyType() + "-" + config.privateKeyBits();
      for (int r = 1; r <= rounds; r++) {
        int n = config.privateKeyType().equals("rsa") ? Math.max(1, services / 10) : services;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
          CertificateAuthority.issue(ca, "dc1", "svc-" + i, Instant.now());
        }
        double leafSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        for (int i = 0; i < n; i++) {
          keyPair(config);
        }
        double keySeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            "%-9s %5d %12.0f %14.0f %16.0f %11.2fx%n",
            label,
            r,
            n / leafSeconds,
            n / keySeconds,
            Math.max(0, leafSeconds - keySeconds) / n * 1e6,
            (n / leafSeconds) / (n / keySeconds));
      }
      long rotate = System.nanoTime();
      CertificateAuthority.rotate(ca, config, Instant.now());
      System.out.printf(
          "%-9s rotation (new root + cross-signature): %.1f ms%n",
          label, (System.nanoTime() - rotate) / 1e6);
    }
    System.out.println(
        "ratio: leaves/s over keys-only/s (1.00x would mean building and signing cost nothing)");
  }

  private static void keyPair(CaConfiguration config) throws Exception {
    if (config.privateKeyType().equals("rsa")) {
      KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(config.privateKeyBits(), new SecureRandom());
      rsa.generateKeyPair();
    } else {
      KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
      ec.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      ec.generateKeyPair();
    }
  }
}
