#!/usr/bin/env bash
# clusters.sh: run PinterestBatch on a real Spark standalone cluster and a real Flink session
# cluster, both started here on 127.0.0.1 from Maven-resolved jars (no Spark/Flink distribution
# is installed on this machine, and flink-dist is not on Maven Central), and check that both
# produce exactly what a local Spark run (local[2]) produces.
#
# Usage: runners-config/clusters.sh [INPUT_DIR]      (default: samples/pinterest)
# Env:   SPARK_JAR / FLINK_JAR   the bundled pipeline jars (default: pipelines/target/...)
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
FLINK_JAR="${FLINK_JAR:-$ROOT/pipelines/target/pipewright-pipelines-flink-bundled.jar}"
SPARK_VERSION=3.5.1
FLINK_VERSION=1.19.0
LOG4J_VERSION=2.17.1
HOST=127.0.0.1
T0=$SECONDS

say() { printf '[clusters %3ds] %s\n' "$((SECONDS - T0))" "$*"; }
die() { say "FAIL: $*" >&2; exit 1; }

for j in "$SPARK_JAR" "$FLINK_JAR"; do
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
stop_all() {
  local rc=$?
  set +e
  local i pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[i]}
    kill -0 "$pid" 2>/dev/null || continue
    kill -TERM "$pid" 2>/dev/null
    # Give the JVM its shutdown hooks (the Spark worker kills its executors in one), then force.
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && { say "pid $pid ignored TERM, killing"; kill -KILL "$pid"; }
    wait "$pid" 2>/dev/null
  done
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
fetch() { # fetch DIR DEPENDENCY-XML...
  local dir=$1; shift
  # The marker holds the dependency list, so changing the list re-resolves from scratch.
  [[ -f "$dir/.complete" && "$(cat "$dir/.complete")" == "$*" ]] && return 0
  rm -rf "$dir/jars"; mkdir -p "$dir/jars"
  cat >"$dir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.clusters</groupId><artifactId>$(basename "$dir")</artifactId><version>0</version>
  <packaging>pom</packaging>
  <dependencies>$*</dependencies>
</project>
EOF
  say "resolving $(basename "$dir") jars with Maven (once)"
  mvn -B -q -f "$dir/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$dir/jars" >"$dir/mvn.log" 2>&1 || { tail -30 "$dir/mvn.log"; die "mvn failed for $dir"; }
  printf '%s' "$*" >"$dir/.complete"
}
dep() { echo "<dependency><groupId>$1</groupId><artifactId>$2</artifactId><version>$3</version></dependency>"; }

# ---------------------------------------------------------------- pipeline runs
run_pipeline() { # run_pipeline NAME OUTDIR JAVA-ARGS... (everything before the options)
  local name=$1 out=$2; shift 2
  local t=$SECONDS
  mkdir -p "$RUN/tmp-$name"
  if ! java -Djava.io.tmpdir="$RUN/tmp-$name" "$@" org.pipewright.pipelines.PinterestBatch \
      --input="$INPUT" --output="$out" --outputFormat=json --progressSeconds=0 \
      "${RUNNER_ARGS[@]}" >"$RUN/$name.log" 2>&1; then
    tail -40 "$RUN/$name.log" >&2
    die "$name pipeline run failed (log: $RUN/$name.log)"
  fi
  say "$name run done in $((SECONDS - t))s -> $out"
}

# Same result = same summary.json and, per table folder, the same multiset of lines over its
# part-* files (sharding and line order legitimately differ between runners).
compare() { # compare NAME OUTDIR REFDIR
  local name=$1 out=$2 ref=$3 bad=0 d
  if ! diff -q "$ref/summary.json" "$out/summary.json" >/dev/null 2>&1; then
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
    say "$name: output identical to the reference (summary.json + $(wc -w <<<"$tables") tables)"
  fi
  return $bad
}

