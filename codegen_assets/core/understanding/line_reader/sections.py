"""Sections of a prompt: a header line ("Operations:", "Steps:", "Dependencies:", in several
languages) and the items on it, and an orchestrator's steps however they are written.
"""

from __future__ import annotations

import re

from codegen_assets.core.naming import snake
from codegen_assets.core.understanding.line_reader import prose
from codegen_assets.core.understanding.line_reader.draft import (
    Draft,
    add_dependency,
    add_operation,
    merge_operation,
)
from codegen_assets.core.understanding.line_reader.vocabulary import (
    RUNS,
    SECTIONS,
    STEP_SKIP,
    THEN,
    WITH_STEPS,
)


def section_of(line: str) -> str | None:
    head = line.split(":", 1)[0].lower() if ":" in line else ""
    if not head or len(head.split()) > 3 or re.search(r"[.;!?(]", head):
        return None
    for section, words in SECTIONS.items():
        if any(word in head for word in words):
            return section
    return None


LISTED = ("operations", "steps", "dependencies")


def read_listed(section: str, rest: str, draft: Draft) -> None:
    """A section with its items on the header line ("Steps: a, b", "Operation: x: Input: ...")."""
    first = re.split(r"(?<=[.;])\s+", rest, maxsplit=1)[0]
    if section == "dependencies":
        for item in prose.read_sentence(rest).dependencies:
            add_dependency(item, draft)
    elif section == "steps":
        draft.steps += prose.names_list(first) or [n for n in _split_steps(first) if n]
    elif inline := re.match(r"^([A-Za-z_]\w*)\s*[:\u2013\u2014-]\s*(.+)$", rest):
        add_operation(inline.group(1), inline.group(2), draft)
    else:
        for name in prose.names_list(first):
            merge_operation(name, "", [], draft)


def _split_steps(text: str) -> list[str]:
    return [_step_name(part) for part in re.split(r",|\s+(?:and|und|et|then|dann|puis)\s+", text)]


MAX_STEPS = 8


def _step_name(fragment: str) -> str:
    """The step a sentence fragment names: an identifier as written, else its first few
    meaningful words."""
    clause = re.split(r"[:;]", fragment)[-1]
    written: list[str] = re.findall(
        r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?:\.[a-z][a-z0-9_]*)?\b", clause
    )
    if len(written) == 1:
        return snake(written[0])
    words = [w for w in snake(clause).split("_") if w and w not in STEP_SKIP]
    return "_".join(words[:3])


def steps_from_text(text: str) -> list[str]:
    """Steps of an orchestrator from "A, then B, then C" in free text, or "with a_b and c_d"."""
    if listed := WITH_STEPS.search(text):
        names = re.findall(r"[a-z][a-z0-9]*_[a-z0-9_]+", listed.group(1))
        return list(dict.fromkeys(names))[:MAX_STEPS]
    for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
        fragments = THEN.split(sentence)
        if len(fragments) < 2:
            continue
        # "..., it runs retrieve, then replay": the first step follows the verb that runs it
        first = RUNS.split(fragments[0])[-1]
        names = [n for n in (_step_name(first), *(_step_name(f) for f in fragments[1:])) if n]
        steps = list(dict.fromkeys(names))[:MAX_STEPS]
        if len(steps) >= 2:
            return steps
    return []
