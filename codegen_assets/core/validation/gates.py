"""The ONEX ecosystem's own gates on each node of the copy (``ecosystem_gates``, run as a
script): those that only read the node's files in a process that never runs its code, those that
import it in another, both at once; one check per gate.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from codegen_assets.core.models import DEFAULT_COPYRIGHT, CheckResult, FileSet
from codegen_assets.core.validation import ecosystem_gates
from codegen_assets.core.validation.checks import (
    ADVISORY_GATES,
    MAX_OUTPUT,
    SCORED_GATES,
    WEIGHTS,
    ran_untrusted,
    skipped_check,
)
from codegen_assets.core.validation.onex_oracle import omnibase_core_available
from codegen_assets.core.validation.runner import execute, read_result
from codegen_assets.core.validation.workspace import Workspace


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


def gate_checks(
    files: FileSet, nodes: list[str], space: Workspace, timeout: float
) -> list[CheckResult]:
    """The ecosystem's gates on each ONEX node (standalone nodes are not ONEX nodes): those that
    only read the node's files in a process that never runs its code, those that import it in
    another; both at once."""
    onex = [n for n in nodes if f"{n}/node.py" in files.files]
    if not onex or not omnibase_core_available():
        why = "not an ONEX node" if not onex else "omnibase-core is not installed"
        return [skipped_check(name, why) for name in (*SCORED_GATES, *ADVISORY_GATES)]
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
            skipped = skipped_check(name, outcomes[0][1][1])
            checks.append(ran_untrusted(skipped) if unverified else skipped)
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
