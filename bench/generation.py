"""Benchmark: the store_effect generation, in one process and as a fresh ``omninode-generate``,
with full validation and with the validation cache.

Run: ``python -m bench.generation [--runs 3]``. Prints tables of medians (p50) and their ratio to
the seed's 53 s target; writes nothing outside a temporary directory. In-process = steady state
in one process (a served worker); fresh process = the CLI as a person runs it, imports and all
(the mypy cache on disk is kept, as after the README's install), finding the validators' kept
interpreter that the previous command left, or, with ``NODEGEN_WARM_VALIDATORS_KEEP_SECONDS=0``,
starting its own every time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.output import heading, logs_to_file
from codegen_assets.core.models import FileSet, GenerationOptions, NodeType
from codegen_assets.core.pipeline import STAGES
from codegen_assets.core.validation.settings import ValidationSettings

PROMPT = (Path(__file__).parents[1] / "tests" / "data" / "store_effect_prompt.txt").read_text(
    "utf-8"
)
OPTIONS = GenerationOptions(node_type=NodeType.EFFECT, enable_intelligence=False)
SEED_TARGET_SECONDS = 53.0
ROOT = Path(__file__).parents[1]


def _timed_run(runner: object, work: Path) -> dict[str, float]:
    from codegen_assets.orchestration.embedded import EmbeddedRunner

    assert isinstance(runner, EmbeddedRunner)
    started = time.perf_counter()
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


def in_process(runs: int, work: Path, *, cache: bool) -> list[dict[str, float]]:
    """``runs`` timed runs after one untimed run, all in this process."""
    from codegen_assets.core.settings import NodegenSettings
    from codegen_assets.orchestration.embedded import EmbeddedRunner

    os.environ["NODEGEN_VALIDATION_CACHE"] = str(cache).lower()
    runner = EmbeddedRunner(NodegenSettings())
    _timed_run(runner, work)
    return [_timed_run(runner, work) for _ in range(runs)]


def validators(runs: int, work: Path) -> dict[str, list[float]]:
    """Seconds of each check inside full validations of the node (warm interpreter)."""
    from codegen_assets.core.settings import NodegenSettings
    from codegen_assets.core.stages.validation_report import validate_files
    from codegen_assets.core.validation.checks import ADVISORY_GATES, SCORED_GATES

    node = next(p for p in work.rglob("node") if p.is_dir())
    files = FileSet(
        files={
            str(p.relative_to(node)): p.read_text("utf-8")
            for p in sorted(node.rglob("*"))
            if p.is_file()
        }
    )
    checks: dict[str, list[float]] = {}
    mypy_cache = NodegenSettings().mypy_cache
    for _ in range(runs):
        report = validate_files(
            files, ValidationSettings(timeout=300, mypy_cache=mypy_cache, warm=True)
        )
        gates = {c.name: c.duration_seconds for c in report.checks if c.name in SCORED_GATES}
        checks.setdefault("ecosystem gates (one interpreter)", []).append(max(gates.values()))
        for check in report.checks:
            if check.name not in (*SCORED_GATES, *ADVISORY_GATES):
                checks.setdefault(check.name, []).append(check.duration_seconds)
    return checks


def cli_runs(
    runs: int, work: Path, *, cache: bool, kept: bool = True, new_home: bool = False
) -> list[dict[str, float]]:
    """``omninode-generate`` as a person runs it: seconds to its first line, and to its end
    (``kept``: the validators' interpreter outlives each command, as by default; ``new_home``:
    each command in a new ``NODEGEN_HOME``, as the first one after the install)."""
    env = {**os.environ, "NODEGEN_VALIDATION_CACHE": str(cache).lower()}
    if not kept:
        env["NODEGEN_WARM_VALIDATORS_KEEP_SECONDS"] = "0"
    timings = []
    for i in range(runs):
        if new_home:
            env["NODEGEN_HOME"] = tempfile.mkdtemp(dir=work, prefix="home-")
        started = time.perf_counter()
        command = [sys.executable, "-m", "codegen_assets.cli.generate", PROMPT]
        proc = subprocess.Popen(
            [*command, "--output-dir", str(work / f"cli-{cache}-{kept}-{i}")],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=env,
        )
        assert proc.stdout is not None
        proc.stdout.readline()
        first = time.perf_counter() - started
        proc.stdout.read()
        if proc.wait() != 0:
            raise SystemExit("benchmark CLI run failed")
        timings.append({"first line": first, "total": time.perf_counter() - started})
    return timings


def demo_runs(runs: int) -> list[dict[str, float]]:
    """``omninode-github demo`` as the README runs it: fake GitHub, served App, one PR."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "codegen_assets.cli.github", "demo"],
            cwd=ROOT,
            capture_output=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"benchmark demo failed: {done.stderr.decode()[-2000:]}")
        timings.append({"total": time.perf_counter() - started})
    return timings


def p50(timings: list[dict[str, float]], key: str) -> float | None:
    values = [t[key] for t in timings if key in t]
    return statistics.median(values) if values else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nodegen-bench-") as tmp, logs_to_file("generation"):
        work = Path(tmp)
        os.environ.setdefault("NODEGEN_HOME", str(work / "home"))
        full = in_process(args.runs, work, cache=False)
        cached = in_process(args.runs, work, cache=True)
        checks = validators(args.runs, work)
        cli_alone = cli_runs(args.runs, work, cache=False, kept=False)
        cli_full = cli_runs(args.runs, work, cache=False)
        cli_cached = cli_runs(args.runs, work, cache=True)
        cli_first = cli_runs(args.runs, work, cache=False, kept=False, new_home=True)
        demos = demo_runs(args.runs)
    console = Console()
    heading(console, "generation")
    totals = Table(title=f"store_effect generation, median of {args.runs} runs")
    for column in ("", "seconds", "of the seed's 53 s"):
        totals.add_column(column, justify="right" if column else "left")
    for label, timings, key in (
        ("in-process, full validation", full, "total"),
        ("in-process, validation cache", cached, "total"),
        ("fresh process, full validation", cli_full, "total"),
        ("fresh process, full validation, nothing kept", cli_alone, "total"),
        ("fresh process, validation cache", cli_cached, "total"),
        ("fresh process, first line", cli_full, "first line"),
        ("first command after the install (new home, nothing kept)", cli_first, "total"),
        ("omninode-github demo (comment to pull request, fresh process)", demos, "total"),
    ):
        value = p50(timings, key)
        assert value is not None
        totals.add_row(label, f"{value:.2f}", f"{value / SEED_TARGET_SECONDS:.1%}")
    console.print(totals)
    stages = Table(title="stages in-process, full validation, p50 (seconds)")
    stages.add_column("stage")
    stages.add_column("seconds", justify="right")
    for stage in STAGES:
        stages.add_row(stage, f"{p50(full, stage) or 0:.2f}")
    console.print(stages)
    checks_table = Table(title="checks inside one validation (in parallel, warm), p50 (seconds)")
    checks_table.add_column("check")
    checks_table.add_column("seconds", justify="right")
    for name, values in sorted(checks.items(), key=lambda item: -statistics.median(item[1])):
        checks_table.add_row(name, f"{statistics.median(values):.2f}")
    console.print(checks_table)


if __name__ == "__main__":
    main()
