"""What each pasted group is for (input, output, a model), by the words just before it."""

from __future__ import annotations

import re

from codegen_assets.core.understanding import schemas, sentences
from codegen_assets.core.understanding.pasted import Group

# -- roles ----------------------------------------------------------------------------------
_RETURNED = re.compile(r"\)\s*->\s*([A-Z]\w*)")  # a pasted function's result type


# "list of Item", "lista de Item", "Liste von Posten", "List[Item]": a model the list holds
_LIST_OF_MODEL = re.compile(
    r"\b(?:list|List|Sequence|[Ll]ista|[Ll]iste|[Ll]ijst)\s*(?:\[|(?:of|de|di|von|van|des|med)\s+)"
    r"([A-Z]\w+)"
)


def _roles(text: str, groups: list[Group]) -> None:
    """Decide what each pasted group is for, by the words just before it."""
    referenced = {f.typed.model for g in groups for f in g.fields if f.typed.model}
    referenced |= set(re.findall(_LIST_OF_MODEL, text))
    returned = set(_RETURNED.findall(text))
    seen_input = False
    previous: Group | None = None
    for group in sorted(groups, key=lambda g: g.start):
        if _same_sample(text, previous, group) and previous is not None:
            group.role = previous.role  # JSON Lines: one more sample of the same thing
        previous = group
        if group.label and group.label in referenced and group.source in ("python", "sketch"):
            group.role = "model"
            continue
        if group.source == "list" and group.role == "model" and group.label not in referenced:
            group.role = ""  # "Notes" over a list: a heading, not a model anything holds
        lead = _lead(text, group, groups)
        before = text[max(0, lead - 200) : lead].rstrip()
        if group.source == "prose" and returned & set(_subject(before)):
            group.role = "output"  # "ExportOutcome carries ...", of "def f(...) -> ExportOutcome"
        if group.role:
            seen_input = seen_input or group.role == "input"
            continue
        line = _cue_line(before)
        role = ""
        if line.endswith((":", "like", "e.g.", "e.g.,")) or line.startswith("#"):
            role = sentences.cue_role(line) or _pasted_cue(line)
        if not role:
            role = "output" if seen_input and group.source in ("json", "sql", "table") else "input"
        group.role = role
        seen_input = seen_input or role == "input"


def _same_sample(text: str, previous: Group | None, group: Group) -> bool:
    """Whether ``group`` is a JSON sample right after another (JSON Lines, nothing between)."""
    return (
        previous is not None
        and previous.source == group.source == "json"
        and not text[previous.end : group.start].strip()
    )


def _lead(text: str, group: Group, groups: list[Group]) -> int:
    """Where the run of declarations a code group is part of starts (an enum, then the model
    that uses it, in one block): the words before the run are the cue for each of them."""
    start = group.start
    while group.source in schemas.CODE_SOURCES:
        before = [
            g
            for g in groups
            if g.source in schemas.CODE_SOURCES
            and (g.fields or g.values)  # a declaration (imports are not)
            and g.start < start
            and g.end <= start
            and not text[g.end : start].strip()
        ]
        if not before:
            break
        group = before[0]
        start = group.start
    return start


def _subject(before: str) -> list[str]:
    """The type names written in the sentence that leads up to a group."""
    return re.findall(
        r"\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+\b", re.split(r"[.!?:]\s|\n\s*\n", before)[-1]
    )


def _cue_line(before: str) -> str:
    """The line just before a group, a code fence's opening line skipped ("Event:" then
    "```json")."""
    lines = [line.strip() for line in before.split("\n")]
    while lines and (not lines[-1] or re.fullmatch(r"(?:```+|~~~+)[\w+-]*", lines[-1])):
        lines.pop()
    return lines[-1] if lines else ""


_OUTPUT_HINT = re.compile(
    r"\b(?:response|output|returns?|result|state|mirror|projection|answer|emits?|gives\s+back)\b",
    re.IGNORECASE,
)
_INPUT_HINT = re.compile(r"\b(?:request|input|event|command|looks\s+like|e\.g\.|payload)\b", re.I)


def _pasted_cue(before: str) -> str:
    sentence = re.split(r"[.!?]\s", before)[-1]
    outputs = [m.start() for m in _OUTPUT_HINT.finditer(sentence)]
    inputs = [m.start() for m in _INPUT_HINT.finditer(sentence)]
    if not outputs and not inputs:
        return ""
    if outputs and inputs and abs(max(outputs) - max(inputs)) < 20:
        return ""  # "Input / output as we have them": a pair, in order
    return "output" if max(outputs, default=-1) > max(inputs, default=-1) else "input"
