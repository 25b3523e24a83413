"""What a sketch (``sketch``) states: the node's name and type, an operation, topics, needs,
steps and rules, and its groups of fields.
"""

from __future__ import annotations

import re

from codegen_assets.core.understanding import sketch
from codegen_assets.core.understanding.facts import Facts, OpFacts
from codegen_assets.core.understanding.fields import IDENT, FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.types import parse_type
from codegen_assets.core.understanding.vocabulary import DEPENDENCY_NAME, NODE_TYPES

# -- sketches -------------------------------------------------------------------------------
_SK_NAME = ("name", "node", "node_name")
_SK_TYPE = ("kind", "type", "node_type")
_SK_OP = ("operation", "op", "operation_name")
_SK_IN = ("input", "inputs", "in", "event", "request", "command", "params", "fields")
_SK_OUT = ("output", "outputs", "out", "state", "result", "response", "returns")
_SK_DEPS = ("needs", "dependencies", "deps", "uses", "clients")
_SK_SUB = (
    "listens_on",
    "consumes",
    "consume",
    "trigger",
    "subscribe",
    "subscribes",
    "source",
    "on",
)
_SK_PUB = ("emits", "emit", "publishes", "publish", "produces", "sink")


def _read_sketch(block: sketch.Sketch, facts: Facts) -> list[Group]:
    groups: list[Group] = []
    for entry in block.entries:
        key = entry.key.lower()
        holds_fields = key in _SK_IN or key in _SK_OUT or entry.key[:1].isupper()
        fact = _sketch_fact(entry, key, entry.value.strip(" '\"`"), facts)
        if not fact and entry.children and holds_fields:
            groups.append(_sketch_group(entry, key, block.end))
    return groups


def _sketch_fact(entry: sketch.Entry, key: str, value: str, facts: Facts) -> bool:
    """A sketch key that states a fact of its own (name, type, operation, topics, needs)."""
    plain = re.fullmatch(IDENT, value) is not None
    if key in NODE_TYPES and plain:
        facts.node_type, facts.node_name = key, value
    elif key in _SK_NAME and plain:
        facts.node_name = value
    elif key in _SK_TYPE and value.lower() in NODE_TYPES:
        facts.node_type = value.lower()
    elif key in _SK_OP and re.fullmatch(rf"{IDENT}(?:\.{IDENT})?", value):
        facts.operations.append(OpFacts(value, True, start=entry.start))
    elif key in _SK_DEPS:
        facts.dependencies += [v for v in sketch.items(entry) if re.fullmatch(IDENT, v)]
    elif key in _SK_SUB or key in _SK_PUB:
        (facts.subscribe if key in _SK_SUB else facts.publish).extend(sketch.items(entry))
    elif key == "steps":
        facts.steps += sketch.items(entry)
        found = [n for step in sketch.items(entry) for n in re.findall(IDENT, step)]
        facts.dependencies += [n for n in found if DEPENDENCY_NAME.match(n)]
    elif key in ("rules", "constraints", "notes"):
        facts.requirements += sketch.items(entry)
    else:
        return False
    return True


def _sketch_group(entry: sketch.Entry, key: str, end: int) -> Group:
    role = "input" if key in _SK_IN else "output" if key in _SK_OUT else "model"
    fields = [f for c in entry.children if c.key != "-" and (f := _sketch_field(c))]
    return Group(fields, entry.start, end, entry.key if role == "model" else "", role, "sketch")


def _sketch_field(entry: sketch.Entry) -> FieldPhrase | None:
    if not re.fullmatch(IDENT, entry.key):
        return None
    text = f"{entry.value}, {entry.comment}" if entry.comment else entry.value
    typed = parse_type(text)
    model = re.search(r"\b(?:list\s+of\s+|list\[)([A-Z]\w*)", entry.value)
    if model:
        typed.model, typed.is_list, typed.base = model.group(1), True, ""
    return FieldPhrase(entry.key, typed, f"{entry.key}: {text}")
