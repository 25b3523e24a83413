"""The validation report: every check run on a private copy, the slow ones in parallel, put
together with the node's coverage, complexity and quality score.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager

from codegen_assets.core.models import CheckResult, FileSet, ValidationReport
from codegen_assets.core.validation.checks import (
    ADVISORY_GATES,
    DECISIVE,
    DECISIVE_CAP,
    EXECUTING,
    NOT_EXECUTED,
    SCORED_GATES,
    acceptance_check,
    behaviour_check,
    complexity_check,
    contract_check,
    coverage_check,
    node_dirs,
    not_executed_acceptance,
    ran_untrusted,
    run_check,
    skipped_check,
    tool_commands,
)
from codegen_assets.core.validation.covered_tests import libraries
from codegen_assets.core.validation.gates import gate_checks
from codegen_assets.core.validation.workspace import Workspace


def check_all(
    files: FileSet, timeout: float, workspace: Callable[[], AbstractContextManager[Workspace]]
) -> ValidationReport:
    nodes = node_dirs(files)
    with workspace() as space:
        root, jails = space.root, space.jails
        if jails.checks.server is not None:
            jails.checks.server.preload(libraries(files, nodes))
        commands = tool_commands(files, space)
        held = [] if space.executes else sorted(EXECUTING & commands.keys())
        for name in held:
            del commands[name]
        with ThreadPoolExecutor(max_workers=len(commands) + 2) as pool:
            futures = [
                pool.submit(run_check, name, args, root, timeout, jails.of(name))
                for name, args in commands.items()
            ]
            complexity_future = pool.submit(complexity_check, space, timeout)
            acceptance_future = (
                pool.submit(acceptance_check, space, files, timeout) if space.executes else None
            )
            gates_future = (
                pool.submit(gate_checks, files, nodes, space, timeout) if space.executes else None
            )
            results = [future.result() for future in futures]
            complexity, highest = complexity_future.result()
            gates = (
                gates_future.result()
                if gates_future is not None
                else [
                    skipped_check(name, NOT_EXECUTED, passed=False)
                    for name in (*SCORED_GATES, *ADVISORY_GATES)
                ]
            )
            acceptance = (
                acceptance_future.result()
                if acceptance_future is not None
                else not_executed_acceptance(files)
            )
        if space.executes:
            coverage, percent = coverage_check(space, nodes, timeout)
        else:
            coverage, percent = skipped_check("coverage", NOT_EXECUTED, passed=False), None
            results += [skipped_check(name, NOT_EXECUTED, passed=False) for name in held]
    if space.executes and not space.trusted:  # what the hand-edited code could have written
        results = [ran_untrusted(c) if c.name == "pytest" else c for c in results]
        coverage = ran_untrusted(coverage)
        if not acceptance.skipped:
            acceptance = ran_untrusted(acceptance)
    behaviour = behaviour_check(files)
    every = (
        *results,
        contract_check(files, nodes),
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


def quality_score(checks: tuple[CheckResult, ...]) -> float:
    """Weighted share of checks passing, in [0, 1]; under the seed's 0.8 bar whenever the
    prompt was not understood, a handler is left to write or an example fails."""
    total = sum(c.weight for c in checks)
    score = round(sum(c.weight for c in checks if c.passed) / total, 3) if total else 0.0
    if any(c.name in DECISIVE and not c.passed and not c.advisory for c in checks):
        score = min(score, DECISIVE_CAP)
    return score
