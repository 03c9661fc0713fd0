package io.cairn.admin.agent;

/**
 * Told of every TTL report (pass, warn, fail, update) just before it is applied, so whatever times
 * TTL checks resets its clock even when the report changes nothing and so writes nothing.
 */
@FunctionalInterface
public interface TtlReports {
  /** For a process that does not time TTL checks. */
  TtlReports NONE = checkId -> {};

  void reported(String checkId);
}
