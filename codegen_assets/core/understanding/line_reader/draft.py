"""The draft the line reader fills: operations with their inputs and outcomes, topics,
dependencies, metrics and steps, and what it warns about (a name the ecosystem's gates refuse, a
field of unknown type).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from codegen_assets.core import understanding
from codegen_assets.core.models import Dependency, FieldType, InputField, Metric, NodeSpec
from codegen_assets.core.naming import (
    GENERIC_WORDS,
    camel,
    event_name,
    gate_safe,
    identifier,
    snake,
)
from codegen_assets.core.understanding.line_reader import prose
from codegen_assets.core.understanding.line_reader.items import (
    DependencyItem,
    FieldItem,
    OutputsItem,
    parse_item,
)
from codegen_assets.core.understanding.line_reader.vocabulary import (
    DESCRIPTION_END,
    INLINE_INPUTS,
    INLINE_OUTPUTS,
    MAX_DESCRIPTION,
    TYPE_WORDS,
)


@dataclass
class DraftOperation:
    """An operation while its Input/Output lines are still being read."""

    name: str
    description: str = ""
    inputs: list[InputField] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)


@dataclass
class Draft:
    """Mutable accumulator while reading the prompt's lines."""

    operations: list[DraftOperation] = field(default_factory=list)
    subscribe: dict[str, list[str]] = field(default_factory=dict)
    publish: dict[str, list[str]] = field(default_factory=dict)
    dependencies: dict[str, Dependency] = field(default_factory=dict)
    metrics: dict[str, Metric] = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)
    inputs: list[InputField] = field(default_factory=list)  # read before any operation
    defaulted: bool = False  # no operation was read; a 'process' one stands in
    warnings: list[str] = field(default_factory=list)


def take_facts(facts: understanding.Facts, draft: Draft) -> None:
    """The reader's dependencies and topics, beside what the line reader found."""
    for dep in facts.dependencies:
        if dep not in draft.dependencies:
            name = identifier(dep, what="dependency")
            draft.dependencies[name] = Dependency(
                name=name,
                client_type=class_name(camel(name), draft),
                description="Named in the prompt",
            )
    for topics, other in ((facts.subscribe, draft.publish), (facts.publish, draft.subscribe)):
        target = draft.subscribe if other is draft.publish else draft.publish
        for topic in topics:  # the reader's direction (the nearest verb in its sentence) wins
            target.setdefault(topic, other.pop(topic, []))


def add_operation(name: str, text: str, draft: Draft) -> None:
    """An operation from "name: description[. Input: fields][. Output: events]"."""
    fields: list[FieldItem] = []
    if inputs := INLINE_INPUTS.search(text):
        fields, _ = prose.field_list(inputs.group(1))
    outcomes: list[str] = []
    if outputs := INLINE_OUTPUTS.search(text):
        item = parse_item(f"Output: {outputs.group(1).strip()}")
        outcomes = [event_name(e) for e in item.events] if isinstance(item, OutputsItem) else []
    description = DESCRIPTION_END.split(text, maxsplit=1)[0].strip(" .")
    merge_operation(name, description, input_fields(tuple(fields), draft), draft)
    if outcomes:
        draft.operations[-1].outcomes = list(dict.fromkeys(outcomes))


def merge_operation(name: str, description: str, inputs: list[InputField], draft: Draft) -> None:
    """Add operation ``name``, or give an existing one the inputs it lacks."""
    key = snake(name)
    for op in draft.operations:
        if snake(op.name) == key:
            op.inputs = op.inputs or inputs
            op.description = op.description or description
            return
    draft.operations.append(DraftOperation(name, description, inputs))


def add_dependency(item: DependencyItem, draft: Draft) -> None:
    name = identifier(item.name, what="dependency")
    draft.dependencies.setdefault(
        name,
        Dependency(
            name=name,
            client_type=class_name(camel(snake(item.client_type)) or "Client", draft),
            required="optional" not in item.note.lower(),
            description=item.note[:MAX_DESCRIPTION],
        ),
    )


def warn_skipped(skipped: list[str], draft: Draft) -> None:
    if skipped:
        draft.warnings.append(
            "skipped " + ", ".join(repr(s) for s in skipped) + " in a list of inputs: "
            "not a field name (write 'name (type)')"
        )


def input_fields(items: tuple[FieldItem, ...], draft: Draft) -> list[InputField]:
    """Typed input fields; an unknown type becomes ``object`` with a warning."""
    fields: dict[str, InputField] = {}
    for item in items:
        item = replace(item, type_word=prose.TYPE_ALIASES.get(item.type_word, item.type_word))
        if item.type_word not in TYPE_WORDS:
            draft.warnings.append(
                f"unknown type {item.type_word!r} for field {item.name!r}; using object"
            )
        name = identifier(item.name, what="field")
        if name != snake(item.name):
            draft.warnings.append(
                f"field {item.name!r} is generated as {name!r}: the name is reserved in Python "
                "or pydantic"
            )
        kind = TYPE_WORDS.get(item.type_word, FieldType.OBJECT)
        if kind is FieldType.STRING and (rule := _PATTERN_GATE.get(_pattern_key(name))):
            draft.warnings.append(f"field {name!r} is a string: {rule}")
        fields.setdefault(
            name,
            InputField(name=name, type=kind, is_list=item.is_list, optional=item.optional),
        )
    return list(fields.values())


# omnibase-core's pydantic pattern check (run by `omni-infra validate all`) on string fields.
_PATTERN_GATE = {
    "_id": "the ecosystem's pattern gate wants UUID for *_id fields (say 'uuid', or rename it)",
    "_name": "the ecosystem's pattern gate reads *_name strings as references to an entity "
    "(it asks for an ID + display_name pattern): rename it, or expect that gate to fail",
    "enum": "the ecosystem's pattern gate wants an Enum for category, type and status fields",
}


def pattern_gate_warnings(spec: NodeSpec) -> list[str]:
    """A plain string field the ecosystem's pattern gate will refuse (kept as the prompt typed
    it: the gate's failure is reported, not hidden)."""
    fields = [f for op in spec.operations for f in (*op.inputs, *op.outputs)]
    fields += [f for model in spec.models for f in model.fields]
    return [
        f"field {f.name!r} is a string: {rule}"
        for f in fields
        if f.type is FieldType.STRING
        and not (f.is_list or f.optional or f.enum)
        and (rule := _PATTERN_GATE.get(_pattern_key(f.name)))
    ]


def class_name(name: str, draft: Draft) -> str:
    """``name`` with a word the ecosystem's naming gate rejects replaced by ``Client``."""
    found = GENERIC_WORDS.search(name)
    if found is None:
        return name
    safe = gate_safe(name)
    draft.warnings.append(
        f"client type {name!r} is generated as {safe!r}: the ecosystem's naming gate rejects "
        f"class names containing {found.group(0)!r}"
    )
    return safe


def _pattern_key(name: str) -> str:
    if name in ("category", "type", "status"):
        return "enum"
    return next((suffix for suffix in ("_id", "_name") if name.endswith(suffix)), "")
