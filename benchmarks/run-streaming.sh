#!/usr/bin/env bash
# Streaming throughput (records/s) and end-to-end latency (p50/p99, emulator send -> row in
# PostgreSQL) of PinterestStreaming at a few offered rates, on the Direct runner or on Flink.
# Usage: [BENCH_RUNNER=direct|flink] benchmarks/run-streaming.sh [SECONDS [RATE ...]]
#        (default: direct, 60 s at 100 300 1000 records/s; Spark cannot run the streaming job)
# Starts its own Kafka broker and PostgreSQL (module testing); prints one Markdown row per rate.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
rates=("$@")
[ ${#rates[@]} -gt 0 ] || rates=(100 300 1000)

runner=${BENCH_RUNNER:-direct}
case "$runner" in
  direct | flink) ;;
  *) echo "error: BENCH_RUNNER must be direct or flink, not '$runner'" >&2; exit 2 ;;
esac
jar=pipelines/target/pipewright-pipelines-bundled.jar
[ -f "$jar" ] || mvn -q -B -ntp -DskipTests install
if [ "$runner" = flink ] && [ ! -f pipelines/target/pipewright-pipelines-flink-bundled.jar ]; then
  mvn -q -B -ntp -DskipTests -Pflink-runner -pl pipelines -am package
fi
opens=$(grep -o '<java17.opens>[^<]*' pom.xml | sed 's/<java17.opens>//')
mvn -q -B -ntp -o -pl pipelines test-compile exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=org.pipewright.pipelines.StreamingBenchmark \
  -Dexec.args="$seconds ${rates[*]}" -Dpipewright.bundledJar="$PWD/$jar" \
  -Dpipewright.benchRunner="$runner" -Dpipewright.java17Opens="$opens" 2>&1 | grep '^|'
