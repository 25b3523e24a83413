"""Validation and refinement: real linters, type checker and tests on a sandboxed copy of a node."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from codegen_assets.contract import validate_contract_text
from codegen_assets.models import CheckResult, FileSet, RefinedCode, ValidationReport
from codegen_assets.onex_oracle import (
    contract_problems,
    omnibase_core_available,
    onex_validate_argv,
)
from codegen_assets.sandbox import Jail, SandboxMode, use_bwrap

# Weights of each check in quality_score (they sum to 1): behaviour first, then types, the
# ecosystem's own judges, then style and the seed's quality metrics.
WEIGHTS: dict[str, float] = {
    "pytest": 0.25,
    "mypy": 0.20,
    "onex_contract": 0.10,
    "onex_validate": 0.10,
    "coverage": 0.10,
    "ruff": 0.10,
    "format": 0.05,
    "complexity": 0.05,
    "contract_schema": 0.05,
}
MIN_COVERAGE_PCT = 90.0
MAX_COMPLEXITY = 10
_COMPLEXITY = re.compile(r"`(?P<name>.+?)` is too complex \((?P<value>\d+) > 0\)")
RUFF_RULES = "E,F,W,I,UP,B,C4,SIM,RUF,C90"
RUFF_OPTIONS = ("--isolated", "--line-length", "100", "--target-version", "py311")
MAX_OUTPUT = 4000
# Checks that run the node's code; never run on code the generator did not write without a sandbox.
EXECUTING = frozenset({"pytest", "coverage", "onex_validate"})
NOT_EXECUTED = (
    "not executed: the files include code the generator did not write and no sandbox "
    "(bubblewrap) is available here, so they were checked statically only"
)


class ValidatorMissingError(RuntimeError):
    """A validator executable is not installed beside this interpreter."""


def ruff_bin() -> str:
    """The ruff executable installed with this package (its version defines the output bytes)."""
    candidate = Path(sysconfig.get_path("scripts")) / "ruff"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("ruff")
    if found is None:
        raise ValidatorMissingError("ruff is not installed; reinstall onex-nodegen")
    return found


_running: set[subprocess.Popen[str]] = set()
_running_lock = threading.Lock()


def scrubbed_env(sandbox: Path) -> dict[str, str]:
    """A minimal environment: no tokens, secrets or user configuration reach the validators."""
    return {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.defpath}",
        "HOME": str(sandbox),
        "TMPDIR": str(sandbox),
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "NO_COLOR": "1",
    }


def terminate_running() -> None:
    """Kill every validator process group still running (used when a run is stopped)."""
    with _running_lock:
        procs = list(_running)
    for proc in procs:
        _kill(proc)


def _kill(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def _run(name: str, args: list[str], cwd: Path, timeout: float, jail: Jail) -> CheckResult:
    started = time.perf_counter()
    env = scrubbed_env(jail.root)
    proc = subprocess.Popen(
        jail.command(args, cwd, env),
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    with _running_lock:
        _running.add(proc)
    try:
        output, _ = proc.communicate(timeout=timeout)
        passed = proc.returncode == 0
    except subprocess.TimeoutExpired:
        _kill(proc)
        output = proc.communicate()[0] + f"\n{name} timed out after {timeout:g} s"
        passed = False
    finally:
        with _running_lock:
            _running.discard(proc)
    return CheckResult(
        name=name,
        passed=passed,
        weight=WEIGHTS[name],
        duration_seconds=round(time.perf_counter() - started, 3),
        output=output.strip()[-MAX_OUTPUT:],
    )


def _result(name: str, started: float, passed: bool, output: str) -> CheckResult:
    return CheckResult(
        name=name,
        passed=passed,
        weight=WEIGHTS[name],
        duration_seconds=round(time.perf_counter() - started, 3),
        output=output.strip()[-MAX_OUTPUT:],
    )


def _skipped(name: str, why: str, *, passed: bool = True) -> CheckResult:
    """A check that did not run: not applicable (passed), or not allowed to run (not passed,
    so the report does not pass either)."""
    return CheckResult(
        name=name, passed=passed, weight=0.0, duration_seconds=0.0, output=why, skipped=True
    )


def _contract_checks(files: FileSet) -> list[CheckResult]:
    """Our contract schema, then omnibase-core's ``ModelContract*`` when it is installed."""
    started = time.perf_counter()
    try:
        contract = validate_contract_text(files.files["contract.yaml"])
        checks = [_result("contract_schema", started, True, "")]
    except (KeyError, ValidationError, ValueError) as exc:
        checks = [_result("contract_schema", started, False, f"contract.yaml is invalid: {exc}")]
        contract = None
    if not omnibase_core_available():
        return [*checks, _skipped("onex_contract", "omnibase-core is not installed")]
    started = time.perf_counter()
    if contract is None:
        return [*checks, _result("onex_contract", started, False, "contract.yaml does not parse")]
    problems = contract_problems(contract.model_dump(mode="json", exclude_none=True))
    return [*checks, _result("onex_contract", started, not problems, "\n".join(problems))]


