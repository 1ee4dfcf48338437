#!/usr/bin/env bash
# Throughput and peak memory of PinterestBatch per runner on the same generated posts.
# Usage: benchmarks/run-batch.sh [POSTS ...]      (default: 10000 100000)
# Env:   BENCH_RUNNERS="default direct spark flink"   which runners (each needs its bundled jar, below);
#                         default = the bundled jar with no runner named and the JVM's default settings
#                         (embedded Flink, no -Xmx, no flags: the quickstart command)
#        BENCH_DIR=dir    keeps the generated data (and outputs, logs) between runs;
#                         without it they go to a temporary directory, removed after a run with no failure
#        BENCH_HEAP=8g    -Xmx of the yardstick, Direct and Spark (the yardstick holds every table)
#        BENCH_GC=-XX:+UseParallelGC  a collector for every JVM but the default's (unset: the JVM's own, G1)
#        BENCH_FLINK_HEAP=2g  -Xmx of Flink from its own jar: it spills, so a small heap shows its memory bound
#        native-spark (not in the default list): benchmarks/native-spark/NativeSparkBatch.java, the same job
#                         written directly on Spark SQL (no Beam runner), local[2] with -Xmx$BENCH_HEAP; compiled
#                         with javac into the work dir against the Spark jar plus Spark SQL, whose jars that
#                         jar lacks: Maven resolves them once from benchmarks/native-spark/pom.xml
# Prints one Markdown table row per size and runner, and first the yardstick: the same job as a plain
# Java program on one thread (pipelines/src/test/.../BatchYardstick.java), timed the same way, with
# every runner's time as a multiple of it. Results in benchmarks/README.md were made with it.
set -euo pipefail
cd "$(dirname "$0")/.."

source benchmarks/common.sh
jar[native-spark]=${jar[spark]}
profile[native-spark]=spark-runner
jvm[native-spark]=${jvm[spark]}
check_runners
yardstick_cp="$target/test-classes:${jar[direct]}"
[[ -f "$target/test-classes/org/pipewright/pipelines/BatchYardstick.class" && -f "${jar[direct]}" ]] \
  || { echo "missing the yardstick or ${jar[direct]}: mvn -B -DskipTests package" >&2; exit 1; }
work_dir
trap clean_work EXIT
# Each runner's command after the JVM flags: class path, main class and options (input and output follow)
declare -A main
for r in default direct spark flink; do
  main[$r]="-cp ${jar[$r]} org.pipewright.pipelines.PinterestBatch --progressSeconds=0 ${runner[$r]}"
done
if [[ " ${runners[*]} " == *" native-spark "* ]]; then
  # The Spark jar holds Spark core, Beam and the project's cleaning rules, but not Spark SQL (Beam's
  # runner uses RDDs only); Spark SQL's jars come from Maven (offline once they are in ~/.m2) and
  # go after the bundled jar, so that Spark core, Parquet and Jackson are the bundled ones.
  resolve=(-B -q -f benchmarks/native-spark/pom.xml dependency:build-classpath -Dmdep.outputFile="$work/native-spark.cp"
    -Dspark.version="$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' pom.xml)")
  mvn -o "${resolve[@]}" >/dev/null 2>&1 || mvn "${resolve[@]}" >&2
  ns_cp="${jar[native-spark]}:$(cat "$work/native-spark.cp")"
  rm -rf "$work/native-spark-classes"
  javac -nowarn -d "$work/native-spark-classes" -cp "$ns_cp" benchmarks/native-spark/NativeSparkBatch.java
  main[native-spark]="-cp $work/native-spark-classes:$ns_cp org.pipewright.benchmarks.NativeSparkBatch"
fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)

echo "| posts | raw records | runner | wall s | records/s | peak RSS MiB | vs yardstick |"
echo "|------:|------------:|--------|-------:|----------:|-------------:|-------------:|"
for posts in "${sizes[@]}"; do
  in="$work/in-$posts"
  [ -d "$in" ] || java -cp "${jar[direct]}" org.pipewright.pipelines.Emulator --output="$in" --posts="$posts" --seed=1 >/dev/null
  records=$(cat "$in"/*/*.jsonl | wc -l)
  # The yardstick first: one thread, no Beam, the same outputs (as JSON lines) and summary
  # shellcheck disable=SC2086 # the flags are words
  timed "$work/log-$posts-yardstick" java $yardstick_jvm -cp "$yardstick_cp" \
    org.pipewright.pipelines.BatchYardstick "$in" "$work/out-$posts-yardstick" \
    || { echo "the yardstick failed: see $work/log-$posts-yardstick" >&2; exit 1; }
  base=$wall
  printf "| %d | %d | %s | %.1f | %.0f | %d | 1.0x |\n" "$posts" "$records" "yardstick" "$base" "$(echo "$records / $base" | bc -l)" "$rss"
  for r in "${runners[@]}"; do
    out="$work/out-$posts-$r"
    tmp="$work/tmp-$r"
    mkdir -p "$tmp"
    if [ "$r" = native-spark ]; then args=("$in" "$out"); else args=(--input="$in" --output="$out"); fi
    # shellcheck disable=SC2046,SC2086 # the flags and the runner options are words
    if timed "$work/log-$posts-$r" java $(jvm_flags "$r") -Djava.io.tmpdir="$tmp" ${main[$r]} "${args[@]}"; then
      printf "| %d | %d | %s | %.1f | %.0f | %d | %.1fx |\n" "$posts" "$records" "$r" "$wall" "$(echo "$records / $wall" | bc -l)" "$rss" "$(echo "$wall / $base" | bc -l)"
    else
      printf "| %d | %d | %s | failed: see %s | | | |\n" "$posts" "$records" "$r" "$work/log-$posts-$r"
      failed=1
    fi
    rm -rf "$tmp"
  done
  # The same data must give the same counts on every runner, or the timings compare different work.
  for r in "${runners[@]}"; do
    f="$work/out-$posts-$r/summary.json"
    if [[ -f "$f" ]] && ! cmp -s "$f" "$work/out-$posts-yardstick/summary.json"; then
      echo "WARNING: $r's summary.json differs from the yardstick's for $posts posts" >&2
      failed=1
    fi
  done
done
