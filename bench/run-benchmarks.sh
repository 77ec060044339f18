#!/usr/bin/env bash
# The benchmark job (`./build.sh bench [options]`): builds bench/target/benchmarks.jar, makes sure
# the native peers are installed, runs the JMH suite on every peer that can run here, and prints
# the summary table (also written to bench/results/<timestamp>.md next to the JMH JSON and log).
#
#   --quick          default: 2 forks, 3 x 1 s warm-up, 5 x 1 s measurement (about 8 minutes with five peers)
#   --full           3 forks, 5 x 2 s warm-up, 10 x 2 s measurement (about 30 minutes)
#   --peers a,b      peers to run (default: hakmem,hakmem-nochecks,glibc,mimalloc,tcmalloc; unavailable ones are skipped)
#   --bench REGEX    JMH benchmarks to run (default: the peer workloads, TinyHot and RandomMixed;
#                    the multithreaded ones run when named: 'MidLargeMt|Xmalloc|Larson|CacheScratch')
#   --no-install     do not try to apt-get install missing native peers
#   --no-build       use the existing bench/target/benchmarks.jar
#   -- ARGS...       passed to JMH as they are, e.g. `--bench RandomMixed -- -p ws=256 -i 3`
#                    (-f/-wi/-w/-i/-r given here replace the mode's defaults; select benchmarks
#                    with --bench, since a regex here would add to the default selection)
#
# Exit status: non-zero when the build fails, no peer can run, or a requested benchmark has no
# result (for example because its verification threw).
set -euo pipefail
cd "$(dirname "$0")/.."

orig_args=("$@")
mode=quick peers="hakmem,hakmem-nochecks,glibc,mimalloc,tcmalloc" install=1 build=1 jmh_extra=()
bench='^dev\.hakmem\.bench\.(TinyHot|RandomMixed)\.'  # not bench.design.*: those are not peer comparisons
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick ;;
    --full) mode=full ;;
    --peers) peers="${2:?--peers needs a comma-separated list}"; shift ;;
    --bench) bench="${2:?--bench needs a JMH regex}"; shift ;;
    --no-install) install=0 ;;
    --no-build) build=0 ;;
    --) shift; jmh_extra=("$@"); break ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "run-benchmarks.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
  shift
done

# build.sh sets JAVA_HOME to a JDK >= 25; when this script is started directly, go through it.
java_major() {
  [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] || { echo 0; return; }
  local v
  v=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  v=${v%%.*}; echo "${v:-0}"
}
if [ "$(java_major)" -lt 25 ]; then
  if [ -n "${HAKMEM_BENCH_VIA_BUILD:-}" ]; then echo "run-benchmarks.sh: no JDK >= 25" >&2; exit 1; fi
  export HAKMEM_BENCH_VIA_BUILD=1
  exec ./build.sh bench "${orig_args[@]}"
fi
JAVA="$JAVA_HOME/bin/java"
# Native access for the peers' downcalls; allow JMH's own sun.misc.Unsafe use without warnings.
JVM_FLAGS=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
JAR=bench/target/benchmarks.jar

# Installs the Debian packages of missing native peers when we are root; otherwise says how.
install_native_peers() {
  local missing=() lib pkg
  for lib_pkg in libmimalloc.so.2:libmimalloc2.0 libtcmalloc_minimal.so.4:libtcmalloc-minimal4 libjemalloc.so.2:libjemalloc2; do
    lib=${lib_pkg%%:*} pkg=${lib_pkg#*:}
    ldconfig -p 2>/dev/null | grep -qF "$lib" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "run-benchmarks.sh: missing native peers; install them with: apt-get install ${missing[*]}" >&2
    return 0
  fi
  echo "run-benchmarks.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } \
    || echo "run-benchmarks.sh: could not install ${missing[*]}; those peers will be skipped" >&2
}

[ "$install" = 1 ] && install_native_peers
if [ "$build" = 1 ]; then
  echo "run-benchmarks.sh: building $JAR"
  ./mvnw -B -ntp -q -pl bench -am package -DskipTests
fi
[ -f "$JAR" ] || { echo "run-benchmarks.sh: $JAR is missing (build it, or drop --no-build)" >&2; exit 1; }

mkdir -p bench/results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=bench/results/$stamp

# Which peers can run here; the others get a "skipped" line with the reason and how to fix it.
"$JAVA" "${JVM_FLAGS[@]}" -cp "$JAR" dev.hakmem.bench.peers.Peers "$peers" > "$out.peers.tsv"
awk -F'\t' '$2 != "available" { print "run-benchmarks.sh: skipping " $1 ": " $3 }' "$out.peers.tsv" >&2
available=$(awk -F'\t' '$2 == "available" { print $1 }' "$out.peers.tsv" | paste -sd, -)
if [ -z "$available" ]; then echo "run-benchmarks.sh: no peer can run here" >&2; exit 1; fi

case "$mode" in
  quick) defaults=(-f 2 -wi 3 -w 1s -i 5 -r 1s) ;;
  full)  defaults=(-f 3 -wi 5 -w 2s -i 10 -r 2s) ;;
esac
# JMH rejects an option given twice, so an option passed after -- replaces the mode's default.
jmh_opts=()
for ((k = 0; k < ${#defaults[@]}; k += 2)); do
  case " ${jmh_extra[*]} " in *" ${defaults[k]} "*) ;; *) jmh_opts+=("${defaults[k]}" "${defaults[k+1]}") ;; esac
done
echo "run-benchmarks.sh: $mode run of peers $available; log in $out.log"
set +e
"$JAVA" "${JVM_FLAGS[@]}" -jar "$JAR" "$bench" "${jmh_opts[@]}" -p "peer=$available" \
  -jvmArgsAppend "${JVM_FLAGS[*]}" -rf json -rff "$out.json" "${jmh_extra[@]}" 2>&1 | tee "$out.log"
jmh_status=${PIPESTATUS[0]}
set -e
if [ ! -s "$out.json" ]; then
  echo "run-benchmarks.sh: JMH wrote no results (exit $jmh_status); see $out.log" >&2
  exit 1
fi
echo
set +e
"$JAVA" -cp "$JAR" dev.hakmem.bench.report.Summary "$out.json" --peers "$out.peers.tsv" --md "$out.md"
summary_status=$?
set -e
# A benchmark that threw (all peers of a workload included) shows up as <failure> in the log.
if grep -q '<failure>' "$out.log"; then
  echo "run-benchmarks.sh: some benchmarks FAILED (search for <failure> in $out.log)" >&2
  [ "$jmh_status" -ne 0 ] || jmh_status=3
fi
[ "$jmh_status" -ne 0 ] && exit "$jmh_status"
exit "$summary_status"
