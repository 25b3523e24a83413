"""The ONEX ecosystem's own gates on node directories; writes one JSON object to a file.

Run as a script by an interpreter that has omnibase-core (and omnibase-infra for the infra
gates), inside the validation sandbox, from the copy's root:
``python -P ecosystem_gates.py static|node RESULT SPDX_HOLDER NODE_DIR...`` (the ecosystem is
imported once for all of them). ``static`` runs the gates that only read the node's files (YAML,
AST, text) and never puts the copy on ``sys.path``: an audit hook makes any attempt to execute
code from the copy fail the gate, so what it reports is the gates' own finding. ``node`` runs
the gates that import the node's code (``IMPORTS_NODE``); in that process the node's code runs
and could change what is reported. Each writes its results to ``RESULT``, a file in a directory
only that process may write (never its stdout, which the node's code shares).
Each gate calls the function or command the ecosystem's pre-commit, CI or runtime uses on its
own nodes. It imports nothing from onex-nodegen, so it runs from a read-only copy of this file.

Result: ``{"<node dir>": {"<gate>": {"ok": true|false|null, "kind": "scored"|"advisory",
"detail": "..."}}}``;
``ok`` is null when the gate cannot run here (the detail says why).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import io
import json
import logging
import os
import re
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

Result = tuple[bool | None, str]
DETAIL = 1500


@contextlib.contextmanager
def _quiet() -> Iterator[io.StringIO]:
    buffer = io.StringIO()
    with (
        contextlib.redirect_stdout(buffer),
        contextlib.redirect_stderr(buffer),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        yield buffer


def _tail(text: str, lines: int = 15) -> str:
    kept = [line.rstrip() for line in text.splitlines() if line.strip()]
    return "\n".join(kept[-lines:])


def _at_line(error: str) -> str:
    """``N: message`` for omnibase's ``Line N: message`` (a header's problem is on line 1 when
    it names none), so the finding names a file and a line like every other diagnostic."""
    found = re.match(r"Line (\d+): (.*)", error, re.DOTALL)
    return f"{found[1]}: {found[2]}" if found else f"1: {error}"


def _click(module: str, argv: list[str]) -> Result:
    """A command of the ecosystem's click CLI (``omni-infra``, ``onex``), run in this process:
    the same code the console script runs, without starting another interpreter."""
    from click.testing import CliRunner

    cli = importlib.import_module(module).cli
    result = CliRunner().invoke(cli, argv, env={"NO_COLOR": "1", "COLUMNS": "200"})
    return result.exit_code == 0, _tail(result.output)


def _module_main(module: str, argv: list[str]) -> Result:
    main = importlib.import_module(module).main
    with _quiet() as buffer:
        code = main(argv)
    return code == 0, _tail(buffer.getvalue())


class Gates:
    """The gates of one node directory."""

    def __init__(self, node_dir: Path, holder: str) -> None:
        self.dir = node_dir
        self.holder = holder
        self.contract_path = node_dir / "contract.yaml"
        self.contract: dict[str, Any] = yaml.safe_load(self.contract_path.read_text("utf-8"))
        self.files = sorted(
            p
            for p in node_dir.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix in {".py", ".yaml"}
        )

    # -- pre-commit hooks of omnibase-infra -----------------------------------------------
    def infra_contract_lint(self) -> Result:
        from omnibase_infra.validation.linter_contract import lint_contracts_in_directory

        report = lint_contracts_in_directory(
            str(self.dir), check_imports=True, strict_mode=False, check_dependencies=False
        )
        shown = [
            f"{v.severity.value.upper()} {v.field_path}: {v.message}"
            for v in report.violations
            if v.severity.value.lower() in ("error", "warning")
        ]
        ok = bool(report.is_valid) and report.files_checked > 0
        return ok, "\n".join(shown) or f"{report.files_checked} contract(s), no findings"

    def core_validate_contracts(self) -> Result:
        from omnibase_core.validation import validate_contracts

        report = validate_contracts(str(self.dir))
        return bool(report.is_valid), "\n".join(str(e) for e in report.errors or [])

    def infra_declarative_node(self) -> Result:
        from omnibase_infra.validation.validator_declarative_node import (
            validate_declarative_nodes_ci,
        )

        report = validate_declarative_nodes_ci(self.dir)
        if not report.files_checked:
            return False, "no node.py: the validator would pass vacuously"
        shown = [
            f"{Path(str(v.file_path)).name}:{v.line_number} {v.violation_type.value}"
            for v in report.violations
        ]
        return bool(report.passed), "\n".join(shown)

    def infra_handler_routing_schema(self) -> Result:
        return _module_main(
            "omnibase_infra.validators.handler_routing_schema", [str(self.contract_path)]
        )

    def core_operation_match_requires_operation(self) -> Result:
        return _module_main(
            "omnibase_core.validators.operation_match_requires_operation",
            [str(self.contract_path)],
        )

    def infra_tenant_scoped_ingress(self) -> Result:
        return _module_main(
            "omnibase_infra.validators.tenant_scoped_ingress_schema", [str(self.contract_path)]
        )

    def core_backend_secret_discipline(self) -> Result:
        yamls = [str(p) for p in self.files if p.suffix == ".yaml"]
        return _module_main("omnibase_core.validators.backend_secret_discipline", yamls)

    def infra_handler_any_signature(self) -> Result:
        return _module_main(
            "omnibase_infra.validators.handler_any_signature",
            ["--max-violations", "0", str(self.dir)],
        )

    def infra_handler_dispatch_entrypoint(self) -> Result:
        from omnibase_infra.validators.handler_dispatch_entrypoint import (
            declared_handlers,
            entrypointless,
        )

        declared = declared_handlers(self.dir)
        if not declared:
            return False, "handler_routing declares no handler {name, module}"
        missing = sorted(entrypointless(declared))
        return not missing, "\n".join(f"{c}:{h} has no handle()" for c, h in missing)

    def core_no_plugin_daemon_classes(self) -> Result:
        pys = [str(p) for p in self.files if p.suffix == ".py"]
        return _module_main("omnibase_core.validators.no_plugin_daemon_classes", pys)

    def core_spdx_headers(self) -> Result:
        """``onex spdx validate``, with the configured copyright holder in the expected line."""
        from omnibase_core.cli import cli_spdx

        cli_spdx.SPDX_COPYRIGHT_LINE = f"# SPDX-FileCopyrightText: 2025 {self.holder}"
        problems = [
            f"{p.relative_to(self.dir)}:{_at_line(error)}"
            for p in self.files
            if (error := cli_spdx.validate_spdx_source(p.read_text("utf-8")))
        ]
        return not problems, "\n".join(problems)

    # -- CI entry point and runtime ------------------------------------------------------
    def omni_infra_validate_all(self) -> Result:
        args = ["validate", "all", str(self.dir), "--nodes-dir", str(self.dir)]
        return _click("omnibase_infra.cli.commands", args)

    def handler_import(self) -> Result:
        problems, checked = [], 0
        for i, entry in enumerate(self.contract.get("handler_routing", {}).get("handlers", [])):
            for key in ("handler", "event_model", "input_model"):
                ref = entry.get(key)
                if not isinstance(ref, dict):
                    continue
                checked += 1
                try:
                    getattr(importlib.import_module(ref["module"]), ref["name"])
                except Exception as exc:
                    problems.append(f"handlers[{i}].{key}: {type(exc).__name__}: {exc}")
        if not checked:
            return False, "handler_routing names no handler"
        return not problems, "\n".join(problems) or f"{checked} reference(s) import"

    def infra_auto_wiring_smoke(self) -> Result:
        from omnibase_core.models.container.model_onex_container import ModelONEXContainer
        from omnibase_infra.runtime.auto_wiring.discovery import discover_contracts_from_paths
        from omnibase_infra.runtime.auto_wiring.handler_wiring import wire_from_manifest
        from omnibase_infra.runtime.message_dispatch_engine import MessageDispatchEngine

        manifest = discover_contracts_from_paths([self.contract_path])
        if manifest.errors:
            return False, "\n".join(str(e.error) for e in manifest.errors)

        async def wire() -> Any:
            return await wire_from_manifest(
                manifest, MessageDispatchEngine(), event_bus=None, container=ModelONEXContainer()
            )

        report = asyncio.run(wire())
        rows = [
            f"{r.contract_name}: {r.outcome.value} {r.reason} {list(r.dispatchers_registered)}"
            for r in report.results
        ]
        ok = bool(report.results) and all(
            r.outcome.value == "wired" and r.dispatchers_registered for r in report.results
        )
        return ok, "\n".join(rows)

    # -- advisory: core checks the ecosystem's own infra nodes do not pass ----------------
    def core_onex_validate(self) -> Result:
        return _click("omnibase_core.cli.cli_commands", ["validate", str(self.dir)])

    def core_typed_contract_model(self) -> Result:
        from omnibase_core.enums.enum_validator_mode import EnumValidatorMode
        from omnibase_core.normalization.contract_validator import validate_contract_file

        with tempfile.TemporaryDirectory() as tmp:
            staged = Path(tmp) / "nodes" / self.dir.name / "contract.yaml"
            staged.parent.mkdir(parents=True)
            staged.write_text(self.contract_path.read_text("utf-8"), encoding="utf-8")
            report = validate_contract_file(staged, mode=EnumValidatorMode.STRICT)
        return bool(report.passed), "\n".join(str(e)[:300] for e in report.errors or [])

    def core_handler_routing_model(self) -> Result:
        from omnibase_core.models.contracts.subcontracts.model_handler_routing_subcontract import (
            ModelHandlerRoutingSubcontract,
        )

        try:
            ModelHandlerRoutingSubcontract.model_validate(self.contract.get("handler_routing"))
        except Exception as exc:
            return False, str(exc)
        return True, ""


SCORED: tuple[tuple[str, str], ...] = (
    ("infra_contract_lint", "infra"),
    ("core_validate_contracts", "core"),
    ("infra_declarative_node", "infra"),
    ("infra_handler_routing_schema", "infra"),
    ("core_operation_match_requires_operation", "core"),
    ("infra_tenant_scoped_ingress", "infra"),
    ("core_backend_secret_discipline", "core"),
    ("infra_handler_any_signature", "infra"),
    ("infra_handler_dispatch_entrypoint", "infra"),
    ("core_no_plugin_daemon_classes", "core"),
    ("core_spdx_headers", "core"),
    ("omni_infra_validate_all", "infra"),
    ("handler_import", "core"),
    ("infra_auto_wiring_smoke", "infra"),
)
ADVISORY: tuple[tuple[str, str], ...] = (
    ("core_onex_validate", "core"),
    ("core_typed_contract_model", "core"),
    ("core_handler_routing_model", "core"),
)
# The gates that import the node's modules (read in omnibase-core 0.47 / omnibase-infra 0.38):
# the contract linter with check_imports, the handler entry-point check, our import check and
# the auto-wiring smoke test. Every other gate reads YAML, parses Python with ``ast``, or reads
# text; ``validate all``'s circular-import check imports by module name, which without the copy
# on ``sys.path`` resolves only to installed modules.
IMPORTS_NODE = frozenset(
    {
        "infra_contract_lint",
        "infra_handler_dispatch_entrypoint",
        "handler_import",
        "infra_auto_wiring_smoke",
    }
)
KINDS = ("static", "node")

# Cached loads of omnibase-infra's own packaged configuration that the gates make on every run
# (0.8 s of pure-Python YAML): a warm interpreter calls them once, and its children inherit the
# cache.
CACHED_LOADS = (
    "omnibase_infra.validation.infra_validators:_load_exemptions_yaml",
    "omnibase_infra.validation.infra_validators:load_skip_directories_from_yaml",
)


def _add_import_root(node_dir: Path) -> None:
    """The directory above the node's top-most package, so its modules import by name."""
    top = node_dir
    while (top.parent / "__init__.py").exists():
        top = top.parent
    sys.path.insert(0, str(top.parent))


