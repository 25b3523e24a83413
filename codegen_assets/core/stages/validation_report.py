"""Validation and refinement: real linters, type checker, tests and the ONEX ecosystem's own gates
on a private copy of a node, each validator in a sandbox where one is available.

Style is judged as the target repository judges it: ``ruff check`` and ``ruff format --check``
under its configuration (placed beside the copy), ruff's defaults when it has none.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from codegen_assets.core.models import (
    DEFAULT_COPYRIGHT,
    CheckResult,
    FileSet,
    NodeSpec,
    StyleConfig,
    ValidationReport,
)
from codegen_assets.core.settings import SandboxMode
from codegen_assets.core.stages.contract import validate_contract_text
from codegen_assets.core.validation import ecosystem_gates, warm_python
from codegen_assets.core.validation.cache import ValidationCache, cache_key
from codegen_assets.core.validation.covered_tests import (
    CONFIG,
    PRELOADED,
    PYTEST_INI,
    coverage_report,
    covered_pytest,
    libraries,
)
from codegen_assets.core.validation.onex_oracle import omnibase_core_available
from codegen_assets.core.validation.sandbox import Jail, use_bwrap
from codegen_assets.core.validation.style import place_config, ruff_commands
from codegen_assets.core.validation.warm_python import ServerGoneError, WarmPython

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
    warm_python.kill_all()
    with _running_lock:
        procs = list(_running)
    for proc in procs:
        _kill(proc)


def _kill(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def execute(args: list[str], cwd: Path, timeout: float, jail: Jail) -> tuple[bool, str]:
    """Run ``args`` in ``jail``; (exit status 0, output). Killed at ``timeout``."""
    env = scrubbed_env(jail.root)
    server = jail.server
    if server is not None and args[0] == sys.executable and server.accepts(env):
        # -P (no working directory on sys.path) guards against files of code the generator did
        # not write; the warm interpreter runs only the generator's own.
        argv = args[2:] if args[1] == "-P" else args[1:]
        with contextlib.suppress(ServerGoneError):  # then in a new interpreter, as below
            return server.run(argv, cwd, env, timeout)
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
        return proc.returncode == 0, output
    except subprocess.TimeoutExpired:
        _kill(proc)
        return False, proc.communicate()[0] + f"\ntimed out after {timeout:g} s"
    finally:
        with _running_lock:
            _running.discard(proc)


def _run(name: str, args: list[str], cwd: Path, timeout: float, jail: Jail) -> CheckResult:
    started = time.perf_counter()
    passed, output = execute(args, cwd, timeout, jail)
    return _result(name, started, passed, output)


def _result(name: str, started: float, passed: bool, output: str) -> CheckResult:
    return CheckResult(
        name=name,
        passed=passed,
        weight=WEIGHTS[name],
        duration_seconds=round(time.perf_counter() - started, 3),
        output=output.strip()[-MAX_OUTPUT:],
        advisory=name in ADVISORY_GATES,
    )


def _skipped(name: str, why: str, *, passed: bool = True) -> CheckResult:
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


def _contract_check(files: FileSet, nodes: list[str]) -> CheckResult:
    """Our strict schema of ``contract.yaml``."""
    started = time.perf_counter()
    if not nodes:
        return _result("contract_schema", started, False, "no contract.yaml among the files")
    problems = []
    for node in nodes:
        try:
            validate_contract_text(files.files[f"{node}/contract.yaml"])
        except (ValidationError, ValueError, yaml.YAMLError) as exc:
            problems.append(f"{node}/contract.yaml is invalid: {exc}")
    return _result("contract_schema", started, not problems, "\n".join(problems))


def read_result(path: Path) -> str | None:
    """A result file a check wrote (None when there is none): opened without following a
    symbolic link, and only as a regular file, so no process in a jail can point it elsewhere."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as result:
        if not stat.S_ISREG(os.fstat(result.fileno()).st_mode):
            return None
        return result.read().decode("utf-8", errors="replace")


