"""The template context of a node: every name and literal the templates print."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from codegen_assets.models import (
    Dependency,
    FieldType,
    InputField,
    MetricKind,
    NodeSpec,
    NodeType,
    Operation,
    Target,
)
from codegen_assets.naming import camel, constant, progress_topic, snake
from codegen_assets.pysource import block
from codegen_assets.resilience import NODE_BREAKER, NODE_RETRY

_ANNOTATIONS = {
    FieldType.STRING: "str",
    FieldType.INT: "int",
    FieldType.FLOAT: "float",
    FieldType.BOOL: "bool",
    FieldType.UUID: "UUID",
    FieldType.DATETIME: "datetime",
    FieldType.OBJECT: "dict[str, object]",
}
_SAMPLES: dict[FieldType, tuple[object, object]] = {
    FieldType.STRING: ("sample", "other"),
    FieldType.INT: (1, 2),
    FieldType.FLOAT: (1.5, 2.5),
    FieldType.BOOL: (True, False),
    FieldType.UUID: (
        "12345678-1234-5678-1234-567812345678",
        "87654321-4321-8765-4321-876543218765",
    ),
    FieldType.DATETIME: ("2026-01-01T00:00:00+00:00", "2026-06-30T12:00:00+00:00"),
    FieldType.OBJECT: ({"key": "value"}, {"key": "other"}),
}
PUBLISHER_PROTOCOL = "ProtocolEventPublisher"
_BASE_CLASSES = {
    NodeType.EFFECT: "NodeEffect",
    NodeType.COMPUTE: "NodeCompute[dict[str, object], dict[str, object]]",
    NodeType.REDUCER: "NodeReducer[dict[str, object], dict[str, object]]",
    NodeType.ORCHESTRATOR: "NodeOrchestrator",
}
_ERROR_WORDS = {"error", "errors", "fail", "failed", "failure", "failures", "exception"}
_EVENT_WORDS = {"event", "events", "publish", "published", "publication", "kafka"}
_COMMON_WORDS = {"total", "count", "pct", "rate", "avg", "ms", "per", "sec", "second"}
_STEM = 5


def doc_text(text: str) -> str:
    """One line of ASCII text that is safe inside a docstring."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    flat = re.sub(r"\s+", " ", ascii_text.replace("\\", "/").replace('"', "'")).strip()
    return flat[:90].rstrip(" .") or "Generated ONEX node"


def class_name(spec: NodeSpec) -> str:
    """``Node<Name><Type>``, without repeating the type when the name already ends with it."""
    stem = spec.name.removesuffix(f"_{spec.node_type.value}")
    return f"Node{camel(stem)}{camel(spec.node_type.value)}"


def _annotation(field: InputField) -> str:
    base = _ANNOTATIONS[field.type]
    base = f"list[{base}]" if field.is_list else base
    return f"{base} | None" if field.optional else base


_STRATEGIES = {
    FieldType.STRING: "st.text(max_size=20)",
    FieldType.INT: "st.integers()",
    FieldType.FLOAT: "st.floats(allow_nan=False, allow_infinity=False)",
    FieldType.BOOL: "st.booleans()",
    FieldType.UUID: "st.uuids()",
    FieldType.DATETIME: "st.datetimes()",
    FieldType.OBJECT: "st.dictionaries(st.text(max_size=5), st.integers(), max_size=3)",
}


def _strategy(field: InputField) -> str:
    """A hypothesis strategy expression for valid values of ``field``."""
    strategy = _STRATEGIES[field.type]
    if field.is_list:
        strategy = f"st.lists({strategy}, max_size=3)"
    return f"st.none() | {strategy}" if field.optional else strategy


def _request_strategy(operations: list[Operation], base: str) -> str:
    """``st.builds`` of every operation's input model, formatted as ruff formats it."""
    builds = []
    for op in operations:
        model = f"Model{camel(op.name)}Input"
        args = [f"{f.name}={_strategy(f)}" for f in op.inputs]
        one_line = f"st.builds({model}{''.join(', ' + a for a in args)})"
        builds.append((model, args, one_line))
    if len(builds) == 1:
        model, args, one_line = builds[0]
        if len(f"REQUESTS: st.SearchStrategy[Model{base}Input] = {one_line}") <= 100:
            return one_line
        return block([model, *args], 0).replace("(", "st.builds(", 1)
    items = [
        one_line if len(one_line) <= 92 else block([model, *args], 4).replace("(", "st.builds(", 1)
        for model, args, one_line in builds
    ]
    return block(items, 0).replace("(", "st.one_of(", 1)


