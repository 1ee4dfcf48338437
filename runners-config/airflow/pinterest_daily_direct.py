"""Daily Pinterest batch on the direct runner: landing -> batch for yesterday -> data-quality check.

See pipewright_daily.py for the schedule, catchup and secrets.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.beam.operators.beam import BeamRunJavaPipelineOperator

import pipewright_daily as daily

RUNNER = daily.RUNNERS["direct"]

with DAG(
    dag_id="pinterest_daily_direct",
    start_date=datetime(2026, 12, 1),
    schedule="0 5 * * *",
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 3, "retry_delay": timedelta(minutes=10), "retry_exponential_backoff": True},
    tags=["pipewright", "direct"],
) as dag:
    land = BeamRunJavaPipelineOperator(
        task_id="land",
        jar=RUNNER["jar"],
        runner=RUNNER["runner"],
        job_class="org.pipewright.pipelines.PinterestLanding",
        default_pipeline_options=RUNNER["options"],
        pipeline_options=daily.landing_options(),
    )
    batch = BeamRunJavaPipelineOperator(
        task_id="batch",
        jar=RUNNER["jar"],
        runner=RUNNER["runner"],
        job_class="org.pipewright.pipelines.PinterestBatch",
        default_pipeline_options=RUNNER["options"],
        pipeline_options=daily.batch_options(),
    )
    check = BeamRunJavaPipelineOperator(
        task_id="quality_gate",
        jar=RUNNER["jar"],
        # Not a pipeline: it reads summary.json; the runner option only has to be valid for the jar.
        runner=RUNNER["runner"],
        job_class="org.pipewright.pipelines.DailyCheck",
        pipeline_options=daily.check_options(),
    )
    land >> batch >> check
