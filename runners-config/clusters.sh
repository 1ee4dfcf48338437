#!/usr/bin/env bash
# clusters.sh: run PinterestBatch on a real Spark standalone cluster and a real Flink session
# cluster, both started here on 127.0.0.1 from Maven-resolved jars (no Spark/Flink distribution
# is installed on this machine, and flink-dist is not on Maven Central), and check that both
# produce exactly what a local Spark run (local[2]) produces. The Spark job is submitted the way a
# user submits to EMR or any Spark cluster: org.apache.spark.deploy.SparkSubmit (what `spark-submit`
# runs) from the cluster's own jars, with pipewright-pipelines-spark-submit.jar, the jar without
# Spark inside; once with JSON output (every table compared) and once with Parquet output, read
# back on the cluster by PinterestAnalytics (the analytics compared).
#
# Usage: runners-config/clusters.sh [INPUT_DIR]      (default: samples/pinterest)
# Env:   SPARK_JAR / FLINK_JAR   the bundled pipeline jars (default: pipelines/target/...); SPARK_JAR
#                                (Spark inside) runs the local reference
#        SPARK_SUBMIT_JAR        the jar submitted to the Spark cluster (default:
#                                pipelines/target/pipewright-pipelines-spark-submit.jar)
#        KEEP=1                  keep the run dir (logs, outputs) even on success
#        SKIP_SPARK=1 / SKIP_FLINK=1   skip one cluster (reported as NOT RUN)
#
# It never builds the project: it only fetches Spark/Flink jars into runners-config/.clusters/
# (git-ignored) through throwaway poms and `mvn dependency:copy-dependencies`.
# Every process it starts is recorded by PID and stopped in the EXIT trap.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
CLUSTERS="$HERE/.clusters"
INPUT="$(cd "${1:-$ROOT/samples/pinterest}" && pwd)"
SPARK_JAR="${SPARK_JAR:-$ROOT/pipelines/target/pipewright-pipelines-spark-bundled.jar}"
SPARK_SUBMIT_JAR="${SPARK_SUBMIT_JAR:-$ROOT/pipelines/target/pipewright-pipelines-spark-submit.jar}"
FLINK_JAR="${FLINK_JAR:-$ROOT/pipelines/target/pipewright-pipelines-flink-bundled.jar}"
SPARK_VERSION=3.5.1
FLINK_VERSION=1.19.0
LOG4J_VERSION=2.17.1
HOST=127.0.0.1
T0=$SECONDS

say() { printf '[clusters %3ds] %s\n' "$((SECONDS - T0))" "$*"; }
die() { say "FAIL: $*" >&2; exit 1; }

for j in "$SPARK_JAR" "$SPARK_SUBMIT_JAR" "$FLINK_JAR"; do
  [[ -f "$j" ]] || die "missing $j (build it with the spark-runner / flink-runner profile)"
done
for d in pin geo user; do [[ -d "$INPUT/$d" ]] || die "$INPUT has no $d/ folder"; done

