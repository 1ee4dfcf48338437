# What the batch benchmarks share (sourced by run-batch.sh, run-retail.sh and run-movies.sh from the
# repository's root): the runners and their jars, the JVM flags, the locks and the timing of one job.

target=pipelines/target
declare -A jar=([default]=$target/pipewright-pipelines-bundled.jar [direct]=$target/pipewright-pipelines-bundled.jar
  [spark]=$target/pipewright-pipelines-spark-bundled.jar
  [flink]=$target/pipewright-pipelines-flink-bundled.jar)
declare -A runner=([default]="" [direct]="--runner=DirectRunner"
  [spark]="--runner=SparkRunner --sparkMaster=local[2]"
  [flink]="--runner=FlinkRunner --flinkMaster=[local]")
declare -A profile=([default]=direct-runner [direct]=direct-runner [spark]=spark-runner [flink]=flink-runner)
heap=${BENCH_HEAP:-8g}
# BENCH_GC=-XX:+UseParallelGC gives every JVM sized here (all but the default) that collector; unset,
# they keep the JVM's own (G1 on this machine), as the default does (benchmarks/README.md, "The collector").
gc=${BENCH_GC:-}
# default: the JVM's own settings, as the quickstart runs it; Flink spills, so a small heap shows its bound.
declare -A jvm=([default]="" [direct]="-Xmx$heap $gc" [spark]="-Xmx$heap $gc" [flink]="-Xmx${BENCH_FLINK_HEAP:-2g} $gc")
# The yardstick's, a plain Java program on one thread: the same heap and collector as Direct and Spark.
yardstick_jvm="-Xmx$heap $gc"
runners=(${BENCH_RUNNERS:-default direct spark flink})

# Fails unless every runner of BENCH_RUNNERS is known and its jar is built, and GNU time is there.
check_runners() {
  local r
  for r in "${runners[@]}"; do
    [[ -n "${jar[$r]:-}" ]] || { echo "unknown runner '$r' (${!jar[*]})" >&2; exit 1; }
    [[ -f "${jar[$r]}" ]] || { echo "missing ${jar[$r]}: mvn -B -DskipTests -P${profile[$r]} package" >&2; exit 1; }
  done
  [ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
}

# Spark on Java 17 needs its --add-opens flags (the root pom's java17.opens); the others ignore them.
read -r -a opens <<<"$(sed -n 's:.*<java17.opens>\(.*\)</java17.opens>.*:\1:p' pom.xml)"
export SPARK_LOCAL_IP=127.0.0.1

# The JVM flags of runner $1: its heap, and for all but the default Java 17's flags for Spark.
jvm_flags() {
  echo "${jvm[$1]}"
  [ "$1" = default ] || echo "${opens[@]} -Dspark.ui.enabled=false"
}

# The timed part: nothing else benchmarks or builds meanwhile. BENCH_BUILD_LOCK= (empty) skips the
# build lock, for when a process that will not end holds it.
lock_timings() {
  exec 8>/tmp/bench.lock
  flock 8
  build_lock=${BENCH_BUILD_LOCK-/tmp/build.lock}
  if [ -n "$build_lock" ]; then
    exec 9>"$build_lock"
    flock 9
  else
    echo "WARNING: not holding the build lock: builds may run during the timings" >&2
  fi
}

unlock_timings() {
  [ -z "$build_lock" ] || flock -u 9
  flock -u 8
}

# timed LOG COMMAND...: runs COMMAND with its output in LOG; sets wall (seconds, JVM start included)
# and rss (peak MiB); returns COMMAND's status.
timed() {
  local log=$1 start end kb status=0
  shift
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$log.rss" "$@" > "$log" 2>&1 || status=$?
  end=$(date +%s.%N)
  wall=$(echo "$end - $start" | bc -l)
  kb=$(tail -1 "$log.rss" 2>/dev/null | tr -cd 0-9)
  rss=$(( ${kb:-0} / 1024 ))
  return $status
}

# Sets work to BENCH_DIR (created if missing and kept: it holds the generated input for the next run),
# else to a new temporary directory that clean_work removes at exit, unless a step failed (failed=1 or
# a non-zero exit status): its logs are then kept, and named.
work_dir() {
  if [ -n "${BENCH_DIR:-}" ]; then
    mkdir -p "$BENCH_DIR"
    work=$(cd "$BENCH_DIR" && pwd)
  else
    work=$(mktemp -d)
    temp_work=$work
  fi
  failed=0
}

# clean_work [STATUS]: for the EXIT trap; STATUS defaults to the script's exit status.
clean_work() {
  local status=${1:-$?}
  [ -n "${temp_work:-}" ] || return 0
  if [ "$status" = 0 ] && [ "${failed:-0}" = 0 ]; then
    rm -rf "$temp_work"
  else
    echo "kept $temp_work (a step failed: its logs are there)" >&2
  fi
}
