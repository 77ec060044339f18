#!/usr/bin/env bash
# The benchmark job (`./build.sh bench [options]`): builds bench/target/benchmarks.jar, checks that
# the native peers are installed (and installs them only when asked: --install-natives), runs every
# workload on every peer that can run here, and writes a report with tables and charts (the tables
# are also printed at the end). The README's main command is `./build.sh bench --install-natives`.
#
#   --quick          default: the whole matrix in at most 10 minutes on 2 cores, build included
#                    (one short fork per run, three for the headline peers; iteration times fitted
#                    to the budget, see below)
#   --full           3 forks per run: 3 x 1 s warm-up and 5 x 1 s measurement, single-shot runs
#                    2 warm-up and 5 measured invocations; the plan prints its estimate (about an hour
#                    for 9 peers on today's 10 benchmarks, 2.3 hours for the 16 x 18 matrix below)
#   --budget SEC     quick mode: seconds for the whole job, build included (default 570, which
#                    keeps 30 s of the 10 minutes for a slower machine)
#   --rounds N       quick mode: rounds (default 3; 1 with --latency). Round 1 runs every peer once;
#                    rounds 2..N run only the headline peers of each table again: hakmem, hakmem-gen
#                    and the natives within 10% of round 1's fastest native (HeadlineRounds writes them
#                    to rounds.tsv). A round starts only if it fits in what the budget has left, at
#                    the seconds per run of the last round (of the first pass for round 2); the
#                    rounds left out are named in rounds.log. Each round runs every table, so machine drift touches all peers
#                    alike; the quick report scores a throughput result by the 90th percentile of
#                    its iterations, all forks pooled (see bench/README.md, "Scores")
#   --settle N       quick mode, after the rounds: at most N settling rounds (default 4; 0: none) in
#                    the time the budget has left. Each gives the headline peers of the tables whose
#                    forks still disagree one more fork, the least settled tables first, as many as
#                    fit (SettlingRounds writes them to settle-<n>.tsv)
#   --peers a,b      peers to run (default: Peers.DEFAULT_MATRIX: hakmem, hakmem-gen, glibc,
#                    jemalloc, mimalloc, tcmalloc, netty-pooled, netty-adaptive, heap. The peers of
#                    Peers.ON_REQUEST run only when named here: hakmem-nochecks, hakmem-gen-nochecks,
#                    hakmem-bare (what checks cost), hakmem-small and hakmem-gen-small (small caches),
#                    hakmem-gen-tuned (a tuned variant), hakmem-recorded and hakmem-wrapped (what
#                    recording costs), hakmem-guard1k and hakmem-guard100k (guarded sampling),
#                    glibc-critical (the Java-to-C transition), netty-hakmem (hakmem behind Netty's
#                    ByteBuf API), arena (an Arena per block) and bump (the floor). Unavailable ones
#                    are skipped with one line saying how to install them)
#   --bench REGEX    JMH benchmarks to run (default
#                    '^dev\.hakmem\.bench\.(?!design\.|latency\.|mbench\.)': every workload, new
#                    ones included, but not the bench.design.* design measurements, the latency
#                    benchmarks nor the extended set)
#   --latency        the latency run instead (bench.latency.MallocLatency, JMH sample time): single
#                    malloc+free calls of tinyHot, randomMixed and midLargeMt, p50/p99/p99.9/max per
#                    peer in the report; not part of the default run (same as --bench
#                    '^dev\.hakmem\.bench\.latency\.'; the later of --bench, --latency and
#                    --extended wins)
#   --extended       the extended set instead: the rest of mimalloc-bench's standard set
#                    (bench.mbench.*: rptest, glibcSimple, glibcThread, mallocLarge, mleak; see
#                    docs/WORKLOADS.md); not part of the default run (same as --bench
#                    '^dev\.hakmem\.bench\.mbench\.'; the later of --bench, --latency and
#                    --extended wins)
#   --scaling        the scaling run instead: throughput against threads (1, 2, 4 and 8; 4 and 8
#                    oversubscribe a 2-core machine) for xmalloc, larson, midLargeMt and cacheScratch,
#                    one line chart per workload in the report (dev.hakmem.bench.suite.ScalingPlan).
#                    Peers default to hakmem, hakmem-gen and the natives (glibc, jemalloc, mimalloc,
#                    tcmalloc); --peers replaces them. Quick mode fits it into --budget (default 330 s
#                    for this run), one fork per peer and thread count; --full gives 3 forks each.
#                    Not part of the default run
#   --install-natives  install missing native peers (Debian packages libmimalloc2.0,
#                    libtcmalloc-minimal4, libjemalloc2) with apt-get, as root or through
#                    passwordless sudo, saying what it installs. Without it nothing is installed: the
#                    job names the missing peers, that they will be skipped, and how to install them
#   --no-install     install nothing (the default; of it and --install-natives, the later wins)
#   --no-build       use the existing bench/target/benchmarks.jar
#   --best-case      measure each fork's best case: no warm-up before the first peer
#                    (-Dhakmem.bench.warmup=none). By default every fork first runs the multi-thread
#                    warm-up on a throwaway instance of its peer (peers.MultiThreadWarmup), so that the
#                    JIT has seen the allocator's slow paths, as in a running program; without it a fork
#                    compiles the loop before them: hakmem's tinyHot ran 490 M ops/s without it and 137 M
#                    with it, mimalloc 99 M either way (docs/BENCHMARKS.md, session 62). The footprint
#                    workloads never warm up
#   -- ARGS...       passed to every JMH invocation, e.g. `--bench RandomMixed -- -p ws=256`
#                    (-f/-wi/-w/-i/-r given here replace the plan's; select benchmarks with --bench
#                    and peers with --peers, not with a JMH regex or -p peer=)
#
# Output, in bench/results/<UTC timestamp>/ (bench/results/latest points to the newest):
#   report.md         the report: verdict (hakmem vs the best native and Java peer, ties where the
#                     99.9% intervals overlap), overview, peers, a table per workload and parameters, charts
#   <workload>.png    bar chart per workload: score per peer with 99.9% CI error bars, one series per parameter set
#   rss-vs-live.png   footprint runs: peak RSS against peak live bytes per peer (memory, not speed)
#   results.json      every JMH result of the run in one JMH JSON array
#   jmh-<group>.json  the JSON of each JMH invocation;  jmh.log  JMH's output (shown as it runs)
#   peers.tsv         which peers can run here;  plan.tsv  what was run, on which peers, how
#   rounds.tsv, settle-<n>.tsv  quick mode's further rounds and settling rounds (with their .log)
#   cpu-speeds.log    each CPU's speed for one pinned thread at the start, after each headline round and at the end
#                     (suite.CpuSpeedCheck; the report's header quotes it): on a shared VM the CPUs
#                     can run at different speeds, and a fork then has the speed of the CPU it ran on
#
# The plan (dev.hakmem.bench.suite.SuitePlanner) runs JMH once per group of benchmarks sharing peers
# and settings: same-thread workloads on every available peer; workloads marked @CrossThreadFrees
# without the peers that free only on the allocating thread (those cells read "n/a"); single-shot
# benchmarks (the footprint runs) with iteration counts instead of times.
#
# Quick-mode budget (dev.hakmem.bench.suite.QuickBudget). A run is one benchmark x parameter set x
# peer, one JMH fork. Per run a fork costs about 0.5 s beyond its iterations (JVM start with the
# class-data archive below, JMH handshake, trial setup; 0.4 s measured), per JMH invocation 1 s, a
# single-shot run 3 invocations of at most 0.5 s; an iteration overshoots its time by up to one
# invocation (factor 1.1). What the build and the planning left of the budget, less 20 s for the
# report, is split evenly: timed part per run t = (left - forks - starts) / timedRuns / 1.1,
# measurement 3 x t/6 (at least 100 ms), warm-up 1 x the rest of t (at least 200 ms). The default
# matrix, 9 peers on 14 same-thread and 9 cross-thread parameter sets (207 runs) plus the headline
# rounds (--rounds, 2 x about 4 peers x 23 sets, 184 runs): 391 runs in 10 invocations; with about 523 s
# left after the build, t = 0.74 s: warm-up 1 x 380 ms, measurement 3 x 120 ms. History: with
# cacheThrash and requestResponse added (23 tables) the 17-peer single-round matrix took 9 min 44 s
# and 10 min 15 s in two clean clones on 2026-12-02, so hakmem-small and hakmem-gen-small moved to
# Peers.ON_REQUEST (15 peers, 8 min 10-21 s); then came the headline rounds with a 9-peer default
# matrix (8 min 1 s and 8 min 9 s at the floors, before FORK was recalibrated from 1.0 to 0.5 s).
#
# Exit status: non-zero when the build fails or no peer can run; 2 when an expected result is
# missing (FAILED in the report: a benchmark threw, e.g. on a verification error); JMH's own status
# when it failed otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