# The Java 17 --add-opens list Spark needs lives in one place: the root pom's java17.opens.
read -r -a OPENS <<<"$(sed -n 's:.*<java17.opens>\(.*\)</java17.opens>.*:\1:p' "$ROOT/pom.xml")"
[[ ${#OPENS[@]} -gt 0 ]] || die "could not read java17.opens from $ROOT/pom.xml"

mkdir -p "$CLUSTERS"
RUN="$(mktemp -d "$CLUSTERS/run-XXXXXX")"
export SPARK_LOCAL_IP=$HOST          # Spark otherwise binds to the host's external address

# ---------------------------------------------------------------- process bookkeeping
PIDS=()          # every long-running process we start, stopped in reverse order on EXIT
PORTS=()         # every port we asked a service to listen on, checked after the stop
RESULT="FAILED"
stop_pids() { # newest first; TERM, then KILL after 20 s
  local i pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[i]}
    kill -0 "$pid" 2>/dev/null || continue
    kill -TERM "$pid" 2>/dev/null || true
    # Give the JVM its shutdown hooks (the Spark worker kills its executors in one), then force.
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then say "pid $pid ignored TERM, killing"; kill -KILL "$pid" || true; fi
    wait "$pid" 2>/dev/null || true
  done
}

stop_all() {
  local rc=$?
  set +e
  stop_pids
  # Verify: no process of ours (they all have $CLUSTERS on their classpath/command line) and
  # none of our ports is still listening.
  local left
  left="$(ps -eo pid=,args= | grep -F -- "$CLUSTERS" | grep -v -e grep -e "$$" || true)"
  [[ -n "$left" ]] && { say "WARNING: processes left behind:"; echo "$left"; [[ $rc -ne 0 ]] || rc=1; }
  for p in "${PORTS[@]}"; do
    if ss -Hltn "sport = :$p" | grep -q .; then say "WARNING: port $p still listening"; [[ $rc -ne 0 ]] || rc=1; fi
  done
  [[ -z "$left" ]] && say "stopped ${#PIDS[@]} processes; nothing of ours left running or listening (ports ${PORTS[*]:-none})"
  if [[ $rc -eq 0 && "${KEEP:-0}" != 1 ]]; then rm -rf "$RUN"; else say "logs and outputs kept in $RUN"; fi
  say "$RESULT (exit $rc, ${SECONDS}s)"
  exit "$rc"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

free_port() { # a port the kernel says is free now; preferred one if it is free
  python3 - "${1:-0}" <<'EOF'
import socket, sys
want = int(sys.argv[1])
for p in ([want] if want else []) + [0]:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(s.getsockname()[1]); break
    except OSError:
        pass
    finally:
        s.close()
EOF
}

# wait_for SECONDS PID DESCRIPTION CMD...: poll CMD every 0.5 s; fail fast if PID died.
wait_for() {
  local limit=$1 pid=$2 what=$3; shift 3
  local end=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || die "$what: process $pid exited (see logs in $RUN)"
    ((SECONDS < end)) || die "$what: not ready after ${limit}s (see logs in $RUN)"
    sleep 0.5
  done
}

# ---------------------------------------------------------------- fetching jars
# A throwaway pom per cluster; copy-dependencies resolves the transitive runtime closure the same
# way a distribution build would. Done once; a marker file makes reruns skip Maven.
fetch() { # fetch DIR DEPENDENCY-XML [DEPENDENCY-MANAGEMENT-XML]
  local dir=$1 deps=$2 managed=${3:-}
  # The marker holds the dependency list, so changing the list re-resolves from scratch.
  [[ -f "$dir/.complete" && "$(cat "$dir/.complete")" == "$deps$managed" ]] && return 0
  rm -rf "$dir/jars"; mkdir -p "$dir/jars"
  cat >"$dir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.clusters</groupId><artifactId>$(basename "$dir")</artifactId><version>0</version>
  <packaging>pom</packaging>
  <dependencyManagement><dependencies>$managed</dependencies></dependencyManagement>
  <dependencies>$deps</dependencies>
</project>
EOF
  say "resolving $(basename "$dir") jars with Maven (once)"
  mvn -B -q -f "$dir/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$dir/jars" >"$dir/mvn.log" 2>&1 || { tail -30 "$dir/mvn.log"; die "mvn failed for $dir"; }
  printf '%s' "$deps$managed" >"$dir/.complete"
}
dep() { # dep GROUP ARTIFACT VERSION [SCOPE]
  echo "<dependency><groupId>$1</groupId><artifactId>$2</artifactId><version>$3</version>${4:+<scope>$4</scope>}</dependency>"
}

# ---------------------------------------------------------------- pipeline runs
# run_pipeline NAME OUTDIR JAVA-ARGS...: JAVA-ARGS is everything before the pipeline options (JVM
# options and the main class; for SparkSubmit also its options and the jar). The options are
# JOB_ARGS (default: PinterestBatch's, on INPUT, JSON output), --output=OUTDIR and RUNNER_ARGS.
run_pipeline() {
  local name=$1 out=$2; shift 2
  local t=$SECONDS
  local job=("${JOB_ARGS[@]}")
  [[ ${#job[@]} -gt 0 ]] || job=("--input=$INPUT" --outputFormat=json)
  mkdir -p "$RUN/tmp-$name"
  if ! java -Djava.io.tmpdir="$RUN/tmp-$name" "$@" \
      "${job[@]}" --output="$out" --progressSeconds=0 \
      "${RUNNER_ARGS[@]}" >"$RUN/$name.log" 2>&1; then
    tail -40 "$RUN/$name.log" >&2
    die "$name pipeline run failed (log: $RUN/$name.log)"
  fi
  say "$name run done in $((SECONDS - t))s -> $out"
}

# Same result = same summary.json and, per table folder, the same multiset of lines over its
# part-* files (sharding and line order legitimately differ between runners).
compare() { # compare NAME OUTDIR REFDIR [nosummary]
  local name=$1 out=$2 ref=$3 bad=0 d
  if [[ "${4:-}" != nosummary ]] && ! diff -q "$ref/summary.json" "$out/summary.json" >/dev/null 2>&1; then
    say "$name: summary.json differs from the reference:"; diff "$ref/summary.json" "$out/summary.json" | head -20 || true; bad=1
  fi
  local tables
  # Tables of both sides, so a table missing from either side is a difference too.
  tables="$( { (cd "$ref" && find . -type f -name 'part-*' -printf '%h\n'); (cd "$out" && find . -type f -name 'part-*' -printf '%h\n'); } | sort -u)"
  [[ -n "$tables" ]] || { say "$name: no part-* files in the reference"; return 1; }
  for d in $tables; do
    if ! diff -q <(cat "$ref/$d"/part-* 2>/dev/null | LC_ALL=C sort) <(cat "$out/$d"/part-* 2>/dev/null | LC_ALL=C sort) >/dev/null; then
      say "$name: table ${d#./} differs from the reference:"
      diff <(cat "$ref/$d"/part-* 2>/dev/null | LC_ALL=C sort) <(cat "$out/$d"/part-* 2>/dev/null | LC_ALL=C sort) | head -10 || true
      bad=1
    fi
  done
  if [[ $bad -eq 0 ]]; then
    say "$name: output identical to the reference (${4:+no }summary.json + $(wc -w <<<"$tables") tables)"
  fi
  return $bad
}

# ---------------------------------------------------------------- reference: Spark local[2]
say "input $INPUT; run dir $RUN"
JOB_ARGS=()
RUNNER_ARGS=(--runner=SparkRunner "--sparkMaster=local[2]")
run_pipeline reference "$RUN/out-reference" "${OPENS[@]}" -Dspark.ui.enabled=false -cp "$SPARK_JAR" \
  org.pipewright.pipelines.PinterestBatch

STATUS_SPARK="NOT RUN"
STATUS_FLINK="NOT RUN"
FAILURES=0

# ---------------------------------------------------------------- Spark standalone cluster
spark_cluster() {
  local home="$CLUSTERS/spark-$SPARK_VERSION"
  # The jars/ folder of a Spark distribution, as far as a Spark job sees it: spark-core,
  # spark-streaming and spark-sql (which brings Parquet 1.13, Avro 1.11, ORC, Arrow) at the versions
  # Spark's own build manages (spark-parent's dependencyManagement: Jackson 2.15.2, SLF4J 2.0.7, ...,
  # else Maven's nearest-wins picks other ones), plus Guava 14.0.1, which the distribution ships
  # although spark-parent manages it as provided. So the submit jar meets the same libraries it
  # meets on a real cluster, ahead of its own classes.
  fetch "$home" "$(dep org.apache.spark spark-core_2.12 $SPARK_VERSION)$(dep org.apache.spark spark-streaming_2.12 $SPARK_VERSION)$(dep org.apache.spark spark-sql_2.12 $SPARK_VERSION)$(dep com.google.guava guava 14.0.1 compile)" \
    "<dependency><groupId>org.apache.spark</groupId><artifactId>spark-parent_2.12</artifactId><version>$SPARK_VERSION</version><type>pom</type><scope>import</scope></dependency>"
  # The worker builds its executors' classpath from $SPARK_HOME/jars; a distribution's
  # load-spark-env.sh would export SPARK_SCALA_VERSION, without it the launcher looks for a
  # source build directory and fails.
  export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.12
  touch "$home/RELEASE"
  # The jar itself: nothing the cluster provides inside, relocations complete (Python, ~4 s).
  python3 "$HERE/spark-emr/check_submit_jar.py" "$SPARK_SUBMIT_JAR" || die "$SPARK_SUBMIT_JAR is not fit for a cluster"
  local mport uiport wuiport
  mport=$(free_port 7077); uiport=$(free_port 0); wuiport=$(free_port 0)
  PORTS+=("$mport" "$uiport" "$wuiport")
  local sysprops=(-Dspark.master.rest.enabled=false -Dspark.worker.cleanup.enabled=false)
  say "starting Spark $SPARK_VERSION master spark://$HOST:$mport (UI :$uiport) and a worker (2 cores, 2g)"
  java "${OPENS[@]}" -Xmx512m "${sysprops[@]}" -Djava.io.tmpdir="$RUN" -cp "$home/jars/*" \
    org.apache.spark.deploy.master.Master --host $HOST --port "$mport" --webui-port "$uiport" \
    >"$RUN/spark-master.log" 2>&1 &
  local master=$!; PIDS+=("$master")
  wait_for 60 "$master" "Spark master" curl -sf "http://$HOST:$uiport/json/"
  mkdir -p "$RUN/spark-work"
  java "${OPENS[@]}" -Xmx512m "${sysprops[@]}" -Djava.io.tmpdir="$RUN" -cp "$home/jars/*" \
    org.apache.spark.deploy.worker.Worker --host $HOST --cores 2 --memory 2g \
    --webui-port "$wuiport" --work-dir "$RUN/spark-work" "spark://$HOST:$mport" \
    >"$RUN/spark-worker.log" 2>&1 &
  local worker=$!; PIDS+=("$worker")
  # Ready = the master's JSON status lists one ALIVE worker.
  spark_ready() { curl -sf "http://$HOST:$uiport/json/" | grep -Eq '"aliveworkers" *: *1'; }
  wait_for 60 "$worker" "Spark worker registration" spark_ready
  say "Spark cluster ready; submitting PinterestBatch with SparkSubmit and the spark-submit jar"
  # What `spark-submit --master spark://... --deploy-mode client` runs: SparkSubmit from the
  # cluster's jars, the driver in this JVM (-Xmx1g: spark.driver.memory's default). The app jar
  # goes to the executors through spark.jars. No --sparkMaster: with spark.master set by
  # SparkSubmit, the Spark runner uses it and leaves spark.jars alone (given --sparkMaster it
  # would stage every jar of its class path, the cluster's included). The driver JVM needs the
  # Java 17 flags on its command line; Spark 3.5 adds them to the executors' by itself.
  local submit=(org.apache.spark.deploy.SparkSubmit --master "spark://$HOST:$mport" --deploy-mode client
    --conf spark.ui.enabled=false --conf "spark.executor.extraJavaOptions=-Djava.io.tmpdir=$RUN"
    --conf spark.executor.memory=1g --conf spark.cores.max=2)
  local sparkjava=("${OPENS[@]}" -Xmx1g -cp "$home/jars/*")
  # --awsRegion (unused on local files): Beam parses its value with AwsModule, a Jackson module it
  # finds only through the relocated META-INF/services file; the options then travel to the
  # executors as JSON (relocated Jackson).
  RUNNER_ARGS=(--runner=SparkRunner --awsRegion=eu-west-1)
  local apps=0 bad=0
  # Proof each job ran on the cluster rather than in-process: the worker launched a new executor.
  executor_ran() { local n; n=$( (compgen -G "$RUN/spark-work/app-*/*/stderr" || true) | wc -l)
                   ((n > apps)) || die "$1: the Spark worker launched no executor"; apps=$n; }
  # 1. JSON output: every table compared with the reference.
  JOB_ARGS=()
  run_pipeline spark-cluster "$RUN/out-spark" "${sparkjava[@]}" "${submit[@]}" \
    --class org.pipewright.pipelines.PinterestBatch "$SPARK_SUBMIT_JAR"
  executor_ran spark-cluster
  compare spark-cluster "$RUN/out-spark" "$RUN/out-reference" || bad=1
  # 2. Parquet output (the default, and what EMR runs), read back on the cluster by
  #    PinterestAnalytics: Parquet and Avro inside the jar are relocated, the cluster has its own.
  JOB_ARGS=("--input=$INPUT")
  run_pipeline spark-cluster-parquet "$RUN/out-spark-parquet" "${sparkjava[@]}" "${submit[@]}" \
    --class org.pipewright.pipelines.PinterestBatch "$SPARK_SUBMIT_JAR"
  executor_ran spark-cluster-parquet
  compgen -G "$RUN/out-spark-parquet/clean/pin/*.parquet" >/dev/null || die "spark-cluster-parquet wrote no Parquet files"
  JOB_ARGS=("--input=$RUN/out-spark-parquet/clean" --inputFormat=parquet --outputFormat=json)
  run_pipeline spark-cluster-analytics "$RUN/out-spark-analytics" "${sparkjava[@]}" "${submit[@]}" \
    --class org.pipewright.pipelines.PinterestAnalytics "$SPARK_SUBMIT_JAR"
  executor_ran spark-cluster-analytics
  diff -q "$RUN/out-reference/summary.json" "$RUN/out-spark-parquet/summary.json" >/dev/null ||
    { say "spark-cluster-parquet: summary.json differs from the reference"; bad=1; }
  compare spark-cluster-analytics "$RUN/out-spark-analytics/analytics" "$RUN/out-reference/analytics" nosummary || bad=1
  if [[ $bad -eq 0 ]]; then STATUS_SPARK=PASSED; else STATUS_SPARK=FAILED; FAILURES=$((FAILURES + 1)); fi
}

# ---------------------------------------------------------------- Flink session cluster
flink_cluster() {
  local home="$CLUSTERS/flink-$FLINK_VERSION"
  local fd="" a
  for a in flink-runtime flink-clients flink-streaming-java flink-java flink-runtime-web; do
    fd+="$(dep org.apache.flink $a $FLINK_VERSION)"
  done
  for a in log4j-api log4j-core log4j-slf4j-impl log4j-1.2-api; do
    fd+="$(dep org.apache.logging.log4j $a $LOG4J_VERSION)"
  done
  fetch "$home" "$fd"
  local lib="$home/jars" conf="$RUN/flink-conf" rport
  rport=$(free_port 8081)
  local rpc blob tmrpc tmdata
  rpc=$(free_port 0); blob=$(free_port 0); tmrpc=$(free_port 0); tmdata=$(free_port 0)
  PORTS+=("$rport" "$rpc" "$blob" "$tmrpc" "$tmdata")
  mkdir -p "$conf"
  # Explicit ports everywhere (Flink otherwise picks random ones, bound to 0.0.0.0 for data).
  # max-content-length is raised because the submitted job jar (~260 MB) travels over REST.
  cat >"$conf/flink-conf.yaml" <<EOF
jobmanager.rpc.address: $HOST
jobmanager.rpc.port: $rpc
jobmanager.bind-host: $HOST
jobmanager.memory.process.size: 1024m
rest.address: $HOST
rest.bind-address: $HOST
rest.port: $rport
rest.server.max-content-length: 1073741824
rest.client.max-content-length: 1073741824
blob.server.port: $blob
taskmanager.host: $HOST
taskmanager.bind-host: $HOST
taskmanager.rpc.port: $tmrpc
taskmanager.data.port: $tmdata
taskmanager.numberOfTaskSlots: 2
taskmanager.memory.process.size: 2560m
# Beam's batch translation runs many blocking shuffle partitions at once and each sort-shuffle
# partition reserves taskmanager.network.sort-shuffle.min-buffers (default 512) buffers: with the
# defaults the job fails with "Insufficient number of network buffers: required 512". Fewer
# buffers per partition plus more network memory; managed memory is given less instead.
taskmanager.network.sort-shuffle.min-buffers: 64
taskmanager.memory.network.min: 512m
taskmanager.memory.network.max: 512m
taskmanager.memory.managed.fraction: 0.2
taskmanager.memory.jvm-metaspace.size: 512m
parallelism.default: 2
classloader.check-leaked-classloader: false
classloader.resolve-order: parent-first
io.tmp.dirs: $RUN/flink-tmp
web.tmpdir: $RUN/flink-web
EOF
  cat >"$conf/log4j.properties" <<'EOF'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = F
appender.file.name = F
appender.file.type = File
appender.file.fileName = ${sys:log.file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n
EOF
  mkdir -p "$RUN/flink-tmp" "$RUN/flink-web"
  # What flink's jobmanager.sh/taskmanager.sh do: BashJavaUtils turns the memory model into JVM
  # flags (line 1) and the derived -D settings the process must be started with (line 2).
  mem_params() { # mem_params GET_JM_RESOURCE_PARAMS|GET_TM_RESOURCE_PARAMS
    java -cp "$lib/*" -Dlog4j2.configurationFile="file:$conf/log4j.properties" -Dlog.file="$RUN/flink-bashjavautils.log" \
      org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$conf" 2>&1 |
      sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
  }
  local jm tm
  jm="$(mem_params GET_JM_RESOURCE_PARAMS)"; tm="$(mem_params GET_TM_RESOURCE_PARAMS)"
  [[ $(wc -l <<<"$jm") -ge 2 && $(wc -l <<<"$tm") -ge 2 ]] || die "BashJavaUtils gave no memory settings: jm='$jm' tm='$tm'"
  local jm_jvm jm_dyn tm_jvm tm_dyn
  read -r -a jm_jvm <<<"$(head -1 <<<"$jm")"; read -r -a jm_dyn <<<"$(sed -n 2p <<<"$jm")"
  read -r -a tm_jvm <<<"$(head -1 <<<"$tm")"; read -r -a tm_dyn <<<"$(sed -n 2p <<<"$tm")"
  local logprops=(-Dlog4j2.configurationFile="file:$conf/log4j.properties" -Dlog4j.configurationFile="file:$conf/log4j.properties")
  say "starting Flink $FLINK_VERSION session cluster: REST http://$HOST:$rport, 1 task manager x 2 slots (${jm_jvm[0]}, ${tm_jvm[0]})"
  java "${jm_jvm[@]}" "${logprops[@]}" -Dlog.file="$RUN/flink-jobmanager.log" -Djava.io.tmpdir="$RUN/flink-tmp" \
    -cp "$lib/*" org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    --configDir "$conf" "${jm_dyn[@]}" >"$RUN/flink-jobmanager.out" 2>&1 &
  local jmpid=$!; PIDS+=("$jmpid")
  java "${tm_jvm[@]}" "${logprops[@]}" -Dlog.file="$RUN/flink-taskmanager.log" -Djava.io.tmpdir="$RUN/flink-tmp" \
    -cp "$lib/*" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    --configDir "$conf" "${tm_dyn[@]}" >"$RUN/flink-taskmanager.out" 2>&1 &
  local tmpid=$!; PIDS+=("$tmpid")
  flink_ready() { curl -sf "http://$HOST:$rport/overview" | grep -Eq '"taskmanagers" *: *1[,}]' &&
                  curl -sf "http://$HOST:$rport/overview" | grep -Eq '"slots-available" *: *2[,}]'; }
  wait_for 90 "$jmpid" "Flink REST API with a registered task manager" flink_ready
  kill -0 "$tmpid" || die "Flink task manager exited"
  say "Flink cluster ready; submitting PinterestBatch"
  # The client reads the same flink-conf.yaml (FLINK_CONF_DIR) so its REST limits match.
  RUNNER_ARGS=(--runner=FlinkRunner "--flinkMaster=$HOST:$rport" "--filesToStage=$FLINK_JAR" --parallelism=2)
  JOB_ARGS=()
  FLINK_CONF_DIR="$conf" run_pipeline flink-cluster "$RUN/out-flink" -cp "$FLINK_JAR" org.pipewright.pipelines.PinterestBatch
  # Proof it ran on the cluster: the session cluster lists a finished job.
  curl -sf "http://$HOST:$rport/jobs/overview" | grep -q '"state":"FINISHED"' || die "Flink cluster shows no FINISHED job"
  local ok=1
  compare flink-cluster "$RUN/out-flink" "$RUN/out-reference" || ok=0
  # Again the way `flink run -c MAIN JAR ARGS` submits: Flink's own CliFrontend (the cluster's
  # client classes) runs the jar's main; Beam's FlinkRunner, with its default --flinkMaster=[auto],
  # takes the session cluster from the CLI's context (parent-first class loading, as
  # runners-config/flink/README.md recommends, so that both see the same Flink classes).
  say "submitting PinterestBatch with flink run (CliFrontend)"
  RUNNER_ARGS=(--runner=FlinkRunner --parallelism=2)
  FLINK_CONF_DIR="$conf" run_pipeline flink-run "$RUN/out-flink-run" "${logprops[@]}" -Dlog.file="$RUN/flink-cli.log" \
    -cp "$lib/*" org.apache.flink.client.cli.CliFrontend run -m "$HOST:$rport" \
    -c org.pipewright.pipelines.PinterestBatch "$FLINK_JAR"
  [[ $(curl -sf "http://$HOST:$rport/jobs/overview" | grep -o '"state":"FINISHED"' | wc -l) -ge 2 ]] ||
    die "flink run did not run on the session cluster (it lists fewer than 2 FINISHED jobs)"
  compare flink-run "$RUN/out-flink-run" "$RUN/out-reference" || ok=0
  if [[ $ok == 1 ]]; then STATUS_FLINK=PASSED; else STATUS_FLINK=FAILED; FAILURES=$((FAILURES + 1)); fi
}

[[ "${SKIP_SPARK:-0}" == 1 ]] || spark_cluster
# Spark is stopped before Flink starts: two clusters at once do not fit well in 2 cores.
[[ "${SKIP_SPARK:-0}" == 1 ]] || { stop_pids; say "Spark cluster stopped"; }
[[ "${SKIP_FLINK:-0}" == 1 ]] || flink_cluster

say "Spark standalone cluster: $STATUS_SPARK; Flink session cluster: $STATUS_FLINK"
[[ $FAILURES -eq 0 ]] || die "$FAILURES cluster run(s) differ from the reference"
if [[ $STATUS_SPARK == PASSED && $STATUS_FLINK == PASSED ]]; then RESULT="PASSED"; else RESULT="PASSED (partial: a cluster was NOT RUN)"; fi
