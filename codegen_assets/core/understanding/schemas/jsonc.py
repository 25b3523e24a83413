"""JSON with comments pasted into a request (``jsonc``, JSON5-ish: ``// notes`` beside or above a
key, ``/* ... */``, trailing commas), which a JSON parser refuses: each key typed by its example
value (a UUID, timestamp or date by its shape), what its comment says read as for code (``//
float, > 0``, ``// optional``, ``// up to 16 characters``); an object value a nested model named
by its key, a list of objects a list of one."""

from __future__ import annotations

import json
import re

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group, json_type
from codegen_assets.core.understanding.schemas.decls import Decl, groups
from codegen_assets.core.understanding.schemas.scan import (
    Syntax,
    block_end,
    class_name,
    members,
    pairs,
)
from codegen_assets.core.understanding.types import Typed, with_note

_SYNTAX = Syntax(comment="//", quotes="\"'", separators=",", angle_brackets=False)
# an object's "{": then comments (each of bounded length) and a quoted key or the "}"
_START = re.compile(r"\{(?=\s*(?://[^\n]{0,500}\n\s*|/\*(?:(?!\*/).){0,500}\*/\s*)*[\"'}])", re.S)
_MEMBER = re.compile(
    r"^(?:\"(?P<dq>[^\"]+)\"|'(?P<sq>[^']+)'|(?P<bare>[A-Za-z_$][\w$]*))\s*:\s*(?P<value>.+)$", re.S
)
_COMMENT = re.compile(r"//|/\*")


def jsonc_objects(text: str) -> list[Group]:
    """Every JSON object with comments (or trailing commas) in ``text``, as groups."""
    decls: list[Decl] = []
    taken = 0
    for start in _START.finditer(text):
        if start.start() < taken:
            continue
        body_end, end = block_end(text, start.start(), _SYNTAX, "{}[]")
        taken = end  # an object inside this one is part of it (read, or not)
        written = text[start.start() : end]
        if not _COMMENT.search(written) and not re.search(r",\s*[}\]]", written):
            continue  # plain JSON: read as a JSON example
        if _is_json(written):
            continue
        root = Decl("", start.start(), end)
        root.fields = _fields(text[start.start() + 1 : body_end], root, decls)
        if root.fields:
            decls.append(root)
    return groups(decls, "jsonc")


def _is_json(written: str) -> bool:
    try:
        json.loads(written)
    except (ValueError, RecursionError):
        return False
    return True


def _fields(body: str, owner: Decl, decls: list[Decl]) -> list[FieldPhrase]:
    found = []
    for member in members(body, _SYNTAX):
        matched = _MEMBER.match(member.code)
        if matched is None:
            continue
        name = matched["dq"] or matched["sq"] or matched["bare"]
        typed = _value(matched["value"].strip(), name, owner, decls)
        if typed is None:
            continue
        # written as a JSON example is: its numbers are examples, not rules
        found.append(FieldPhrase(name, with_note(typed, member.note), f"{{{member.code}}}"))
    return found


def _value(written: str, name: str, owner: Decl, decls: list[Decl]) -> Typed | None:
    """A value's type: an object (a nested model), a list (of its first item), a literal."""
    if written.startswith("{"):
        return Typed(model=_nested(written, name, owner, decls))
    if written.startswith("["):
        close = pairs(written, _SYNTAX, "{}[]").get(0)
        inner = written[1:close] if close is not None else written[1:]
        items = members(inner, _SYNTAX)
        first = items[0].code.strip() if items else ""
        item = _value(first, name, owner, decls) if first else Typed(base="object")
        if item is None:
            return None
        item.is_list = True
        return item
    try:
        value = json.loads(written.replace("'", '"') if written.startswith("'") else written)
    except ValueError:
        return None
    return json_type(name, value)


def _nested(written: str, name: str, owner: Decl, decls: list[Decl]) -> str:
    model = class_name(name)
    close = pairs(written, _SYNTAX, "{}[]").get(0)
    decl = Decl(model, owner.end, owner.end)
    decl.fields = _fields(written[1:close] if close is not None else written[1:], decl, decls)
    decls.append(decl)
    return model