orig_args=("$@")
mode=quick peers="" install=0 build=1 budget="" rounds="" settle=4 latency=0 scaling=0 warmup=served jmh_extra=()
bench='^dev\.hakmem\.bench\.(?!design\.|latency\.|mbench\.)'
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick ;;
    --full) mode=full ;;
    --budget) budget="${2:?--budget needs seconds}"; shift ;;
    --rounds) rounds="${2:?--rounds needs a number}"; shift ;;
    --settle) settle="${2:?--settle needs a number}"; shift ;;
    --peers) peers="${2:?--peers needs a comma-separated list}"; shift ;;
    --bench) bench="${2:?--bench needs a JMH regex}"; shift ;;
    --latency) bench='^dev\.hakmem\.bench\.latency\.'; latency=1 ;;
    --scaling) scaling=1 ;;
    --extended) bench='^dev\.hakmem\.bench\.mbench\.'; latency=0 ;;
    --install-natives) install=1 ;;
    --no-install) install=0 ;;
    --no-build) build=0 ;;
    --best-case) warmup=none ;;
    --) shift; jmh_extra=("$@"); break ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "run-benchmarks.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
  shift
done

# The scaling run's defaults: its own budget and peers (the Netty and heap peers of the default matrix
# add lines but little to learn about threads sharing an allocator).
scaling_args=()
if [ "$scaling" = 1 ]; then
  scaling_args=(--scaling)
  budget=${budget:-330}
  peers=${peers:-hakmem,hakmem-gen,glibc,jemalloc,mimalloc,tcmalloc}
  [ "$latency" = 0 ] || { echo "run-benchmarks.sh: --scaling and --latency are separate runs" >&2; exit 64; }
