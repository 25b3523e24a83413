"""Rendering a node's files from the Jinja2 templates, formatted as its repository formats code."""

from __future__ import annotations

import textwrap
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from codegen_assets.core import version
from codegen_assets.core.layout import NodeLayout
from codegen_assets.core.models import FileSet, Intelligence, NodeSpec
from codegen_assets.core.node_context import build_context, doc_text, spdx_header
from codegen_assets.core.plan import NodePlan, plan_node
from codegen_assets.core.pysource import py_literal
from codegen_assets.core.stages.contract import ContractDocument, build_contract, contract_yaml
from codegen_assets.core.stages.validation_report import ruff_bin
from codegen_assets.core.style import format_files, line_length

TEMPLATES = "onex"


@pass_context
def docstring(context: Context, summary: str, details: str, indent: int) -> str:
    """A docstring at ``indent`` that fits the repository's line length."""
    width: int = context["width"]
    room = max(width - indent, 30)
    head = doc_text(summary) + "."
    body = doc_text(details) + "." if details else ""
    if body == head:
        body = ""
    pad = " " * indent
    if not body and len(head) + 6 <= room:
        return f'"""{head}"""'
    lines = textwrap.wrap(head, room - 3)
    if body:
        lines += ["", *textwrap.wrap(body, room)]
    return '"""' + f"\n{pad}".join(lines).replace(f"\n{pad}\n", "\n\n") + f"\n{pad}" + '"""'


