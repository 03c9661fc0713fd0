package io.cairn.server.config;

/** How log lines look: for people, or one JSON object per line for log shippers. */
public enum LogFormat {
  TEXT,
  JSON
}
