package io.cairn.cluster;

import io.cairn.registry.store.Mutation;
import io.cairn.registry.store.SharedStore;
import io.cairn.registry.store.StoreEvent;
import io.cairn.registry.store.StoredRecord;
import io.cairn.registry.store.StoredState;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's records in etcd (see {@link EtcdKeys} for the layout). A commit is one
 * transaction: if the head key was not written after the replica's index, put and delete the
 * records and the head; else read the head, so the replica knows which change to wait for. The
 * watch over the data keys and the head delivers every commit, grouped by revision; when it breaks
 * it is opened again from the next revision, and when etcd compacted that revision away the whole
 * state is read again. The etcd revision is the registry index.
 */
public final class EtcdStore implements SharedStore {
  private static final Logger log = LoggerFactory.getLogger(EtcdStore.class);
  private static final int PAGE = 1000;

  /** Bytes one transaction may carry: below etcd's default 1.5 MiB request limit, with room. */
  private static final long MAX_BYTES = 1 << 20;

  private final Client client;
  private final boolean ownsClient;
  private final EtcdSettings settings;
  private final EtcdKeys keys;
  private final ByteSequence node;

  private volatile Consumer<StoreEvent> listener;
  private volatile RangeWatch watch;
  private volatile boolean available = true;

  /** The revision the last load read at, then of the last event delivered. Watch thread. */
  private volatile long seenRevision;

  /**
   * @param node this replica's name, written into the head key for whoever reads etcd by hand
   */
  public EtcdStore(Client client, EtcdSettings settings, String node) {
    this(client, false, settings, node);
  }

