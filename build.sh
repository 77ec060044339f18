#!/usr/bin/env bash
# Runs the project's Maven wrapper on a JDK >= 25, whatever `java` on PATH is.
#   ./build.sh test    the whole test suite (what CI runs)
#   ./build.sh bench --install-natives   the benchmark job (see README; without the flag it installs nothing)
#   ./build.sh <maven arguments...>
# JAVA_HOME is honoured when it points at a JDK >= 25; otherwise the JDKs under /usr/lib/jvm
# (and `java` on PATH) are searched, newest first. Nothing has to be set by hand.
set -euo pipefail
cd "$(dirname "$0")"

jdk_major() {  # prints the feature version of the JDK at $1, or nothing
  local v
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  echo "${v%%.*}"
}

find_jdk() {
  local c m
  if [ -n "${JAVA_HOME:-}" ]; then
    m=$(jdk_major "$JAVA_HOME"); if [ -n "$m" ] && [ "$m" -ge 25 ]; then echo "$JAVA_HOME"; return; fi
    echo "build.sh: JAVA_HOME=$JAVA_HOME is not a JDK >= 25; looking elsewhere" >&2
  fi
  for c in $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV) \
           "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    m=$(jdk_major "$c"); if [ -n "$m" ] && [ "$m" -ge 25 ]; then echo "$c"; return; fi
  done
  echo "build.sh: no JDK >= 25 found. Install one (for example Temurin 25 into /usr/lib/jvm) or set JAVA_HOME to it." >&2
  exit 1
}

export JAVA_HOME="$(find_jdk)"
export PATH="$JAVA_HOME/bin:$PATH"
MVN=(./mvnw -B -ntp)

case "${1:-}" in
  test)  shift; exec "${MVN[@]}" verify "$@" ;;
  bench) shift; exec bench/run-benchmarks.sh "$@" ;;
  *)     exec "${MVN[@]}" "$@" ;;
esac