def _complexity_check(space: Workspace, timeout: float) -> tuple[CheckResult, int | None]:
    """Cyclomatic complexity of every function (ruff's mccabe); the highest must be <= 10."""
    started = time.perf_counter()
    root, jail = space.root, space.jails.checks
    args = [ruff_bin(), "check", "--isolated", "--select", "C901", "--config"]
    args += ["lint.mccabe.max-complexity=0", "--output-format", "json", "--exit-zero"]
    report = jail.root / "complexity.json"
    run = _run(
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
    return _result("complexity", started, run.passed and highest <= MAX_COMPLEXITY, output), highest


def _coverage_check(
    space: Workspace, nodes: list[str], timeout: float
) -> tuple[CheckResult, float | None]:
    """Coverage of each node's code by its own tests (recorded while pytest ran); with several
    nodes, the lowest. The report is written by a process that never runs the node's code,
    under our configuration; the data it reads was recorded in the tests' process."""
    started = time.perf_counter()
    jail = space.jails.checks
    report = jail.root / "coverage.json"
    data = space.jails.tests.root / ".coverage"
    run = _run("coverage", coverage_report(space.config, data, report), space.root, timeout, jail)
    try:
        found = json.loads(read_result(report) or "")
        files = found["files"]
        per_node = {node: _covered(files, node) for node in nodes} if len(nodes) > 1 else {}
        lowest = min(per_node, key=lambda n: per_node[n]) if per_node else None
        percent = (
            per_node[lowest] if lowest else round(float(found["totals"]["percent_covered"]), 1)
        )
    except (ValueError, KeyError, TypeError):
        return _result("coverage", started, False, f"no coverage data\n{run.output}"), None
    passed = percent >= MIN_COVERAGE_PCT
    which = f" (lowest: {lowest})" if lowest else ""
    output = f"{percent:.1f}% of statements and branches{which} (minimum {MIN_COVERAGE_PCT:.0f}%)"
    return _result("coverage", started, passed, output), percent


def _covered(files: dict[str, dict[str, dict[str, int]]], node: str) -> float:
    """Statement and branch coverage of the files under ``node``, in percent."""
    sums = [f["summary"] for path, f in files.items() if path.startswith(f"{node}/")]
    hit = sum(s["covered_lines"] + s.get("covered_branches", 0) for s in sums)
    total = sum(s["num_statements"] + s.get("num_branches", 0) for s in sums)
    return round(100.0 * hit / total, 1) if total else 100.0


def _holder(files: FileSet, node: str) -> str:
    """The copyright holder the node's SPDX headers name (its contract's ``metadata.author``)."""
    try:
        data = yaml.safe_load(files.files[f"{node}/contract.yaml"])
        return str(data["metadata"]["author"])
    except (KeyError, TypeError, yaml.YAMLError):
        return DEFAULT_COPYRIGHT


GateOutcome = tuple[bool | None, str, float]
GateResults = dict[str, dict[str, GateOutcome]]  # gate -> node -> outcome


def _gates_run(
    kind: str, holder: str, group: list[str], space: Workspace, timeout: float
) -> GateResults:
    """One ``kind`` process of the gates (see ``ecosystem_gates``) on the ``group`` of nodes:
    per node, per gate, (ok, detail, seconds), read from the result file it wrote in the
    directory only that kind of process may write."""
    jail = space.jails.checks if kind == "static" else space.jails.gates
    script = Path(ecosystem_gates.__file__).resolve()
    result = jail.root / f"gates-{kind}-{uuid.uuid4().hex}.json"
    started = time.perf_counter()
    args = [sys.executable, "-P", str(script), kind, str(result), holder, *group]
    _, output = execute(args, space.root, timeout, jail)
    elapsed = time.perf_counter() - started
    try:
        found = json.loads(read_result(result) or "")
    except ValueError:
        found = {}
    outcomes: GateResults = {}
    for node in group:
        gates = found.get(node, {}) if isinstance(found, dict) else {}
        gates = gates if isinstance(gates, dict) else {}
        for name, _, _ in ecosystem_gates.gates_of(kind):
            why = f"the gates did not run\n{output}" if not gates else "no result"
            gate = gates.get(name)
            if not isinstance(gate, dict) or gate.get("ok") not in (True, False, None):
                gate = {"ok": False, "detail": why}
            outcomes.setdefault(name, {})[node] = (gate["ok"], str(gate.get("detail", "")), elapsed)
    return outcomes


def _gate_checks(
    files: FileSet, nodes: list[str], space: Workspace, timeout: float
) -> list[CheckResult]:
    """The ecosystem's gates on each ONEX node (standalone nodes are not ONEX nodes): those that
    only read the node's files in a process that never runs its code, those that import it in
    another; both at once."""
    onex = [n for n in nodes if f"{n}/node.py" in files.files]
    if not onex or not omnibase_core_available():
        why = "not an ONEX node" if not onex else "omnibase-core is not installed"
        return [_skipped(name, why) for name in (*SCORED_GATES, *ADVISORY_GATES)]
    holders: dict[str, list[str]] = {}
    for node in onex:
        holders.setdefault(_holder(files, node), []).append(node)
    runs = len(holders) * len(ecosystem_gates.KINDS)
    results: dict[str, list[tuple[str, GateOutcome]]] = {}
    ran_node: set[str] = set()  # the gates whose process imported the node's code
    with ThreadPoolExecutor(max_workers=runs, thread_name_prefix="gates") as pool:
        done = {
            pool.submit(_gates_run, kind, holder, group, space, timeout): kind
            for holder, group in holders.items()
            for kind in ecosystem_gates.KINDS
        }
        for future, kind in done.items():
            for name, per_node in future.result().items():
                results.setdefault(name, []).extend(per_node.items())
                if kind == "node":
                    ran_node.add(name)
    checks = []
    for name in (*SCORED_GATES, *ADVISORY_GATES):
        outcomes = sorted(results[name])
        unverified = not space.trusted and name in ran_node
        if all(ok is None for _, (ok, _, _) in outcomes):
            skipped = _skipped(name, outcomes[0][1][1])
            checks.append(_ran_untrusted(skipped) if unverified else skipped)
            continue
        details = "\n".join(
            f"{node}: {detail}" if len(onex) > 1 else detail
            for node, (_, detail, _) in outcomes
            if detail
        )
        checks.append(
            CheckResult(
                name=name,
                passed=all(ok is not False for _, (ok, _, _) in outcomes),
                weight=WEIGHTS[name],
                duration_seconds=round(outcomes[0][1][2], 3),
                output=details[-MAX_OUTPUT:],
                advisory=name in ADVISORY_GATES,
                untrusted_run=unverified,
            )
        )
    return checks


@dataclass(frozen=True)
class Jails:
    """Where each kind of validator process runs, and the only directory each may write (its
    HOME). In the sandbox the copy and the checks' configuration are read-only to every one of
    them: the node's code (its tests, the gates that import it) can change neither what the
    other checks read nor how they are configured nor what they report."""

    checks: Jail  # never runs the node's code: ruff, mypy, coverage's report, the static gates
    tests: Jail  # the node's own tests under coverage
    gates: Jail  # the gates that import the node's code
    fix: Jail  # ruff's fixes, which write the copy (the generator's own code only)

    @property
    def sandboxed(self) -> bool:
        return self.checks.sandboxed

    def of(self, check: str) -> Jail:
        """The jail the command of ``check`` runs in."""
        return self.tests if check == "pytest" else self.checks


def _jails(
    base: Path, root: Path, sandboxed: bool, shared: tuple[Path, ...], server: WarmPython | None
) -> Jails:
    """The jails of a validation whose copy is ``root`` in ``base`` (``shared``: the mypy cache
    its checks write)."""
    config = base / "config"
    floor = tuple(p for p in (base / "pyproject.toml",) if p.exists())  # see place_config
    gates_script = Path(ecosystem_gates.__file__).resolve().parent
    homes = {name: base / name for name in ("checks", "tests", "gates")}
    for home in homes.values():
        home.mkdir()

    def jail(name: str, writable: tuple[Path, ...], readonly: tuple[Path, ...]) -> Jail:
        return Jail(
            root=homes[name],
            sandboxed=sandboxed,
            writable=writable,
            readonly=(root, config, *floor, *readonly),
            server=server,
        )

    return Jails(
        checks=jail("checks", shared, (gates_script, homes["tests"])),
        tests=jail("tests", (), ()),
        gates=jail("gates", (), (gates_script,)),
        fix=Jail(root=homes["checks"], sandboxed=sandboxed, writable=(root,), readonly=floor),
    )


@dataclass(frozen=True)
class Workspace:
    """A private copy of a node and how validators may touch it."""

    root: Path  # the copy of the output root (node package, tests, repository configuration)
    config: Path  # the checks' own configuration (``covered_tests.CONFIG``), outside the copy
    jails: Jails
    mypy_cache: Path
    executes: bool  # whether the node's own code may run here
    trusted: bool  # the generator wrote every file


@functools.cache
def toolchain_modules() -> tuple[str, ...]:
    """What every validation imports: pytest, coverage, mypy and the ecosystem's gates (with
    the caches the gates fill)."""
    gates = Path(ecosystem_gates.__file__).read_text("utf-8")
    found = libraries(FileSet(files={"gates.py": gates}), [])
    return (*PRELOADED, "coverage", "mypy.main", *found, *ecosystem_gates.CACHED_LOADS)


def warm_server(
    sandboxed: bool, mypy_cache: Path, keep_seconds: float = 0.0
) -> warm_python.WarmPython:
    """The warm interpreter for validators, importing the toolchain (started on first use;
    shared with later processes for ``keep_seconds``)."""
    env = scrubbed_env(mypy_cache)
    server = warm_python.warm_python(sandboxed, mypy_cache, env, keep_seconds)
    server.preload(list(toolchain_modules()))
    return server


@contextmanager
def workspace(
    files: FileSet,
    mypy_cache: Path,
    *,
    trusted: bool = True,
    sandbox: SandboxMode = "auto",
    style: StyleConfig | None = None,
    warm: bool = False,
    keep_seconds: float = 0.0,
) -> Iterator[Workspace]:
    """A temporary copy of ``files`` (removed afterwards), the checks' configuration beside it,
    and the jails its checks run in (``Jails``).

    Code the generator wrote (``trusted``) shares the mypy cache and, with ``warm``, runs its
    Python checks in the warm interpreter (the copy is made inside its jail; ``keep_seconds``:
    see ``warm_python``); other
    code gets a private copy of the cache and, where no sandbox is available, is never executed.
    """
    sandboxed = use_bwrap(sandbox)
    server = None
    if warm and trusted:
        with contextlib.suppress(ServerGoneError):  # then a new interpreter per check
            server = warm_server(sandboxed, mypy_cache, keep_seconds)
    parent = server.base if server is not None else None
    with tempfile.TemporaryDirectory(prefix="nodegen-validate-", dir=parent) as tmp:
        base = Path(tmp)
        root = base / "repo"
        write_tree(root, files)
        place_config(root, style)
        config = base / "config"
        config.mkdir()
        for name, text in CONFIG.items():
            (config / name).write_text(text, encoding="utf-8")
        if trusted:
            mypy_cache.mkdir(parents=True, exist_ok=True)
            cache = mypy_cache
        else:
            cache = base / "mypy-cache"
            if mypy_cache.is_dir():
                shutil.copytree(mypy_cache, cache)
            else:
                cache.mkdir()
        shared = (cache,) if sandboxed else ()
        yield Workspace(
            root=root,
            config=config,
            jails=_jails(base, root, sandboxed, shared, server),
            mypy_cache=cache,
            executes=trusted or sandboxed,
            trusted=trusted,
        )


def write_tree(root: Path, files: FileSet) -> None:
    """Write ``files`` under ``root`` (paths are generator-chosen, never user text)."""
    for rel, text in sorted(files.files.items()):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def read_tree(root: Path, names: list[str]) -> FileSet:
    """Read ``names`` back from ``root``."""
    return FileSet(files={rel: (root / rel).read_text(encoding="utf-8") for rel in names})


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


def _commands(files: FileSet, space: Workspace) -> dict[str, list[str]]:
    data = space.jails.tests.root / ".coverage"
    return {
        **ruff_commands(ruff_bin()),
        "mypy": mypy_command(space.mypy_cache),
        # the node's own tests, measuring how much of its code they run
        "pytest": covered_pytest(files, node_dirs(files), space.config, data),
    }


_AHEAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="validate-ahead")
_ahead: dict[tuple[str, ...], Future[ValidationReport]] = {}
_ahead_lock = threading.Lock()


