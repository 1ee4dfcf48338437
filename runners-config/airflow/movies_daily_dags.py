"""Daily movies warehouse load, one DAG per runner (movies_daily_local, _spark, _flink):
load (write-audit-publish, quality gate inside) -> record check.

The day's four CSV files are dropped under MOVIES_LANDING/dt=YYYY-MM-DD/ before 05:00 UTC; the load
starts at 05:30 and publishes by 07:00. MoviesWarehouse stages every table, runs the data-quality
checks on the staged data and publishes all tables in one transaction only when no error-level
check failed; otherwise it publishes nothing and exits 3, which fails the task and stops the DAG
(no retry turns a failed check green, so only one retry, for lost workers). Re-running a day is
safe: a load of the same input changes no row. See pipewright_daily.py for secrets.
"""
from datetime import datetime, timedelta

from airflow import DAG

import pipewright_daily as daily
from pipewright_operators import job


def build(name):
    runner = daily.RUNNERS[name]
    with DAG(
        dag_id="movies_daily_" + name,
        start_date=datetime(2026, 12, 1),
        schedule="30 5 * * *",
        catchup=False,
        max_active_runs=1,
        default_args={"retries": 1, "retry_delay": timedelta(minutes=10)},
        tags=["pipewright", "movies", name],
    ) as dag:
        load = job("load", runner, "MoviesWarehouse", daily.movies_options())
        check = job("quality_gate", runner, "DailyCheck", daily.movies_check_options(), with_runner_options=False)
        load >> check
    return dag


for _name in daily.RUNNERS:
    globals()["movies_daily_" + _name] = build(_name)
