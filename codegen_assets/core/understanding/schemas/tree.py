"""A shape drawn as a tree (``tree``'s ``├──``/``└──``/``│``, or ASCII ``|--``/`` `--``), each
line ``name: type (notes)`` (``name?:`` optional), the type in words as anywhere else
(``decimal (> 0)``, ``list of Pallet (1 to 33 items)``). A line with lines under it is a nested
model (named by its type, ``Party``, else by its name); a later line of the same type reuses
it. The line above the tree (``book_freight input``) may say what it is."""

from __future__ import annotations

import re

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.decls import Decl, groups
from codegen_assets.core.understanding.schemas.scan import class_name
from codegen_assets.core.understanding.types import Typed, parse_type
from codegen_assets.core.understanding.vocabulary import TYPE_WORDS

_LINE = re.compile(
    r"^(?P<prefix>[ \t│┃|]*)(?:├──?|└──?|┣━━?|┗━━?|\|--|`--|\+--)[─━-]*\s*"
    r"(?P<name>[A-Za-z_]\w*)(?P<optional>\?)?\s*:\s*(?P<type>.*?)\s*$"
)
_BLANK = re.compile(r"^[ \t│┃|]*$")
_HEADER_ROLE = (
    (re.compile(r"\b(?:input|request|command|event|params?)\b", re.I), "input"),
    (re.compile(r"\b(?:output|response|result|reply|state)\b", re.I), "output"),
)


def trees(text: str) -> list[Group]:
    """Every tree drawing of fields in ``text``, as groups."""
    decls: list[Decl] = []
    lines = text.split("\n")
    offsets, position = [], 0
    for line in lines:
        offsets.append(position)
        position += len(line) + 1
    i = 0
    while i < len(lines):
        if not _LINE.match(lines[i]):
            i += 1
            continue
        j = i
        while j < len(lines) and (_LINE.match(lines[j]) or (_BLANK.match(lines[j]) and lines[j])):
            j += 1
        header = lines[i - 1].strip() if i and not _LINE.match(lines[i - 1]) else ""
        start = offsets[i - 1] if header else offsets[i]
        end = offsets[j - 1] + len(lines[j - 1])
        role = next((r for pattern, r in _HEADER_ROLE if pattern.search(header)), "")
        root = Decl("", start, end, role=role)
        root.fields = _read([m for line in lines[i:j] if (m := _LINE.match(line))], decls, end)
        if root.fields:
            decls.append(root)
        i = j
    return groups(decls, "tree")


def _read(found: list[re.Match[str]], decls: list[Decl], at: int) -> list[FieldPhrase]:
    """The fields at the first depth of ``found``, each with the lines deeper under it."""
    fields: list[FieldPhrase] = []
    k = 0
    while k < len(found):
        line = found[k]
        depth = len(line["prefix"])
        m = k + 1
        while m < len(found) and len(found[m]["prefix"]) > depth:
            m += 1
        typed = _type(line["type"])
        typed.optional = typed.optional or bool(line["optional"])
        if m > k + 1:  # lines under this one: the fields of its model
            name = typed.model or class_name(line["name"])
            typed.model, typed.base = name, ""
            if not any(d.name == name for d in decls):
                decl = Decl(name, at, at)
                decl.fields = _read(found[k + 1 : m], decls, at)
                decls.append(decl)
        fields.append(FieldPhrase(line["name"], typed, line.group(0).strip()))
        k = m
    return fields


def _type(written: str) -> Typed:
    typed = parse_type(written)
    head = re.match(r"([A-Z]\w*)\b", written)
    if not typed.model and head and head.group(1).lower() not in TYPE_WORDS:
        typed.model, typed.base = head.group(1), ""
    return typed