def validate_ahead(
    files: FileSet,
    *,
    timeout: float,
    mypy_cache: Path,
    sandbox: SandboxMode = "auto",
    style: StyleConfig | None = None,
    cache: ValidationCache | None = None,
    warm: bool = False,
    keep_seconds: float = 0.0,
) -> None:
    """Start validating the generator's ``files`` now, in the background: the next
    ``validate_files`` call in this process for the same files and settings takes that report
    (the CLI starts it while Dagster loads; any other files are validated as usual)."""
    key = _ahead_key(files, style, sandbox, timeout, mypy_cache)
    future = _AHEAD.submit(
        _validate,
        files,
        timeout=timeout,
        mypy_cache=mypy_cache,
        trusted=True,
        sandbox=sandbox,
        style=style,
        cache=cache,
        warm=warm,
        keep_seconds=keep_seconds,
    )
    with _ahead_lock:
        _ahead[key] = future


def _ahead_key(
    files: FileSet, style: StyleConfig | None, sandbox: SandboxMode, timeout: float, cache: Path
) -> tuple[str, ...]:
    digest = cache_key(files, style=style, trusted=True, sandboxed=use_bwrap(sandbox))
    return (digest, f"{timeout:g}", str(cache))


def _validated_ahead(key: tuple[str, ...]) -> ValidationReport | None:
    """The report of a validation started ahead for ``key`` (waited for), if there is one."""
    with _ahead_lock:
        future = _ahead.pop(key, None)
    if future is None:
        return None
    try:
        return future.result()
    except Exception:  # validated again by the caller, which reports what goes wrong
        return None


