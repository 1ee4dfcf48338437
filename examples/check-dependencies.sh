#!/usr/bin/env bash
# Fails if a consumer of pipewright-transforms + pipewright-io-kafka gets another connector's
# dependencies on its class path: Hadoop, Parquet, Avro, the AWS SDK, the MongoDB driver or a JDBC
# driver. Each offender is named with the path that brings it in. Avro is the one allowed exception, and only through
# Beam's own KafkaIO (beam-sdks-java-io-kafka depends on beam-sdks-java-extensions-avro and Avro
# for its Confluent schema-registry support; Beam core itself does not bring Avro).
#
# Needs the Pipewright artifacts in the local Maven repository ("mvn -DskipTests install" in the
# repository root). Runs with Java 17, Maven, bash and awk; pass -o in MVN_FLAGS to stay offline.
set -euo pipefail
cd "$(dirname "$0")/dependency-check"
MVN_FLAGS=${MVN_FLAGS:-}

# Prints the offenders in target/<name>.tree (Maven's text dependency tree); exit status 1 if any.
offenders() {
  awk '
    # The forbidden groups: other connectors (Hadoop, Parquet, Avro, AWS SDK v1/v2, MongoDB) and JDBC drivers.
    function forbidden(g) {
      return g ~ /^(org\.apache\.hadoop|org\.apache\.parquet|org\.apache\.avro|software\.amazon\.awssdk|com\.amazonaws|org\.mongodb)$/ ||
             g ~ /^(org\.postgresql|com\.mysql|mysql|org\.mariadb\.jdbc|com\.microsoft\.sqlserver|com\.oracle\.database\.jdbc|com\.h2database|org\.xerial|org\.apache\.derby|org\.hsqldb|com\.amazon\.redshift|net\.snowflake)$/
    }
    NR == 1 { chain[0] = $0; next }
    {
      # "|  +- group:artifact:type:version:scope": three characters of indentation per level.
      start = match($0, /[+\\]- /)
      if (start == 0) next
      depth = (start - 1) / 3 + 1
      coordinate = substr($0, start + 3)
      sub(/ .*/, "", coordinate)
      chain[depth] = coordinate
      split(coordinate, part, ":")
      if (!forbidden(part[1])) next
      path = chain[1]
      for (i = 2; i <= depth; i++) path = path " -> " chain[i]
      if (part[1] == "org.apache.avro" && path ~ /org\.apache\.beam:beam-sdks-java-io-kafka:/) {
        print "allowed: " path > "/dev/stderr"
        next
      }
      print "offender: " coordinate "  (via " path ")"
      found = 1
    }
    END { exit found ? 1 : 0 }
  ' "target/$1.tree"
}

tree() {
  local name=$1; shift
  mvn -q -B $MVN_FLAGS "$@" dependency:tree -DoutputFile="target/$name.tree" -Dverbose=false
}

tree transforms-kafka
if ! offenders transforms-kafka; then
  echo "FAIL: pipewright-transforms + pipewright-io-kafka bring the dependencies above" >&2
  exit 1
fi

# Self-test: the same check on a consumer that also takes io-files must fail (Parquet, Hadoop, AWS).
tree with-io-files -Pself-test-with-io-files
if offenders with-io-files > target/with-io-files.offenders 2>/dev/null; then
  echo "FAIL: self-test: the check found nothing wrong with pipewright-io-files on the class path" >&2
  exit 1
fi
for expected in org.apache.hadoop org.apache.parquet software.amazon.awssdk; do
  if ! grep -q "^offender: $expected:" target/with-io-files.offenders; then
    echo "FAIL: self-test: $expected from pipewright-io-files was not reported" >&2
    exit 1
  fi
done

echo "dependency check: pipewright-transforms + pipewright-io-kafka bring no Hadoop, Parquet, AWS SDK, MongoDB driver or JDBC driver (Avro only via Beam's KafkaIO)"
