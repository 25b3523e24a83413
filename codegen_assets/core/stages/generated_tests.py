"""Generated tests stage: the node's own tests, where the ecosystem keeps them."""

from __future__ import annotations

from typing import Any

from codegen_assets.core.contract_document import ContractDocument
from codegen_assets.core.layout import NodeLayout
from codegen_assets.core.models import FileSet, NodeSpec
from codegen_assets.core.rendering.render import (
    contract_patterns,
    finish,
    node_context,
    node_layout,
    render,
)


def _metric_checks(ctx: dict[str, Any], op: dict[str, Any]) -> list[str]:
    """Declared counters that one successful request of ``op`` moves by one."""
    metrics = ctx["metrics"]
    names = [
        *metrics["outcome_counters"].get(op["success"]["name"], []),
        *metrics["request_counters"],
    ]
    return sorted(set(names))


def _handler_tests(ctx: dict[str, Any], layout: NodeLayout) -> dict[str, str]:
    node = ctx["node"]
    kind = next(k for k in ("effect", "compute", "reducer", "orchestrator") if node[f"is_{k}"])
    files = {}
    for op in ctx["operations"]:
        op_ctx = {
            **ctx,
            "op": op,
            "result_type": " | ".join(e["model"] for e in op["events"]),
            "metric_checks": _metric_checks(ctx, op) if node["is_effect"] else [],
            "idempotent_op": ctx["idempotent"] and bool(op["idempotency_field"]),
            "changeable": len(op["fields"]) > (1 if op["key_field"] else 0),
        }
        files[layout.test_path(f"test_{op['handler_module']}.py")] = render(
            f"tests/test_handler_{kind}.py.j2", op_ctx
        )
    return files


def render_tests(spec: NodeSpec, patterns: tuple[str, ...] = ()) -> FileSet:
    """The node's test suite and the ``__init__.py`` markers of the packages around it."""
    ctx = node_context(spec, patterns)
    layout = node_layout(spec)
    fake = ctx["primary"]["fake"] if ctx["primary"] else ""
    shared = {**ctx, "fake": fake, "first": ctx["operations"][0]}
    files = {
        layout.test_path("__init__.py"): render("tests/init.py.j2", ctx),
        layout.test_path("fakes.py"): render("tests/fakes.py.j2", ctx),
        layout.test_path("test_models.py"): render("tests/test_models.py.j2", ctx),
        layout.test_path("test_contract.py"): render("tests/test_contract.py.j2", ctx),
        layout.test_path("test_registry.py"): render("tests/test_registry.py.j2", shared),
        **_handler_tests(shared, layout),
    }
    if ctx["onex"]:
        files[layout.test_path("test_runtime.py")] = render("tests/test_runtime.py.j2", shared)
    if ctx["node"]["is_effect"] or ctx["node"]["is_orchestrator"]:
        files[layout.test_path("test_metrics.py")] = render("tests/test_metrics.py.j2", shared)
    markers = layout.package_markers()
    example_ops = [op for op in ctx["operations"] if op["examples"]]
    if example_ops and ctx["node"]["is_compute"]:
        checks = [c for op in example_ops for e in op["examples"] for c in e["checks"]]
        files[layout.acceptance_path("test_examples.py")] = render(
            "tests/test_examples.py.j2",
            {
                **ctx,
                "example_ops": example_ops,
                "uses_decimal": any("Decimal(" in c for c in checks),
                "uses_approx": any("pytest.approx" in c for c in checks),
            },
        )
        files[layout.acceptance_path("__init__.py")] = render("tests/init.py.j2", ctx)
        markers += layout.acceptance_markers()
    for marker in markers:
        files[marker] = render("tests/marker.py.j2", ctx)
    return FileSet(files=files, create_only=tuple(markers))


def with_tests(spec: NodeSpec, contract: ContractDocument, code: FileSet) -> FileSet:
    """Every file of the node: ``code`` and its tests, formatted as the repository formats."""
    return finish(code.merged(render_tests(spec, contract_patterns(contract))), spec)
