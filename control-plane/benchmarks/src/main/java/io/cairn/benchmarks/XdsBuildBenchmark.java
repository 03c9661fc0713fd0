package io.cairn.benchmarks;

import io.cairn.registry.Registry;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.command.Command;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.cairn.xds.cache.ContentSnapshot;
import io.cairn.xds.cache.ProxylessSnapshots;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * xDS snapshot build time ({@code bin/bench xds-build}): {@code services x instances} in the
 * registry, then the full proxyless snapshot built from scratch, and again after one instance
 * changed. Targets: full build under 1 s, one change under 10 ms.
 */
final class XdsBuildBenchmark {
  private XdsBuildBenchmark() {}

  static void run(List<String> args) throws Exception {
    int services = 10_000;
    int instances = 3;
    int runs = 5;
    for (int i = 0; i + 1 < args.size(); i += 2) {
      switch (args.get(i)) {
        case "--services" -> services = Integer.parseInt(args.get(i + 1));
        case "--instances" -> instances = Integer.parseInt(args.get(i + 1));
        case "--runs" -> runs = Integer.parseInt(args.get(i + 1));
        default -> throw new IllegalArgumentException("unknown option " + args.get(i));
      }
    }
    int finalServices = services;
    int finalInstances = instances;
    int finalRuns = runs;
    Cleanup.around(cleanup -> run(cleanup, finalServices, finalInstances, finalRuns));
  }

  private static void run(Cleanup cleanup, int services, int instances, int runs) throws Exception {
    Path dir = cleanup.tempDirectory("cairn-xds-bench-");
    try (Registry registry = Registry.open(SqliteStore.open(dir), new SimpleMeterRegistry())) {
      List<CompletableFuture<?>> pending = new ArrayList<>();
      for (int s = 0; s < services; s++) {
        for (int i = 0; i < instances; i++) {
          pending.add(registry.submit(register(s, i, 8080)));
        }
      }
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
      RegistrySnapshot snapshot = registry.snapshot();
      System.out.printf(
          "xDS snapshot build: %d services x %d instances, %d cores, JDK %s%n",
          services, instances, Runtime.getRuntime().availableProcessors(), Runtime.version());

      double[] full = new double[runs];
      ContentSnapshot built = null;
      ProxylessSnapshots builder = new ProxylessSnapshots();
      for (int r = 0; r < runs + 2; r++) {
        long t = System.nanoTime();
        built = builder.rebuild(snapshot);
        if (r >= 2) {
          full[r - 2] = (System.nanoTime() - t) / 1e6;
        }
      }
      System.gc();
      long heap =
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
      System.out.printf(
          "full build (2 warm-up runs, then %d): median %.0f ms, min %.0f ms; %d clusters,"
              + " %d listeners; heap after GC %d MiB (registry and snapshot)%n",
          runs,
          median(full),
          Arrays.stream(full).min().orElse(Double.NaN),
          built.clusters().resources().size(),
          built.listeners().resources().size(),
          heap);

      double[] change = new double[runs];
      for (int r = 0; r < runs; r++) {
        registry.apply(register(r, 0, 9000 + r));
        RegistrySnapshot next = registry.snapshot();
        long t = System.nanoTime();
        builder.update(next, java.util.Set.of("svc-" + r));
        change[r] = (System.nanoTime() - t) / 1e6;
      }
      System.out.printf(
          "one instance changed, snapshot rebuilt: median %.2f ms, max %.2f ms (target < 10 ms:"
              + " only the changed service is rebuilt, and only its shards of each map copied)%n",
          median(change), Arrays.stream(change).max().orElse(Double.NaN));
    }
  }

  private static Command register(int service, int instance, int port) {
    return RegisterInstance.of(
        ServiceInstance.builder("svc-" + service + "-" + instance, "svc-" + service)
            .address("10." + (instance + 1) + "." + (service / 250) + "." + (service % 250 + 1))
            .port(port)
            .build());
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
