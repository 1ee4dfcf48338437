#!/usr/bin/env bash
# Streaming benchmarks of PinterestStreaming on the Direct runner or on Flink [local], each next to
# the plain-Java yardstick (StreamingYardstick: KafkaConsumer -> the project's cleaners -> multi-row
# JDBC upserts) measured in the same run.
#
# Rate mode: throughput and end-to-end latency (p50/p99, emulator send -> row in PostgreSQL) at a
# few offered rates.
#   [BENCH_RUNNER=default|direct|flink] benchmarks/run-streaming.sh [SECONDS [RATE ...]]
#   (default: direct, 60 s at 100 300 1000 records/s; Spark cannot run the streaming job)
# Backlog mode: loads RECORDS raw records (all three kinds) into Kafka first, then lets the
# yardstick and then the pipeline drain them from the start; records/s from the first row in
# PostgreSQL to the last expected one, with a "vs yardstick" ratio.
#   [BENCH_RUNNER=default|direct|flink] benchmarks/run-streaming.sh backlog [RECORDS]   (default 1000000)
# default: the bundled jar with no runner named and no JVM flags (embedded Flink, the quickstart's way);
# flink: the Flink jar with --runner=FlinkRunner --flinkMaster=[local] and -Xmx2g.
# Environment: BENCH_YARDSTICK=false skips the yardstick; BENCH_OPTIONS="--opt=v ..." adds pipeline
# options; BENCH_JVM="-XX:StartFlightRecording=..." adds JVM flags to the Flink job; BENCH_PARTITIONS=n
# gives every topic n partitions (1).
# Starts its own Kafka broker and PostgreSQL (module testing); prints Markdown rows. Timed runs take
# the shared lock /tmp/bench.lock so they never overlap another benchmark on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = backlog ]; then
  args=(backlog "${2:-1000000}")
else
  seconds=${1:-60}
  shift || true
  rates=("$@")
  [ ${#rates[@]} -gt 0 ] || rates=(100 300 1000)
  args=("$seconds" "${rates[@]}")
fi

runner=${BENCH_RUNNER:-direct}
case "$runner" in
  default | direct | flink) ;;
  *) echo "error: BENCH_RUNNER must be default, direct or flink, not '$runner'" >&2; exit 2 ;;
esac
# -am: every module from this checkout's sources, never a stale copy from ~/.m2.
mvn -q -B -ntp -o -DskipTests -pl pipelines -am package
if [ "$runner" = flink ]; then
  # Its own profile (one Kryo per class path) and a separate jar; the Direct jar stays in place.
  cp pipelines/target/pipewright-pipelines-bundled.jar pipelines/target/direct-bundled.keep
  mvn -q -B -ntp -o -DskipTests -Pflink-runner -pl pipelines -am package
  mv pipelines/target/direct-bundled.keep pipelines/target/pipewright-pipelines-bundled.jar
fi
mvn -q -B -ntp -o -pl pipelines -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath
opens=$(grep -o '<java17.opens>[^<]*' pom.xml | sed 's/<java17.opens>//')
flock /tmp/bench.lock java -Xmx2g \
  -cp "pipelines/target/test-classes:pipelines/target/classes:$(cat pipelines/target/bench.classpath)" \
  -Dpipewright.bundledJar="$PWD/pipelines/target/pipewright-pipelines-bundled.jar" \
  -Dpipewright.testClasses="$PWD/pipelines/target/test-classes" \
  -Dpipewright.benchRunner="$runner" -Dpipewright.benchYardstick="${BENCH_YARDSTICK:-true}" \
  -Dpipewright.benchPartitions="${BENCH_PARTITIONS:-1}" \
  -Dpipewright.benchOptions="${BENCH_OPTIONS:-}" -Dpipewright.benchJvm="${BENCH_JVM:-}" \
  -Dpipewright.java17Opens="$opens" \
  org.pipewright.pipelines.StreamingBenchmark "${args[@]}" > pipelines/target/bench-streaming.log 2>&1 \
  || { tail -40 pipelines/target/bench-streaming.log >&2; exit 1; }
grep -E '^\||^backlog' pipelines/target/bench-streaming.log
