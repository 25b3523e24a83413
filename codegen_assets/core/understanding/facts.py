"""What the reader found in a prompt: operations with their fields, formulas and examples, nested
models, dependencies, topics, names, and where pasted code is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.rules import Stated


@dataclass
class OpFacts:
    """One operation: its name as written, whether the prompt named it, its fields, and the
    formulas and examples stated for it."""

    name: str
    stated: bool
    inputs: list[FieldPhrase] = field(default_factory=list)
    outputs: list[FieldPhrase] = field(default_factory=list)
    start: int = 0
    rules: Stated = field(default_factory=Stated)


@dataclass
class Facts:
    """What the reader found."""

    operations: list[OpFacts] = field(default_factory=list)
    models: dict[str, list[FieldPhrase]] = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)
    subscribe: list[str] = field(default_factory=list)
    publish: list[str] = field(default_factory=list)
    node_name: str = ""
    node_type: str = ""
    steps: list[str] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)
    examples: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    mentioned: set[str] = field(default_factory=set)  # operation names the prompt wrote
    labels: set[str] = field(default_factory=set)  # names of pasted classes, tables, code
    code: list[tuple[int, int]] = field(default_factory=list)  # where pasted code is
    unread: list[str] = field(default_factory=list)  # fenced blocks nothing was read from


def _all_fields(facts: Facts) -> list[FieldPhrase]:
    found = [f for op in facts.operations for f in (*op.inputs, *op.outputs)]
    return found + [f for fields in facts.models.values() for f in fields]
