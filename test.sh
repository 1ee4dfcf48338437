#!/usr/bin/env bash
# The whole test suite: builds the Spark (bundled and spark-submit) and Flink bundled jars, then
# runs every test (unit, end-to-end, integration against local Kafka/PostgreSQL/S3/Kinesis, and
# runner portability on Direct, Spark and Flink). `mvn -B verify` alone runs everything but the
# Spark and Flink runs. The main build is `install` (verify + install into the local Maven
# repository, with sources and Javadoc jars) because the examples/ projects consume the installed
# artifacts as a user's build would.
set -euo pipefail
cd "$(dirname "$0")"

# A build without tests must not need npm (the quickstart promises Java and Maven only): this one
# runs with an npm that fails.
mkdir -p target/no-npm && printf '#!/bin/sh\necho "npm was called by a -DskipTests build" >&2; exit 1\n' > target/no-npm/npm
chmod +x target/no-npm/npm
PATH="$PWD/target/no-npm:$PATH" mvn -B -ntp -q -DskipTests -Pspark-runner package
mvn -B -ntp -q -DskipTests -Pflink-runner package
mvn -B -ntp install -Dpipewright.requireAllRunners=true

# A consumer of pipewright-transforms + pipewright-io-kafka gets no Hadoop, Parquet, AWS SDK or JDBC
# driver (Avro only through Beam's KafkaIO) (~30 s); then the orders example, a separate Maven project
# built and tested against the installed artifacts, and its main run on the sample (~2 min).
examples/check-dependencies.sh
examples/run.sh

# The schedulers' configuration: DAG files compile, and every option they (and the per-environment
# option files) pass is accepted by the pipeline in that runner's jar.
python3 -m py_compile runners-config/airflow/*.py
python3 runners-config/airflow/check_options.py pipelines/target
rm -rf runners-config/airflow/__pycache__

# The README's Maven commands for running from the sources: exec:java (Direct, Spark) and
# exec:exec (Flink), one per runner profile (~1.5 min).
runners-config/exec-check.sh

# The cluster path: a Spark standalone and a Flink session cluster on 127.0.0.1 from Maven jars,
# PinterestBatch submitted to each as to a real cluster (Spark: SparkSubmit with the spark-submit
# jar), outputs compared, clusters stopped.
runners-config/clusters.sh
