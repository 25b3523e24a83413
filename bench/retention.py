"""Benchmark: a home over hundreds of generations, with the default retention and with
``NODEGEN_KEEP_RUNS=20``: its size and the seconds per generation as runs accumulate.

Run: ``python -m bench.retention [--runs 500]``. Each generation is ``omninode-generate`` as the
CLI runs it (``main``: the embedded run, the result, then the pruning the CLI does once the
result is printed), in one process per home, with the validation cache (each node is validated
in full once, then its reports come from the cache). Four nodes are regenerated in turn into
their own directories, as a person keeps regenerating the nodes they work on. The two homes are
filled at the same time. Prints, at 1, 100, 250 and 500 runs (those within ``--runs``, and
``--runs`` itself), the home's size and the medians of the 10 generations up to that point.
Writes nothing outside a temporary directory.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import multiprocessing
import os
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from rich.console import Console
from rich.table import Table

NODES = {  # each prompt says all its node does, so each generation passes
    "digest_compute": "Compute node named digest_compute. Its digest operation takes size (int) "
    "and returns blocks = size // 64 + 1, an int.",
    "invoices_compute": "Calculate a checksum for invoices with verify operations: verify takes "
    "amount (int) and count (int) and returns checksum = amount * 31 + count",
    "totals_compute": "Compute node named totals_compute. Its total operation takes net (int) "
    "and tax (int) and returns gross = net + tax, an int.",
    "scores_compute": "Compute node named scores_compute. Its score operation takes debts "
    "(decimal) and income (decimal) and returns risk = debts / income, a decimal.",
}
CHECKPOINTS = (1, 100, 250, 500)
WINDOW = 10  # generations per median
MB = 1024 * 1024


Point = tuple[float, float, float]  # home MB, median wall seconds, median CPU seconds


def generations(home: Path, runs: int, keep_runs: int | None) -> dict[int, Point]:
    """``runs`` generations in a new ``home``; at each checkpoint, the home's size and the
    medians of the last generations' wall and CPU seconds (this process's CPU: the wall time
    also counts waiting for a machine shared with others)."""
    from codegen_assets.cli.generate import EXIT_OK, main
    from codegen_assets.storage.retention import size_of

    os.environ["NODEGEN_HOME"] = str(home)
    if keep_runs is None:
        os.environ.pop("NODEGEN_KEEP_RUNS", None)
    else:
        os.environ["NODEGEN_KEEP_RUNS"] = str(keep_runs)
    checkpoints = sorted({c for c in CHECKPOINTS if c <= runs} | {runs})
    seconds: list[float] = []
    cpu: list[float] = []
    found: dict[int, Point] = {}
    names = list(NODES)
    for n in range(1, runs + 1):
        name = names[(n - 1) % len(names)]
        argv = [NODES[name], "--output-dir", str(home.parent / f"{home.name}-{name}")]
        started, used = time.perf_counter(), time.process_time()
        with contextlib.redirect_stdout(io.StringIO()):
            code = main([*argv, "--node-type", "compute", "--json"])
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
        if code != EXIT_OK:
            raise SystemExit(f"generation {n} failed with exit code {code}")
        if n in checkpoints or n % 50 == 0:
            point = (
                size_of(home) / MB,
                statistics.median(seconds[-WINDOW:]),
                statistics.median(cpu[-WINDOW:]),
            )
            if n in checkpoints:
                found[n] = point
            print(f"  keep {keep_runs or 'default'}: {n} runs, {point[0]:.1f} MB, "
                  f"{point[1]:.2f} s, {point[2]:.2f} s CPU", flush=True)  # fmt: skip
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    args = parser.parse_args()
    os.environ.setdefault("NODEGEN_LOG_LEVEL", "ERROR")
    with (
        tempfile.TemporaryDirectory(prefix="nodegen-bench-retention-") as tmp,
        ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool,
    ):
        # both homes at once, one process each: on a machine shared with others, both see
        # the same load
        default_run = pool.submit(generations, Path(tmp) / "default", args.runs, None)
        twenty_run = pool.submit(generations, Path(tmp) / "keep20", args.runs, 20)
        default, twenty = default_run.result(), twenty_run.result()
    table = Table(
        title=f"{args.runs} generations in a home: its size and the median seconds per "
        f"generation (last {WINDOW})"
    )
    table.add_column("runs", justify="right")
    for label in ("default", "KEEP_RUNS=20"):
        for unit in ("MB", "s", "CPU s"):
            table.add_column(f"{label}: {unit}", justify="right")
    for n in sorted(default):
        cells = [f"{default[n][0]:.1f}", f"{default[n][1]:.2f}", f"{default[n][2]:.2f}"]
        cells += [f"{twenty[n][0]:.1f}", f"{twenty[n][1]:.2f}", f"{twenty[n][2]:.2f}"]
        table.add_row(str(n), *cells)
    Console().print(table)


if __name__ == "__main__":
    main()