def _complexity_check(root: Path, timeout: float, jail: Jail) -> tuple[CheckResult, int | None]:
    """Cyclomatic complexity of every function (ruff's mccabe); the highest must be <= 10."""
    started = time.perf_counter()
    args = [ruff_bin(), "check", *RUFF_OPTIONS, "--select", "C901", "--config"]
    args += ["lint.mccabe.max-complexity=0", "--output-format", "json", "--exit-zero"]
    report = root.parent / "complexity.json"
    run = _run(
        "complexity", [*args, "--output-file", str(report), "--no-cache", "."], root, timeout, jail
    )
    try:
        found = [
            (int(m["value"]), f"{m['name']} ({os.path.relpath(item['filename'], root)})")
            for item in json.loads(report.read_text("utf-8"))
            if (m := _COMPLEXITY.match(item["message"]))
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return run.model_copy(update={"passed": False}), None
    highest = max((value for value, _ in found), default=0)
    over = [
        f"{where}: {value}"
        for value, where in sorted(found, reverse=True)
        if value > MAX_COMPLEXITY
    ]
    summary = f"highest cyclomatic complexity {highest} (limit {MAX_COMPLEXITY})"
    output = "\n".join([summary, *over])
    return _result("complexity", started, run.passed and highest <= MAX_COMPLEXITY, output), highest


def _coverage_check(root: Path, timeout: float, jail: Jail) -> tuple[CheckResult, float | None]:
    """Coverage of the node's code by its own tests (recorded while pytest ran)."""
    started = time.perf_counter()
    report = root.parent / "coverage.json"
    args = [sys.executable, "-m", "coverage", "json", "-q", "-o", str(report)]
    run = _run("coverage", args, root, timeout, jail)
    try:
        totals = json.loads(report.read_text("utf-8"))["totals"]
        percent = round(float(totals["percent_covered"]), 1)
    except (OSError, ValueError, KeyError):
        return _result("coverage", started, False, f"no coverage data\n{run.output}"), None
    passed = percent >= MIN_COVERAGE_PCT
    output = f"{percent:.1f}% of statements and branches (minimum {MIN_COVERAGE_PCT:.0f}%)"
    return _result("coverage", started, passed, output), percent


@dataclass(frozen=True)
class Workspace:
    """A private copy of a node and how validators may touch it."""

    root: Path  # the node copy
    jail: Jail
    mypy_cache: Path
    executes: bool  # whether the node's own code may run here


@contextmanager
def workspace(
    files: FileSet, mypy_cache: Path, *, trusted: bool = True, sandbox: SandboxMode = "auto"
) -> Iterator[Workspace]:
    """A temporary copy of ``files`` (removed afterwards) and the jail its checks run in.

    Code the generator wrote (``trusted``) shares the mypy cache; other code gets a private copy
    of it and, where no sandbox is available, is never executed.
    """
    sandboxed = use_bwrap(sandbox)
    with tempfile.TemporaryDirectory(prefix="nodegen-validate-") as tmp:
        base = Path(tmp)
        root = base / "node"
        write_tree(root, files)
        if trusted:
            mypy_cache.mkdir(parents=True, exist_ok=True)
            cache = mypy_cache
        else:
            cache = base / "mypy-cache"
            if mypy_cache.is_dir():
                shutil.copytree(mypy_cache, cache)
        shared = (cache,) if sandboxed and trusted else ()
        jail = Jail(root=base, sandboxed=sandboxed, writable=shared)
        yield Workspace(root=root, jail=jail, mypy_cache=cache, executes=trusted or sandboxed)


def write_tree(root: Path, files: FileSet) -> None:
    """Write ``files`` under ``root`` (paths are generator-chosen, never user text)."""
    for rel, text in sorted(files.files.items()):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def read_tree(root: Path, names: list[str]) -> FileSet:
    """Read ``names`` back from ``root``."""
    return FileSet(files={rel: (root / rel).read_text(encoding="utf-8") for rel in names})


def _code_modules(files: FileSet) -> list[str]:
    """Top-level modules and packages of the node's code (not its tests)."""
    return sorted(
        {
            rel.split("/", 1)[0].removesuffix(".py")
            for rel in files.files
            if rel.endswith(".py") and not rel.startswith("tests/")
        }
    )


def _commands(files: FileSet, mypy_cache: Path) -> dict[str, list[str]]:
    ruff = ruff_bin()
    # pytest under coverage: the node's own tests measure how much of its code they run
    source = "--source=" + ",".join(_code_modules(files))
    coverage = [sys.executable, "-m", "coverage", "run", "--branch", source]
    pytest = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]
    commands = {
        "ruff": [ruff, "check", *RUFF_OPTIONS, "--select", RUFF_RULES, "--no-cache", "."],
        "format": [ruff, "format", *RUFF_OPTIONS, "--check", "--no-cache", "."],
        # --config-file= : no configuration file is read (a mypy plugin would run code)
        "mypy": [
            sys.executable,
            "-m",
            "mypy",
            "--config-file=",
            "--strict",
            "--sqlite-cache",
            "--cache-dir",
            str(mypy_cache),
            "--no-color-output",
            ".",
        ],
        "pytest": [*coverage, *pytest],
    }
    if omnibase_core_available():
        commands["onex_validate"] = list(onex_validate_argv(Path(".")))
    return commands


