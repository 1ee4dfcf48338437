#!/usr/bin/env bash
# The local demo stack: Kafka, PostgreSQL, S3 (S3Mock), Kinesis (kinesis-mock), MongoDB
# (mongo-java-server, in memory) and the retail API stand-in (products + currency, LocalRetailApis)
# on 127.0.0.1, run by org.pipewright.testing.LocalStack from the testing module (stop stops them all).
#
#   stack.sh start [--kafkaPort=9092 --postgresPort=55432 --s3Port=9090 --kinesisPort=4567
#                   --mongoPort=27017 --apisPort=8089 --productsKey=... --fxKey=...
#                   --partitions=1 --shards=1 --bucket=pipewright]
#   stack.sh stop
#   stack.sh status
#   stack.sh console [--port=8080 ...]   the results console on the running stack, in the foreground
#
# State lives in runners-config/local/.stack/ (git-ignored); each start begins with empty services.
# PostgreSQL has two roles: pipewright (the pipelines write as it) and console_reader, SELECT only,
# with a new random password each start (PIPEWRIGHT_CONSOLE_JDBC_* in stack.env); console uses it.
# Faults for the API stand-in while it runs: curl -X POST --data '503*3@/v1/trends' "$PIPEWRIGHT_PRODUCTS_API_URL/_faults"
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
state="$here/.stack"
run="$state/run"
pid_file="$state/stack.pid"
log="$state/stack.log"
env_file="$run/stack.env"
s3mock_version=5.2.0
s3mock_jar="$state/s3mock-$s3mock_version-exec.jar"
classpath_file="$state/classpath.txt"
stamp="$state/build.stamp"

# Maven's output goes to a log: even with -q, Maven 3.8 prints stray ANSI reset codes
mvn_q() {
  if ! (cd "$root" && mvn -q -B -ntp "$@") >> "$state/build.log" 2>&1; then
    echo "mvn $* failed; last lines of $state/build.log:" >&2
    tail -n 30 "$state/build.log" >&2
    return 1
  fi
}

running() {
  [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

# Rebuilds only when the module's sources or the poms changed since the last build
build() {
  mkdir -p "$state"
  if [[ ! -f "$stamp" || ! -f "$classpath_file" ]] \
      || [[ -n "$(find "$root/pom.xml" "$root/testing/pom.xml" "$root/testing/src/main" -newer "$stamp" -print -quit)" ]]; then
    echo "building the testing module..."
    mvn_q -DskipTests -DkinesisMock.skip=false install -pl testing -am
    mvn_q dependency:build-classpath -pl testing -Dmdep.includeScope=runtime -Dmdep.outputFile="$classpath_file"
    touch "$stamp"
  fi
  if [[ ! -f "$s3mock_jar" ]]; then
    echo "fetching S3Mock $s3mock_version..."
    # -N: the goal needs no module, and must not run once per module of the reactor
    mvn_q -N dependency:copy -Dartifact="com.adobe.testing:s3mock:$s3mock_version:jar:exec" -DoutputDirectory="$state"
  fi
}

start() {
  if running; then
    echo "already running (PID $(cat "$pid_file"))"
    cat "$env_file" 2>/dev/null || true
    return 0
  fi
  build
  rm -rf "$run"
  mkdir -p "$run"
  local java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  # setsid: its own process group, so that stop can find children left behind by a crash
  setsid nohup "$java" -Xmx1g -cp "$root/testing/target/classes:$(cat "$classpath_file")" \
    org.pipewright.testing.LocalStack --workDir="$run" --s3mockJar="$s3mock_jar" "$@" \
    > "$log" 2>&1 < /dev/null &
  echo $! > "$pid_file"
  local deadline=$((SECONDS + 120))
  until [[ -f "$env_file" ]]; do
    if ! running; then
      echo "the stack failed to start; see $log" >&2
      grep -m1 "local stack failed to start" "$log" >&2 || tail -n 30 "$log" >&2
      rm -f "$pid_file"
      return 1
    fi
    if (( SECONDS > deadline )); then
      echo "the stack did not come up within 120 s; see $log (still running as PID $(cat "$pid_file"); use stop)" >&2
      return 1
    fi
    sleep 0.5
  done
  cat "$env_file"
  echo "# PID $(cat "$pid_file"); log $log"
  echo "# use it with: source $env_file"
}

stop() {
  if ! running; then
    echo "not running"
    rm -f "$pid_file"
    return 0
  fi
  local pid
  pid="$(cat "$pid_file")"
  kill -TERM "$pid"
  local deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null; do
    if (( SECONDS > deadline )); then
      echo "PID $pid did not exit within 60 s after SIGTERM; sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
  # Its process group holds the services' child processes; after a clean stop it is empty
  if pgrep -g "$pid" > /dev/null; then
    echo "stopping leftover processes of group $pid: $(pgrep -g "$pid" | tr '\n' ' ')" >&2
    kill -TERM -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$pid_file"
  echo "stopped (PID $pid)"
}

status() {
  if running; then
    echo "running (PID $(cat "$pid_file"))"
    if [[ -f "$env_file" ]]; then cat "$env_file"; else echo "still starting; see $log"; fi
  else
    echo "not running"
    return 3
  fi
}

# The console in this shell's foreground (Ctrl-C stops it), logged in as the stack's SELECT-only role;
# options after "console" go to org.pipewright.console.Console (--help lists them)
console() {
  if ! running; then
    echo "the stack is not running: start it with $0 start" >&2
    return 1
  fi
  if [[ ! -f "$env_file" ]]; then
    echo "the stack is still starting; see $log" >&2
    return 1
  fi
  # shellcheck source=/dev/null
  source "$env_file"
  if [[ -z "${PIPEWRIGHT_CONSOLE_JDBC_PASSWORD:-}" ]]; then
    echo "the running stack has no console_reader role (started by an older stack.sh): $0 stop, then start" >&2
    return 1
  fi
  # The console reads its password from here; the reader's, never the writer's
  export PIPEWRIGHT_JDBC_PASSWORD="$PIPEWRIGHT_CONSOLE_JDBC_PASSWORD"
  echo "compiling and starting the console as $PIPEWRIGHT_CONSOLE_JDBC_USER (the first run downloads its dependencies)..."
  cd "$root"
  exec mvn -q -B -ntp -pl console -am compile exec:java \
    -Dexec.args="--jdbcUrl=$PIPEWRIGHT_JDBC_URL --jdbcUser=$PIPEWRIGHT_CONSOLE_JDBC_USER $*"
}

cmd="${1:-}"
shift || true
case "$cmd" in
  start) start "$@" ;;
  stop) stop ;;
  status) status ;;
  console) console "$@" ;;
  *) echo "usage: $0 start [--name=value ...] | stop | status | console [--name=value ...]" >&2; exit 2 ;;
esac
