"""The template context of a node: every name and literal the templates print."""

from __future__ import annotations

import json
import re
import textwrap
import unicodedata
from typing import Any

from codegen_assets.core.layout import NodeLayout
from codegen_assets.core.models import (
    FieldType,
    GenerationOptions,
    InputField,
    MetricKind,
    ModelSpec,
    NodeSpec,
    NodeType,
    Target,
)
from codegen_assets.core.naming import camel, snake
from codegen_assets.core.plan import NodePlan, OperationPlan
from codegen_assets.core.rendering import field_context as fc
from codegen_assets.core.rendering.pysource import py_literal
from codegen_assets.core.resilience import NODE_BREAKER, NODE_RETRY
from codegen_assets.core.understanding.behaviour import behaviour, divisors, emit, uses_decimal

SPDX_YEAR = 2025  # the ecosystem's header policy freezes the year
# Words in an input's name that make a negative number or an empty text meaningless.
_NON_NEGATIVE = {"version", "count", "size", "limit", "offset", "quantity", "attempts", "retries"}
_NON_NEGATIVE |= {"index", "page", "amount", "total", "age", "duration", "timeout", "qty"}
_NON_EMPTY_SUFFIXES = ("_key", "_id", "_name", "_code", "_ref", "_slug")
_IDEMPOTENCY_KEYS = ("idempotency_key", "action_id", "event_id", "request_id", "message_id")
_ERROR_WORDS = {"error", "errors", "fail", "failed", "failure", "failures", "exception"}
_COMMON_WORDS = {"total", "count", "pct", "rate", "avg", "ms", "per", "sec", "second"}
_STEM = 5


