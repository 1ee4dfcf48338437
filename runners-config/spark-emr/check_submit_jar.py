"""Checks pipewright-pipelines-spark-submit.jar before it goes to a cluster (runners-config/clusters.sh
runs it): what the cluster provides is not inside, what is relocated left no unrelocated copy, the
relocated service files were rewritten, and no serialized lambda still names a relocated class by
its old name (shading does not rewrite those strings, MSHADE-260: such a lambda fails on the
cluster with "Invalid lambda deserialization").

Usage: python3 runners-config/spark-emr/check_submit_jar.py JAR
"""
import struct
import sys
import zipfile

# Left to the cluster (see the spark-submit-jar execution in pipelines/pom.xml)
PROVIDED = ["org/apache/spark/", "scala/", "org/apache/hadoop/", "io/netty/", "org/slf4j/",
            "org/apache/logging/log4j/", "org/joda/time/", "org/xerial/snappy/", "com/github/luben/zstd/",
            "net/jpountz/", "com/esotericsoftware/kryo/", "org/apache/commons/io/", "org/apache/commons/lang3/",
            "org/apache/commons/compress/", "org/apache/commons/codec/", "org/apache/commons/logging/"]
# Relocated under org/pipewright/shaded/
RELOCATED = ["com/fasterxml/jackson", "com/google/common", "com/google/thirdparty", "com/google/protobuf",
             "com/google/gson", "org/apache/avro", "org/apache/parquet", "shaded/parquet", "io/airlift/compress"]
SHADED = "org/pipewright/shaded/"
# Must be inside, relocated: Beam serialises PipelineOptions with Jackson and finds its modules
# (Beam's AwsModule among them) through this service file.
REQUIRED = ["org/pipewright/pipelines/PinterestBatch.class",
            "org/apache/beam/runners/spark/SparkRunner.class",
            SHADED + "com/fasterxml/jackson/databind/ObjectMapper.class",
            SHADED + "org/apache/parquet/hadoop/ParquetWriter.class",
            SHADED + "org/apache/avro/Schema.class",
            "META-INF/services/org.pipewright.shaded.com.fasterxml.jackson.databind.Module",
            "META-INF/services/org.apache.beam.sdk.io.FileSystemRegistrar",
            "META-INF/services/org.apache.beam.sdk.runners.PipelineRunnerRegistrar"]
# Beam classes with such a lambda that the pipelines do not use (Beam's JSON payload serializer
# for schema-IO payloads, Jackson in its lambda signatures).
KNOWN_STALE_LAMBDAS = {"org/apache/beam/sdk/schemas/io/payloads/JsonPayloadSerializerProvider.class"}


def utf8_constants(b):
    """The UTF-8 entries of a class file's constant pool."""
    count = struct.unpack(">H", b[8:10])[0]
    i, k, out = 10, 1, []
    while k < count:
        tag = b[i]
        if tag == 1:
            n = struct.unpack(">H", b[i + 1:i + 3])[0]
            out.append(b[i + 3:i + 3 + n].decode("utf-8", "replace"))
            i += 3 + n
        elif tag in (3, 4, 9, 10, 11, 12, 17, 18):
            i += 5
        elif tag in (5, 6):
            i += 9
            k += 1
        elif tag in (7, 8, 16, 19, 20):
            i += 3
        elif tag == 15:
            i += 4
        else:
            raise ValueError("unknown constant pool tag %d" % tag)
        k += 1
    return out


def main(path):
    problems = []
    with zipfile.ZipFile(path) as jar:
        names = jar.namelist()
        entries = set(names)
        for prefix in PROVIDED:
            n = sum(1 for e in names if e.startswith(prefix))
            if n:
                problems.append("%d entries under %s, which the cluster provides" % (n, prefix))
        for prefix in RELOCATED:
            n = sum(1 for e in names if e.startswith(prefix + "/"))
            if n:
                problems.append("%d unrelocated entries under %s/" % (n, prefix))
            svc = [e for e in names if e.startswith("META-INF/services/" + prefix.replace("/", "."))]
            if svc:
                problems.append("unrelocated service files: %s" % ", ".join(svc))
        for e in REQUIRED:
            if e not in entries:
                problems.append("missing " + e)
        stale, classes = [], 0
        for e in names:
            if not e.endswith(".class"):
                continue
            b = jar.read(e)
            if b"$deserializeLambda$" not in b:
                continue
            classes += 1
            bad = sorted(s for s in utf8_constants(b)
                         if s.startswith("(") and any("L" + p + "/" in s for p in RELOCATED))
            if bad and e not in KNOWN_STALE_LAMBDAS:
                stale.append("%s: %s" % (e, "; ".join(bad)))
        problems += ["serialized lambda with an unrelocated signature in " + s for s in stale]
    for p in problems:
        print("check_submit_jar: " + p)
    if not problems:
        print("check_submit_jar: %s ok (%d entries; nothing the cluster provides; %d relocated packages, "
              "service files rewritten; %d classes with serializable lambdas, none stale)"
              % (path, len(names), len(RELOCATED), classes))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
