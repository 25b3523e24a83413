"""What a contract's names become in a spec: one identifier per routed operation, the result event
its output model names, topics in their canonical ONEX form, fields read from the models; and the
fields the generated request and result models declare themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from codegen_assets.core.models import InputField, NodeType, Topic
from codegen_assets.core.naming import NameError_, identifier, kebab, snake
from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.spec import to_field

ONEX_TOPIC = re.compile(
    r"^onex\.(cmd|evt|dlq|intent|snapshot)\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.v\d+$"
)
_LONG_TOPIC = re.compile(r"^onex\.(cmd|evt|dlq|intent|snapshot)\.([a-z0-9.-]+)\.v(\d+)$")
_MODEL_CLASS = re.compile(r"^Model[A-Z][A-Za-z0-9]*$")


# What the generated request and result models declare themselves, by node type.
REQUEST_FIELDS = {t: {"correlation_id", "operation"} for t in NodeType} | {
    NodeType.REDUCER: {"correlation_id", "operation", "state"}
}
RESULT_FIELDS = {
    NodeType.EFFECT: {"event_type", "correlation_id", "outcome", "detail"},
    NodeType.COMPUTE: {"event_type", "correlation_id"},
    NodeType.REDUCER: {"event_type", "correlation_id", "state"},
    NodeType.ORCHESTRATOR: {"event_type", "correlation_id", "completed_steps"},
}


@dataclass
class ContractEntry:
    """One operation as the contract routes it."""

    key: str
    name_hint: str
    handler: str
    input_ref: tuple[str, str] | None
    output_ref: tuple[str, str] | None
    description: str
    topic: str = ""
    event_type: str = ""


def model_name(ref: tuple[str, str] | None) -> str:
    """The class a ``{name, module}`` reference names, when it is a ``Model...`` class of the
    contract's own code (the generated model keeps its name, and so its module's); not one of
    omnibase-core's generic envelopes (``ModelIntent``, ``ModelReducerInput``)."""
    if ref is None or ref[0].startswith("omnibase_core.") or not _MODEL_CLASS.match(ref[1]):
        return ""
    return ref[1]


def result_outcomes(ref: tuple[str, str] | None, node_type: NodeType) -> tuple[str, ...]:
    """The result event named after the output model (``ModelAuthGateDecision`` ->
    ``AuthGateDecision``): a reducer's result is its state."""
    name = model_name(ref)
    if not name or node_type is NodeType.REDUCER:
        return ()
    return (name.removeprefix("Model"),)


def operation_names(entries: list[ContractEntry]) -> list[str]:
    """An identifier per operation: the last part of its routing key (``widget.store`` ->
    ``store``), the whole key where two share it, else its handler's name; each once."""

    def name_of(text: str) -> str:
        try:  # checked as the spec file checks it (no name a model already has)
            return identifier(text, what="field")
        except NameError_:
            return "operation"

    names = [name_of(e.name_hint) for e in entries]
    counts = {n: names.count(n) for n in names}
    names = [
        name_of(e.key.replace(".", "_")) if counts[n] > 1 and e.key else n
        for n, e in zip(names, entries, strict=True)
    ]
    unique: list[str] = []
    for name in names:
        candidate, n = name, 2
        while candidate in unique:
            candidate, n = f"{name}_{n}", n + 1
        unique.append(candidate)
    return unique


def to_fields(phrases: list[FieldPhrase], nested: dict[str, list[FieldPhrase]]) -> list[InputField]:
    models = {name for name, fields in nested.items() if fields}
    result: list[InputField] = []
    for phrase in phrases:
        try:
            result.append(to_field(phrase, models))
        except NameError_:
            continue  # a name with no letters: nothing to generate it as
    return result


def canonical_topic(written: str, kind: str, stem: str) -> Topic:
    """The topic as written when it is a canonical ONEX name, else its canonical form (the
    written name kept as ``source_name``)."""
    if ONEX_TOPIC.match(written):
        return Topic(name=written)
    long = _LONG_TOPIC.match(written)
    if long:  # more dotted segments than ONEX's five: the event name takes the rest
        producer, _, event = long.group(2).partition(".")
        canonical = f"onex.{long.group(1)}.{producer}.{kebab(event)}.v{long.group(3)}"
    else:
        words = kebab(written) or "events"
        canonical = f"onex.{kind}.{kebab(stem) or 'node'}.{words}.v1"
    return Topic(name=canonical, source_name=written)


def topic_event_name(topic: str) -> str:
    """``store_requested`` of ``onex.cmd.widget.store-requested.v1``."""
    parts = topic.split(".")
    return snake(parts[3] if len(parts) == 5 and parts[0] == "onex" else topic)