fi
budget=${budget:-570}

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
# The state peers are measured in (--best-case), written out so that jmh.log and the JSON show it.
JVM_FLAGS=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow "-Dhakmem.bench.warmup=$warmup")
# Forks share a class-data archive that the first fork writes (and the JVM rewrites when the jar
# changes): a fork then starts about 0.1 s sooner, some 30 s over the quick job's 330 forks. It holds
# loaded classes only; what the JIT compiles is unchanged.
# (-Xlog: the JDK's base archive lacks --enable-native-access, which it reports on every start.)
# JMH's stub of each benchmark (the loop that calls the @Benchmark method and counts) gets its
# compile thresholds scaled by 0.05, for every peer alike; nothing else does. Why: the stub loops once
# per invocation, and where an invocation is long (skewed: 2,000 mallocs and frees) its back-edge
# counts reach C2's threshold only 2-3 s into a fork, when C2 compiles the benchmark again, inlined
# into the stub. Quick mode measured before that, and its numbers then held for whichever way the
# standalone compile had gone: hakmem-gen on skewed ran at 0.50-0.94x the best native in six quick-mode
# forks without the scaling (median 0.62x) and 0.76-0.95x with it (median 0.84x); hakmem did not gain
# (medians 0.82x and 0.77x), nor did tinyHot, midGap, midLargeMt or requestResponse beyond their spread
# (docs/BENCHMARKS-HISTORY.md, session 53). With it the stub is compiled within the first second.
# The allocator's and the workload's own methods keep the JVM's default thresholds.
STUB_FLAGS=(-XX:CompileCommand=quiet '-XX:CompileCommand=CompileThresholdScaling,*::*_jmhStub,0.05')
FORK_FLAGS=(-XX:SharedArchiveFile=bench/target/jmh-forks.jsa -XX:+AutoCreateSharedArchive '-Xlog:cds*=off,aot*=off' "${STUB_FLAGS[@]}")
# jemalloc's library needs more static TLS than glibc leaves for libraries loaded late (dlopen);
# this tunable reserves it, for the peer check and for every JMH fork (they inherit the environment).
export GLIBC_TUNABLES=glibc.rtld.optional_static_tls=4096
JAR=bench/target/benchmarks.jar

