#!/usr/bin/env bash
# Throughput and peak memory of RetailDaily per runner on one generated landing archive.
# Usage: benchmarks/run-retail.sh [DAYS [POLLS]]   (default: 20000 days, 2 polls a day = 1,000,000 trending items)
# Env:   BENCH_RUNNERS="default direct spark flink"   which runners (each needs its bundled jar, below);
#                         default = the bundled jar with no runner named and the JVM's default settings
#                         (embedded Flink, no -Xmx, no flags: the README's command)
#        BENCH_DIR=dir    keeps the generated archive (and outputs, logs) between runs
#        BENCH_HEAP=8g    -Xmx of the yardstick, Direct and Spark
#        BENCH_FLINK_HEAP=2g  -Xmx of Flink from its own jar
#        BENCH_OPTIONS="--opt=v ..."  more RetailDaily options (after the script's own)
#        BENCH_BUILD_LOCK=  (empty) does not take /tmp/build.lock (only when a stray process holds it)
#        BENCH_DIRECT_MAX=200000  Direct is skipped above this many trending items (it is a test runner
#                         that keeps bundles in memory; see benchmarks/README.md)
# The archive (pipelines/src/test/.../RetailArchive.java) is what RetailDaily --fetch lands from the
# stand-in APIs (RetailData, default seed): per day POLLS trends answers of 25 items, one value of the
# day and one historical rates answer (none on every tenth day: the day before's rates are used).
# Every job writes JSON lines (--outputFormat=json), as the yardstick does: Parquet, RetailDaily's
# default, cannot take its decimal columns yet (see benchmarks/README.md, "Retail").
# Prints one Markdown table row per runner, and first the yardstick: the same job as a plain Java
# program on one thread (pipelines/src/test/.../RetailYardstick.java), timed the same way, with every
# runner's time as a multiple of it. The timed part holds /tmp/bench.lock and /tmp/build.lock, so no
# other benchmark or build runs meanwhile. Results in benchmarks/README.md were made with it.
set -euo pipefail
cd "$(dirname "$0")/.."

target=pipelines/target
declare -A jar=([default]=$target/pipewright-pipelines-bundled.jar [direct]=$target/pipewright-pipelines-bundled.jar
  [spark]=$target/pipewright-pipelines-spark-bundled.jar
  [flink]=$target/pipewright-pipelines-flink-bundled.jar)
declare -A runner=([default]="" [direct]="--runner=DirectRunner"
  [spark]="--runner=SparkRunner --sparkMaster=local[2]"
  [flink]="--runner=FlinkRunner --flinkMaster=[local]")