def validate_files(
    files: FileSet,
    *,
    timeout: float,
    mypy_cache: Path,
    trusted: bool = True,
    sandbox: SandboxMode = "auto",
) -> ValidationReport:
    """Run every check on a private copy of ``files``, the slow ones in parallel.

    ``trusted=False`` marks files that include code the generator did not write (hand edits
    merged into a regeneration): outside a sandbox they are checked statically only.
    """
    with workspace(files, mypy_cache, trusted=trusted, sandbox=sandbox) as space:
        root, jail = space.root, space.jail
        commands = _commands(files, space.mypy_cache)
        held = [] if space.executes else sorted(EXECUTING & commands.keys())
        for name in held:
            del commands[name]
        with ThreadPoolExecutor(max_workers=len(commands) + 1) as pool:
            futures = [
                pool.submit(_run, name, args, root, timeout, jail)
                for name, args in commands.items()
            ]
            complexity_future = pool.submit(_complexity_check, root, timeout, jail)
            checks = _contract_checks(files)
            results = [future.result() for future in futures]
            complexity, highest = complexity_future.result()
        if space.executes:
            coverage, percent = _coverage_check(root, timeout, jail)
        else:
            coverage, percent = _skipped("coverage", NOT_EXECUTED, passed=False), None
            results += [_skipped(name, NOT_EXECUTED, passed=False) for name in held]
    if not omnibase_core_available():
        results.append(_skipped("onex_validate", "omnibase-core is not installed"))
    every = (*results, *checks, complexity, coverage)
    ordered = tuple(sorted(every, key=lambda c: (-c.weight, c.name)))
    return ValidationReport(
        checks=ordered,
        quality_score=quality_score(ordered),
        coverage_pct=percent,
        max_complexity=highest,
        sandboxed=jail.sandboxed,
        static_only=not space.executes,
    )