# The native peers' Debian packages that are missing here; installs them with --install-natives (as
# root, or through sudo when it needs no password), and otherwise only says which peers will be
# skipped and how to install them. Nothing is installed without the flag.
check_native_peers() {
  local missing=() peers=() lib_pkg lib pkg peer ldconfig=ldconfig sudo=()
  # ldconfig lives in /sbin, which a plain user's PATH may lack.
  command -v ldconfig >/dev/null || for d in /sbin /usr/sbin; do [ -x "$d/ldconfig" ] && ldconfig=$d/ldconfig; done
  for lib_pkg in mimalloc:libmimalloc.so.2:libmimalloc2.0 tcmalloc:libtcmalloc_minimal.so.4:libtcmalloc-minimal4 \
                 jemalloc:libjemalloc.so.2:libjemalloc2; do
    IFS=: read -r peer lib pkg <<< "$lib_pkg"
    "$ldconfig" -p 2>/dev/null | grep -qF "$lib" || { missing+=("$pkg"); peers+=("$peer"); }
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$install" = 0 ]; then
    echo "run-benchmarks.sh: native peers not installed: ${peers[*]}; they will be skipped. To measure them," \
      "rerun with --install-natives (installs ${missing[*]} with apt-get), or install them yourself:" \
      "sudo apt-get install ${missing[*]}" >&2
    return 0
  fi
  if ! command -v apt-get >/dev/null; then
    echo "run-benchmarks.sh: --install-natives needs apt-get (Debian, Ubuntu); install the packages of ${peers[*]}" \
      "yourself (${missing[*]} on Debian); they will be skipped" >&2
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo -n); else
      echo "run-benchmarks.sh: --install-natives needs root or passwordless sudo; install them yourself:" \
        "sudo apt-get install ${missing[*]}; ${peers[*]} will be skipped" >&2
      return 0
    fi
  fi
  echo "run-benchmarks.sh: --install-natives: installing ${missing[*]} (peers ${peers[*]}) with ${sudo[*]:+${sudo[*]} }apt-get"
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q)
  "${apt[@]}" install --no-install-recommends "${missing[@]}" \
    || { "${apt[@]}" update && "${apt[@]}" install --no-install-recommends "${missing[@]}"; } \
    || echo "run-benchmarks.sh: could not install ${missing[*]}; ${peers[*]} will be skipped" >&2
}

check_native_peers
if [ "$build" = 1 ]; then
  echo "run-benchmarks.sh: building $JAR"
  ./mvnw -B -ntp -q -pl bench -am package -DskipTests
fi
[ -f "$JAR" ] || { echo "run-benchmarks.sh: $JAR is missing (build it, or drop --no-build)" >&2; exit 1; }

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=bench/results/$stamp
mkdir -p "$out"
ln -sfn "$stamp" bench/results/latest

# Which peers can run here; the others get one "skipping" line with the reason and how to fix it.
# (An empty --peers asks Peers for its default matrix.)
"$JAVA" "${JVM_FLAGS[@]}" -cp "$JAR" dev.hakmem.bench.peers.Peers ${peers:+"$peers"} > "$out/peers.tsv"
awk -F'\t' '$2 != "available" { print "run-benchmarks.sh: skipping " $1 ": " $3 }' "$out/peers.tsv" >&2
awk -F'\t' '$2 == "available" && $3 ~ /same-thread-frees-only/ {
  print "run-benchmarks.sh: " $1 " frees only on the allocating thread: n/a on workloads that free on other threads" }' "$out/peers.tsv"
if ! awk -F'\t' '$2 == "available" { found = 1 } END { exit !found }' "$out/peers.tsv"; then
  echo "run-benchmarks.sh: no peer can run here" >&2; exit 1
fi

# Quick mode measures the headline peers in 3 rounds; full mode gives every run 3 forks anyway, and
# the latency run's histograms are not merged across rounds.
case "$rounds" in "") if [ "$mode" = quick ] && [ "$latency" = 0 ] && [ "$scaling" = 0 ]; then rounds=3; else rounds=1; fi ;; esac
case "$rounds" in *[!0-9]*|0) echo "run-benchmarks.sh: --rounds needs a number >= 1, not '$rounds'" >&2; exit 64 ;; esac
if [ "$mode" = full ] && [ "$rounds" -gt 1 ]; then echo "run-benchmarks.sh: --rounds is for quick mode (full mode runs 3 forks)" >&2; exit 64; fi
case "$settle" in *[!0-9]*|"") echo "run-benchmarks.sh: --settle needs a number >= 0, not '$settle'" >&2; exit 64 ;; esac