@cache
def environment() -> Environment:
    """The template environment: strict, no autoescaping (the output is Python, not HTML)."""
    env = Environment(
        loader=PackageLoader("codegen_assets.core", "templates"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.globals["docstring"] = docstring
    env.filters["py"] = py_literal
    return env


def _render(template: str, context: dict[str, Any]) -> str:
    return environment().get_template(f"{TEMPLATES}/{template}").render(**context)


def _plan(spec: NodeSpec) -> tuple[NodePlan, NodeLayout]:
    layout = NodeLayout.of(spec, spec.options.package)
    return plan_node(spec, layout), layout


def _context(spec: NodeSpec, patterns: tuple[str, ...]) -> dict[str, Any]:
    plan, _ = _plan(spec)
    return build_context(plan, spec.options, patterns, line_length(spec.style))


def _operation_files(ctx: dict[str, Any], layout: NodeLayout) -> dict[str, str]:
    node = ctx["node"]
    kind = next(k for k in ("effect", "compute", "reducer", "orchestrator") if node[f"is_{k}"])
    files: dict[str, str] = {}
    for op in ctx["operations"]:
        events = [e["model"] for e in op["events"]]
        op_ctx = {
            **ctx,
            "op": op,
            "result_type": " | ".join(events),
            "idempotent_op": ctx["idempotent"] and bool(op["idempotency_field"]),
            "step_union": " | ".join(d["protocol"] for d in ctx["deps"]),
        }
        files[layout.path(f"handlers/{op['handler_module']}.py")] = _render(
            f"handlers/handler_{kind}.py.j2", op_ctx
        )
        files[layout.path(f"models/{op['request_module']}.py")] = _render(
            "models/model_request.py.j2", op_ctx
        )
        if node["is_effect"]:
            files[layout.path(f"models/{op['reply_module']}.py")] = _render(
                "models/model_reply.py.j2", op_ctx
            )
    return files


def _model_modules(ctx: dict[str, Any]) -> list[tuple[str, str]]:
    models = [(op["request_module"], op["request_model"]) for op in ctx["operations"]]
    if ctx["node"]["is_effect"]:
        models += [(op["reply_module"], op["reply_model"]) for op in ctx["operations"]]
    if ctx["node"]["is_reducer"]:
        models.append((ctx["node"]["state_module"], ctx["node"]["state_model"]))
    models += [(e["module"], e["model"]) for e in ctx["events"]]
    return sorted(models)


def _dependency_files(ctx: dict[str, Any], layout: NodeLayout) -> dict[str, str]:
    files = {layout.path("protocols/__init__.py"): _render("protocols/__init__.py.j2", ctx)}
    requests = [(op["request_module"], op["request_model"]) for op in ctx["operations"]]
    replies = [(op["reply_module"], op["reply_model"]) for op in ctx["operations"]]
    for index, dep in enumerate(ctx["deps"]):
        primary = index == 0 and ctx["node"]["is_effect"]
        imports = requests if ctx["node"]["is_orchestrator"] else []
        if primary:
            imports = sorted([*requests, *replies])
        dep_ctx = {
            **ctx,
            "dep": {**dep, "summary": dep["doc"]},
            "primary_dep": primary,
            "imports": imports,
            "step_request": " | ".join(name for _, name in requests),
        }
        files[layout.path(f"protocols/{dep['module']}.py")] = _render(
            "protocols/protocol.py.j2", dep_ctx
        )
    return files


def render_node_code(spec: NodeSpec, contract: ContractDocument) -> FileSet:
    """``contract.yaml``, the node shell, handlers, requests, protocols, registry and support."""
    _, layout = _plan(spec)
    patterns = contract_patterns(contract)
    ctx = _context(spec, patterns)
    node = ctx["node"]
    exports = [
        *(op["handler_class"] for op in ctx["operations"]),
        *(e["model"] for e in ctx["events"]),
        *(op["request_model"] for op in ctx["operations"]),
        *([node["class_name"]] if ctx["onex"] else []),
        node["registry_class"],
    ]
    events = " | ".join(e["model"] for e in ctx["events"])
    active = node["is_effect"] or node["is_orchestrator"]
    registry_ctx = {**ctx, "uses_metrics": active, "uses_sleep": active}
    files = {
        layout.path("contract.yaml"): contract_yaml(contract, spdx_header(spec.options)),
        layout.path("__init__.py"): _render(
            "package_init.py.j2", {**ctx, "exports": sorted(exports)}
        ),
        layout.path("handlers/__init__.py"): _render("handlers/__init__.py.j2", ctx),
        layout.path("models/__init__.py"): _render(
            "models/__init__.py.j2", {**ctx, "models": _model_modules(ctx)}
        ),
        layout.path("registry/__init__.py"): _render("registry/__init__.py.j2", ctx),
        layout.path(f"registry/{node['registry_module']}.py"): _render(
            "registry/registry.py.j2", registry_ctx
        ),
        **_operation_files(ctx, layout),
    }
    if active or (ctx["onex"] and node["core_dispatch"]):
        files[layout.path("errors.py")] = _render("errors.py.j2", ctx)
    if ctx["onex"]:
        files[layout.path("node.py")] = _render("node.py.j2", ctx)
        if node["core_dispatch"]:
            files[layout.path("core_dispatch.py")] = _render(
                "core_dispatch.py.j2", {**ctx, "all_events": events}
            )
    if active:
        if ctx["onex"]:
            files[layout.path("dependencies.py")] = _render("dependencies.py.j2", ctx)
        files[layout.path("resilience.py")] = _render("resilience.py.j2", ctx)
        files[layout.path("metrics.py")] = _render("metrics.py.j2", ctx)
        files.update(_dependency_files(ctx, layout))
    if node["is_reducer"]:
        files[layout.path(f"models/{node['state_module']}.py")] = _render(
            "models/model_state.py.j2", ctx
        )
    return FileSet(files=files)


def render_event_bus(spec: NodeSpec) -> FileSet:
    """The typed event models the handlers return and the runtime publishes."""
    _, layout = _plan(spec)
    ctx = _context(spec, ())
    files: dict[str, str] = {}
    for event in ctx["events"]:
        op = next(o for o in ctx["operations"] if o["name"] == event["op"])
        key = op["key_field"] if not ctx["node"]["is_reducer"] else None
        field = next((f for f in op["fields"] if f["name"] == key), None)
        kind = event["kind"]
        needs_field = (
            (kind in ("success", "conflict") and bool(op["version_field"]))
            or ctx["node"]["is_effect"]
            or ctx["node"]["is_compute"]
        )
        files[layout.path(f"models/{event['module']}.py")] = _render(
            "models/model_event.py.j2",
            {
                **ctx,
                "event": event,
                "op": op,
                "key": key,
                "key_annotation": field["annotation"] if field else "",
                "key_is_str": bool(field and field["type"] == "string"),
                "key_is_datetime": False,
                "needs_field": needs_field,
                "needs_json": ctx["node"]["is_effect"]
                and not (op["version_field"] and kind in ("success", "conflict")),
                "event_summary": _event_summary(event, op),
            },
        )
    return FileSet(files=files)


def _event_summary(event: dict[str, Any], op: dict[str, Any]) -> str:
    kinds = {
        "success": f"{op['name']} succeeded",
        "conflict": f"{op['name']} was refused: the stored version is not the expected one",
        "failure": f"{op['name']} failed; completed steps were compensated",
        "state": "the state after an event was folded",
        "outcome": f"{op['name']} ended with {event['name']}",
    }
    return f"{event['name']}: {kinds[event['kind']]}"


def contract_patterns(contract: ContractDocument) -> tuple[str, ...]:
    """The design patterns the contract's configuration names."""
    return tuple(contract.config.patterns)


def node_context(spec: NodeSpec, patterns: tuple[str, ...] = ()) -> dict[str, Any]:
    """The template context of ``spec`` and its layout."""
    return _context(spec, patterns)


def node_layout(spec: NodeSpec) -> NodeLayout:
    """Where ``spec``'s files go."""
    return _plan(spec)[1]


def render(template: str, context: dict[str, Any]) -> str:
    """One template of the node set."""
    return _render(template, context)


def build_node_contract(spec: NodeSpec, intelligence: Intelligence) -> ContractDocument:
    """The contract of ``spec`` (stage 3)."""
    plan, _ = _plan(spec)
    return build_contract(
        plan,
        intelligence,
        holder=spec.options.copyright_holder,
        license_id=spec.options.license,
        generator=f"onex-nodegen {version.GENERATOR_VERSION}",
    )


def finish(files: FileSet, spec: NodeSpec) -> FileSet:
    """Format the Python files as the target repository does."""
    return format_files(files, spec.style, ruff_bin())