  private EtcdStore(Client client, boolean ownsClient, EtcdSettings settings, String node) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.settings = settings;
    this.keys = new EtcdKeys(settings.prefix());
    this.node = EtcdKeys.bytes(node);
  }

  /** A store with a client of its own, closed with it. */
  public static EtcdStore connect(EtcdSettings settings, String node) {
    return new EtcdStore(EtcdClients.connect(settings), true, settings, node);
  }

  @Override
  public StoredState load() {
    GetResponse head =
        EtcdClients.await(client.getKVClient().get(keys.head()), settings.timeout(), "read head");
    long revision = head.getHeader().getRevision();
    long lastChange = head.getKvs().isEmpty() ? 0 : head.getKvs().getFirst().getModRevision();
    List<StoredRecord> records = new ArrayList<>();
    ByteSequence from = keys.data();
    ByteSequence end = EtcdKeys.rangeEnd(keys.data());
    while (true) {
      // Pages at one revision: a consistent view however long the read takes.
      GetOption page =
          GetOption.builder()
              .withRange(end)
              .withRevision(revision)
              .withLimit(PAGE)
              .withSortField(GetOption.SortTarget.KEY)
              .withSortOrder(GetOption.SortOrder.ASCEND)
              .build();
      GetResponse r =
          EtcdClients.await(client.getKVClient().get(from, page), settings.timeout(), "load");
      for (KeyValue kv : r.getKvs()) {
        keys.recordKey(kv.getKey())
            .ifPresent(
                k ->
                    records.add(
                        new StoredRecord(
                            k.table(),
                            k.key(),
                            kv.getCreateRevision(),
                            kv.getModRevision(),
                            kv.getValue().getBytes())));
      }
      if (!r.isMore() || r.getKvs().isEmpty()) {
        break;
      }
      from = ByteSequence.from(append(r.getKvs().getLast().getKey().getBytes(), (byte) 0));
    }
    seenRevision = revision;
    return new StoredState(lastChange, records);
  }

  @Override
  public void follow(Consumer<StoreEvent> listener) {
    this.listener = listener;
    watch =
        new RangeWatch(
            client,
            keys.data(),
            keys.afterHead(),
            seenRevision + 1,
            new RangeWatch.Handler() {
              @Override
              public void onEvents(List<WatchEvent> events) {
                deliver(events);
              }

              @Override
              public long onCompacted() {
                StoredState state = load();
                listener.accept(new StoreEvent.Reloaded(state));
                return seenRevision;
              }

              @Override
              public void onConnected() {
                if (!available) {
                  log.atInfo().addKeyValue("revision", seenRevision).log("etcd reachable again");
                }
                available = true;
              }

              @Override
              public void onLost(Throwable error) {
                if (error instanceof io.etcd.jetcd.common.exception.CompactedException) {
                  log.atWarn()
                      .addKeyValue("revision", seenRevision)
                      .log("etcd compacted the changes this replica missed; reading everything");
                  return;
                }
                if (available) {
                  log.atWarn()
                      .addKeyValue("revision", seenRevision)
                      .log(
                          "lost etcd; serving the last snapshot read-only: {}", error.getMessage());
                }
                available = false;
              }
            },
            "registry");
  }

  /**
   * Turns watch events into one {@link StoreEvent.Changed} per revision. A commit's events never
   * span responses (etcd does not split a revision), so the last group is complete; a revision that
   * only wrote the head still moves the index.
   */
  private void deliver(List<WatchEvent> events) {
    long revision = 0;
    List<Mutation> mutations = new ArrayList<>();
    for (WatchEvent e : events) {
      KeyValue kv = e.getKeyValue();
      if (kv.getModRevision() != revision && revision != 0) {
        emit(revision, mutations);
        mutations = new ArrayList<>();
      }
      revision = kv.getModRevision();
      var key = keys.recordKey(kv.getKey());
      if (key.isEmpty()) {
        continue; // the head
      }
      mutations.add(
          e.getEventType() == WatchEvent.EventType.DELETE
              ? new Mutation.Delete(key.get().table(), key.get().key())
              : new Mutation.Put(
                  new StoredRecord(
                      key.get().table(),
                      key.get().key(),
                      kv.getCreateRevision(),
                      kv.getModRevision(),
                      kv.getValue().getBytes())));
    }
    if (revision != 0) {
      emit(revision, mutations);
    }
  }

  private void emit(long revision, List<Mutation> mutations) {
    seenRevision = revision;
    listener.accept(new StoreEvent.Changed(revision, mutations));
  }

  @Override
  public CommitResult commit(long expectedIndex, List<Mutation> mutations) {
    List<Op> ops = new ArrayList<>(mutations.size() + 1);
    for (Mutation m : mutations) {
      ByteSequence key = keys.record(m.table(), m.key());
      ops.add(
          switch (m) {
            case Mutation.Put put ->
                Op.put(key, ByteSequence.from(put.record().value()), PutOption.DEFAULT);
            case Mutation.Delete d -> Op.delete(key, DeleteOption.DEFAULT);
          });
    }
    ops.add(Op.put(keys.head(), node, PutOption.DEFAULT));
    TxnResponse r =
        EtcdClients.await(
            client
                .getKVClient()
                .txn()
                // "Not written after expectedIndex": a write outside Cairn may have moved the
                // index past the head's revision, and that must not block Cairn's commits.
                .If(new Cmp(keys.head(), Cmp.Op.LESS, CmpTarget.modRevision(expectedIndex + 1)))
                .Then(ops.toArray(Op[]::new))
                .Else(Op.get(keys.head(), GetOption.DEFAULT))
                .commit(),
            settings.timeout(),
            "commit");
    if (r.isSucceeded()) {
      return new CommitResult.Committed(r.getHeader().getRevision());
    }
    var head = r.getGetResponses().getFirst().getKvs();
    return new CommitResult.Conflict(head.isEmpty() ? 0 : head.getFirst().getModRevision());
  }

  @Override
  public int maxMutations() {
    return settings.maxTxnOps() - 1; // one for the head
  }

  @Override
  public long maxBytes() {
    return MAX_BYTES;
  }

  @Override
  public boolean available() {
    return available;
  }

  @Override
  public String describe() {
    return "etcd "
        + String.join(",", settings.endpoints().stream().map(Object::toString).toList())
        + " prefix "
        + settings.prefix();
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
    if (ownsClient) {
      client.close();
    }
  }

  private static byte[] append(byte[] bytes, byte b) {
    byte[] out = java.util.Arrays.copyOf(bytes, bytes.length + 1);
    out[bytes.length] = b;
    return out;
  }
}
