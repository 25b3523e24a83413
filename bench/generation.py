"""Benchmark: per-stage and total wall time of the store_effect generation, cold and warm.

Run: ``python -m bench.generation [--runs 5]``. Prints a table of medians (p50) and writes nothing
outside a temporary directory. Cold = each run in a fresh process (imports, Dagster instance and
definitions loaded anew; the mypy cache on disk is kept); warm = steady state in one process.
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
from pathlib import Path

from rich.console import Console
from rich.table import Table

from codegen_assets.core.models import FileSet, GenerationOptions, NodeType
from codegen_assets.core.pipeline import STAGES

PROMPT = (Path(__file__).parents[1] / "tests" / "data" / "store_effect_prompt.txt").read_text(
    "utf-8"
)
OPTIONS = GenerationOptions(node_type=NodeType.EFFECT, enable_intelligence=False)


def one_run(work: Path) -> dict[str, float]:
    """Generate once in this process; returns seconds per stage and 'total'."""
    from codegen_assets.core.settings import NodegenSettings
    from codegen_assets.orchestration.embedded import EmbeddedRunner

    started = time.perf_counter()
    runner = EmbeddedRunner(NodegenSettings())
    return _timed_run(runner, work, started)


def _timed_run(runner: object, work: Path, started: float) -> dict[str, float]:
    from codegen_assets.orchestration.embedded import EmbeddedRunner

    assert isinstance(runner, EmbeddedRunner)
    out = Path(tempfile.mkdtemp(dir=work)) / "node"
    request = runner.submit(PROMPT, OPTIONS, out)
    begun: dict[str, float] = {}
    seconds: dict[str, float] = {}

    def on_stage(stage: str, status: str, timestamp: float) -> None:
        if status == "started":
            begun[stage] = timestamp
        elif status == "completed":
            seconds[stage] = timestamp - begun[stage]

    result = runner.run(request, timeout=300, on_stage=on_stage)
    if not result.success:
        raise SystemExit(f"benchmark run failed: {result.error_code}: {result.error_message}")
    seconds["total"] = time.perf_counter() - started
    return seconds


def warm_runs(runs: int, work: Path) -> tuple[list[dict[str, float]], dict[str, list[float]]]:
    """``runs`` timed runs after one untimed run, all in this process, plus validator timings."""
    from codegen_assets.core.settings import NodegenSettings
    from codegen_assets.core.stages.validation_report import validate_files
    from codegen_assets.orchestration.embedded import EmbeddedRunner

    settings = NodegenSettings()
    runner = EmbeddedRunner(settings)
    _timed_run(runner, work, time.perf_counter())
    timings = [_timed_run(runner, work, time.perf_counter()) for _ in range(runs)]
    node = next(p for p in work.rglob("node") if p.is_dir())
    files = FileSet(
        files={
            str(p.relative_to(node)): p.read_text("utf-8")
            for p in sorted(node.rglob("*"))
            if p.is_file()
        }
    )
    checks: dict[str, list[float]] = {}
    for _ in range(runs):
        report = validate_files(files, timeout=300, mypy_cache=settings.mypy_cache)
        for check in report.checks:
            checks.setdefault(check.name, []).append(check.duration_seconds)
    return timings, checks


def cold_runs(runs: int, work: Path) -> list[dict[str, float]]:
    """``runs`` runs, each in a fresh interpreter; 'total' includes start-up and imports."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "bench.generation", "--single", str(work)],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ.copy(),
            cwd=Path(__file__).parents[1],
        )
        seconds: dict[str, float] = json.loads(proc.stdout)
        seconds["total"] = time.perf_counter() - started
        timings.append(seconds)
    return timings


def cli_runs(runs: int, work: Path) -> list[dict[str, float]]:
    """``omninode-generate`` as a person runs it: seconds to its first line, and to its end."""
    timings = []
    for i in range(runs):
        started = time.perf_counter()
        command = [sys.executable, "-m", "codegen_assets.cli.generate", PROMPT]
        proc = subprocess.Popen(
            [*command, "--output-dir", str(work / f"cli-{i}")],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=Path(__file__).parents[1],
        )
        assert proc.stdout is not None
        proc.stdout.readline()
        first = time.perf_counter() - started
        proc.stdout.read()
        if proc.wait() != 0:
            raise SystemExit("benchmark CLI run failed")
        timings.append({"first line": first, "whole command": time.perf_counter() - started})
    return timings


def p50(timings: list[dict[str, float]], key: str) -> str:
    values = [t[key] for t in timings if key in t]
    return f"{statistics.median(values):.3f}" if values else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--single", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.single:
        print(json.dumps(one_run(args.single)))
        return
    with tempfile.TemporaryDirectory(prefix="nodegen-bench-") as tmp:
        work = Path(tmp)
        os.environ.setdefault("NODEGEN_HOME", str(work / "home"))
        warm, checks = warm_runs(args.runs, work)
        cold = cold_runs(args.runs, work)
        cli = cli_runs(args.runs, work)
    table = Table(title=f"store_effect generation, median of {args.runs} runs (seconds)")
    table.add_column("stage")
    table.add_column("cold p50", justify="right")
    table.add_column("warm p50", justify="right")
    for stage in (*STAGES, "total"):
        table.add_row(stage, p50(cold, stage), p50(warm, stage))
    console = Console()
    console.print(table)
    checks_table = Table(title="validators inside one validation (run in parallel), warm p50")
    checks_table.add_column("check")
    checks_table.add_column("seconds", justify="right")
    for name, values in checks.items():
        checks_table.add_row(name, f"{statistics.median(values):.3f}")
    console.print(checks_table)
    cli_table = Table(title="omninode-generate in a fresh process, p50 (seconds)")
    cli_table.add_column("until")
    cli_table.add_column("seconds", justify="right")
    for key in ("first line", "whole command"):
        cli_table.add_row(key, p50(cli, key))
    console.print(cli_table)


if __name__ == "__main__":
    main()
