"""Facts stated in sentences (``prose``), applied to the draft."""

from __future__ import annotations

from codegen_assets.core.naming import event_name
from codegen_assets.core.understanding.line_reader import prose
from codegen_assets.core.understanding.line_reader.draft import (
    Draft,
    add_dependency,
    input_fields,
    merge_operation,
    warn_skipped,
)
from codegen_assets.core.understanding.line_reader.items import OutputsItem, parse_item
from codegen_assets.core.understanding.line_reader.vocabulary import OUTPUT_START


def read_prose(line: str, draft: Draft) -> None:
    """Facts stated in sentences (see ``line_reader.prose``)."""
    for sentence in prose.sentences(line):
        outputs = parse_item(sentence.rstrip(".")) if OUTPUT_START.match(sentence) else None
        if isinstance(outputs, OutputsItem) and draft.operations:
            draft.operations[-1].outcomes = [event_name(e) for e in outputs.events]
            continue
        facts = prose.read_sentence(sentence)
        for item in facts.dependencies:
            add_dependency(item, draft)
        for op in facts.operations:
            merge_operation(op.name, "", input_fields(tuple(op.fields), draft), draft)
        warn_skipped(facts.skipped, draft)
        if not facts.fields:
            continue
        inputs = input_fields(tuple(facts.fields), draft)
        if facts.each and draft.operations:
            for each in draft.operations:
                each.inputs = each.inputs or list(inputs)
        elif draft.operations and not draft.operations[-1].inputs:
            draft.operations[-1].inputs = inputs
        else:
            draft.inputs += [f for f in inputs if f not in draft.inputs]
