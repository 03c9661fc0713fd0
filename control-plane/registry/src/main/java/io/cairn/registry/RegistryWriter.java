package io.cairn.registry;

import io.cairn.registry.command.Command;
import io.cairn.registry.command.CommandResult;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's only writer, whatever the store: it takes commands into one bounded {@link Inbox},
 * publishes snapshots through one {@link Publisher}, and reports its {@link WriteState}. How
 * commands reach the store is its {@link WritePath}: group commits to an embedded store ({@link
 * LocalWritePath}), or conditional commits to a store shared with other replicas ({@link
 * SharedWritePath}).
 *
 * <p>An unexpected error escaping the write path stops the writer for good ({@link
 * WriteState.Stopped}) and completes {@link #writerFailure()}.
 */
final class RegistryWriter implements Registry {
  private static final Logger log = LoggerFactory.getLogger(RegistryWriter.class);

  /** Commands applied (and, where they fit, committed) together. */
  static final int MAX_BATCH = 1024;

  static final int INBOX_CAPACITY = 65_536;

  private final WritePath path;
  private final Inbox inbox = new Inbox(INBOX_CAPACITY);
  private final Publisher publisher;
  private final WriterMetrics metrics;
  private final CompletableFuture<Throwable> writerFailure = new CompletableFuture<>();
  private volatile WriteState.Stopped stoppedBy;
  private volatile boolean closing;
  private volatile boolean stopped;

  private RegistryWriter(WritePath path, RegistrySnapshot initial, MeterRegistry meters) {
    this.path = path;
    this.publisher = new Publisher(initial);
    this.metrics = new WriterMetrics(meters, publisher::snapshot, inbox::commands);
    metrics.writable(() -> writeState().writable());
  }

  /** Restores what {@code path}'s store holds, then starts writing through it. */
  static RegistryWriter start(WritePath path, MeterRegistry meters) {
    RegistrySnapshot initial = path.restore();
    RegistryWriter writer = new RegistryWriter(path, initial, meters);
    path.start(writer);
    return writer;
  }

  @Override
  public RegistrySnapshot snapshot() {
    return publisher.snapshot();
  }

  @Override
  public CompletableFuture<CommandResult> submit(Command command) {
    Pending pending = new Pending(command);
    queue(pending);
    return pending.result();
  }

  /**
   * Applies {@code command} and waits until it is durable. The caller waits anyway, so when the
   * writer is idle the write path may run the command on the caller's thread ({@link
   * WritePath#runInline}) rather than hand it to its own thread(s) and back.
   */
  @Override
  public CommandResult apply(Command command) {
    Pending pending = new Pending(command);
    if (closing || !path.runInline(pending)) {
      queue(pending);
    }
    return Pending.await(pending.result());
  }

  /** Queues {@code pending} for the write path, or answers it at once if it cannot be taken. */
  private void queue(Pending pending) {
    if (closing) {
      pending.result().completeExceptionally(new RegistryClosedException());
      return;
    }
    WriteState state = writeState();
    if (state instanceof WriteState.Stopped
        || (!state.writable() && path.refusesWhileUnwritable())) {
      pending.result().completeExceptionally(refusal(state));
      return;
    }
    if (!inbox.offer(pending)) {
      metrics.rejectedBusy();
      pending
          .result()
          .completeExceptionally(
              new StoreUnavailableException(
                  "this server has "
                      + inbox.capacity()
                      + " writes queued for its store, which is slower than the clients; retry"
                      + " shortly"));
      return;
    }
    if (stopped) {
      // The write path ended between our check and our put: nobody else will answer.
      failQueued();
    }
  }

  @Override
  public RegistrySnapshot awaitIndex(long afterIndex, Duration timeout)
      throws InterruptedException {
    return publisher.awaitIndex(afterIndex, timeout);
  }

  @Override
  public Subscription subscribe(Consumer<ChangeEvent> listener) {
    return publisher.subscribe(listener);
  }

  @Override
  public WriteState writeState() {
    WriteState.Stopped s = stoppedBy;
    return s != null ? s : path.state();
  }

  @Override
  public CompletableFuture<Throwable> writerFailure() {
    return writerFailure;
  }

  Inbox inbox() {
    return inbox;
  }

  Publisher publisher() {
    return publisher;
  }

  WriterMetrics metrics() {
    return metrics;
  }

  /** Whether {@link #close()} was called: the write path finishes what is queued and ends. */
  boolean closing() {
    return closing;
  }

  /** Called by the write path once it has ended: later commands are failed at once. */
  void ended() {
    stopped = true;
    failQueued();
  }

  /** Stops the writer for good: no write can succeed until the process restarts. */
  void stop(Throwable cause) {
    if (stoppedBy != null) {
      return;
    }
    log.error("registry writer stopped by an unexpected error; writes are refused", cause);
    stoppedBy = new WriteState.Stopped("registry writer stopped: " + cause);
    writerFailure.complete(cause);
  }

  /** Why a write is refused in {@code state}. */
  static StoreUnavailableException refusal(WriteState state) {
    return switch (state) {
      case WriteState.Unwritable u ->
          new StoreUnavailableException(
              "the store failed ("
                  + u.reason()
                  + "); writes are refused until it has been reopened and read back");
      case WriteState.Stopped s ->
          new StoreUnavailableException(s.reason() + "; Cairn must be restarted");
      case WriteState.Writable w -> new StoreUnavailableException("the store failed");
    };
  }

  private void failQueued() {
    inbox.failAll(RegistryClosedException::new);
  }

  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    try {
      path.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    publisher.close();
    path.closeStore();
    log.atInfo().addKeyValue("index", publisher.snapshot().index()).log("registry closed");
  }
}
