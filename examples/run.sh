#!/usr/bin/env bash
# Builds and tests the orders example against the Pipewright artifacts in the local Maven repository
# ("mvn -DskipTests install" in the repository root first), runs its main on the committed sample and
# checks the outputs; then runs it on a feed with a conflicting re-send and checks that the
# error-level quality check makes it exit non-zero. Pass -o in MVN_FLAGS to stay offline.
set -euo pipefail
cd "$(dirname "$0")"
MVN_FLAGS=${MVN_FLAGS:-}

mvn -q -B $MVN_FLAGS verify

out=target/run-out
rm -rf "$out"
mvn -q -B $MVN_FLAGS exec:java -Dexec.args="--input=data/orders.jsonl --output=$out" | tee target/run.log
check_lines() {  # file expected-count
  local n
  n=$(wc -l < "$1")
  if [ "$n" -ne "$2" ]; then
    echo "FAIL: $1 has $n lines, expected $2" >&2
    exit 1
  fi
}
check_lines "$out/orders.jsonl" 6
check_lines "$out/dead-letters.jsonl" 4
check_lines "$out/quality.jsonl" 8
grep -q 'quality: 8 checks, 3 failed (0 error, 3 warn)' target/run.log \
  || { echo "FAIL: unexpected quality summary" >&2; exit 1; }

# Order 2001 re-sent with another amount: not an exact copy, so both stay and unique(order_id) fails.
mkdir -p target/conflict
cat > target/conflict/orders.jsonl <<'JSON'
{"order_id":"2001","customer":"Ada","amount":"10.00","currency":"EUR","ordered_at":"2026-03-01"}
{"order_id":"2001","customer":"Ada","amount":"12.00","currency":"EUR","ordered_at":"2026-03-01"}
JSON
set +e
mvn -q -B $MVN_FLAGS exec:java -Dexec.args="--input=target/conflict/orders.jsonl --output=target/conflict/out" > target/conflict.log 2>&1
status=$?
set -e
if [ "$status" -eq 0 ] || ! grep -q 'FAIL error orders/orders unique(order_id): 1 of 2 rows' target/conflict.log; then
  cat target/conflict.log >&2
  echo "FAIL: a conflicting re-send did not fail the run (exit $status)" >&2
  exit 1
fi
echo "orders example: tests pass, main wrote 6 orders, 4 dead letters, 8 quality results; a conflicting re-send fails the run"
