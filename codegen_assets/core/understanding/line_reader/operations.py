"""The node's operations from the draft, or from the reader's facts where it found them: each with
its inputs and outcomes, and a version check where an effect asks for optimistic concurrency.
"""

from __future__ import annotations

import re

from codegen_assets.core import understanding
from codegen_assets.core.models import FieldType, InputField, NodeType, Operation
from codegen_assets.core.naming import camel, identifier, snake
from codegen_assets.core.understanding import spec as understood
from codegen_assets.core.understanding.line_reader.draft import Draft, DraftOperation
from codegen_assets.core.understanding.line_reader.vocabulary import (
    ARTICLE,
    MAX_DESCRIPTION,
    VERSIONING,
    WITH_OPERATIONS,
    WRITE_VERBS,
)

_NOT_NAMES = {"the", "a", "an", "its", "their", "one", "this", "that", "these", "those"}


def read_operations(
    text: str, draft: Draft, node_type: NodeType, facts: understanding.Facts
) -> tuple[Operation, ...]:
    """The reader's operations (typed inputs and outputs), or the line reader's."""
    before = len(draft.warnings)
    lines = _operations(text, draft, node_type)
    found = understood.operations(facts, lines)
    if found is None:
        return lines
    del draft.warnings[before:]  # the line reader's "no operation"/"no inputs" did not hold
    draft.defaulted = False
    return tuple(
        op
        if op.outcomes
        else op.model_copy(update={"outcomes": tuple(_default_outcomes(op.name, draft, node_type))})
        for op in found
    )


def _operations(text: str, draft: Draft, node_type: NodeType) -> tuple[Operation, ...]:
    if not draft.operations and (match := WITH_OPERATIONS.search(text)):
        names = [ARTICLE.sub("", n) for n in re.split(r"\s*,\s*|\s+and\s+", match.group(1))]
        draft.operations = [
            DraftOperation(n) for n in names if snake(n) and n.lower() not in _NOT_NAMES
        ]
    workflow = node_type is NodeType.ORCHESTRATOR and (draft.steps or draft.dependencies)
    if not draft.operations and workflow:  # one entry point that runs the named steps
        name = understanding.ticked_verb_name(text) or "process"
        draft.operations = [DraftOperation(name, "Run the workflow for one request")]
    elif not draft.operations:
        draft.defaulted = True
        draft.warnings.append(
            "no operations found in the prompt; generated a single 'process' operation"
        )
        draft.operations = [DraftOperation("process", "Process one request", draft.inputs)]
    for raw in draft.operations:  # inputs listed before (or without) their operation
        raw.inputs = raw.inputs or list(draft.inputs)
    operations: dict[str, Operation] = {}
    for raw in draft.operations:
        name = identifier(raw.name, what="operation")
        inputs = raw.inputs
        if not inputs:
            draft.warnings.append(
                f"operation {name!r} names no inputs; it takes one 'payload' object"
            )
            inputs = [InputField(name="payload", type=FieldType.OBJECT)]
        outcomes = raw.outcomes or _default_outcomes(name, draft, node_type)
        operations.setdefault(
            name,
            Operation(
                name=name,
                description=raw.description[:MAX_DESCRIPTION],
                inputs=tuple(inputs),
                outcomes=tuple(outcomes),
            ),
        )
    return tuple(operations.values())


def _is_write(name: str) -> bool:
    return name.split("_", 1)[0] in WRITE_VERBS


def _version_input(op: Operation) -> InputField | None:
    """The input that carries the expected version: an ``expected_version``, or a version
    given to a write (a read's ``version`` selects what to read)."""
    for f in op.inputs:
        if f.type is not FieldType.INT or f.is_list or "version" not in f.name:
            continue
        if "expected" in f.name or _is_write(op.name):
            return f
    return None


def versioned(text: str, ops: tuple[Operation, ...], node_type: NodeType) -> tuple[Operation, ...]:
    """Effects whose prompt asks for optimistic concurrency (or names an expected version)
    check versions: the version input is required and a conflict outcome exists."""
    if node_type is not NodeType.EFFECT:
        return ops
    asks = VERSIONING.search(text) is not None
    writes = [op.name for op in ops if _is_write(op.name)] or [ops[0].name]
    result = []
    for op in ops:
        field = _version_input(op)
        inputs = op.inputs
        if field is None and asks and op.name in writes:
            field = InputField(name="expected_version", type=FieldType.INT)
            inputs = (*inputs, field)
        if field is None:
            result.append(op)
            continue
        inputs = tuple(
            f.model_copy(update={"optional": False}) if f.name == field.name else f for f in inputs
        )
        conflict = next((o for o in op.outcomes[1:] if "conflict" in snake(o)), None)
        outcomes = op.outcomes if conflict else (*op.outcomes, "VersionConflict")
        result.append(
            op.model_copy(
                update={
                    "inputs": inputs,
                    "outcomes": outcomes,
                    "version_field": field.name,
                    "conflict_outcome": conflict or "VersionConflict",
                }
            )
        )
    return tuple(result)


def _default_outcomes(operation: str, draft: Draft, node_type: NodeType) -> list[str]:
    published = [event for events in draft.publish.values() for event in events]
    if published and len(draft.operations) == 1:
        return list(dict.fromkeys(published))
    return [camel(operation) + ("Computed" if node_type is NodeType.COMPUTE else "Completed")]
