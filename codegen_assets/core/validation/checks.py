"""The checks of a node's files: what each is called, weighs and asserts, and how each runs on
the private copy (ruff, mypy, the node's tests under coverage, complexity, the contract's schema,
what each handler does, the prompt's examples).
"""

from __future__ import annotations

import ast
import json
import os
import re
import sys
import time
from pathlib import Path

import yaml
from pydantic import ValidationError

from codegen_assets.core.contract_document import validate_contract_text
from codegen_assets.core.models import CheckResult, FileSet
from codegen_assets.core.validation import ecosystem_gates
from codegen_assets.core.validation.covered_tests import PYTEST_INI, coverage_report, covered_pytest
from codegen_assets.core.validation.runner import execute, read_result, ruff_bin
from codegen_assets.core.validation.sandbox import Jail
from codegen_assets.core.validation.style import ruff_commands
from codegen_assets.core.validation.workspace import Workspace

PROMPT_CHECK = "prompt_understood"  # judged on the parsed prompt, not on files
BEHAVIOUR_CHECK = "behaviour"  # every handler does what the prompt asks (none is left to write)
ACCEPTANCE_CHECK = "acceptance"  # the prompt's examples, as tests of their own
# A failure of one of these means the node is not what was asked: the score stays under 0.8.
DECISIVE = frozenset({PROMPT_CHECK, BEHAVIOUR_CHECK, ACCEPTANCE_CHECK})
DECISIVE_CAP = 0.79
# Weights in quality_score: understanding and behaviour, tests and types, the ecosystem's gates
# (an equal share of 0.25), then style and the seed's quality metrics. Advisory gates weigh
# nothing. A failed decisive check keeps the score under 0.8 whatever the rest (DECISIVE).
OWN_WEIGHTS: dict[str, float] = {
    "pytest": 0.15,
    "mypy": 0.10,
    "coverage": 0.05,
    "ruff": 0.05,
    "format": 0.05,
    "complexity": 0.05,
    "contract_schema": 0.05,
    PROMPT_CHECK: 0.10,
    BEHAVIOUR_CHECK: 0.10,
    ACCEPTANCE_CHECK: 0.05,
}
SCORED_GATES = tuple(name for name, _ in ecosystem_gates.SCORED)
ADVISORY_GATES = tuple(name for name, _ in ecosystem_gates.ADVISORY)
GATE_WEIGHT = 0.25 / len(SCORED_GATES)
WEIGHTS: dict[str, float] = {
    **OWN_WEIGHTS,
    **dict.fromkeys(SCORED_GATES, GATE_WEIGHT),
    **dict.fromkeys(ADVISORY_GATES, 0.0),
}
_OWN_CHECKS = {
    "pytest": "The node's own tests pass (pytest, in the sandbox).",
    "mypy": "The node type-checks under mypy --strict.",
    "coverage": "The node's own tests cover at least 90% of its branches.",
    "ruff": "ruff check passes under the target repository's configuration (ruff's defaults "
    "when it has none).",
    "format": "ruff format --check passes under the target repository's configuration.",
    "complexity": "No function's cyclomatic complexity is above 10.",
    "contract_schema": "contract.yaml parses as the ONEX contract model.",
    PROMPT_CHECK: "The prompt was understood: an operation was read from it, and every name it "
    "gives is held by a fact of the node.",
    BEHAVIOUR_CHECK: "Every handler does what the prompt asks (derived from it, delegated to a "
    "dependency it names, or written by a model and checked by the node's tests); none is a "
    "placeholder still to write.",
    ACCEPTANCE_CHECK: "The prompt's own examples pass, as acceptance tests of their own.",
}


def check_description(name: str) -> str:
    """What the check named ``name`` asserts, for people reading it in the Dagster UI."""
    if name in _OWN_CHECKS:
        return f"{_OWN_CHECKS[name]} (scored: a failure means needs review)"
    package = dict((*ecosystem_gates.SCORED, *ecosystem_gates.ADVISORY)).get(name, "core")
    weight = (
        "advisory: shown, never scored nor failing the node"
        if name in ADVISORY_GATES
        else "scored: a failure means needs review"
    )
    return f"The ONEX ecosystem's own gate {name} (omnibase-{package}) passes ({weight})."


MIN_COVERAGE_PCT = 90.0
MAX_COMPLEXITY = 10
_COMPLEXITY = re.compile(r"`(?P<name>.+?)` is too complex \((?P<value>\d+) > 0\)")
MAX_OUTPUT = 4000
# Checks that run the node's code; never run on code the generator did not write without a sandbox.
EXECUTING = frozenset({"pytest", "coverage", "gates"})
NOT_EXECUTED = (
    "not executed: the files include code the generator did not write and no sandbox "
    "(bubblewrap) is available here, so they were checked statically only"
)
CACHED = (
    "these exact files were validated before with the same toolchain and passed; "
    "the checks and timings are that run's"
)
UNTRUSTED_RUN = (
    "these checks ran code the generator did not write (hand edits), in the sandbox; that code "
    "runs in the process that reports the result, so it could have changed what they report: "
    "a pass from them is not verified"
)