def doc_text(text: str) -> str:
    """Plain ASCII text that is safe inside a docstring."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    flat = re.sub(r"\s+", " ", ascii_text.replace("\\", "/").replace('"', "'")).strip()
    return flat.rstrip(" .") or "Generated ONEX node"


def wrap(text: str, indent: int, width: int) -> str:
    """A docstring body wrapped so no line (with its indentation) passes ``width``."""
    room = max(width - indent, 24)
    lines = textwrap.wrap(doc_text(text) + ".", room, break_long_words=True)
    return ("\n" + " " * indent).join(lines)


def _field(field: InputField, types: fc.Types) -> dict[str, Any]:
    rejected = fc.rejected(field)
    return {
        "name": field.name,
        "annotation": fc.annotation(field, types),
        "default": fc.default(field, types),
        "optional": field.optional,
        "constrained": bool(rejected),
        "rejected": [py_literal(value) for value in rejected],
        "type": field.type.value,
        "is_list": field.is_list,
        "enum": field.enum,
        "model": field.model,
        "written": field.written,
    }


def _sample(op: OperationPlan, index: int, types: fc.Types) -> dict[str, object]:
    values: dict[str, object] = {}
    for field in op.op.inputs:
        values[field.written or field.name] = fc.sample(field, types, index)
    if op.op.version_field:
        values[op.op.version_field] = 0
    return values


def _outputs_sample(op: OperationPlan, index: int, types: fc.Types) -> dict[str, object]:
    return {f.written or f.name: fc.sample(f, types, index) for f in op.op.outputs}


def _stems(words: set[str]) -> set[str]:
    return {w[:_STEM] for w in words if w not in _COMMON_WORDS}


def _metric_roles(spec: NodeSpec, outcomes: list[str]) -> dict[str, Any]:
    """Which runtime fact feeds each declared metric, decided by the words in its name."""
    roles: dict[str, Any] = {"outcome_counters": {}, "rate_gauges": {}}
    for key in ("counters", "gauges", "error_counters", "request_counters", "latency_gauges"):
        roles[key] = []
    common = (
        set.intersection(*(set(o.split("_")) for o in outcomes)) if len(outcomes) > 1 else set()
    )
    outcome_stems = {o: _stems(set(o.split("_")) - common) for o in outcomes}
    for metric in spec.metrics:
        words = set(metric.name.split("_"))
        matched = [o for o in outcomes if outcome_stems[o] & _stems(words)]
        if metric.kind is MetricKind.COUNTER:
            roles["counters"].append(metric.name)
            if words & _ERROR_WORDS:
                roles["error_counters"].append(metric.name)
            elif matched:
                for outcome in matched:
                    roles["outcome_counters"].setdefault(outcome, []).append(metric.name)
            else:
                roles["request_counters"].append(metric.name)
            continue
        roles["gauges"].append(metric.name)
        if "latency" in words:
            roles["latency_gauges"].append(metric.name)
        elif "rate" in words or "pct" in words:
            source = "errors" if words & _ERROR_WORDS else "success"
            if source == "success" and "success" not in words and matched:
                source = matched[0]
            roles["rate_gauges"][metric.name] = source
    return roles


def _event(event: Any, op: OperationPlan) -> dict[str, Any]:
    return {
        "name": event.name,
        "kind": event.kind,
        "model": event.model,
        "module": event.module.rsplit("/", 1)[1],
        "snake": event.snake,
        "topic": event.topic,
        "op": op.name,
    }


def _operation(plan: NodePlan, op: OperationPlan, width: int, types: fc.Types) -> dict[str, Any]:
    fields = [_field(f, types) for f in op.op.inputs]
    outputs = [_field(f, types) for f in op.op.outputs]
    key = op.key_field
    idempotency = next(
        (
            f
            for name in _IDEMPOTENCY_KEYS
            for f in op.op.inputs
            if f.name == name and f.type in (FieldType.UUID, FieldType.STRING) and not f.is_list
        ),
        None,
    )
    events = [_event(e, op) for e in op.events]
    description = op.op.description or f"Handle the {op.name} operation"
    return {
        "name": op.name,
        "pascal": op.pascal,
        "key": op.key,
        "topic": op.topic,
        "event_type": op.event_type,
        "handler_class": op.handler_class,
        "handler_module": op.handler_module.rsplit("/", 1)[1],
        "request_model": op.request_model,
        "request_module": op.request_module.rsplit("/", 1)[1],
        "reply_model": op.reply_model,
        "reply_module": op.reply_module.rsplit("/", 1)[1],
        "doc": wrap(description, 8, width),
        "doc4": wrap(description, 4, width),
        "summary": doc_text(description),
        "fields": fields,
        "key_field": key.name if key else None,
        "key_is_uuid": bool(key and key.type is FieldType.UUID),
        "version_field": op.op.version_field,
        "idempotency_field": idempotency.name if idempotency else None,
        "idempotency_optional": bool(idempotency and idempotency.optional),
        "events": events,
        "success": events[0],
        "conflict": next((e for e in events if e["kind"] == "conflict"), None),
        "failure": next((e for e in events if e["kind"] == "failure"), None),
        "others": [e for e in events if e["kind"] == "outcome"],
        "sample": _sample(op, 0, types),
        "other_sample": _sample(op, 1, types),
        "sample_json": json.dumps(_sample(op, 0, types), sort_keys=True),
        "outputs": outputs,
        "output_sample": _outputs_sample(op, 0, types),
        "behaviour": _behaviour(plan, op),
        "examples": _examples(op, types),
        "formulas": _formulas(op),
        "divisors": divisors(op.op) if op.op.formulas else [],
        "uses_decimal_math": uses_decimal(op.op),
        "strategies": [(f.name, fc.strategy(f, types)) for f in op.op.inputs],
        "strategy_imports": fc.import_block(
            fc.strategy_imports(list(op.op.inputs), types, plan.layout.import_root)
        ),
        "request_imports": fc.import_block(_request_imports(plan, op, types)),
        "output_imports": fc.imports(list(op.op.outputs), types),
        "key_imports": fc.imports([key], types) if key else {},
        "reply_imports": fc.import_block(_reply_imports(op, types)),
        "uses_uuid": any(f.type is FieldType.UUID for f in op.op.inputs),
        "uses_datetime": any(f.type is FieldType.DATETIME for f in op.op.inputs),
        "uses_object": any(f.type is FieldType.OBJECT for f in op.op.inputs),
        "uses_field": any(f["default"].startswith(" = Field") for f in fields),
    }


def _behaviour(plan: NodePlan, op: OperationPlan) -> dict[str, str]:
    found = behaviour(plan.spec, op.op)
    model = model_label(found.model)
    return {
        "kind": found.kind,
        # the module docstring's "(kind)", which the behaviour check reads
        "label": f"{found.kind}: {model}" if model else found.kind,
        "how": found.how,
        "body": found.body,
        "model": model,
        "message": f"{op.name} is not written yet: it {found.how}; see the prompt and the tests",
    }


def model_label(model: str) -> str:
    """A model's name as a docstring may hold it: ASCII, no quotes or brackets, 80 characters."""
    plain = doc_text(model) if model else ""
    return re.sub(r"[()\[\]{}`]", "", plain)[:80].strip()


