package io.cairn.registry;

/**
 * How the {@link RegistryWriter} gets commands into its store: the seam between the one writer and
 * the two kinds of store.
 */
sealed interface WritePath permits LocalWritePath, SharedWritePath {
  /** Reads the store's state at start, logging what was read. */
  RegistrySnapshot restore();

  /** Starts the thread(s) taking commands from {@code writer}'s inbox. */
  void start(RegistryWriter writer);

  /** Writable, or why not (the writer adds {@link WriteState.Stopped}). */
  WriteState state();

  /**
   * Whether {@link RegistryWriter#submit} refuses commands at once while {@link #state()} is not
   * writable, instead of queueing them for the path to fail.
   */
  boolean refusesWhileUnwritable();

  /**
   * Writes {@code command} on the caller's thread, answering it, if the path can do so now (it is
   * idle); false, having done nothing, if the command must be queued instead. For callers that wait
   * for the answer anyway.
   */
  boolean runInline(Pending command);

  /** Waits for the thread(s) to finish what was queued once the writer is closing. */
  void join() throws InterruptedException;

  /** Closes the store after the thread(s) ended. */
  void closeStore();
}
