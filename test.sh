#!/usr/bin/env bash
# The whole test suite: builds the Spark and Flink bundled jars, then runs every test (unit,
# end-to-end, integration against local Kafka/PostgreSQL/S3/Kinesis, and runner portability on
# Direct, Spark and Flink). `mvn -B verify` alone runs everything but the Spark and Flink runs.
set -euo pipefail
cd "$(dirname "$0")"

mvn -B -ntp -q -DskipTests -Pspark-runner package
mvn -B -ntp -q -DskipTests -Pflink-runner package
mvn -B -ntp verify -Dpipewright.requireAllRunners=true

# The schedulers' configuration: DAG files compile, and every option they (and the per-environment
# option files) pass is accepted by the pipeline in that runner's jar.
python3 -m py_compile runners-config/airflow/*.py
python3 runners-config/airflow/check_options.py pipelines/target
rm -rf runners-config/airflow/__pycache__

# The cluster path: a Spark standalone and a Flink session cluster on 127.0.0.1 from Maven jars,
# PinterestBatch submitted to each as to a real cluster, outputs compared, clusters stopped.
runners-config/clusters.sh