def run_check(name: str, args: list[str], cwd: Path, timeout: float, jail: Jail) -> CheckResult:
    started = time.perf_counter()
    passed, output = execute(args, cwd, timeout, jail)
    return check_result(name, started, passed, output)


def check_result(name: str, started: float, passed: bool, output: str) -> CheckResult:
    return CheckResult(
        name=name,
        passed=passed,
        weight=WEIGHTS[name],
        duration_seconds=round(time.perf_counter() - started, 3),
        output=output.strip()[-MAX_OUTPUT:],
        advisory=name in ADVISORY_GATES,
    )


def skipped_check(name: str, why: str, *, passed: bool = True) -> CheckResult:
    """A check that did not run: not applicable (passed), or not allowed to run (not passed,
    so the report does not pass either)."""
    return CheckResult(
        name=name,
        passed=passed,
        weight=0.0,
        duration_seconds=0.0,
        output=why,
        skipped=True,
        advisory=name in ADVISORY_GATES,
    )


def node_dirs(files: FileSet) -> list[str]:
    """The node directories among ``files`` (where a ``contract.yaml`` is), outside tests."""
    return sorted(
        rel.removesuffix("/contract.yaml")
        for rel in files.files
        if rel.endswith("/contract.yaml") and not rel.startswith("tests/")
    )


def contract_check(files: FileSet, nodes: list[str]) -> CheckResult:
    """Our strict schema of ``contract.yaml``."""
    started = time.perf_counter()
    if not nodes:
        return check_result("contract_schema", started, False, "no contract.yaml among the files")
    problems = []
    for node in nodes:
        try:
            validate_contract_text(files.files[f"{node}/contract.yaml"])
        except (ValidationError, ValueError, yaml.YAMLError) as exc:
            problems.append(f"{node}/contract.yaml is invalid: {exc}")
    return check_result("contract_schema", started, not problems, "\n".join(problems))


def complexity_check(space: Workspace, timeout: float) -> tuple[CheckResult, int | None]:
    """Cyclomatic complexity of every function (ruff's mccabe); the highest must be <= 10."""
    started = time.perf_counter()
    root, jail = space.root, space.jails.checks
    args = [ruff_bin(), "check", "--isolated", "--select", "C901", "--config"]
    args += ["lint.mccabe.max-complexity=0", "--output-format", "json", "--exit-zero"]
    report = jail.root / "complexity.json"
    run = run_check(
        "complexity", [*args, "--output-file", str(report), "--no-cache", "."], root, timeout, jail
    )
    try:
        found = [
            (int(m["value"]), f"{m['name']} ({os.path.relpath(item['filename'], root)})")
            for item in json.loads(read_result(report) or "")
            if (m := _COMPLEXITY.match(item["message"]))
        ]
    except (ValueError, KeyError, TypeError):
        return run.model_copy(update={"passed": False}), None
    highest = max((value for value, _ in found), default=0)
    over = [
        f"{where}: {value}"
        for value, where in sorted(found, reverse=True)
        if value > MAX_COMPLEXITY
    ]
    summary = f"highest cyclomatic complexity {highest} (limit {MAX_COMPLEXITY})"
    output = "\n".join([summary, *over])
    return check_result(
        "complexity", started, run.passed and highest <= MAX_COMPLEXITY, output
    ), highest


def coverage_check(
    space: Workspace, nodes: list[str], timeout: float
) -> tuple[CheckResult, float | None]:
    """Coverage of each node's code by its own tests (recorded while pytest ran); with several
    nodes, the lowest. The report is written by a process that never runs the node's code,
    under our configuration; the data it reads was recorded in the tests' process."""
    started = time.perf_counter()
    jail = space.jails.checks
    report = jail.root / "coverage.json"
    data = space.jails.tests.root / ".coverage"
    run = run_check(
        "coverage", coverage_report(space.config, data, report), space.root, timeout, jail
    )
    try:
        found = json.loads(read_result(report) or "")
        files = found["files"]
        per_node = {node: _covered(files, node) for node in nodes} if len(nodes) > 1 else {}
        lowest = min(per_node, key=lambda n: per_node[n]) if per_node else None
        percent = (
            per_node[lowest] if lowest else round(float(found["totals"]["percent_covered"]), 1)
        )
    except (ValueError, KeyError, TypeError):
        return check_result("coverage", started, False, f"no coverage data\n{run.output}"), None
    passed = percent >= MIN_COVERAGE_PCT
    which = f" (lowest: {lowest})" if lowest else ""
    output = f"{percent:.1f}% of statements and branches{which} (minimum {MIN_COVERAGE_PCT:.0f}%)"
    return check_result("coverage", started, passed, output), percent