def _sample(op: Operation, index: int) -> dict[str, object]:
    values: dict[str, object] = {}
    for field in op.inputs:
        value = _SAMPLES[field.type][index]
        values[field.name] = [value] if field.is_list else value
    return values


def _stems(words: set[str]) -> set[str]:
    return {w[:_STEM] for w in words if w not in _COMMON_WORDS}


def _operation(op: Operation) -> dict[str, Any]:
    name = camel(op.name)
    return {
        "name": op.name,
        "doc": doc_text(op.description or f"Handle the {op.name} operation"),
        "doc_description": doc_text(op.description) if op.description else "",
        "input_model": f"Model{name}Input",
        "output_model": f"Model{name}Output",
        "enum_name": f"Enum{name}Outcome",
        "enum_module": f"enum_{op.name}_outcome",
        "outcomes": [
            {"member": constant(snake(o)) or "DONE", "value": snake(o) or "done", "event": o}
            for o in op.outcomes
        ],
        "fields": [
            {"name": f.name, "annotation": _annotation(f), "optional": f.optional}
            for f in op.inputs
        ],
        "uses_uuid": any(f.type is FieldType.UUID for f in op.inputs),
        "uses_datetime": any(f.type is FieldType.DATETIME for f in op.inputs),
        "sample": _sample(op, 0),
        "other_sample": _sample(op, 1),
    }


def _counter_role(words: set[str], matched: list[str]) -> str:
    if words & _ERROR_WORDS:
        return "publish_failure_counters" if words & _EVENT_WORDS else "error_counters"
    if words & _EVENT_WORDS and "published" in words:
        return "published_counters"
    return "outcome_counters" if matched else "request_counters"


def _rate_source(words: set[str], matched: list[str]) -> str | None:
    """What a gauge measures: "latency", a rate source ("errors", "success", an outcome) or None."""
    if "latency" in words:
        return "latency"
    if "rate" not in words and "pct" not in words:
        return None
    if words & _ERROR_WORDS:
        return "errors"
    return "success" if "success" in words or not matched else matched[0]


def _metric_roles(spec: NodeSpec, outcomes: list[str]) -> dict[str, Any]:
    """Which declared metric each runtime fact feeds, decided by the words in the metric's name."""
    roles: dict[str, Any] = {
        key: []
        for key in (
            "counters",
            "gauges",
            "error_counters",
            "request_counters",
            "published_counters",
            "publish_failure_counters",
            "latency_gauges",
            "success_gauges",
        )
    }
    roles["outcome_counters"] = {}
    roles["rate_gauges"] = {}
    common = (
        set.intersection(*(set(o.split("_")) for o in outcomes)) if len(outcomes) > 1 else set()
    )
    outcome_stems = {o: _stems(set(o.split("_")) - common) for o in outcomes}
    for metric in spec.metrics:
        words = set(metric.name.split("_"))
        matched = [o for o in outcomes if outcome_stems[o] & _stems(words)]
        if metric.kind is MetricKind.COUNTER:
            roles["counters"].append(metric.name)
            role = _counter_role(words, matched)
            if role == "outcome_counters":
                for outcome in matched:
                    roles[role].setdefault(outcome, []).append(metric.name)
            else:
                roles[role].append(metric.name)
            continue
        roles["gauges"].append(metric.name)
        source = _rate_source(words, matched)
        if source == "latency":
            roles["latency_gauges"].append(metric.name)
        elif source is not None:
            roles["rate_gauges"][metric.name] = source
            if source == "success":
                roles["success_gauges"].append(metric.name)
    return roles


def _topic_constants(spec: NodeSpec) -> dict[str, str]:
    constants: dict[str, str] = {}
    for topic in (*spec.subscribe_topics, *spec.publish_topics):
        if topic.name not in constants:
            parts = topic.name.split(".")
            short = "_".join([parts[1], *parts[3:]]) if len(parts) == 5 else topic.name
            base = "TOPIC_" + (constant(snake(short)) or "UNNAMED")
            name, n = base, 2
            while name in constants.values():
                name, n = f"{base}_{n}", n + 1
            constants[topic.name] = name
    return constants


def _outcome_topics(spec: NodeSpec, constants: dict[str, str]) -> dict[str, str]:
    """Each outcome's topic: the one carrying its event type, else by position, else the first."""
    mapping: dict[str, str] = {}
    publish = [t for t in spec.publish_topics if t.name != progress_topic(spec.name)]
    if not publish:
        return mapping
    for op in spec.operations:
        for index, outcome in enumerate(op.outcomes):
            carrying = [t for t in publish if outcome in t.event_types]
            if carrying:
                topic = carrying[0]
            elif len(publish) == len(op.outcomes):
                topic = publish[index]
            else:
                topic = publish[0]
            mapping.setdefault(snake(outcome) or "done", constants[topic.name])
    return mapping


