package io.cairn.health;

/**
 * Which health checks this process runs. A single Cairn runs them all; replicas of a cluster share
 * them out so each check runs on exactly one live replica.
 */
public interface CheckOwnership {
  /** Runs every check; never changes. */
  CheckOwnership ALL =
      new CheckOwnership() {
        @Override
        public boolean owns(String checkId) {
          return true;
        }

        @Override
        public void onChange(Runnable listener) {}
      };

  boolean owns(String checkId);

  /** Calls {@code listener} whenever {@link #owns} may answer differently for some checks. */
  void onChange(Runnable listener);
}
