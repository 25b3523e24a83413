"""F# and OCaml pasted into a request: records (``type Order = { Id: Guid; Lines: Line list }``,
one field a line or ``;``-separated) and unions whose cases carry no data (``type Priority = |
Routine | Urgent``), an enum. ``T option`` is optional, ``T list``/``T array``/``T seq``/``T[]``
a list, ``Guid`` a uuid, ``DateTime``/``DateTimeOffset`` a datetime, ``DateOnly`` a date,
``int``/``int64`` an int, ``float``/``double`` a float, ``decimal`` a decimal, ``bool`` a bool,
another name a model (or what the prose says it is); comments beside a field say more."""

from __future__ import annotations

import re

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.decls import Decl, groups
from codegen_assets.core.understanding.schemas.scan import Glossary, Syntax, block_end, members
from codegen_assets.core.understanding.schemas.typenames import type_named
from codegen_assets.core.understanding.types import Typed, with_note

_FIELDS = Syntax(comment="//", quotes='"', separators=";", newline_separates=True)
_HEAD = re.compile(
    r"^[ \t]*(?:type|and)\s+(?:private\s+)?(?P<name>[A-Za-z_]\w*)\s*=\s*(?P<rest>\{|\|)",
    re.MULTILINE,
)
_FIELD = re.compile(r"^(?:mutable\s+)?(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<type>[^=]+?)\s*$", re.S)
_CASES = re.compile(r"(?:\s*\|\s*[A-Z]\w*)+")
_SCALARS = {
    "string": "string", "char": "string", "int": "int", "int32": "int", "int64": "int",
    "int16": "int", "uint32": "int", "uint64": "int", "bigint": "int", "float": "float",
    "double": "float", "float32": "float", "single": "float", "decimal": "decimal",
    "bool": "bool", "Guid": "uuid", "DateTime": "datetime", "DateTimeOffset": "datetime",
    "DateOnly": "date",
}  # fmt: skip
_SUFFIXES = {"list": "list", "array": "list", "seq": "list", "option": "optional",
             "voption": "optional"}  # fmt: skip


def fsharp_types(text: str) -> list[Group]:
    """Every F# or OCaml record with fields, and every union of plain cases, in ``text``."""
    if "type" not in text:
        return []
    glossary = Glossary(text)
    decls: list[Decl] = []
    for head in _HEAD.finditer(text):
        if head["rest"] == "|" or text.startswith("|", _skip_space(text, head.end())):
            cases = _CASES.match(text, head.end() - 1)
            if cases is not None:
                values = tuple(re.findall(r"\|\s*([A-Z]\w*)", cases.group(0)))
                decls.append(
                    Decl(head["name"], head.start(), cases.end(), values=values, kind="enum")
                )
            continue
        brace = head.end() - 1
        body_end, end = block_end(text, brace, _FIELDS, "(){}[]")
        decl = Decl(head["name"], head.start(), end)
        for member in members(text[brace + 1 : body_end], _FIELDS):
            found = _FIELD.match(member.code)
            if found is None:
                continue
            typed = with_note(_type(found["type"], glossary), member.note)
            decl.fields.append(FieldPhrase(found["name"], typed, member.code))
        if decl.fields:
            decls.append(decl)
    return groups(decls, "fsharp")


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def _type(written: str, glossary: Glossary) -> Typed:
    """``decimal option``, ``string list``, ``Line list option``: postfix type applications."""
    words = written.split()
    optional = is_list = False
    while len(words) > 1 and words[-1] in _SUFFIXES:
        if _SUFFIXES[words.pop()] == "list":
            is_list = True
        else:
            optional = True
    head = " ".join(words).strip("'")
    if head.endswith("[]"):
        head, is_list = head[:-2], True
    typed = Typed(base=_SCALARS[head]) if head in _SCALARS else type_named(head, glossary)
    typed.is_list = typed.is_list or is_list
    typed.optional = typed.optional or optional
    return typed
