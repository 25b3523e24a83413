"""Corrections a request makes further down, as people write them after a second thought:
"Scrap the robot_id altogether", "we don't need gate_temp_c at all", "please make
has_driving_licence optional", "the shirt number often isn't known yet, so make it optional",
"rename casualties to casualty_count", "the maximum for pupils_booked should be 950". A field
dropped so is taken out of every operation (and is accounted for: the prompt named it to drop
it); a field made optional is optional wherever it is. "it" and "that one" are the field named
last before the words."""

from __future__ import annotations

import re
from decimal import Decimal

from codegen_assets.core.understanding.facts import Facts
from codegen_assets.core.understanding.fields import IDENT, FieldPhrase

_PRONOUN = r"it|that(?:\s+one)?|this(?:\s+one)?|that\s+field|this\s+field"
_DROP = re.compile(
    r"\b(?:drop|scrap|get\s+rid\s+of|leave\s+out|don'?t\s+need|do\s+not\s+need|no\s+need\s+for"
    r"|forget\s+about|skip)\s+(?:the\s+|that\s+)?"
    rf"(?:(?P<pronoun>{_PRONOUN})\b|`?(?P<name>{IDENT})`?)(?=[\s,.;:!)]|$)",
    re.I,
)
_OPTIONAL = re.compile(
    r"\bmake\s+(?:the\s+)?(?:field\s+)?"
    rf"(?:(?P<pronoun>{_PRONOUN})\b|`?(?P<name>{IDENT})`?)\s+(?:field\s+)?optional\b",
    re.I,
)
# "the water temperature should be optional": a field by the words for it
_SAID_OPTIONAL = re.compile(
    r"\b(?:the\s+|their\s+|its\s+)(?P<words>[a-z]+(?:\s+[a-z]+){0,3}?)\s+"
    r"(?:should|must|can|may|could)\s+be\s+optional\b",
    re.I,
)
# "the maximum for pupils_booked should be 950, not 900"
_BOUND = re.compile(
    r"\b(?P<which>maximum|max|upper\s+limit|limit|cap|minimum|min|lower\s+limit)\s+"
    rf"(?:for|of|on)\s+(?:the\s+)?`?(?P<name>{IDENT})`?\s+"
    r"(?:should\s+be|must\s+be|is|becomes|will\s+be|=)\s+(?P<value>-?\d+(?:\.\d+)?)\b",
    re.I,
)
# "please rename casualties to casualty_count"
_RENAME = re.compile(
    rf"\brenam(?:e|ing)\s+(?:the\s+)?(?:field\s+)?`?(?P<old>{IDENT})`?\s+(?:to|as|into)\s+"
    rf"`?(?P<new>{IDENT})`?",
    re.I,
)
_WINDOW = 300  # how far back "it" looks for the field it stands for


def apply(text: str, facts: Facts) -> set[str]:
    """Apply the corrections ``text`` makes to ``facts``; the names dropped."""
    fields = _fields(facts)
    dropped = {name for m in _DROP.finditer(text) if (name := _meant(text, m, fields))}
    optional = [_meant(text, m, fields) for m in _OPTIONAL.finditer(text)]
    optional += [_by_words(m["words"], fields) for m in _SAID_OPTIONAL.finditer(text)]
    for phrase in (p for name in optional for p in fields.get(name, [])):
        phrase.typed.optional = True
    for match in _BOUND.finditer(text):
        for phrase in fields.get(match["name"], []):
            _rebound(phrase, match["which"].lower(), Decimal(match["value"]))
    for match in _RENAME.finditer(text):
        for phrase in fields.get(match["old"], []):
            phrase.name = match["new"]
            dropped.discard(match["new"])
        if match["old"] in fields:  # the old name is accounted for: the prompt renamed it
            dropped.add(match["old"])
    for op in facts.operations:
        op.inputs = [f for f in op.inputs if f.name not in dropped]
        op.outputs = [f for f in op.outputs if f.name not in dropped]
    for name, model in facts.models.items():
        facts.models[name] = [f for f in model if f.name not in dropped]
    return dropped


def _fields(facts: Facts) -> dict[str, list[FieldPhrase]]:
    found: dict[str, list[FieldPhrase]] = {}
    for op in facts.operations:
        for phrase in (*op.inputs, *op.outputs):
            found.setdefault(phrase.name, []).append(phrase)
    for model in facts.models.values():
        for phrase in model:
            found.setdefault(phrase.name, []).append(phrase)
    return found


def _meant(text: str, match: re.Match[str], fields: dict[str, list[FieldPhrase]]) -> str:
    """The field a correction names, or the one its "it" stands for ("" when none is known)."""
    if name := match["name"]:
        return name if name in fields else ""
    before = text[max(0, match.start() - _WINDOW) : match.start()].lower()
    last, meant = -1, ""
    for name in fields:
        for written in {name.lower(), name.lower().replace("_", " ")}:
            at = before.rfind(written)
            if at > last and re.match(rf"{re.escape(written)}\b", before[at:]):
                last, meant = at, name
    return meant


def _by_words(words: str, fields: dict[str, list[FieldPhrase]]) -> str:
    """The one field whose name the words spell, each part the start of a word ("water
    temperature" is water_temp_c); "" when none or several do."""
    said = words.lower().split()
    found = [
        name
        for name in fields
        if len(parts := name.lower().split("_")) >= len(said)
        and all(len(p) >= 3 and w.startswith(p) for p, w in zip(parts, said, strict=False))
    ]
    return found[0] if len(found) == 1 else ""


def _rebound(phrase: FieldPhrase, which: str, value: Decimal) -> None:
    """A corrected bound: a text's length, or a number's value."""
    typed = phrase.typed
    upper = which in ("maximum", "max", "upper limit", "limit", "cap")
    if typed.base == "string" and value == int(value):
        if upper:
            typed.max_length = int(value)
        else:
            typed.min_length = int(value)
    elif upper:
        typed.le, typed.lt = value, None
    else:
        typed.ge, typed.gt = value, None
