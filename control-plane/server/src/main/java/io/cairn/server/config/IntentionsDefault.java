package io.cairn.server.config;

/** The answer of an intention check when no intention matches. */
public enum IntentionsDefault {
  ALLOW,
  DENY
}