def validate_files(
    files: FileSet,
    *,
    timeout: float,
    mypy_cache: Path,
    trusted: bool = True,
    sandbox: SandboxMode = "auto",
    style: StyleConfig | None = None,
    cache: ValidationCache | None = None,
    warm: bool = False,
    keep_seconds: float = 0.0,
) -> ValidationReport:
    """Run every check on a private copy of ``files``, the slow ones in parallel (with ``warm``,
    the Python ones in the warm interpreter when the files are ``trusted``).

    ``trusted=False`` marks files that include code the generator did not write (hand edits
    merged into a regeneration): outside a sandbox they are checked statically only. With a
    ``cache``, files validated before with the same toolchain get the kept report. Files whose
    validation this process started ahead (``validate_ahead``) get that report.
    """
    if trusted and _ahead:  # nothing started ahead (the served worker): no key to compute
        ahead = _validated_ahead(_ahead_key(files, style, sandbox, timeout, mypy_cache))
        if ahead is not None:
            return ahead
    return _validate(
        files,
        timeout=timeout,
        mypy_cache=mypy_cache,
        trusted=trusted,
        sandbox=sandbox,
        style=style,
        cache=cache,
        warm=warm,
        keep_seconds=keep_seconds,
    )


def _validate(
    files: FileSet,
    *,
    timeout: float,
    mypy_cache: Path,
    trusted: bool,
    sandbox: SandboxMode,
    style: StyleConfig | None,
    cache: ValidationCache | None,
    warm: bool,
    keep_seconds: float,
) -> ValidationReport:
    space = functools.partial(
        workspace,
        files,
        mypy_cache,
        trusted=trusted,
        sandbox=sandbox,
        style=style,
        warm=warm,
        keep_seconds=keep_seconds,
    )
    if cache is None or not trusted:  # hand-edited code: its report is never kept nor reused
        return _check_all(files, timeout, space)
    key = cache_key(files, style=style, trusted=trusted, sandboxed=use_bwrap(sandbox))
    report = cache.get(key)
    if report is None:
        report = _check_all(files, timeout, space)
        cache.put(key, report)
    return report


