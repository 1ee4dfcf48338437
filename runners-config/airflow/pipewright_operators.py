"""The Airflow operator every Pipewright DAG uses: one job from a runner's jar (see RUNNERS in
pipewright_daily.py): Beam's BeamRunJavaPipelineOperator (`java -cp JAR CLASS --runner=...`), or
spark-submit for the Spark runner."""
from airflow.providers.apache.beam.operators.beam import BeamRunJavaPipelineOperator

from pipewright_daily import as_args


def job(task_id, runner, job_class, options, with_runner_options=True):
    runner_options = runner["options"] if with_runner_options else {}
    if "spark_submit_conn" in runner:
        from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

        return SparkSubmitOperator(
            task_id=task_id,
            conn_id=runner["spark_submit_conn"],
            application=runner["jar"],
            java_class="org.pipewright.pipelines." + job_class,
            application_args=as_args({"runner": runner["runner"], **runner_options, **options}),
        )
    return BeamRunJavaPipelineOperator(
        task_id=task_id,
        jar=runner["jar"],
        runner=runner["runner"],
        job_class="org.pipewright.pipelines." + job_class,
        default_pipeline_options=runner_options,
        pipeline_options=options,
    )
