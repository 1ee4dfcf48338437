#!/usr/bin/env bash
# exec-check.sh: the Maven commands the README gives for running a pipeline from the sources work,
# one per runner profile, in the form that works on a fresh clone (-am builds the modules the
# pipelines need in the same reactor, nothing has to be installed first):
#
#   mvn -pl pipelines -am compile exec:java                 -Dexec.args="..."   Direct (default profile)
#   mvn -pl pipelines -am -Pspark-runner compile exec:java  -Dexec.args="..."   Spark local[2], in Maven's JVM
#   mvn -pl pipelines -am -Pflink-runner compile exec:exec  -Dexec.args="..."   Flink [local], in a forked JVM
#
# Each runs PinterestBatch on samples/pinterest (a path relative to the directory mvn is started
# from, as documented) and must write summary.json; the three summaries must be identical. Also
# checks that .mvn/jvm.config (the Java 17 flags exec:java needs in Maven's JVM) still equals the
# root pom's java17.opens. Takes about 1.5 minutes on 2 cores.
#
# Usage: runners-config/exec-check.sh        Env: KEEP=1 keeps the outputs and logs
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
T0=$SECONDS
say() { printf '[exec-check %3ds] %s\n' "$((SECONDS - T0))" "$*"; }
die() { say "FAIL: $*" >&2; exit 1; }

opens="$(sed -n 's:.*<java17.opens>\(.*\)</java17.opens>.*:\1:p' pom.xml)"
[[ -n "$opens" ]] || die "could not read java17.opens from pom.xml"
[[ "$(tr -s ' \n' '  ' <.mvn/jvm.config | sed 's/ *$//')" == "$opens" ]] ||
  die ".mvn/jvm.config differs from the root pom's java17.opens: make them the same list"
say ".mvn/jvm.config = java17.opens"

OUT="$(mktemp -d "${TMPDIR:-/tmp}/pipewright-exec-check-XXXXXX")"
cleanup() { local rc=$?; if [[ $rc -eq 0 && "${KEEP:-0}" != 1 ]]; then rm -rf "$OUT"; else say "outputs and logs kept in $OUT"; fi; }
trap cleanup EXIT
export SPARK_LOCAL_IP=127.0.0.1     # as the README says; Spark otherwise binds to the external address

run() { # run NAME MAVEN-ARGS... : the pipeline's own options are appended to -Dexec.args
  local name=$1; shift
  local t=$SECONDS out="$OUT/$name"
  local args="--input=samples/pinterest --output=$out --progressSeconds=0 $RUNNER"
  if ! mvn -q -B -ntp -pl pipelines -am "$@" -Dexec.args="$args" >"$OUT/$name.log" 2>&1; then
    tail -30 "$OUT/$name.log" >&2; die "$name: mvn $* failed (log $OUT/$name.log)"
  fi
  [[ -s "$out/summary.json" ]] || die "$name: no summary.json in $out (log $OUT/$name.log)"
  say "$name: mvn -pl pipelines -am $* -Dexec.args=\"$args\" -> summary.json ($((SECONDS - t))s)"
}

RUNNER=""
run direct compile exec:java
RUNNER="--runner=SparkRunner --sparkMaster=local[2]"
run spark -Pspark-runner compile exec:java
RUNNER="--runner=FlinkRunner --flinkMaster=[local]"
run flink -Pflink-runner compile exec:exec

for r in spark flink; do
  diff -q "$OUT/direct/summary.json" "$OUT/$r/summary.json" >/dev/null ||
    die "$r: summary.json differs from Direct's: $(cat "$OUT/$r/summary.json")"
done
say "PASSED: exec:java (Direct, Spark) and exec:exec (Flink) ran PinterestBatch; summaries identical (${SECONDS}s)"
