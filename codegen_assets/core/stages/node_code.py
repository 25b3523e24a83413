"""Node code stage: ``contract.yaml``, the node shell, handlers, models, protocols, registry."""

from __future__ import annotations

from typing import Any

from codegen_assets.core.contract_document import ContractDocument, contract_yaml
from codegen_assets.core.layout import NodeLayout
from codegen_assets.core.models import FileSet, NodeSpec
from codegen_assets.core.rendering.node_context import spdx_header
from codegen_assets.core.rendering.render import (
    contract_patterns,
    node_context,
    node_layout,
    render,
)


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
        files[layout.path(f"handlers/{op['handler_module']}.py")] = render(
            f"handlers/handler_{kind}.py.j2", op_ctx
        )
        files[layout.path(f"models/{op['request_module']}.py")] = render(
            "models/model_request.py.j2", op_ctx
        )
        if node["is_effect"]:
            files[layout.path(f"models/{op['reply_module']}.py")] = render(
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
    models += [(e["module"], e["name"]) for e in ctx["enums"]]
    models += [(m["module"], m["class_name"]) for m in ctx["nested"]]
    return sorted(models)


def _dependency_files(ctx: dict[str, Any], layout: NodeLayout) -> dict[str, str]:
    files = {layout.path("protocols/__init__.py"): render("protocols/__init__.py.j2", ctx)}
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
        files[layout.path(f"protocols/{dep['module']}.py")] = render(
            "protocols/protocol.py.j2", dep_ctx
        )
    return files


def render_node_code(spec: NodeSpec, contract: ContractDocument) -> FileSet:
    """``contract.yaml``, the node shell, handlers, requests, protocols, registry and support."""
    layout = node_layout(spec)
    patterns = contract_patterns(contract)
    ctx = node_context(spec, patterns)
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
        layout.path("__init__.py"): render(
            "package_init.py.j2", {**ctx, "exports": sorted(exports)}
        ),
        layout.path("handlers/__init__.py"): render("handlers/__init__.py.j2", ctx),
        layout.path("models/__init__.py"): render(
            "models/__init__.py.j2", {**ctx, "models": _model_modules(ctx)}
        ),
        layout.path("registry/__init__.py"): render("registry/__init__.py.j2", ctx),
        layout.path(f"registry/{node['registry_module']}.py"): render(
            "registry/registry.py.j2", registry_ctx
        ),
        **_operation_files(ctx, layout),
    }
    placeholder = any(op["behaviour"]["body"] == "placeholder" for op in ctx["operations"])
    if active or placeholder or (ctx["onex"] and node["core_dispatch"]):
        files[layout.path("errors.py")] = render("errors.py.j2", ctx)
    if ctx["onex"]:
        files[layout.path("node.py")] = render("node.py.j2", ctx)
        if node["core_dispatch"]:
            files[layout.path("core_dispatch.py")] = render(
                "core_dispatch.py.j2", {**ctx, "all_events": events}
            )
    if active:
        if ctx["onex"]:
            files[layout.path("dependencies.py")] = render("dependencies.py.j2", ctx)
        files[layout.path("resilience.py")] = render("resilience.py.j2", ctx)
        files[layout.path("metrics.py")] = render("metrics.py.j2", ctx)
        files.update(_dependency_files(ctx, layout))
    if node["is_reducer"]:
        files[layout.path(f"models/{node['state_module']}.py")] = render(
            "models/model_state.py.j2", ctx
        )
    for enum in ctx["enums"]:
        files[layout.path(f"models/{enum['module']}.py")] = render(
            "models/enum.py.j2", {**ctx, "enum": enum}
        )
    for model in ctx["nested"]:
        files[layout.path(f"models/{model['module']}.py")] = render(
            "models/model_nested.py.j2", {**ctx, "model": model}
        )
    return FileSet(files=files)
