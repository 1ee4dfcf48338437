"""Daily Pinterest batch, one DAG per runner (pinterest_daily_local, _spark, _flink):
landing -> batch for yesterday -> data-quality gate.

See pipewright_daily.py for the schedule, catchup and secrets.
"""
from datetime import datetime, timedelta

from airflow import DAG

import pipewright_daily as daily
from pipewright_operators import job


def build(name):
    runner = daily.RUNNERS[name]
    with DAG(
        dag_id="pinterest_daily_" + name,
        start_date=datetime(2026, 12, 1),
        schedule="0 5 * * *",
        catchup=False,
        max_active_runs=1,
        default_args={"retries": 3, "retry_delay": timedelta(minutes=10), "retry_exponential_backoff": True},
        tags=["pipewright", name],
    ) as dag:
        land = job("land", runner, "PinterestLanding", daily.landing_options())
        batch = job("batch", runner, "PinterestBatch", daily.batch_options())
        # Not a pipeline: it reads summary.json; the runner option only has to be valid for the jar.
        check = job("quality_gate", runner, "DailyCheck", daily.check_options(), with_runner_options=False)
        land >> batch >> check
    return dag


for _name in daily.RUNNERS:
    globals()["pinterest_daily_" + _name] = build(_name)
