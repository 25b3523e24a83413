"""Runs started in this process (the CLI, the served app's warm worker) recorded as runs of the
code location that ``dagster dev -f definitions.py`` serves, so the Dagster UI can re-execute
them ("Re-execute all" needs to know which code location a run came from).

Dagster's ``execute_in_process`` records no code location; these are the steps it takes
(``dagster._core.execution.execute_in_process``), with the run created for the job's place in
that code location.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from dagster import DagsterInstance, ExecuteInProcessResult, JobDefinition
from dagster._core.definitions.job_base import InMemoryJob
from dagster._core.definitions.repository_definition import SINGLETON_REPOSITORY_NAME
from dagster._core.execution.api import (
    ExecuteRunWithPlanIterable,
    create_execution_plan,
    job_execution_iterator,
)
from dagster._core.execution.context_creation_job import (
    PlanOrchestrationContextManager,
    orchestration_context_event_generator,
)
from dagster._core.execution.execute_in_process import merge_run_tags
from dagster._core.execution.plan.outputs import StepOutputHandle
from dagster._core.remote_origin import (
    ManagedGrpcPythonEnvCodeLocationOrigin,
    RemoteJobOrigin,
    RemoteRepositoryOrigin,
)
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

from codegen_assets.core.settings import DEFINITIONS


def job_origin(job_name: str) -> RemoteJobOrigin:
    """``job_name`` in the code location named ``definitions.py``, as ``dagster dev -f`` names
    it."""
    target = LoadableTargetOrigin(
        executable_path=sys.executable,
        python_file=str(DEFINITIONS),
        working_directory=str(DEFINITIONS.parent),
    )
    location = ManagedGrpcPythonEnvCodeLocationOrigin(target)
    return RemoteRepositoryOrigin(location, SINGLETON_REPOSITORY_NAME).get_job_origin(job_name)


def execute_with_origin(
    job_def: JobDefinition,
    instance: DagsterInstance,
    *,
    partition_key: str,
    run_id: str,
    run_config: Mapping[str, object],
    tags: Mapping[str, str],
) -> ExecuteInProcessResult:
    """Run ``job_def`` for one partition in this process, recorded with its code location; the
    result holds the outputs, as ``execute_in_process``'s does."""
    job = InMemoryJob(job_def)
    run_tags = merge_run_tags(job_def, partition_key, tags, None, instance, run_config)
    plan = create_execution_plan(
        job, run_config=run_config, instance_ref=instance.get_ref(), tags=run_tags
    )
    run = instance.create_run_for_job(
        job_def=job_def,
        execution_plan=plan,
        run_id=run_id,
        run_config=run_config,
        tags=run_tags,
        remote_job_origin=job_origin(job_def.name),
    )
    outputs: dict[StepOutputHandle, Any] = {}
    events = list(
        ExecuteRunWithPlanIterable(
            execution_plan=plan,
            iterator=job_execution_iterator,
            execution_context_manager=PlanOrchestrationContextManager(
                context_event_generator=orchestration_context_event_generator,
                job=job,
                execution_plan=plan,
                dagster_run=run,
                instance=instance,
                run_config=run_config,
                executor_defs=None,
                output_capture=outputs,
                raise_on_error=False,
            ),
        )
    )
    finished = instance.get_run_by_id(run.run_id) or run
    return ExecuteInProcessResult(
        job_def=job_def, event_list=events, dagster_run=finished, output_capture=outputs
    )
