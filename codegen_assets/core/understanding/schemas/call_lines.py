"""Operations written as terse calls, one a line, as people sketch an API in an issue:
``set(key: str ≤ 200 chars, value: str, ttl_s: int 1..86400 = 3600) -> (stored: bool)``.
The parameters are the operation's inputs (type, bounds, ``= default``, ``| None`` optional),
the named results in brackets after the arrow its outputs; a bare result type names no field.
Python's ``def`` lines are the Python reader's."""

from __future__ import annotations

import re

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.types import parse_type

_CALL = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+|\d+[.)][ \t]+)?`?(?P<name>[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)?)"
    r"\((?P<params>[^()\n]*)\)`?[ \t]*(?:->|→|=>|⟶|⇒)[ \t]*(?P<result>[^\n]*?)[ \t]*$",
    re.M,
)
_PARAM = re.compile(r"^\s*`?(?P<name>[a-z_][a-z0-9_]*)`?\s*:\s*(?P<type>.+?)\s*$", re.I | re.S)
_DEFAULT = re.compile(r"\s=\s*(?P<value>[^=]+?)\s*$")
_NONE = re.compile(r"\|\s*None\b|\bNone\s*\||\bOptional\[|\?$")


def call_lines(text: str) -> list[Group]:
    """An input group (labelled with the operation's name) for each call line, and an output
    group for the named results it returns."""
    found = []
    for match in _CALL.finditer(text):
        inputs = _fields(match["params"])
        result = match["result"].strip().strip("`")
        outputs = _fields(result[1:-1]) if result.startswith("(") and result.endswith(")") else []
        if inputs is None or outputs is None or not (inputs or outputs):
            continue
        name, arrow = match["name"], match.start("result")
        found.append(Group(inputs, match.start(), arrow, name, "input", "signature"))
        if outputs:
            found.append(Group(outputs, arrow, match.end(), name, "output", "signature"))
    return found


def _fields(params: str) -> list[FieldPhrase] | None:
    """Each ``name: type`` of a bracket's list; None when an item is not one (prose in
    brackets, not a call)."""
    fields = []
    for item in _split(params):
        if not item.strip():
            continue
        param = _PARAM.match(item)
        if param is None:
            return None
        words = param["type"]
        optional = _NONE.search(words) is not None
        if default := _DEFAULT.search(words):
            words = f"{words[: default.start()]}, default {default['value']}"
        typed = parse_type(words)
        if not typed.base and not typed.model:
            return None
        typed.optional = typed.optional or optional
        fields.append(FieldPhrase(param["name"], typed, item.strip()))
    return fields


def _split(params: str) -> list[str]:
    """Items at the top level's commas (``dict[str, int]`` stays one)."""
    items, depth, current = [], 0, ""
    for char in params:
        depth += char in "[<{"
        depth -= char in "]>}"
        if char == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += char
    return [*items, current]
