package io.cairn.benchmarks;

import java.util.List;

/** Entry point: {@code bin/bench <name> [options]}. */
public final class Benchmarks {
  private Benchmarks() {}

  public static void main(String[] args) throws Exception {
    String name = args.length == 0 ? "help" : args[0];
    List<String> rest = List.of(args).subList(Math.min(1, args.length), args.length);
    switch (name) {
      case "registrations" -> RegistrationBenchmark.run(BenchOptions.parse(rest));
      case "restore" -> RestoreBenchmark.run(rest);
      case "http" -> HttpBenchmark.run(rest);
      case "http-acl" -> HttpAclBenchmark.run(rest);
      case "dns" -> DnsBenchmark.run(rest);
      case "health" -> HealthBenchmark.run(rest);
      case "xds-build" -> XdsBuildBenchmark.run(rest);
      case "xds-fanout" -> XdsFanoutBenchmark.run(rest);
      case "durability" -> DurabilityBenchmark.run(rest);
      case "faults" -> FaultsBenchmark.run(rest);
      case "soak" -> SoakBenchmark.run(rest);
      case "cluster" -> ClusterBenchmark.run(rest);
      case "kv" -> KvBenchmark.run(rest);
      case "memory" -> MemoryBenchmark.run(rest);
      case "ca" -> CaBenchmark.run(rest);
      case "all" -> RunAll.run(rest);
      default -> {
        System.out.println(
            """
            usage: bin/bench <benchmark> [--seconds N] [--warmup N] [--writers 1,8,64]

            benchmarks:
              registrations   durable registrations/s on the embedded store (peer: SQLite,
                              one transaction per write)
              restore         restart recovery of N instances with checks, in fresh JVMs
                              [--instances 100000] [--runs 3] [--child-jvm-option OPT]...
                              (peer: plain JDBC read of the rows)
              http            the admin API over HTTP against the packaged server (a separate
                              process): catalog load, GET /v1/health/service/NAME?passing with wrk
                              (peers: nginx serving the same bytes; Eureka), timed registrations
                              (peers: etcd's puts over its JSON gateway; Eureka)
                              [--services 1000] [--instances 3] [--connections 64] [--seconds 20]
                              [--warmup 5] [--registration-seconds 10] [--writers 64]
                              [--wrk-threads 2] [--server-jar PATH] [--server-jvm-option OPT]...
                              [--wrk PATH] [--nginx PATH] [--eureka-jar PATH] [--eureka on|off]
              http-acl        what ACLs cost on those reads: the same wrk reads against two packaged
                              servers, ACLs off and ACLs on (default deny, --acl-token), the latter
                              with a token that reads service_prefix "svc-" (peer: ACLs off)
                              [--services 1000] [--instances 3] [--connections 64] [--seconds 20]
                              [--warmup 5] [--writers 64] [--wrk-threads 2] [--server-jar PATH]
                              [--server-jvm-option OPT]... [--wrk PATH]
              dns             DNS queries/s with dnsperf against the packaged server (peers: NSD
                              and, when installed, Knot DNS serving the same names from a zone
                              file), then p99.9 at half of Cairn's peak [--services 1000]
                              [--instances 3] [--seconds 20] [--warmup 5] [--clients 4] [--threads 1]
                              [--outstanding 200] [--attempts 3] [--server-jar PATH]
                              [--server-jvm-option OPT]... [--server-option --dns-udp-workers=4]...
                              [--dnsperf PATH] [--nsd PATH] [--knot PATH]
              health          Cairn's own HTTP checks against local apps: CPU at steady state,
                              delay from an app stopping to its instances leaving ?passing
                              [--checks 10000] [--services 1000] [--apps 50] [--down 2]
                              [--interval-seconds 10] [--steady-seconds 60] [--server-jar PATH]
              xds-build       xDS snapshot build time for services x instances, full and after one
                              change [--services 10000] [--instances 3] [--runs 5]
              xds-fanout      ADS streams (half SotW, half delta) against the packaged server: delay
                              from a registration's HTTP 200 to every stream having the new
                              endpoint [--streams 1000] [--channels 20] [--rounds 5]
                              [--sidecars: each stream a registered Envoy sidecar]
                              [--server-jvm-option OPT]...; ends with the server's RSS and
                              its heap after a full GC
              durability      SIGKILL of the packaged server under HTTP write load, restart,
                              check every acknowledged registration [--runs 10] [--writers 16]
                              [--min-ms 300] [--max-ms 2000]
              faults          disk faults (libfiu: failed fsync and pwrite, short writes, ENOSPC;
                              sqlite3 holding the write lock; strace) under HTTP write load,
                              through the Maven Wrapper: StoreFaultsIT with each fault held
                              longer [--seconds 30]
              cluster         3 packaged replicas on --store etcd over a real 3-member etcd:
                              registrations/s over HTTP spread over the replicas (peer: one
                              server on the embedded store; reference: raw etcd puts), then the
                              delay from a registration on A to a blocking query on B and an xDS
                              push to C [--quick] [--seconds 10] [--warmup 3] [--writers 64,1]
                              [--samples 200] [--warmup-samples 30] [--no-etcd-puts]
              kv              Consul's KV API on the packaged server against a single-member etcd
                              (fsync on) in the same run: puts/s with N clients (PUT /v1/kv/KEY;
                              etcd Put through jetcd), then W blocking queries on one prefix
                              (GET /v1/kv/fan/?recurse&index=N; etcd: W prefix watches) and one
                              put: delay from its acknowledgement until each watcher is woken
                              [--quick] [--clients 64] [--seconds 10] [--warmup 3]
                              [--value-bytes 128] [--watchers 1000] [--rounds 5] [--warmup-rounds 1]
              memory          the packaged server's memory with N instances x 1 TTL check
                              (registered over HTTP, then restored on a restart): restore and
                              start-up time, RSS once ready and after reads, live heap after a
                              full GC, with the default heap and each --server-jvm-option value
                              (a run each; no peer: Consul is not installable here)
                              [--instances 100000] [--connections 8] [--reads 300]
                              [--idle-seconds 0: then RSS after that long idle]
                              [--server-jar PATH] [--server-jvm-option "-Xmx384m"]...
              soak            mixed load on the packaged server with a full GC and a sample of
                              live heap and threads every period [--minutes 30]
                              [--sample-seconds 30]
              all             every benchmark in turn, and a Markdown report [--quick] [--soak]
                              [--report PATH] [--only a,b]""");
        if (!name.equals("help")) {
          System.exit(2);
        }
      }
    }
  }
}