def _split_dependencies(spec: NodeSpec) -> tuple[list[Dependency], list[Dependency]]:
    """(client dependencies, event bus dependencies); pure nodes have neither."""
    if spec.node_type in (NodeType.COMPUTE, NodeType.REDUCER):
        return [], []
    events = [d for d in spec.dependencies if d.is_event_client]
    return [d for d in spec.dependencies if d not in events], events


def protocol_name(dependency: Dependency) -> str:
    """The protocol class a client dependency is typed and resolved by."""
    return f"Protocol{camel(dependency.name)}"


def protocol_interfaces(spec: NodeSpec) -> list[str]:
    """Every protocol the generated node resolves, in declaration order."""
    clients, _ = _split_dependencies(spec)
    if spec.node_type in (NodeType.COMPUTE, NodeType.REDUCER):
        return []
    return [*(protocol_name(d) for d in clients), PUBLISHER_PROTOCOL]


def _onex_imports(node_type: NodeType) -> list[str]:
    kind = camel(node_type.value)
    return [f"Model{kind}Input", f"Model{kind}Output", f"Node{kind}"]


def _import_maps(
    spec: NodeSpec, operations: list[dict[str, Any]], deps: list[dict[str, Any]], progress: str
) -> dict[str, dict[str, list[str]]]:
    """First-party imports of each generated module, as ``{module: [names]}``."""
    base = camel(spec.name)
    union_in, union_out = f"Model{base}Input", f"Model{base}Output"
    inputs = {f"models.model_{op['name']}_input": [op["input_model"]] for op in operations}
    outputs = {f"models.model_{op['name']}_output": [op["output_model"]] for op in operations}
    enums = {f"models.{op['enum_module']}": [op["enum_name"]] for op in operations}
    protocols = {
        **{f"protocols.protocol_{d['name']}": [d["protocol"]] for d in deps},
        "protocols.protocol_event_publisher": [PUBLISHER_PROTOCOL],
    }
    node = {
        **enums,
        **inputs,
        **outputs,
        "models.model_input": [union_in, "parse_input"],
        "models.model_output": [union_out],
    }
    if spec.node_type is NodeType.REDUCER:
        node["models.model_reducer_state"] = ["ModelReducerState"]
    if spec.node_type in (NodeType.EFFECT, NodeType.ORCHESTRATOR):
        node["models.model_node_event"] = ["ModelNodeEvent"]
        node["topics"] = ["OUTCOME_TOPICS", *(["PROGRESS_TOPIC"] if progress else [])]
        node.update(protocols)
        node["resilience"] = [
            "CircuitBreaker",
            *(["CircuitOpenError"] if spec.node_type is NodeType.EFFECT else []),
            "RetryPolicy",
            "Sleep",
            "call_with_retry",
        ]
        if spec.target is Target.ONEX:
            node["protocols"] = ["interface"]
    is_compute = spec.node_type is NodeType.COMPUTE
    return {
        "node_imports": node,
        "input_model_imports": inputs,
        "output_model_imports": outputs,
        "protocol_package_imports": protocols,
        "test_node_imports": {
            **enums,
            **inputs,
            **(
                {"models.model_input": [union_in, *(["parse_input"] if is_compute else [])]}
                if spec.node_type in (NodeType.COMPUTE, NodeType.REDUCER)
                else {}
            ),
        },
        "strategy_imports": {**inputs, "models.model_input": [union_in]},
        "pattern_test_imports": {**enums, **inputs},
    }


_IDEMPOTENCY_KEYS = ("idempotency_key", "action_id", "event_id", "request_id", "message_id")


def _pattern_hooks(spec: NodeSpec, op: Operation, patterns: tuple[str, ...]) -> dict[str, Any]:
    """Where chosen patterns show up in an operation's handler (empty when they do not apply)."""
    hooks: dict[str, Any] = {
        "version_field": None,
        "conflict_member": None,
        "idempotency_field": None,
    }
    if spec.node_type is not NodeType.EFFECT:
        return hooks
    if "optimistic_concurrency" in patterns:
        version = next(
            (
                f
                for f in op.inputs
                if "version" in f.name and f.type is FieldType.INT and not f.is_list
            ),
            None,
        )
        conflict = next((o for o in op.outcomes if "conflict" in snake(o)), None)
        if version is not None and conflict is not None and conflict != op.outcomes[0]:
            hooks["version_field"] = {"name": version.name, "optional": version.optional}
            hooks["conflict_member"] = constant(snake(conflict))
    if "idempotent_consumer" in patterns:
        key = next(
            (
                f
                for name in _IDEMPOTENCY_KEYS
                for f in op.inputs
                if f.name == name and f.type in (FieldType.UUID, FieldType.STRING) and not f.is_list
            ),
            None,
        )
        if key is not None:
            hooks["idempotency_field"] = {"name": key.name, "optional": key.optional}
    return hooks