def _covered(files: dict[str, dict[str, dict[str, int]]], node: str) -> float:
    """Statement and branch coverage of the files under ``node``, in percent."""
    sums = [f["summary"] for path, f in files.items() if path.startswith(f"{node}/")]
    hit = sum(s["covered_lines"] + s.get("covered_branches", 0) for s in sums)
    total = sum(s["num_statements"] + s.get("num_branches", 0) for s in sums)
    return round(100.0 * hit / total, 1) if total else 100.0


def mypy_command(mypy_cache: Path) -> list[str]:
    """``mypy --strict`` on the working directory, as validation runs it."""
    # --config-file= : no configuration file is read (a mypy plugin would run code); -P: the
    # working directory (the copy) is not on sys.path
    return [
        sys.executable,
        "-P",
        "-m",
        "mypy",
        "--config-file=",
        "--strict",
        "--sqlite-cache",
        "--cache-dir",
        str(mypy_cache),
        "--no-color-output",
        ".",
    ]


def tool_commands(files: FileSet, space: Workspace) -> dict[str, list[str]]:
    data = space.jails.tests.root / ".coverage"
    return {
        **ruff_commands(ruff_bin()),
        "mypy": mypy_command(space.mypy_cache),
        # the node's own tests, measuring how much of its code they run
        "pytest": covered_pytest(files, node_dirs(files), space.config, data),
    }


def ran_untrusted(check: CheckResult) -> CheckResult:
    return check.model_copy(update={"untrusted_run": True})


_HANDLER = re.compile(r"/handlers/handler_\w+\.py$")
_KIND = re.compile(
    r'^""".*?\((from\s+the\s+prompt|delegates|to\s+write|from\s+a\s+model:\s*(?P<model>[^()]*?))\)\.',
    re.DOTALL,
)


def _not_written(text: str) -> str | None:
    """The ``NOT_WRITTEN`` message a handler module holds (the generator's placeholder)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "NOT_WRITTEN" for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return node.value.value
    return None


def behaviour_check(files: FileSet) -> CheckResult:
    """Whether every handler does its work: each is named with what it does, and a handler that
    still holds the generator's placeholder (``NOT_WRITTEN``) fails the check."""
    started = time.perf_counter()
    lines, left = [], []
    for rel, text in sorted(files.files.items()):
        if not _HANDLER.search(rel) or rel.startswith("tests/"):
            continue
        body = text.split("\n", 2)[-1]
        kind = _KIND.search(body)
        name = rel.rsplit("/", 1)[1].removesuffix(".py")
        placeholder = _not_written(text)
        if placeholder is not None:
            left.append(name)
            lines.append(f"{name}: to write - {placeholder}")
        elif kind and kind.group("model") is not None:  # refilled lines may split it at "-"
            model = " ".join(re.sub(r"-\s*\n\s*", "-", kind.group("model")).split())
            lines.append(f"{name}: from a model ({model})")
        else:
            said = " ".join(kind.group(1).split()) if kind else "written by hand"
            lines.append(f"{name}: {said}")
    if not lines:
        return skipped_check(BEHAVIOUR_CHECK, "no handler among the files")
    return check_result(BEHAVIOUR_CHECK, started, not left, "\n".join(lines))


def not_executed_acceptance(files: FileSet) -> CheckResult:
    if not any(rel.startswith(f"{ACCEPTANCE_DIR}/") for rel in files.files):
        return skipped_check(ACCEPTANCE_CHECK, "the prompt gives no example")
    return skipped_check(ACCEPTANCE_CHECK, NOT_EXECUTED, passed=False)


def acceptance_check(space: Workspace, files: FileSet, timeout: float) -> CheckResult:
    """The prompt's examples (``tests/acceptance``), run on their own, under our pytest
    configuration, where the node's own tests run (they execute the node's code)."""
    if not any(rel.startswith(f"{ACCEPTANCE_DIR}/") for rel in files.files):
        return skipped_check(ACCEPTANCE_CHECK, "the prompt gives no example")
    config = ["-c", str(space.config / PYTEST_INI), "--rootdir", "."]
    args = [sys.executable, "-m", "pytest", *config, "-q", "-p", "no:cacheprovider", ACCEPTANCE_DIR]
    return run_check(ACCEPTANCE_CHECK, args, space.root, timeout, space.jails.tests)


ACCEPTANCE_DIR = "tests/acceptance"
