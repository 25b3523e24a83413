"""The prompt's logical lines (list markers removed, wrapped sentences joined), each read as a
section header, a structured item (``grammar.lark``), topics or sentences.
"""

from __future__ import annotations

import re

from codegen_assets.core.models import Metric, MetricKind
from codegen_assets.core.naming import event_name, identifier
from codegen_assets.core.understanding.line_reader import prose
from codegen_assets.core.understanding.line_reader.draft import (
    Draft,
    DraftOperation,
    add_dependency,
    add_operation,
    input_fields,
    merge_operation,
    warn_skipped,
)
from codegen_assets.core.understanding.line_reader.items import (
    DependencyItem,
    InputsItem,
    Item,
    MetricItem,
    OperationItem,
    OutputsItem,
    SignatureItem,
    parse_item,
)
from codegen_assets.core.understanding.line_reader.sections import LISTED, read_listed, section_of
from codegen_assets.core.understanding.line_reader.sentences import read_prose
from codegen_assets.core.understanding.line_reader.vocabulary import (
    EVENT_BEFORE,
    INLINE_INPUTS,
    STEP_LINE,
)

_LIST_MARKER = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")
_QUOTED = re.compile(r"['\"`]([A-Za-z0-9._\-]{1,249})['\"`]")


def _logical_lines(text: str) -> list[tuple[str, bool]]:
    """Lines with list markers removed (and whether they had one); a wrapped sentence, or a
    list continued after a trailing comma, is joined into one line."""
    lines: list[tuple[str, bool]] = []
    joinable = False
    for raw in text.splitlines():
        line = _LIST_MARKER.sub("", raw).strip()
        if not line:
            joinable = False
            continue
        bullet = _LIST_MARKER.match(raw) is not None
        prose_line = not bullet and section_of(line) is None and parse_item(line) is None
        continues = bool(lines) and lines[-1][0].endswith((",", "(")) and not bullet
        if continues or (joinable and prose_line):
            lines[-1] = (f"{lines[-1][0]} {line}", lines[-1][1])
        else:
            lines.append((line, bullet))
        joinable = prose_line and not line.endswith(":")
    return lines


def read_lines(text: str, draft: Draft) -> None:
    section = ""
    for line, bullet in _logical_lines(text):
        _read_topics(line, draft)
        header = section_of(line)
        if header is not None:
            section = header
            rest = line.split(":", 1)[1].strip()
            if not rest:
                continue
            if header in LISTED:
                read_listed(header, rest, draft)
                continue
        if section == "steps" and not (bullet or STEP_LINE.fullmatch(line)):
            section = ""  # a sentence after the list of steps ends it
        if not _read_item(line, section, draft, bullet=bullet):
            read_prose(line, draft)


def _item(line: str, draft: Draft) -> Item | None:
    """The structured item ``line`` states; an input list in any language, untyped names too."""
    item = parse_item(line)
    if isinstance(item, InputsItem) or not (inputs := INLINE_INPUTS.match(line)):
        return item
    fields, skipped = prose.field_list(inputs.group(1))
    warn_skipped(skipped, draft)
    return InputsItem(fields=tuple(fields)) if fields else None


def _read_item(line: str, section: str, draft: Draft, *, bullet: bool = False) -> bool:
    """Apply one structured line (see ``line_reader/grammar.lark``) to the draft; False when the
    line is not one."""
    item = _item(line, draft)
    if section == "steps" and not isinstance(item, InputsItem | DependencyItem):
        draft.steps.append(item.name if isinstance(item, OperationItem) else line)
        return True
    if item is None:
        return False
    if isinstance(item, MetricItem):
        name = identifier(item.name, what="metric")
        draft.metrics.setdefault(name, Metric(name=name, kind=MetricKind(item.kind)))
    elif isinstance(item, DependencyItem) and not prose.is_type_word(item.client_type):
        add_dependency(item, draft)
    elif isinstance(item, InputsItem):
        if draft.operations:
            draft.operations[-1].inputs = input_fields(item.fields, draft)
        else:
            draft.inputs += input_fields(item.fields, draft)
    elif isinstance(item, OutputsItem) and draft.operations:
        draft.operations[-1].outcomes = list(dict.fromkeys(event_name(e) for e in item.events))
    elif isinstance(item, SignatureItem):
        operation = DraftOperation(item.name, item.note, input_fields(item.fields, draft))
        draft.operations.append(operation)
    elif isinstance(item, OperationItem):
        return _read_operation(item, section, draft, bullet=bullet)
    else:
        return False
    return True


def _read_operation(item: OperationItem, section: str, draft: Draft, *, bullet: bool) -> bool:
    """``name: text`` under Operations, or as a list item of its own ("- append: topic, ...")."""
    if section != "operations" and not (bullet and section == "" and item.name[:1].islower()):
        return False
    fields, skipped = prose.field_list(item.text)
    if fields and not skipped:  # "append: topic, partition (int), ..."
        merge_operation(item.name, "", input_fields(tuple(fields), draft), draft)
    else:
        add_operation(item.name, item.text, draft)
    return True


def _read_topics(line: str, draft: Draft) -> None:
    for topic, incoming in prose.topics(line):
        (draft.subscribe if incoming else draft.publish).setdefault(topic, [])
    names = _QUOTED.findall(line)
    if not names or ("topic" not in line.lower() and "events" not in line.lower()):
        return
    if re.search(r"\b(?:no|without)\s+(?:kafka\s+)?topics?\b", line, re.I):
        return  # "the tablet calls it directly, so no topics"
    lowered = line.lower()
    events = [event_name(e) for e in EVENT_BEFORE.findall(line) if e.lower() not in {"kafka"}]
    incoming = re.search(r"\b(subscribe|consume|listen|from)\b", lowered) is not None
    outgoing = re.search(r"\b(publish|emit|produce|send|to)\b", lowered) is not None
    target = (
        draft.subscribe if incoming and not lowered.startswith(tuple(events)) else draft.publish
    )
    if not incoming and not outgoing:
        return
    for topic in names:
        target.setdefault(topic, [])
        target[topic].extend(e for e in events if e not in target[topic])
