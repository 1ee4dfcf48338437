#!/usr/bin/env bash
# Load throughput of MoviesWarehouse into PostgreSQL per runner, on generated MovieLens/TMDB input.
# Usage: benchmarks/run-movies.sh [RATINGS [MOVIES]]   (default: 1,000,000 ratings, 45,000 movies)
# Env:   BENCH_RUNNERS="default direct spark flink"   which runners (each needs its bundled jar, below);
#                         default = the bundled jar with no runner named and the JVM's default settings
#                         (embedded Flink, no -Xmx, no flags: the README's command)
#        BENCH_MODES="jdbc files"  jdbc: --jdbcUrl (write-audit-publish into PostgreSQL) and the files;
#                         files: the files only (no --jdbcUrl), to show what the load adds
#        BENCH_DIR=dir    keeps the generated input (and outputs, logs) between runs;
#                         without it they go to a temporary directory, removed after a run with no failure
#        BENCH_HEAP=8g    -Xmx of the yardstick, Direct and Spark
#        BENCH_FLINK_HEAP=2g  -Xmx of Flink from its own jar
#        BENCH_GC=-XX:+UseParallelGC  a collector for every JVM but the default's (unset: the JVM's own, G1)
#        BENCH_OPTIONS="--opt=v ..."  more MoviesWarehouse options (after the script's own)
#        BENCH_BUILD_LOCK=  (empty) does not take /tmp/build.lock (only when a stray process holds it)
#        BENCH_DIRECT_MAX=200000  Direct is skipped above this many ratings (a test runner, see
#                         benchmarks/README.md)
#        PIPEWRIGHT_JDBC_URL (+ PIPEWRIGHT_JDBC_USER, PIPEWRIGHT_JDBC_PASSWORD): an existing PostgreSQL,
#                         e.g. the local stack's (source runners-config/local/.stack/run/stack.env);
#                         unset: a LocalPostgres (module testing) is started here and stopped at the end
# The input is MoviesGenerator's (seed 42): movies_metadata.csv with the real file's dirt (shifted
# rows, bad dates, negative budgets, duplicate ids), links.csv with unlinked and dangling links,
# ratings.csv, cpi.csv. Every job writes JSON lines (--outputFormat=json), as the yardstick does.
# Prints one Markdown table row per mode and runner, the yardstick first: the same job as a plain
# Java program on one thread (pipelines/src/test/.../MoviesYardstick.java) that loads the same tables
# with multi-row upserts in one transaction, timed the same way; every runner's time as a multiple
# of it. Rows/s = rows of the eleven published tables / wall time (JVM start included). The timed
# part holds /tmp/bench.lock and /tmp/build.lock. Results in benchmarks/README.md were made with it.
set -euo pipefail
cd "$(dirname "$0")/.."

source benchmarks/common.sh
check_runners
modes=(${BENCH_MODES:-jdbc files})
for m in "${modes[@]}"; do
  [[ "$m" = jdbc || "$m" = files ]] || { echo "unknown mode '$m' (jdbc, files)" >&2; exit 1; }
done
test_cp="$target/test-classes:testing/target/classes:${jar[default]}"
[[ -f "$target/test-classes/org/pipewright/pipelines/MoviesYardstick.class" && -d testing/target/classes \
  && -f "${jar[default]}" ]] || { echo "missing the yardstick, testing's classes or ${jar[default]}: mvn -B -DskipTests -pl pipelines -am package" >&2; exit 1; }

ratings=${1:-1000000}
movies=${2:-45000}
work_dir

in="$work/in-$ratings-$movies"
if [ ! -f "$in.stats" ]; then
  rm -rf "$in"
  mkdir -p "$in"
  java -cp "${jar[default]}" org.pipewright.pipelines.MoviesGenerator --output="$in" --movies="$movies" \
    --ratings="$ratings" --seed=42 > "$in.log" 2>&1 || { cat "$in.log" >&2; exit 1; }
  sed -n 's/^generated: //p' "$in.log" > "$in.stats"
fi
echo "input: $in, $(du -sh "$in" | cut -f1): $(cat "$in.stats")" >&2

# PostgreSQL: the one named by the environment, else our own LocalPostgres for the whole run.
pg_pid=
stop_pg() {
  [ -z "$pg_pid" ] || { kill "$pg_pid" 2>/dev/null || true; wait "$pg_pid" 2>/dev/null || true; }
}
trap 'status=$?; stop_pg; clean_work $status' EXIT
if [[ " ${modes[*]} " = *" jdbc "* && -z "${PIPEWRIGHT_JDBC_URL:-}" ]]; then
  [ -f "$target/bench.classpath" ] || { echo "missing $target/bench.classpath (LocalPostgres' class path): mvn -o -q -B -pl pipelines -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath" >&2; exit 1; }
  rm -rf "$work/pg" "$work/pg.env"
  java -Xmx256m -cp "$test_cp:$(cat "$target/bench.classpath")" org.pipewright.pipelines.MoviesBench \
    postgres "$work/pg" "$work/pg.env" > "$work/pg.log" 2>&1 &
  pg_pid=$!
  for _ in $(seq 1 120); do
    [ -f "$work/pg.env" ] && break
    kill -0 "$pg_pid" 2>/dev/null || { echo "PostgreSQL did not start: see $work/pg.log" >&2; cat "$work/pg.log" >&2; exit 1; }
    sleep 0.5
  done
  [ -f "$work/pg.env" ] || { echo "PostgreSQL did not start within 60 s: see $work/pg.log" >&2; exit 1; }
  # shellcheck disable=SC1091
  source "$work/pg.env"