def _check_all(
    files: FileSet, timeout: float, workspace: Callable[[], AbstractContextManager[Workspace]]
) -> ValidationReport:
    nodes = node_dirs(files)
    with workspace() as space:
        root, jails = space.root, space.jails
        if jails.checks.server is not None:
            jails.checks.server.preload(libraries(files, nodes))
        commands = _commands(files, space)
        held = [] if space.executes else sorted(EXECUTING & commands.keys())
        for name in held:
            del commands[name]
        with ThreadPoolExecutor(max_workers=len(commands) + 2) as pool:
            futures = [
                pool.submit(_run, name, args, root, timeout, jails.of(name))
                for name, args in commands.items()
            ]
            complexity_future = pool.submit(_complexity_check, space, timeout)
            acceptance_future = (
                pool.submit(_acceptance_check, space, files, timeout) if space.executes else None
            )
            gates_future = (
                pool.submit(_gate_checks, files, nodes, space, timeout) if space.executes else None
            )
            results = [future.result() for future in futures]
            complexity, highest = complexity_future.result()
            gates = (
                gates_future.result()
                if gates_future is not None
                else [
                    _skipped(name, NOT_EXECUTED, passed=False)
                    for name in (*SCORED_GATES, *ADVISORY_GATES)
                ]
            )
            acceptance = (
                acceptance_future.result()
                if acceptance_future is not None
                else _not_executed_acceptance(files)
            )
        if space.executes:
            coverage, percent = _coverage_check(space, nodes, timeout)
        else:
            coverage, percent = _skipped("coverage", NOT_EXECUTED, passed=False), None
            results += [_skipped(name, NOT_EXECUTED, passed=False) for name in held]
    if space.executes and not space.trusted:  # what the hand-edited code could have written
        results = [_ran_untrusted(c) if c.name == "pytest" else c for c in results]
        coverage = _ran_untrusted(coverage)
        if not acceptance.skipped:
            acceptance = _ran_untrusted(acceptance)
    behaviour = _behaviour_check(files)
    every = (
        *results,
        _contract_check(files, nodes),
        complexity,
        coverage,
        behaviour,
        acceptance,
        *gates,
    )
    ordered = tuple(sorted(every, key=lambda c: (c.advisory, -c.weight, c.name)))
    return ValidationReport(
        checks=ordered,
        quality_score=quality_score(ordered),
        coverage_pct=percent,
        max_complexity=highest,
        sandboxed=jails.sandboxed,
        static_only=not space.executes,
    )