def refuse_code_from(root: Path) -> None:
    """From now on, executing code compiled from a file under ``root`` raises (an audit hook,
    which cannot be removed): the static gates read the node's files and never run them."""
    prefix = os.path.join(os.path.realpath(root), "")

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event != "exec" or not args:
            return
        filename = getattr(args[0], "co_filename", "")
        if (
            isinstance(filename, str)
            and os.path.isabs(filename)
            and os.path.realpath(filename).startswith(prefix)
        ):
            raise PermissionError(f"a static gate tried to run the node's code ({filename})")

    sys.addaudithook(hook)


def gates_of(kind: str) -> list[tuple[str, str, str]]:
    """(gate, package, scored|advisory) of every gate a ``kind`` process runs."""
    every = [(n, p, "scored") for n, p in SCORED] + [(n, p, "advisory") for n, p in ADVISORY]
    node = kind == "node"
    return [gate for gate in every if (gate[0] in IMPORTS_NODE) == node]


def run(node_dir: Path, holder: str, kind: str = "node") -> dict[str, dict[str, Any]]:
    """The ``kind`` gates on ``node_dir``."""
    if kind == "node":
        _add_import_root(node_dir)
    logging.disable(logging.CRITICAL)
    have_infra = importlib.util.find_spec("omnibase_infra") is not None
    gates = Gates(node_dir, holder)
    results: dict[str, dict[str, Any]] = {}
    for name, package, scored in gates_of(kind):
        outcome: Result
        if package == "infra" and not have_infra:
            outcome = None, "omnibase-infra is not installed"
        else:
            gate: Callable[[], Result] = getattr(gates, name)
            try:
                with _quiet():
                    outcome = gate()
            except Exception as exc:  # a gate that crashes is a failing gate
                outcome = False, f"the gate raised {type(exc).__name__}: {exc}"
        ok, detail = outcome
        results[name] = {"ok": ok, "kind": scored, "detail": detail[-DETAIL:]}
    return results


def main(argv: list[str]) -> None:
    """``static|node RESULT HOLDER NODE_DIR...``, run from the copy's root."""
    kind, result, holder, *directories = argv
    if kind not in KINDS:
        raise SystemExit(f"the kind of gates is one of {KINDS}, not {kind!r}")
    if kind == "static":
        refuse_code_from(Path.cwd())
    found = {d: run(Path(d).resolve(), holder, kind) for d in directories}
    with open(result, "x", encoding="utf-8") as out:  # a new file: nothing planted is reused
        json.dump(found, out)


if __name__ == "__main__":
    main(sys.argv[1:])