fi
export PIPEWRIGHT_JDBC_USER=${PIPEWRIGHT_JDBC_USER:-postgres}
bench() {
  java -Xmx256m -cp "$test_cp:$(cat "$target/bench.classpath" 2>/dev/null || true)" org.pipewright.pipelines.MoviesBench "$@"
}

lock_timings

echo "| ratings | mode | runner | wall s | rows/s | peak RSS MiB | vs yardstick |"
echo "|--------:|------|--------|-------:|-------:|-------------:|-------------:|"
declare -A rows
for mode in "${modes[@]}"; do
  prefix=bench_yardstick_
  out="$work/out-$ratings-$mode-yardstick"
  rm -rf "$out"
  jdbc_args=()
  if [ "$mode" = jdbc ]; then
    bench reset "$PIPEWRIGHT_JDBC_URL" "$prefix"
    jdbc_args=("$PIPEWRIGHT_JDBC_URL" "$prefix")
  fi
  # shellcheck disable=SC2086 # the flags are words
  timed "$work/log-$mode-yardstick" java $yardstick_jvm -cp "$test_cp" \
    org.pipewright.pipelines.MoviesYardstick "$in" "$out" "${jdbc_args[@]}" \
    || { echo "the yardstick failed: see $work/log-$mode-yardstick" >&2; tail -20 "$work/log-$mode-yardstick" >&2; exit 1; }
  base=$wall
  rows[$mode]=$(sed -n 's/^published rows: \([0-9]*\).*/\1/p' "$work/log-$mode-yardstick")
  printf "| %d | %s | %s | %.1f | %.0f | %d | 1.0x |\n" "$ratings" "$mode" yardstick "$base" \
    "$(echo "${rows[$mode]} / $base" | bc -l)" "$rss"
  for r in "${runners[@]}"; do
    if [ "$r" = direct ] && [ "$ratings" -gt "${BENCH_DIRECT_MAX:-200000}" ]; then
      printf "| %d | %s | %s | skipped: a test runner, above BENCH_DIRECT_MAX=%d ratings | | | |\n" "$ratings" "$mode" "$r" \
        "${BENCH_DIRECT_MAX:-200000}"
      continue
    fi
    prefix="bench_${r}_"
    out="$work/out-$ratings-$mode-$r"
    rm -rf "$out"
    tmp="$work/tmp-$r"
    mkdir -p "$tmp"
    jdbc_args=()
    if [ "$mode" = jdbc ]; then
      bench reset "$PIPEWRIGHT_JDBC_URL" "$prefix"
      jdbc_args=("--jdbcUrl=$PIPEWRIGHT_JDBC_URL" "--jdbcUser=$PIPEWRIGHT_JDBC_USER" --createTables=true "--tablePrefix=$prefix")
    fi
    # shellcheck disable=SC2046,SC2086 # the flags and the runner options are words
    if timed "$work/log-$mode-$r" java $(jvm_flags "$r") -Djava.io.tmpdir="$tmp" \
        -cp "${jar[$r]}" org.pipewright.pipelines.MoviesWarehouse --input="$in" --output="$out" --outputFormat=json \
        --progressSeconds=0 "${jdbc_args[@]}" ${runner[$r]} ${BENCH_OPTIONS:-}; then
      printf "| %d | %s | %s | %.1f | %.0f | %d | %.1fx |\n" "$ratings" "$mode" "$r" "$wall" \
        "$(echo "${rows[$mode]} / $wall" | bc -l)" "$rss" "$(echo "$wall / $base" | bc -l)"
    else
      printf "| %d | %s | %s | failed: see %s | | | |\n" "$ratings" "$mode" "$r" "$work/log-$mode-$r"
      failed=1
    fi
    rm -rf "$tmp"
  done
done
unlock_timings

# The timings compare the same work only if every job wrote the same counts and, loading, the same rows.
for mode in "${modes[@]}"; do
  for r in "${runners[@]}"; do
    out="$work/out-$ratings-$mode-$r"
    [[ -f "$out/summary.json" ]] || continue
    cmp -s "$out/summary.json" "$work/out-$ratings-$mode-yardstick/summary.json" \
      || { echo "WARNING: $mode $r: summary.json differs from the yardstick's" >&2; failed=1; }
    if [ "$mode" = jdbc ]; then
      if grep -rqs '"published":false' "$out/publish"; then
        echo "WARNING: $mode $r: not published, see $out/publish" >&2
        failed=1
      fi
      bench compare "$PIPEWRIGHT_JDBC_URL" "bench_${r}_" bench_yardstick_ > "$work/compare-$r" \
        || { echo "WARNING: $r's tables differ from the yardstick's:" >&2; cat "$work/compare-$r" >&2; failed=1; }
    fi
  done
done
echo "rows of the eleven published tables: ${rows[${modes[0]}]}; summary: $(cat "$work/out-$ratings-${modes[0]}-yardstick/summary.json")" >&2