# ---------------------------------------------------------------- reference: Spark local[2]
say "input $INPUT; run dir $RUN"
RUNNER_ARGS=(--runner=SparkRunner "--sparkMaster=local[2]")
run_pipeline reference "$RUN/out-reference" "${OPENS[@]}" -Dspark.ui.enabled=false -cp "$SPARK_JAR"

STATUS_SPARK="NOT RUN"
STATUS_FLINK="NOT RUN"
FAILURES=0

# ---------------------------------------------------------------- Spark standalone cluster
spark_cluster() {
  local home="$CLUSTERS/spark-$SPARK_VERSION"
  # slf4j-api 2.0.7 pinned: Maven's nearest-wins otherwise picks 1.7.36 from a transitive path,
  # which cannot see Spark's log4j-slf4j2-impl binding and the daemons log nothing.
  fetch "$home" "$(dep org.apache.spark spark-core_2.12 $SPARK_VERSION)$(dep org.apache.spark spark-streaming_2.12 $SPARK_VERSION)$(dep org.slf4j slf4j-api 2.0.7)"
  # The worker builds its executors' classpath from $SPARK_HOME/jars; a distribution's
  # load-spark-env.sh would export SPARK_SCALA_VERSION, without it the launcher looks for a
  # source build directory and fails.
  export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.12
  touch "$home/RELEASE"
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
  say "Spark cluster ready; submitting PinterestBatch"
  # Submitting as a user does with the bundled jar: driver in this JVM, app jar first on -cp;
  # executors get the app jar on their system classpath (spark.executor.extraClassPath, picked
  # up by SparkConf from spark.* system properties), else Beam's FileSystem registrars are not
  # found, and the Java 17 --add-opens flags.
  RUNNER_ARGS=(--runner=SparkRunner "--sparkMaster=spark://$HOST:$mport")
  run_pipeline spark-cluster "$RUN/out-spark" "${OPENS[@]}" -cp "$SPARK_JAR" \
    -Dspark.ui.enabled=false -Dspark.app.name=pipewright-clusters \
    -Dspark.executor.extraClassPath="$SPARK_JAR" \
    "-Dspark.executor.extraJavaOptions=${OPENS[*]} -Djava.io.tmpdir=$RUN" \
    -Dspark.executor.memory=1g -Dspark.cores.max=2
  # Proof it ran on the cluster rather than in-process: the worker launched an executor.
  compgen -G "$RUN/spark-work/app-*/*/stderr" >/dev/null || die "Spark worker never launched an executor"
  if compare spark-cluster "$RUN/out-spark" "$RUN/out-reference"; then STATUS_SPARK=PASSED; else STATUS_SPARK=FAILED; FAILURES=$((FAILURES + 1)); fi
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
  FLINK_CONF_DIR="$conf" run_pipeline flink-cluster "$RUN/out-flink" -cp "$FLINK_JAR"
  # Proof it ran on the cluster: the session cluster lists a finished job.
  curl -sf "http://$HOST:$rport/jobs/overview" | grep -q '"state":"FINISHED"' || die "Flink cluster shows no FINISHED job"
  if compare flink-cluster "$RUN/out-flink" "$RUN/out-reference"; then STATUS_FLINK=PASSED; else STATUS_FLINK=FAILED; FAILURES=$((FAILURES + 1)); fi
}

[[ "${SKIP_SPARK:-0}" == 1 ]] || spark_cluster
# Spark is stopped before Flink starts: two clusters at once do not fit well in 2 cores.
stop_some() { local p; for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
              for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done; }
[[ "${SKIP_SPARK:-0}" == 1 ]] || { stop_some; say "Spark cluster stopped"; }
[[ "${SKIP_FLINK:-0}" == 1 ]] || flink_cluster

say "Spark standalone cluster: $STATUS_SPARK; Flink session cluster: $STATUS_FLINK"
[[ $FAILURES -eq 0 ]] || die "$FAILURES cluster run(s) differ from the reference"
if [[ $STATUS_SPARK == PASSED && $STATUS_FLINK == PASSED ]]; then RESULT="PASSED"; else RESULT="PASSED (partial: a cluster was NOT RUN)"; fi
