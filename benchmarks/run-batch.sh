#!/usr/bin/env bash
# Throughput and peak memory of PinterestBatch per runner on the same generated posts.
# Usage: benchmarks/run-batch.sh [POSTS ...]      (default: 10000 100000)
# Env:   BENCH_RUNNERS="default direct spark flink"   which runners (each needs its bundled jar, below);
#                         default = the bundled jar with no runner named and the JVM's default settings
#                         (embedded Flink, no -Xmx, no flags: the quickstart command)
#        BENCH_DIR=dir    keeps the generated data (and outputs, logs) between runs
#        BENCH_HEAP=8g    -Xmx of the yardstick, Direct and Spark (the yardstick holds every table)
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

target=pipelines/target
declare -A jar=([default]=$target/pipewright-pipelines-bundled.jar [direct]=$target/pipewright-pipelines-bundled.jar
  [spark]=$target/pipewright-pipelines-spark-bundled.jar
  [flink]=$target/pipewright-pipelines-flink-bundled.jar
  [native-spark]=$target/pipewright-pipelines-spark-bundled.jar)
declare -A runner=([default]="" [direct]="--runner=DirectRunner"
  [spark]="--runner=SparkRunner --sparkMaster=local[2]"
  [flink]="--runner=FlinkRunner --flinkMaster=[local]")
declare -A profile=([default]=direct-runner [direct]=direct-runner [spark]=spark-runner [flink]=flink-runner
  [native-spark]=spark-runner)
runners=(${BENCH_RUNNERS:-default direct spark flink})
for r in "${runners[@]}"; do
  [[ -n "${jar[$r]:-}" ]] || { echo "unknown runner '$r' (default, direct, spark, flink, native-spark)" >&2; exit 1; }
  [[ -f "${jar[$r]}" ]] || { echo "missing ${jar[$r]}: mvn -B -DskipTests -P${profile[$r]} package" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
yardstick_cp="$target/test-classes:${jar[direct]}"
[[ -f "$target/test-classes/org/pipewright/pipelines/BatchYardstick.class" && -f "${jar[direct]}" ]] \
  || { echo "missing the yardstick or ${jar[direct]}: mvn -B -DskipTests package" >&2; exit 1; }
# Spark on Java 17 needs its --add-opens flags (the root pom's java17.opens); the others ignore them.
read -r -a opens <<<"$(sed -n 's:.*<java17.opens>\(.*\)</java17.opens>.*:\1:p' pom.xml)"
export SPARK_LOCAL_IP=127.0.0.1

work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
heap=${BENCH_HEAP:-8g}
declare -A jvm=([default]="" [direct]="-Xmx$heap" [spark]="-Xmx$heap" [flink]="-Xmx${BENCH_FLINK_HEAP:-2g}"
  [native-spark]="-Xmx$heap")
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
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss-$posts-yardstick" java -Xmx"$heap" -cp "$yardstick_cp" \
    org.pipewright.pipelines.BatchYardstick "$in" "$work/out-$posts-yardstick" > "$work/log-$posts-yardstick" 2>&1
  end=$(date +%s.%N)
  base=$(echo "$end - $start" | bc -l)
  rss=$(( $(tail -1 "$work/rss-$posts-yardstick") / 1024 ))
  printf "| %d | %d | %s | %.1f | %.0f | %d | 1.0x |\n" "$posts" "$records" "yardstick" "$base" "$(echo "$records / $base" | bc -l)" "$rss"
  for r in "${runners[@]}"; do
    out="$work/out-$posts-$r"
    tmp="$work/tmp-$r"
    mkdir -p "$tmp"
    if [ "$r" = native-spark ]; then args=("$in" "$out"); else args=(--input="$in" --output="$out"); fi
    start=$(date +%s.%N)
    # shellcheck disable=SC2086 # the runner options are words
    if /usr/bin/time -f "%M" -o "$work/rss-$posts-$r" \
      java ${jvm[$r]} $([ "$r" = default ] || echo "${opens[@]} -Dspark.ui.enabled=false") -Djava.io.tmpdir="$tmp" \
        ${main[$r]} "${args[@]}" \
        > "$work/log-$posts-$r" 2>&1; then
      end=$(date +%s.%N)
      wall=$(echo "$end - $start" | bc -l)
      rss=$(( $(tail -1 "$work/rss-$posts-$r") / 1024 ))
      printf "| %d | %d | %s | %.1f | %.0f | %d | %.1fx |\n" "$posts" "$records" "$r" "$wall" "$(echo "$records / $wall" | bc -l)" "$rss" "$(echo "$wall / $base" | bc -l)"
    else
      printf "| %d | %d | %s | failed: see %s | | | |\n" "$posts" "$records" "$r" "$work/log-$posts-$r"
    fi
    rm -rf "$tmp"
  done
  # The same data must give the same counts on every runner, or the timings compare different work.
  for r in "${runners[@]}"; do
    f="$work/out-$posts-$r/summary.json"
    if [[ -f "$f" ]] && ! cmp -s "$f" "$work/out-$posts-yardstick/summary.json"; then
      echo "WARNING: $r's summary.json differs from the yardstick's for $posts posts" >&2
    fi
  done
done
