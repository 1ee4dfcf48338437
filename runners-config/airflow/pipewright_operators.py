"""The Airflow operator every Pipewright DAG uses: one Beam Java job from a runner's bundled jar."""
from airflow.providers.apache.beam.operators.beam import BeamRunJavaPipelineOperator


def job(task_id, runner, job_class, options, with_runner_options=True):
    return BeamRunJavaPipelineOperator(
        task_id=task_id,
        jar=runner["jar"],
        runner=runner["runner"],
        job_class="org.pipewright.pipelines." + job_class,
        default_pipeline_options=runner["options"] if with_runner_options else {},
        pipeline_options=options,
    )
