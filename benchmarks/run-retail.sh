#!/usr/bin/env bash
# Throughput and peak memory of RetailDaily per runner on one generated landing archive.
# Usage: benchmarks/run-retail.sh [DAYS [POLLS]]   (default: 20000 days, 2 polls a day = 1,000,000 trending items)
# Env:   BENCH_RUNNERS="default direct spark flink"   which runners (each needs its bundled jar, below);
#                         default = the bundled jar with no runner named and the JVM's default settings
#                         (embedded Flink, no -Xmx, no flags: the README's command)
#        BENCH_DIR=dir    keeps the generated archive (and outputs, logs) between runs;
#                         without it they go to a temporary directory, removed after a run with no failure
#        BENCH_HEAP=8g    -Xmx of the yardstick, Direct and Spark
#        BENCH_FLINK_HEAP=2g  -Xmx of Flink from its own jar
#        BENCH_GC=-XX:+UseParallelGC  a collector for every JVM but the default's (unset: the JVM's own, G1)
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

source benchmarks/common.sh
check_runners
# The archive generator needs RetailData from the testing module; the yardstick only the bundled jar.
test_cp="$target/test-classes:testing/target/classes:${jar[default]}"
[[ -f "$target/test-classes/org/pipewright/pipelines/RetailYardstick.class" && -d testing/target/classes \
  && -f "${jar[default]}" ]] || { echo "missing the yardstick, testing's classes or ${jar[default]}: mvn -B -DskipTests -pl pipelines -am package" >&2; exit 1; }
days=${1:-20000}
polls=${2:-2}
work_dir
trap clean_work EXIT

in="$work/in-$days-$polls"
if [ ! -f "$in.items" ]; then
  rm -rf "$in"
  java -cp "$test_cp" org.pipewright.pipelines.RetailArchive "$in" "$days" "$polls" | tee "$work/archive-$days-$polls.log" >&2
  sed -n 's/.*: \([0-9]*\) trending items$/\1/p' "$work/archive-$days-$polls.log" > "$in.items"
fi
items=$(cat "$in.items")
echo "archive: $in, $(du -sh "$in" | cut -f1), $(find "$in" -type f | wc -l) answer files" >&2

lock_timings

echo "| trending items | runner | wall s | items/s | peak RSS MiB | vs yardstick |"
echo "|---------------:|--------|-------:|--------:|-------------:|-------------:|"
# The yardstick first: one thread, no Beam, the same tables (as JSON lines) and summary
out="$work/out-$days-$polls-yardstick"
rm -rf "$out"
# shellcheck disable=SC2086 # the flags are words
timed "$work/log-yardstick" java $yardstick_jvm -cp "$test_cp" org.pipewright.pipelines.RetailYardstick "$in" "$out" \
  || { echo "the yardstick failed: see $work/log-yardstick" >&2; exit 1; }
base=$wall
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
  # shellcheck disable=SC2046,SC2086 # the flags and the runner options are words
  if timed "$work/log-$r" java $(jvm_flags "$r") -Djava.io.tmpdir="$tmp" -cp "${jar[$r]}" \
      org.pipewright.pipelines.RetailDaily --input="$in" --output="$out" --outputFormat=json --progressSeconds=0 \
      ${runner[$r]} ${BENCH_OPTIONS:-}; then
    printf "| %d | %s | %.1f | %.0f | %d | %.1fx |\n" "$items" "$r" "$wall" "$(echo "$items / $wall" | bc -l)" "$rss" "$(echo "$wall / $base" | bc -l)"
  else
    printf "| %d | %s | failed: see %s | | | |\n" "$items" "$r" "$work/log-$r"
    failed=1
  fi
  rm -rf "$tmp"
done
unlock_timings

# The same archive must give the same counts on every runner, or the timings compare different work.
for r in "${runners[@]}"; do
  f="$work/out-$days-$polls-$r/summary.json"
  if [[ -f "$f" ]] && ! cmp -s "$f" "$work/out-$days-$polls-yardstick/summary.json"; then
    echo "WARNING: $r's summary.json differs from the yardstick's" >&2
    failed=1
  fi
done
