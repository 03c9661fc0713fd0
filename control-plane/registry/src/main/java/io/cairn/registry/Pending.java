package io.cairn.registry;

import io.cairn.registry.command.Command;
import io.cairn.registry.command.CommandResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** A submitted command and the future its caller waits on. */
record Pending(Command command, CompletableFuture<CommandResult> result) {
  Pending(Command command) {
    this(command, new CompletableFuture<>());
  }

  /**
   * Waits for {@code result}, throwing the {@link RuntimeException} that rejected or failed the
   * command as it is.
   */
  static CommandResult await(CompletableFuture<CommandResult> result) {
    try {
      return result.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * Completes each command with its result: a {@link CommandResult}, or the {@link
   * RuntimeException} that rejected or failed it.
   */
  static void answer(List<Pending> commands, Object[] results, WriterMetrics metrics) {
    for (int i = 0; i < commands.size(); i++) {
      Pending p = commands.get(i);
      Object result = results[i];
      if (result instanceof CommandResult r) {
        metrics.command(p.command(), r.outcome().name());
        p.result.complete(r);
      } else {
        RuntimeException e = (RuntimeException) result;
        metrics.command(p.command(), e instanceof StoreException ? "FAILED" : "REJECTED");
        p.result.completeExceptionally(e);
      }
    }
  }

  /** Replaces every success in {@code results} with {@code failure}; rejections keep theirs. */
  static void fail(Object[] results, StoreException failure) {
    for (int i = 0; i < results.length; i++) {
      if (results[i] instanceof CommandResult) {
        results[i] = failure;
      }
    }
  }
}
