package io.cairn.benchmarks;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.DeleteOption;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * etcd's own write ceiling on this machine, as a second reference for the cluster benchmark: plain
 * puts of distinct keys through jetcd, each thread waiting for its put before the next, values the
 * size of a registration record. A replica's commit is one transaction of such puts plus a compare
 * on the head key, so Cairn on etcd can approach this per transaction, not per registration: with
 * many writers it batches registrations into one transaction.
 */
final class EtcdPuts {
  private static final String PREFIX = "/cairn-bench-raw/";

  /** About the size of one instance record as Cairn stores it. */
  private static final ByteSequence VALUE = ByteSequence.from(new byte[320]);

  private EtcdPuts() {}

  static LoadRun.Result run(List<String> endpoints, int writers, int warmupSeconds, int seconds)
      throws Exception {
    try (Client client = Client.builder().endpoints(endpoints.toArray(String[]::new)).build()) {
      KV kv = client.getKVClient();
      LoadRun.Result result =
          LoadRun.run(
              writers,
              warmupSeconds,
              seconds,
              (w, seq) -> kv.put(key(w + "-" + seq), VALUE).get(10, TimeUnit.SECONDS));
      // Cairn's replicas start next on the same etcd: leave them only their own keys.
      kv.delete(key(""), DeleteOption.builder().isPrefix(true).build()).get(30, TimeUnit.SECONDS);
      return result;
    }
  }

  private static ByteSequence key(String suffix) {
    return ByteSequence.from(PREFIX + suffix, StandardCharsets.UTF_8);
  }
}