declare -A profile=([default]=direct-runner [direct]=direct-runner [spark]=spark-runner [flink]=flink-runner)
runners=(${BENCH_RUNNERS:-default direct spark flink})
for r in "${runners[@]}"; do
  [[ -n "${jar[$r]:-}" ]] || { echo "unknown runner '$r' (default, direct, spark, flink)" >&2; exit 1; }
  [[ -f "${jar[$r]}" ]] || { echo "missing ${jar[$r]}: mvn -B -DskipTests -P${profile[$r]} package" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
# The archive generator needs RetailData from the testing module; the yardstick only the bundled jar.
test_cp="$target/test-classes:testing/target/classes:${jar[default]}"
[[ -f "$target/test-classes/org/pipewright/pipelines/RetailYardstick.class" && -d testing/target/classes \
  && -f "${jar[default]}" ]] || { echo "missing the yardstick, testing's classes or ${jar[default]}: mvn -B -DskipTests -pl pipelines -am package" >&2; exit 1; }
# Spark on Java 17 needs its --add-opens flags (the root pom's java17.opens); the others ignore them.
read -r -a opens <<<"$(sed -n 's:.*<java17.opens>\(.*\)</java17.opens>.*:\1:p' pom.xml)"
export SPARK_LOCAL_IP=127.0.0.1

days=${1:-20000}
polls=${2:-2}
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
heap=${BENCH_HEAP:-8g}
declare -A jvm=([default]="" [direct]="-Xmx$heap" [spark]="-Xmx$heap" [flink]="-Xmx${BENCH_FLINK_HEAP:-2g}")

in="$work/in-$days-$polls"
if [ ! -f "$in.items" ]; then
  rm -rf "$in"
  java -cp "$test_cp" org.pipewright.pipelines.RetailArchive "$in" "$days" "$polls" | tee "$work/archive-$days-$polls.log" >&2
  sed -n 's/.*: \([0-9]*\) trending items$/\1/p' "$work/archive-$days-$polls.log" > "$in.items"
fi
items=$(cat "$in.items")
echo "archive: $in, $(du -sh "$in" | cut -f1), $(find "$in" -type f | wc -l) answer files" >&2

# The timed part: nothing else benchmarks or builds meanwhile.
exec 8>/tmp/bench.lock
flock 8
# BENCH_BUILD_LOCK= (empty) skips the build lock, for when a process that will not end holds it.
build_lock=${BENCH_BUILD_LOCK-/tmp/build.lock}
if [ -n "$build_lock" ]; then
  exec 9>"$build_lock"
  flock 9
else
  echo "WARNING: not holding the build lock: builds may run during the timings" >&2
fi

echo "| trending items | runner | wall s | items/s | peak RSS MiB | vs yardstick |"
echo "|---------------:|--------|-------:|--------:|-------------:|-------------:|"
# The yardstick first: one thread, no Beam, the same tables (as JSON lines) and summary
out="$work/out-$days-$polls-yardstick"
rm -rf "$out"
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$work/rss-yardstick" java -Xmx"$heap" -cp "$test_cp" \
  org.pipewright.pipelines.RetailYardstick "$in" "$out" > "$work/log-yardstick" 2>&1
end=$(date +%s.%N)
base=$(echo "$end - $start" | bc -l)
rss=$(( $(tail -1 "$work/rss-yardstick") / 1024 ))
printf "| %d | %s | %.1f | %.0f | %d | 1.0x |\n" "$items" "yardstick" "$base" "$(echo "$items / $base" | bc -l)" "$rss"
for r in "${runners[@]}"; do
  if [ "$r" = direct ] && [ "$items" -gt "${BENCH_DIRECT_MAX:-200000}" ]; then
    printf "| %d | %s | skipped: a test runner, above BENCH_DIRECT_MAX=%d items | | | |\n" "$items" "$r" "${BENCH_DIRECT_MAX:-200000}"
    continue
  fi
  out="$work/out-$days-$polls-$r"
  rm -rf "$out"
  tmp="$work/tmp-$r"
  mkdir -p "$tmp"
  start=$(date +%s.%N)
  # shellcheck disable=SC2086 # the runner options are words
  if /usr/bin/time -f "%M" -o "$work/rss-$r" \
    java ${jvm[$r]} $([ "$r" = default ] || echo "${opens[@]} -Dspark.ui.enabled=false") -Djava.io.tmpdir="$tmp" -cp "${jar[$r]}" \
      org.pipewright.pipelines.RetailDaily --input="$in" --output="$out" --outputFormat=json --progressSeconds=0 \
      ${runner[$r]} ${BENCH_OPTIONS:-} \
      > "$work/log-$r" 2>&1; then
    end=$(date +%s.%N)
    wall=$(echo "$end - $start" | bc -l)
    rss=$(( $(tail -1 "$work/rss-$r") / 1024 ))
    printf "| %d | %s | %.1f | %.0f | %d | %.1fx |\n" "$items" "$r" "$wall" "$(echo "$items / $wall" | bc -l)" "$rss" "$(echo "$wall / $base" | bc -l)"
  else
    printf "| %d | %s | failed: see %s | | | |\n" "$items" "$r" "$work/log-$r"
  fi
  rm -rf "$tmp"
done
[ -z "$build_lock" ] || flock -u 9
flock -u 8

# The same archive must give the same counts on every runner, or the timings compare different work.
for r in "${runners[@]}"; do
  f="$work/out-$days-$polls-$r/summary.json"
  if [[ -f "$f" ]] && ! cmp -s "$f" "$work/out-$days-$polls-yardstick/summary.json"; then
    echo "WARNING: $r's summary.json differs from the yardstick's" >&2
  fi
done
