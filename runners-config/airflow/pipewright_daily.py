"""The daily Pinterest batch and movies load, one definition for every runner (imported by the DAG
files pinterest_daily_dags.py and movies_daily_dags.py).

Plain Python without Airflow imports, so CI can check the options it passes against the pipelines
(check_options.py) on a machine without Airflow.

Pinterest, per day: PinterestLanding (archive new Kafka records into <kind>/dt=YYYY-MM-DD/) ->
PinterestBatch for the day that just ended ({{ ds }}) -> DailyCheck (fails the run when the
summary does not add up, too many records were refused, or an error-level data-quality check in the
day's quality/ folder next to summary.json failed; PinterestBatch's own checks are warnings).

Movies, per day: MoviesWarehouse loads the day's CSV drop (movies_options) -> DailyCheck records
the counts (movies_daily_dags.py has its schedule).

Pinterest scheduling: a run for logical date D starts at 05:00 UTC on D+1 (data interval D 05:00 ..
D+1 05:00) and processes partition dt=D, so yesterday's results are there by 07:00 with two hours of
margin. catchup=False: landing is incremental (it lands everything since its last committed offsets,
whatever the date), so missed runs need no backfill to keep data; to recompute an older day, trigger
the DAG with that logical date (or `airflow dags backfill -s D -e D`), which reruns PinterestBatch
for dt=D only, replacing that day's output.

Secrets stay out of the DAG: the worker's environment (or an Airflow connection exported to it)
provides PIPEWRIGHT_JDBC_PASSWORD and AWS credentials (instance role on EMR).
"""

# Where the jars and the data live; edit per deployment.
# local: the bundled jar's own default, Flink in the worker's JVM (Direct is a test runner).
# spark: spark-submit with the spark-submit jar on the cluster of the Airflow connection
#   (spark_default: master yarn, deploy mode cluster), as runners-config/spark-emr/README.md says;
#   no --sparkMaster (spark-submit sets it) and no Java 17 flags to add. "check_jar" is the jar
#   check_options.py parses the options with (the spark-submit jar lacks Spark itself).
RUNNERS = {
    "local": {
        "jar": "/opt/pipewright/pipewright-pipelines-bundled.jar",
        "runner": "FlinkRunner",
        "options": {"flinkMaster": "[local]"},
        "check_jar": "pipewright-pipelines-bundled.jar",
    },
    "spark": {
        "jar": "/opt/pipewright/pipewright-pipelines-spark-submit.jar",
        "runner": "SparkRunner",
        "options": {},
        "spark_submit_conn": "spark_default",
        "check_jar": "pipewright-pipelines-spark-bundled.jar",
    },
    "flink": {
        "jar": "/opt/pipewright/pipewright-pipelines-flink-bundled.jar",
        "runner": "FlinkRunner",
        "options": {"flinkMaster": "flink-jobmanager:8081", "parallelism": "4"},
        "check_jar": "pipewright-pipelines-flink-bundled.jar",
    },
}

ARCHIVE = "s3://pipewright-data/pinterest/raw"
OUTPUT = "s3://pipewright-data/pinterest/daily"


def landing_options(ds=None):
    # Landing takes everything new, whatever the day; ds is accepted for symmetry.
    return {"kafkaBootstrapServers": "kafka:9092", "output": ARCHIVE, "progressSeconds": "60"}


def batch_options(ds="{{ ds }}"):
    return {
        "input": ARCHIVE,
        "date": ds,
        "output": OUTPUT + "/" + ds,
        "outputFormat": "parquet",
        "jdbcUrl": "jdbc:postgresql://warehouse:5432/pinterest",
        "jdbcUser": "pipewright",
        "progressSeconds": "60",
    }


def check_options(ds="{{ ds }}"):
    return {"summary": OUTPUT + "/" + ds + "/summary.json", "maxDeadLetterShare": "0.05"}


MOVIES_LANDING = "s3://pipewright-data/movies/landing"
MOVIES_OUTPUT = "s3://pipewright-data/movies/daily"


def movies_options(ds="{{ ds }}"):
    """MoviesWarehouse: the day's drop of the four CSV files, loaded write-audit-publish. Its quality
    gate is inside the job: an error-level check that fails publishes nothing and exits 3, which
    fails the task and stops the DAG."""
    return {
        "input": MOVIES_LANDING + "/dt=" + ds,
        "output": MOVIES_OUTPUT + "/" + ds,
        "outputFormat": "parquet",
        "jdbcUrl": "jdbc:postgresql://warehouse:5432/movies",
        "jdbcUser": "pipewright",
        "progressSeconds": "60",
    }


def movies_check_options(ds="{{ ds }}"):
    # The job already refused to publish on an error; this re-checks the counts and the report for
    # the record, with the job's own dead-letter limit (unmatched ratings are warnings there).
    return {"summary": MOVIES_OUTPUT + "/" + ds + "/summary.json", "maxDeadLetterShare": "1.0"}


def as_args(options):
    """The command-line form BeamRunJavaPipelineOperator gives the job."""
    return ["--%s=%s" % (k, v) for k, v in options.items()]