def _examples(op: OperationPlan, types: fc.Types) -> list[dict[str, Any]]:
    """Each example: a request (the sample, with the example's inputs) and the assertions on
    the result its outputs make."""
    outputs = {f.name: f for f in op.op.outputs}
    found = []
    for index, example in enumerate(op.op.examples, start=1):
        request = {**_sample(op, 0, types), **example.inputs}
        checks = [
            fc.expectation(outputs[name], value)
            for name, value in example.outputs.items()
            if name in outputs
        ]
        found.append(
            {"index": index, "request": request, "checks": checks, "source": example.source}
        )
    return found


def _formulas(op: OperationPlan) -> list[tuple[str, str]]:
    outputs = {f.name: f for f in op.op.outputs}
    return [
        (formula.output, emit(formula, op.op.inputs, outputs[formula.output]))
        for formula in op.op.formulas
        if formula.output in outputs
    ]


def _reply_imports(op: OperationPlan, types: fc.Types) -> dict[str, set[str]]:
    needed = _with({}, "pydantic", "BaseModel", "ConfigDict", "Field")
    if op.op.version_field:
        return needed
    needed = _with(needed, "typing", "Literal")
    if not op.op.outputs:
        return _with(needed, "pydantic", "JsonValue")
    for module, names in fc.imports(list(op.op.outputs), types).items():
        needed = _with(needed, module, *names)
    return needed


def _request_imports(plan: NodePlan, op: OperationPlan, types: fc.Types) -> dict[str, set[str]]:
    needed = _with(fc.imports(list(op.op.inputs), types), "uuid", "UUID", "uuid4")
    needed = _with(needed, "pydantic", "BaseModel", "ConfigDict", "Field")
    if plan.spec.node_type is NodeType.REDUCER:
        state = f"Model{plan.layout.pascal.removesuffix('Reducer')}State"
        needed = _with(needed, f".model_{plan.layout.stem}_state", state)
    return needed


def _with(needed: dict[str, set[str]], module: str, *names: str) -> dict[str, set[str]]:
    return {**needed, module: {*needed.get(module, set()), *names}}


def spdx_header(options: GenerationOptions) -> str:
    """The two SPDX comment lines every generated file starts with."""
    return (
        f"# SPDX-FileCopyrightText: {SPDX_YEAR} {options.copyright_holder}\n"
        f"# SPDX-License-Identifier: {options.license}\n"
    )