# What runs where and how; in quick mode the iteration times fill what is left of the budget.
left=$(( budget - SECONDS - 20 )); [ "$left" -ge 60 ] || left=60
"$JAVA" -cp "$JAR" dev.hakmem.bench.suite.SuitePlanner --mode "$mode" --peers "$out/peers.tsv" \
  --out "$out/plan.tsv" --bench "$bench" --budget "$left" --rounds "$rounds" "${scaling_args[@]}" -- "${jmh_extra[@]}"

echo "run-benchmarks.sh: $mode run; results in $out (JMH output also in $out/jmh.log)"
jmh_status=0 jsons=()
# Runs the JMH invocations of the run lines of plan file $1, each writing jmh-<group>$2.json.
run_plan() {
  local plan_file=$1 suffix=$2 kind group run_peers regex opts status k
  while IFS=$'\t' read -r -u 3 kind group run_peers regex opts; do
    [ "$kind" = run ] || continue
    read -r -a defaults <<< "$opts"
    # JMH rejects an option given twice, so an option passed after -- replaces the plan's.
    jmh_opts=()
    for ((k = 0; k < ${#defaults[@]}; k += 2)); do
      case " ${jmh_extra[*]} " in *" ${defaults[k]} "*) ;; *) jmh_opts+=("${defaults[k]}" "${defaults[k+1]}") ;; esac
    done
    peer_args=()
    [ "$run_peers" = "-" ] || peer_args=(-p "peer=$run_peers")
    echo "run-benchmarks.sh: JMH run '$group$suffix'${peer_args:+ on $run_peers}" | tee -a "$out/jmh.log"
    set +e
    "$JAVA" "${JVM_FLAGS[@]}" -jar "$JAR" "$regex" "${jmh_opts[@]}" "${peer_args[@]}" \
      -jvmArgsAppend "${JVM_FLAGS[*]} ${FORK_FLAGS[*]}" -rf json -rff "$out/jmh-$group$suffix.json" "${jmh_extra[@]}" 2>&1 | tee -a "$out/jmh.log"
    status=${PIPESTATUS[0]}
    set -e
    [ "$status" -eq 0 ] || { echo "run-benchmarks.sh: JMH run '$group$suffix' exited with $status" >&2; jmh_status=$status; }
    jsons+=("$out/jmh-$group$suffix.json")
  done 3< "$plan_file"
}
# How fast each CPU runs one thread: at the start, after each headline round and at the end (about
# 0.7 s each, outside the rounds' timing; CpuSpeedCheck says why). Never stops the run.
cpu_check() {
  "$JAVA" "${JVM_FLAGS[@]}" -cp "$JAR" dev.hakmem.bench.suite.CpuSpeedCheck "$1" | tee -a "$out/cpu-speeds.log" || true
}
cpu_check "At the start"
first_start=$SECONDS
run_plan "$out/plan.tsv" ""
# Quick mode's further rounds: the headline peers again, every table per round (HeadlineRounds).
if [ "$rounds" -gt 1 ]; then
  runs_in() { awk '$1 == "runs" { n = $2 } END { print n + 0 }' "$1"; } # the planners' last line: runs N
  per_run_of() { awk -v t="$1" -v n="$2" 'BEGIN { printf "%.3f", (n > 0 ? t / n : 0) }'; } # seconds $1 over runs $2
  # Seconds per run so far: of the first pass (its runs are the JSON results it wrote), then of the
  # last headline round. A round starts only if that many seconds per run fit in what the budget has
  # left, so that a machine whose forks start slower than the planner assumes (0.85 s against its
  # 0.5 s on a 2-CPU AMD EPYC VM, 2026-12-05) still ends within the budget: it runs fewer headline
  # rounds and gives what is left to the settling rounds.
  first_runs=$(cat "${jsons[@]}" 2>/dev/null | grep -c '"benchmark" *:' || true)
  per_run=$(per_run_of $((SECONDS - first_start)) "$first_runs")
  cpu_check "After round 1"
  rounds_start=$SECONDS
  "$JAVA" -cp "$JAR" dev.hakmem.bench.suite.HeadlineRounds --plan "$out/plan.tsv" --out "$out/rounds.tsv" "${jsons[@]}" \
    | tee "$out/rounds.log"
  round_runs=$(runs_in "$out/rounds.log")
  rounds_run=1
  for ((round = 2; round <= rounds; round++)); do
    need=$(awk -v p="$per_run" -v n="$round_runs" 'BEGIN { printf "%.0f", p * n }')
    left=$(( budget - SECONDS - 20 )) # 20 s for the report, as the planner leaves
    if [ "$need" -gt "$left" ]; then
      echo "headline round $round of $rounds left out: about $need s ($round_runs runs of $per_run s), the budget has $left s left" \
        | tee -a "$out/rounds.log"
      break
    fi
    round_start=$SECONDS
    run_plan "$out/rounds.tsv" "-r$round"
    rounds_run=$round
    per_run=$(per_run_of $((SECONDS - round_start)) "$round_runs")
    cpu_check "After round $round"
  done
  echo "headline rounds run: $rounds_run of $rounds" | tee -a "$out/rounds.log"
  # Then the settling rounds (SettlingRounds): what the budget has left goes to the tables whose
  # headline peers' forks still disagree, one more fork each per round, the least settled first,
  # timed by what a run of the headline rounds took (or of the first pass, if none ran).
  headline_runs=$(( round_runs * (rounds_run - 1) ))
  if [ "$round_runs" -gt 0 ] && [ "$settle" -gt 0 ]; then
    if [ "$headline_runs" -gt 0 ]; then
      per_run=$(per_run_of $((SECONDS - rounds_start)) "$headline_runs")
    fi
    for ((s = 1; s <= settle; s++)); do
      seconds=$(( budget - SECONDS - 30 )) # 20 s for the report, as the planner leaves, and 10 s to spare
      [ "$seconds" -gt 0 ] || break
      "$JAVA" -cp "$JAR" dev.hakmem.bench.suite.SettlingRounds --plan "$out/plan.tsv" --out "$out/settle-$s.tsv" \
        --seconds "$seconds" --per-run "$per_run" "${jsons[@]}" | tee "$out/settle-$s.log"
      [ "$(runs_in "$out/settle-$s.log")" -gt 0 ] || break
      run_plan "$out/settle-$s.tsv" "-s$s"
    done
  fi
fi

cpu_check "At the end"
echo
report_args=(--mode "$mode")
if [ "$scaling" = 1 ]; then
  [ "$mode" = quick ] && report_args=(--mode scaling)
  report_args+=(--note "Scaling run: xmalloc, larson, midLargeMt and cacheScratch at 1, 2, 4 and 8 benchmark threads \
(xmalloc from 2: its threads come in producer-consumer pairs), one table per thread count and one chart of throughput \
against threads per workload. This machine has $(nproc) cores; more threads than cores are oversubscribed.")
fi
report_args+=(--note "CPU speed check (one thread pinned to each CPU in turn, the same integer loop; speed relative to \
the fastest CPU). $(awk 'NR > 1 { printf ". " } { printf "%s", $0 }' "$out/cpu-speeds.log"). When the CPUs do not run alike, a fork has \
the speed of the CPU its threads ran on, and single forks of one peer differ by up to that much.")
set +e
"$JAVA" -Djava.awt.headless=true -cp "$JAR" dev.hakmem.bench.report.Report --out "$out" --peers "$out/peers.tsv" \
  --plan "$out/plan.tsv" "${report_args[@]}" "${jsons[@]}"
report_status=$?
set -e
echo "run-benchmarks.sh: done in $SECONDS s"
# A benchmark that threw shows up as <failure> in the log; the report turns it into FAILED cells.
if grep -q '<failure>' "$out/jmh.log"; then
  echo "run-benchmarks.sh: some benchmarks FAILED (search for <failure> in $out/jmh.log)" >&2
  [ "$report_status" -ne 0 ] || report_status=2
fi
[ "$report_status" -ne 0 ] && exit "$report_status"
exit "$jmh_status"
