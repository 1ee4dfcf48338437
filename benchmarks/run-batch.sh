#!/usr/bin/env bash
# Throughput and peak memory of PinterestBatch on the Direct runner for generated posts.
# Usage: benchmarks/run-batch.sh [POSTS ...]      (default: 10000 100000)
# Prints one Markdown table row per size; results in benchmarks/README.md were made with it.
set -euo pipefail
cd "$(dirname "$0")/.."

jar=pipelines/target/pipewright-pipelines-bundled.jar
[ -f "$jar" ] || mvn -q -B -DskipTests package
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }

work=${BENCH_DIR:-$(mktemp -d)}
heap=${BENCH_HEAP:-8g}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)

echo "| posts | raw records | wall s | records/s | peak RSS MiB | runner |"
echo "|------:|------------:|-------:|----------:|-------------:|--------|"
for posts in "${sizes[@]}"; do
  in="$work/in-$posts"
  out="$work/out-$posts"
  [ -d "$in" ] || java -cp "$jar" org.pipewright.pipelines.Emulator --output="$in" --posts="$posts" --seed=1 >/dev/null
  records=$(cat "$in"/*/*.jsonl | wc -l)
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss-$posts" \
    java -Xmx"$heap" -cp "$jar" org.pipewright.pipelines.PinterestBatch \
      --input="$in" --output="$out" --progressSeconds=0 > "$work/log-$posts" 2>&1
  end=$(date +%s.%N)
  wall=$(echo "$end - $start" | bc -l)
  rss=$(( $(tail -1 "$work/rss-$posts") / 1024 ))
  printf "| %d | %d | %.1f | %.0f | %d | direct |\n" "$posts" "$records" "$wall" "$(echo "$records / $wall" | bc -l)" "$rss"
done