def build_context(
    plan: NodePlan,
    options: GenerationOptions,
    patterns: tuple[str, ...] = (),
    width: int = 88,
    python: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """The full template context of ``plan``; ``python`` is the target repository's Python
    floor (syntax newer than it is not used)."""
    spec, layout = plan.spec, plan.layout
    types = fc.node_types(spec)
    operations = [_operation(plan, op, width, types) for op in plan.operations]
    outcomes = [snake(e.name) for op in plan.operations for e in op.events]
    deps = [
        {
            "name": d.name,
            "protocol": d.protocol,
            "fake": f"Fake{d.protocol.removeprefix('Protocol')}",
            "module": f"protocol_{d.name}",
            "doc": wrap(d.description or f"The {d.client_type} client", 4, width),
            "required": d.required,
        }
        for d in plan.clients
    ]
    versioned = any(op["version_field"] for op in operations)
    return {
        "spdx": spdx_header(options),
        "onex": options.target is Target.ONEX,
        # PEP 695 type parameters: where the floor allows them (an ONEX node needs 3.12 anyway)
        "pep695": python >= (3, 12) if python else options.target is Target.ONEX,
        "node": {
            "name": layout.name,
            "stem": layout.stem,
            "pascal": layout.pascal,
            "class_name": layout.node_class,
            "registry_class": layout.registry_class,
            "registry_module": layout.registry_module,
            "root": layout.import_root,
            "type": spec.node_type.value,
            "type_pascal": camel(spec.node_type.value),
            "contract_type": f"{spec.node_type.value.upper()}_GENERIC",
            "doc": wrap(spec.description, 0, width),
            "summary": doc_text(spec.description),
            "is_effect": spec.node_type is NodeType.EFFECT,
            "is_compute": spec.node_type is NodeType.COMPUTE,
            "is_reducer": spec.node_type is NodeType.REDUCER,
            "is_orchestrator": spec.node_type is NodeType.ORCHESTRATOR,
            "core_dispatch": spec.node_type in (NodeType.EFFECT, NodeType.COMPUTE),
            "state_model": f"Model{layout.pascal.removesuffix('Reducer')}State",
            "state_module": f"model_{layout.stem}_state",
        },
        "operations": operations,
        "events": _unique_events(plan),
        "deps": deps,
        "primary": deps[0] if deps else None,
        "patterns": sorted(patterns),
        "versioned": versioned,
        "idempotent": "idempotent_consumer" in patterns
        and any(op["idempotency_field"] for op in operations),
        "metrics": _by_event_name(_metric_roles(spec, outcomes), plan),
        "performance": spec.performance.model_dump(exclude_none=True),
        "retry": NODE_RETRY,
        "breaker": NODE_BREAKER,
        "subscribe_topics": plan.subscribe_topics,
        "publish_topics": plan.publish_topics,
        "width": width,
        "enums": [
            {"name": e.name, "module": e.module, "members": e.members} for e in types.enums.values()
        ],
        "nested": [_nested(model, types) for model in spec.models],
        "state": _state(spec, types),
    }


def _state(spec: NodeSpec, types: fc.Types) -> dict[str, Any]:
    """The reducer's state: the fields the prompt says it holds (its operations' outputs)."""
    fields: dict[str, InputField] = {}
    for op in spec.operations:
        for f in op.outputs:
            fields.setdefault(f.name, f)
    rendered = []
    needed = _with({}, "pydantic", "BaseModel", "ConfigDict", "Field")
    for f in fields.values():
        annotation, default = fc.state_default(f, types)
        rendered.append({"name": f.name, "annotation": annotation, "default": default})
        for module, names in fc.imports([f.model_copy(update={"optional": False})], types).items():
            needed = _with(needed, module, *names)
        if "Decimal(" in default:
            needed = _with(needed, "decimal", "Decimal")
    if not fields:
        needed = _with(needed, "pydantic", "JsonValue")
    return {"fields": rendered, "imports": fc.import_block(needed)}


def _nested(model: ModelSpec, types: fc.Types) -> dict[str, Any]:
    fields = [_field(f, types) for f in model.fields]
    needed = fc.imports(list(model.fields), types)
    return {
        "name": model.name,
        "class_name": types.model_class(model.name),
        "module": types.model_module(model.name),
        "fields": fields,
        "imports": fc.import_block(_with(needed, "pydantic", "BaseModel", "ConfigDict")),
    }


def _by_event_name(roles: dict[str, Any], plan: NodePlan) -> dict[str, Any]:
    """Roles keyed by event type (what handlers record) instead of snake_case outcome."""
    names = {snake(e.name): e.name for e in plan.events}
    roles["outcome_counters"] = {names[o]: c for o, c in roles["outcome_counters"].items()}
    roles["rate_gauges"] = {g: names.get(s, s) for g, s in roles["rate_gauges"].items()}
    return roles


def _unique_events(plan: NodePlan) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for op in plan.operations:
        for event in op.events:
            seen.setdefault(event.name, _event(event, op))
    return list(seen.values())


def node_layout(spec: NodeSpec, options: GenerationOptions) -> NodeLayout:
    """The layout of ``spec`` for ``options``."""
    return NodeLayout.of(spec, options.package)