def build_context(spec: NodeSpec, patterns: tuple[str, ...] = ()) -> dict[str, Any]:
    """The full template context for ``spec`` and the chosen design patterns."""
    is_pure = spec.node_type in (NodeType.COMPUTE, NodeType.REDUCER)
    clients, events = _split_dependencies(spec)
    onex = spec.target is Target.ONEX
    operations = [
        {**_operation(op), **_pattern_hooks(spec, op, patterns)} for op in spec.operations
    ]
    outcomes = [o["value"] for op in operations for o in op["outcomes"]]
    publisher = None
    if not is_pure:
        chosen = events[0] if events else None
        publisher = {
            "name": chosen.name if chosen else "event_publisher",
            "required": bool(chosen and chosen.required),
        }
    constants = _topic_constants(spec)
    fields = [f for op in spec.operations for f in op.inputs]
    base = camel(spec.name)
    metrics = _metric_roles(spec, outcomes)
    deps = [
        {
            "name": d.name,
            "protocol": protocol_name(d),
            "doc": doc_text(d.description or f"Client behind {d.name}"),
        }
        for d in clients
    ]
    progress = constants.get(progress_topic(spec.name), "")
    return {
        "node": {
            "name": spec.name,
            "class_name": class_name(spec),
            "metrics_class": f"{base}Metrics",
            "type": spec.node_type.value,
            "contract_type": f"{spec.node_type.value.upper()}_GENERIC",
            "base_class": _BASE_CLASSES[spec.node_type],
            "resilient": not is_pure,
            "doc": doc_text(spec.description),
            "is_pure": is_pure,
            "has_events": not is_pure,
            "publisher": publisher,
            "input_union": f"Model{base}Input",
            "output_union": f"Model{base}Output",
            "step_union": " | ".join(dict.fromkeys(d["protocol"] for d in deps)),
        },
        "onex": onex,
        "patterns": sorted(patterns),
        "uses_versions": any(op["version_field"] for op in operations),
        "uses_idempotency": any(op["idempotency_field"] for op in operations),
        "idempotency_entries": [
            f'"{op["name"]}": "{op["idempotency_field"]["name"]}"'
            for op in operations
            if op["idempotency_field"]
        ],
        **_import_maps(spec, operations, deps, progress),
        "contract_test_imports": sorted(
            [
                "COUNTERS",
                "GAUGES",
                "NODE_NAME",
                "NODE_TYPE",
                "OPERATIONS",
                "PERFORMANCE_TARGETS",
                *(["DEFAULT_RETRY"] if not is_pure else []),
            ]
        ),
        "request_strategy": _request_strategy(list(spec.operations), base),
        "onex_imports": _onex_imports(spec.node_type),
        "retry": NODE_RETRY,
        "breaker": NODE_BREAKER,
        "progress_constant": progress,
        "operations": operations,
        "deps": deps,
        "protocols": list({d["protocol"]: d for d in deps}.values()),
        "metrics": metrics,
        "performance": spec.performance.model_dump(exclude_none=True),
        "imports": {
            "uuid": any(f.type is FieldType.UUID for f in fields),
            "datetime": any(f.type is FieldType.DATETIME for f in fields),
        },
        "topics": [{"name": n, "constant": c} for n, c in constants.items()],
        "subscribe_constants": [constants[t.name] for t in spec.subscribe_topics],
        "publish_constants": [constants[t.name] for t in spec.publish_topics],
        "outcome_topics": _outcome_topics(spec, constants),
        "spec_subscribe": [t.name for t in spec.subscribe_topics],
        "outcome_counter_entries": [
            f'"{outcome}": {block([json.dumps(n) for n in names], 4)}'
            for outcome, names in metrics["outcome_counters"].items()
        ],
        "outcome_topic_entries": [
            f'"{o}": {c}' for o, c in _outcome_topics(spec, constants).items()
        ],
        "client_entries": [f'"{d["name"]}": FakeClient()' for d in deps],
        "success_outcomes": [op["outcomes"][0]["value"] for op in operations],
        "input_union_expr": " | ".join(op["input_model"] for op in operations),
        "output_union_expr": " | ".join(op["output_model"] for op in operations),
        "step_refs": [f'("{d["name"]}", self._{d["name"]})' for d in deps],
    }
