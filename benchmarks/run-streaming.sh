#!/usr/bin/env bash
# Streaming throughput (records/s) and end-to-end latency (p50/p99, emulator send -> row in
# PostgreSQL) of PinterestStreaming on the Direct runner, at a few offered rates.
# Usage: benchmarks/run-streaming.sh [SECONDS [RATE ...]]     (default: 60 s at 100 300 1000 records/s)
# Starts its own Kafka broker and PostgreSQL (module testing); prints one Markdown row per rate.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
rates=("$@")
[ ${#rates[@]} -gt 0 ] || rates=(100 300 1000)

jar=pipelines/target/pipewright-pipelines-bundled.jar
[ -f "$jar" ] || mvn -q -B -ntp -DskipTests install
mvn -q -B -ntp -o -pl pipelines test-compile exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=org.pipewright.pipelines.StreamingBenchmark \
  -Dexec.args="$seconds ${rates[*]}" -Dpipewright.bundledJar="$PWD/$jar" 2>&1 | grep '^|'