def quality_score(checks: tuple[CheckResult, ...]) -> float:
    """Weighted share of checks passing, in [0, 1]."""
    total = sum(c.weight for c in checks)
    return round(sum(c.weight for c in checks if c.passed) / total, 3) if total else 0.0


def refine_files(
    files: FileSet,
    report: ValidationReport,
    *,
    timeout: float,
    mypy_cache: Path,
    sandbox: SandboxMode = "auto",
) -> RefinedCode:
    """Apply ruff's fixes and formatter when style checks failed, then validate once more."""
    if report.check("ruff").passed and report.check("format").passed:
        return RefinedCode(files=files, report=report)
    ruff = ruff_bin()
    names = sorted(files.files)
    with workspace(files, mypy_cache, sandbox=sandbox) as space:
        root, jail = space.root, space.jail
        fix = [ruff, "check", *RUFF_OPTIONS, "--select", RUFF_RULES, "--fix", "--no-cache", "."]
        _run("ruff", fix, root, timeout, jail)
        _run("format", [ruff, "format", *RUFF_OPTIONS, "--no-cache", "."], root, timeout, jail)
        fixed = read_tree(root, names)
    changed = tuple(name for name in names if fixed.files[name] != files.files[name])
    if not changed:
        return RefinedCode(files=files, report=report)
    new_report = validate_files(fixed, timeout=timeout, mypy_cache=mypy_cache, sandbox=sandbox)
    return RefinedCode(
        files=fixed, report=new_report.model_copy(update={"refined": True}), fixed_files=changed
    )


def report_markdown(report: ValidationReport, patterns: list[str], warnings: list[str]) -> str:
    """The validation report as Markdown, for Dagster metadata, PR bodies and the output dir."""
    lines = [
        f"**Quality score:** {report.quality_score:.3f}"
        + (" (after automatic refinement)" if report.refined else ""),
        "",
        "| check | result | weight | seconds |",
        "| --- | --- | --- | --- |",
    ]
    for check in report.checks:
        mark = "skipped" if check.skipped else "pass" if check.passed else "FAIL"
        lines.append(
            f"| {check.name} | {mark} | {check.weight:.2f} | {check.duration_seconds:.2f} |"
        )
    if report.coverage_pct is not None:
        lines += ["", f"**Test coverage of the node:** {report.coverage_pct:.1f}%"]
    if report.max_complexity is not None:
        lines += [f"**Highest cyclomatic complexity:** {report.max_complexity}"]
    if report.static_only:
        lines += ["", f"**Static checks only:** {NOT_EXECUTED}."]
    elif report.sandboxed:
        lines += ["", "Checks ran in a bubblewrap sandbox (no network, no secrets)."]
    skipped = [f"{c.name} ({c.output})" for c in report.checks if c.skipped]
    if skipped:
        lines += ["", "**Skipped:** " + ", ".join(skipped)]
    lines += ["", "**Patterns:** " + (", ".join(patterns) or "none")]
    if warnings:
        lines += ["", "**Warnings:**", *(f"- {w}" for w in warnings)]
    for check in report.checks:
        if not check.passed and check.output:
            lines += [
                "",
                f"<details><summary>{check.name} output</summary>",
                "",
                "```",
                check.output,
                "```",
                "</details>",
            ]
    return "\n".join(lines) + "\n"
