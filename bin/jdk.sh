# Sourced by mvnw, bin/cairn and .ci/run (POSIX sh): export JAVA_HOME for a JDK >= 21.
# Order: JAVA_HOME if it is new enough, then `java` on PATH, then the newest JDK
# under /usr/lib/jvm (or /opt/java, /opt/jdk*). Fails with a message naming what to install.

cairn_java_major() {
  # $1: a JDK home. Prints its feature version (17, 21, 25, ...) or nothing.
  if [ -r "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release" | head -n 1
  elif [ -x "$1/bin/java" ]; then
    "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n 1
  fi
}

cairn_jdk_id() {
  # The JDK in use, exactly (an AOT cache is only valid for the JVM that wrote it).
  printf '%s %s\n' "$JAVA_HOME" "$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$JAVA_HOME/release" 2>/dev/null)"
}

cairn_use_jdk21() {
  if [ -n "${JAVA_HOME:-}" ] && [ "$(cairn_java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
    return 0
  fi
  if command -v java >/dev/null 2>&1; then
    _cairn_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    if [ "$(cairn_java_major "$_cairn_home")" -ge 21 ] 2>/dev/null; then
      JAVA_HOME=$_cairn_home; export JAVA_HOME; return 0
    fi
  fi
  _cairn_best=""; _cairn_best_major=0
  for _cairn_dir in /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -x "$_cairn_dir/bin/java" ] && [ -x "$_cairn_dir/bin/javac" ] || continue
    _cairn_major=$(cairn_java_major "$_cairn_dir")
    if [ "${_cairn_major:-0}" -ge 21 ] 2>/dev/null && [ "$_cairn_major" -gt "$_cairn_best_major" ]; then
      _cairn_best=$_cairn_dir; _cairn_best_major=$_cairn_major
    fi
  done
  if [ -n "$_cairn_best" ]; then
    JAVA_HOME=$_cairn_best; export JAVA_HOME; return 0
  fi
  echo "cairn: needs a JDK 21 or newer and found none (JAVA_HOME='${JAVA_HOME:-}', java on PATH, /usr/lib/jvm)." >&2
  echo "cairn: install one (e.g. 'apt-get install openjdk-21-jdk-headless' or Temurin 21+) or set JAVA_HOME to it." >&2
  return 1
}
