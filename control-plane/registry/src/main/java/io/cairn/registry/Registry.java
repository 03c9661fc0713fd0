package io.cairn.registry;

import io.cairn.registry.command.Command;
import io.cairn.registry.command.CommandResult;
import io.cairn.registry.store.RegistryStore;
import io.cairn.registry.store.SharedStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The service registry: one writer applies commands in order and commits them durably in groups;
 * readers take immutable snapshots without locks.
 */
public interface Registry extends AutoCloseable {

  /** Restores state from {@code store} and starts the writer. */
  static Registry open(RegistryStore store, MeterRegistry meters) {
    return RegistryWriter.start(new LocalWritePath(store), meters);
  }

  /**
   * Loads the state of a store shared with other replicas, follows their changes, and starts this
   * replica's writer.
   */
  static Registry replicated(SharedStore store, MeterRegistry meters) {
    return RegistryWriter.start(new SharedWritePath(store), meters);
  }

  /** The latest published state. Never blocks. */
  RegistrySnapshot snapshot();

  /**
   * Queues {@code command}. The future completes once the command is durable (or was rejected, with
   * a {@link RegistryException}).
   */
  CompletableFuture<CommandResult> submit(Command command);

  /**
   * Applies {@code command} and waits until it is durable.
   *
   * @throws RegistryException if it was rejected or could not be stored
   */
  default CommandResult apply(Command command) {
    return Pending.await(submit(command));
  }

  /**
   * Waits until the index passes {@code afterIndex} or {@code timeout} elapses, then returns the
   * latest snapshot (whose index may still be {@code <= afterIndex} on timeout).
   */
  RegistrySnapshot awaitIndex(long afterIndex, Duration timeout) throws InterruptedException;

  /**
   * Delivers change events to {@code listener} on a thread of its own, in index order, merging
   * events the listener was too slow to take one by one.
   */
  Subscription subscribe(Consumer<ChangeEvent> listener);

  /** Whether writes can succeed now (readiness reports this). Never blocks. */
  WriteState writeState();

  /**
   * Completes with the cause when the writer stops on an unexpected error (a bug, an {@link
   * Error}): no write can succeed after that until the process restarts. Never completes on {@link
   * #close()}.
   */
  CompletableFuture<Throwable> writerFailure();

  /** Stops taking commands, finishes the queued ones, and closes the store. */
  @Override
  void close();
}
