"""CI check of the Java options the DAGs pass and of runners-config/options/*.args: each is
accepted by the pipeline in the jar of its runner (org.pipewright.pipelines.CheckOptions), without
Airflow.

Usage: python3 runners-config/airflow/check_options.py JAR_DIR
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pipewright_daily as daily  # noqa: E402

JOBS = [("org.pipewright.pipelines.PinterestLanding", daily.landing_options),
        ("org.pipewright.pipelines.PinterestBatch", daily.batch_options),
        ("org.pipewright.pipelines.DailyCheck", daily.check_options),
        ("org.pipewright.pipelines.MoviesWarehouse", daily.movies_options),
        ("org.pipewright.pipelines.DailyCheck", daily.movies_check_options)]


def main(jar_dir):
    failed = 0
    for name, runner in daily.RUNNERS.items():
        jar = os.path.join(jar_dir, runner["check_jar"])
        if not os.path.exists(jar):
            print("%s: %s not built, cannot check" % (name, jar))
            failed += 1
            continue
        for job, options in JOBS:
            args = ["--runner=" + runner["runner"]]
            if not job.endswith("DailyCheck"):
                args += daily.as_args(runner["options"])
            args += daily.as_args(options("2026-11-30"))
            result = subprocess.run(["java", "-cp", jar, "org.pipewright.pipelines.CheckOptions", job] + args,
                                    capture_output=True, text=True)
            status = "ok" if result.returncode == 0 else "FAILED: " + (result.stderr.strip() or result.stdout.strip())
            print("%s %s: %s" % (name, job.rsplit(".", 1)[1], status))
            failed += result.returncode != 0
    options_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "options")
    for env, runner in (("local", "local"), ("emr", "spark"), ("flink", "flink")):
        with open(os.path.join(options_dir, env + ".args")) as f:
            args = [line.strip() for line in f if line.strip()]
        jar = os.path.join(jar_dir, daily.RUNNERS[runner]["check_jar"])
        result = subprocess.run(["java", "-cp", jar, "org.pipewright.pipelines.CheckOptions",
                                 "org.pipewright.pipelines.PinterestBatch"] + args, capture_output=True, text=True)
        status = "ok" if result.returncode == 0 else "FAILED: " + (result.stderr.strip() or result.stdout.strip())
        print("options/%s.args: %s" % (env, status))
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
