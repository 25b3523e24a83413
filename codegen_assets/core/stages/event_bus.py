"""Event bus stage: the typed event models the handlers return and the runtime publishes."""

from __future__ import annotations

from typing import Any

from codegen_assets.core.models import FileSet, NodeSpec
from codegen_assets.core.rendering.field_context import import_block
from codegen_assets.core.rendering.render import node_context, node_layout, render


def render_event_bus(spec: NodeSpec) -> FileSet:
    """The event models alone."""
    layout = node_layout(spec)
    ctx = node_context(spec)
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
        with_outputs = kind in ("success", "outcome") and bool(op["outputs"])
        with_outputs = with_outputs and not ctx["node"]["is_reducer"]
        needs_json = ctx["node"]["is_effect"] and not with_outputs
        needs_json = needs_json and not (op["version_field"] and kind in ("success", "conflict"))
        files[layout.path(f"models/{event['module']}.py")] = render(
            "models/model_event.py.j2",
            {
                **ctx,
                "event": event,
                "op": op,
                "key": key,
                "key_annotation": field["annotation"] if field else "",
                "key_is_str": bool(field and field["type"] == "string"),
                "event_imports": import_block(
                    _event_imports(ctx, op, field, needs_field, needs_json, with_outputs)
                ),
                "event_summary": _event_summary(event, op),
            },
        )
    return FileSet(files=files)


def _event_imports(
    ctx: dict[str, Any],
    op: dict[str, Any],
    key: dict[str, Any] | None,
    needs_field: bool,
    needs_json: bool,
    with_outputs: bool,
) -> dict[str, set[str]]:
    needed: dict[str, set[str]] = {"typing": {"Literal"}, "uuid": {"UUID"}}
    needed["pydantic"] = {"BaseModel", "ConfigDict"}
    if needs_field:
        needed["pydantic"].add("Field")
    if needs_json:
        needed["pydantic"].add("JsonValue")
    if key is not None:
        for module, names in op["key_imports"].items():
            needed.setdefault(module, set()).update(names)
    if with_outputs:
        for module, names in op["output_imports"].items():
            needed.setdefault(module, set()).update(names)
    if ctx["node"]["is_reducer"]:
        needed[f".{ctx['node']['state_module']}"] = {ctx["node"]["state_model"]}
    return needed


def _event_summary(event: dict[str, Any], op: dict[str, Any]) -> str:
    kinds = {
        "success": f"{op['name']} succeeded",
        "conflict": f"{op['name']} was refused: the stored version is not the expected one",
        "failure": f"{op['name']} failed; completed steps were compensated",
        "state": "the state after an event was folded",
        "outcome": f"{op['name']} ended with {event['name']}",
    }
    return f"{event['name']}: {kinds[event['kind']]}"


def with_event_bus(spec: NodeSpec, node_code: FileSet) -> FileSet:
    """The node's code with its event models added (stage 5)."""
    return node_code.merged(render_event_bus(spec))