def _ran_untrusted(check: CheckResult) -> CheckResult:
    return check.model_copy(update={"untrusted_run": True})


def with_prompt_check(report: ValidationReport, spec: NodeSpec) -> ValidationReport:
    """``report`` with the check that the prompt was understood (an operation was read), and
    who read it when a model was asked ("read by ...")."""
    check = CheckResult(
        name=PROMPT_CHECK,
        passed=not spec.review,
        weight=WEIGHTS[PROMPT_CHECK],
        duration_seconds=0.0,
        output="\n".join([*([spec.reading.summary] if spec.reading.model else []), *spec.review]),
    )
    others = tuple(c for c in report.checks if c.name != PROMPT_CHECK)
    checks = tuple(sorted((*others, check), key=lambda c: (c.advisory, -c.weight, c.name)))
    return report.model_copy(update={"checks": checks, "quality_score": quality_score(checks)})


def quality_score(checks: tuple[CheckResult, ...]) -> float:
    """Weighted share of checks passing, in [0, 1]; under the seed's 0.8 bar whenever the
    prompt was not understood, a handler is left to write or an example fails."""
    total = sum(c.weight for c in checks)
    score = round(sum(c.weight for c in checks if c.passed) / total, 3) if total else 0.0
    if any(c.name in DECISIVE and not c.passed and not c.advisory for c in checks):
        score = min(score, DECISIVE_CAP)
    return score


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


def _behaviour_check(files: FileSet) -> CheckResult:
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
        return _skipped(BEHAVIOUR_CHECK, "no handler among the files")
    return _result(BEHAVIOUR_CHECK, started, not left, "\n".join(lines))


def _not_executed_acceptance(files: FileSet) -> CheckResult:
    if not any(rel.startswith(f"{ACCEPTANCE_DIR}/") for rel in files.files):
        return _skipped(ACCEPTANCE_CHECK, "the prompt gives no example")
    return _skipped(ACCEPTANCE_CHECK, NOT_EXECUTED, passed=False)


def _acceptance_check(space: Workspace, files: FileSet, timeout: float) -> CheckResult:
    """The prompt's examples (``tests/acceptance``), run on their own, under our pytest
    configuration, where the node's own tests run (they execute the node's code)."""
    if not any(rel.startswith(f"{ACCEPTANCE_DIR}/") for rel in files.files):
        return _skipped(ACCEPTANCE_CHECK, "the prompt gives no example")
    config = ["-c", str(space.config / PYTEST_INI), "--rootdir", "."]
    args = [sys.executable, "-m", "pytest", *config, "-q", "-p", "no:cacheprovider", ACCEPTANCE_DIR]
    return _run(ACCEPTANCE_CHECK, args, space.root, timeout, space.jails.tests)


ACCEPTANCE_DIR = "tests/acceptance"
