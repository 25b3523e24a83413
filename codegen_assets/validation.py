"""Validation and refinement: real linters, type checker and tests on a sandboxed copy of a node."""

from __future__ import annotations

import contextlib
import os
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
from pathlib import Path

from pydantic import ValidationError

from codegen_assets.contract import validate_contract_text
from codegen_assets.models import CheckResult, FileSet, RefinedCode, ValidationReport

# Weights of each check in quality_score (they sum to 1): behaviour first, then types, then style.
WEIGHTS: dict[str, float] = {
    "pytest": 0.35,
    "mypy": 0.25,
    "contract_schema": 0.15,
    "ruff": 0.15,
    "format": 0.10,
}
RUFF_RULES = "E,F,W,I,UP,B,C4,SIM,RUF,C90"
RUFF_OPTIONS = ("--isolated", "--line-length", "100", "--target-version", "py311")
MAX_OUTPUT = 4000


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


def _run(name: str, args: list[str], cwd: Path, timeout: float) -> CheckResult:
    started = time.perf_counter()
    proc = subprocess.Popen(
        args,
        cwd=cwd,
        env=scrubbed_env(cwd.parent),
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


def _contract_check(files: FileSet) -> CheckResult:
    started = time.perf_counter()
    try:
        validate_contract_text(files.files["contract.yaml"])
        passed, output = True, ""
    except (KeyError, ValidationError, ValueError) as exc:
        passed, output = False, f"contract.yaml is invalid: {exc}"
    return CheckResult(
        name="contract_schema",
        passed=passed,
        weight=WEIGHTS["contract_schema"],
        duration_seconds=round(time.perf_counter() - started, 3),
        output=output[-MAX_OUTPUT:],
    )


@contextmanager
def sandbox(files: FileSet) -> Iterator[Path]:
    """A private temporary copy of ``files``; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="nodegen-validate-") as tmp:
        root = Path(tmp) / "node"
        write_tree(root, files)
        yield root


def write_tree(root: Path, files: FileSet) -> None:
    """Write ``files`` under ``root`` (paths are generator-chosen, never user text)."""
    for rel, text in sorted(files.files.items()):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def read_tree(root: Path, names: list[str]) -> FileSet:
    """Read ``names`` back from ``root``."""
    return FileSet(files={rel: (root / rel).read_text(encoding="utf-8") for rel in names})


def _commands(mypy_cache: Path) -> dict[str, list[str]]:
    ruff = ruff_bin()
    return {
        "ruff": [ruff, "check", *RUFF_OPTIONS, "--select", RUFF_RULES, "--no-cache", "."],
        "format": [ruff, "format", *RUFF_OPTIONS, "--check", "--no-cache", "."],
        "mypy": [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--sqlite-cache",
            "--cache-dir",
            str(mypy_cache),
            "--no-color-output",
            "node.py",
            "models",
            "tests",
        ],
        "pytest": [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
    }


def validate_files(files: FileSet, *, timeout: float, mypy_cache: Path) -> ValidationReport:
    """Run every check on a sandboxed copy of ``files``, the slow ones in parallel."""
    with sandbox(files) as root:
        commands = _commands(mypy_cache)
        with ThreadPoolExecutor(max_workers=len(commands)) as pool:
            futures = [
                pool.submit(_run, name, args, root, timeout) for name, args in commands.items()
            ]
            contract = _contract_check(files)
            results = [future.result() for future in futures]
    checks = tuple(sorted((*results, contract), key=lambda c: -c.weight))
    return ValidationReport(checks=checks, quality_score=quality_score(checks))


def quality_score(checks: tuple[CheckResult, ...]) -> float:
    """Weighted share of checks passing, in [0, 1]."""
    total = sum(c.weight for c in checks)
    return round(sum(c.weight for c in checks if c.passed) / total, 3) if total else 0.0


def refine_files(
    files: FileSet, report: ValidationReport, *, timeout: float, mypy_cache: Path
) -> RefinedCode:
    """Apply ruff's fixes and formatter when style checks failed, then validate once more."""
    if report.check("ruff").passed and report.check("format").passed:
        return RefinedCode(files=files, report=report)
    ruff = ruff_bin()
    names = sorted(files.files)
    with sandbox(files) as root:
        fix = [ruff, "check", *RUFF_OPTIONS, "--select", RUFF_RULES, "--fix", "--no-cache", "."]
        _run("ruff", fix, root, timeout)
        _run("format", [ruff, "format", *RUFF_OPTIONS, "--no-cache", "."], root, timeout)
        fixed = read_tree(root, names)
    changed = tuple(name for name in names if fixed.files[name] != files.files[name])
    if not changed:
        return RefinedCode(files=files, report=report)
    new_report = validate_files(fixed, timeout=timeout, mypy_cache=mypy_cache)
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
        mark = "pass" if check.passed else "FAIL"
        lines.append(
            f"| {check.name} | {mark} | {check.weight:.2f} | {check.duration_seconds:.2f} |"
        )
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
