"""Swift pasted into a request: a ``struct`` (or ``class``) with stored properties (``let name:
Type``, ``var name: Type = default``; computed ones, ``static`` ones and methods are not fields),
and an ``enum`` of ``case`` names (a raw ``String`` value, ``case alert = "ALERT"``, is the value
written). ``Type?`` is optional, ``[T]`` a list, ``[K: V]`` an object, ``Int`` an int (``UInt``
never negative), ``Double`` a float, ``Decimal`` a decimal, ``Date`` a datetime, ``UUID`` a uuid,
``URL`` a string; a ``CodingKeys`` enum renames the fields it maps; comments beside say more."""

from __future__ import annotations

import re

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.decls import Decl, groups
from codegen_assets.core.understanding.schemas.fieldcode import colon_field
from codegen_assets.core.understanding.schemas.scan import (
    Glossary,
    Syntax,
    block_end,
    members,
    split_top,
)

_BODY = Syntax(quotes='"', separators=";", newline_separates=True)
_BRACKETS = "()[]{}"
_HEAD = re.compile(
    r"^[ \t]*(?:@\w+(?:\([^)\n]*\))?\s+)*(?:(?:public|internal|private|fileprivate|open|final"
    r"|indirect)\s+)*(?P<kind>struct|class|enum)\s+(?P<name>[A-Za-z_]\w*)(?:\s*<[^>{\n]*>)?"
    r"[ \t]*(?::[ \t]*(?P<conforms>[\w.& \t,<>]+?))?[ \t]*(?:where[^{\n]*)?\{",
    re.MULTILINE,
)
_CASE = re.compile(r"^case\s+(?P<list>.+)$", re.DOTALL)


def swift_types(text: str) -> list[Group]:
    """Every Swift struct or class with stored properties, and every enum of names, as groups."""
    glossary = Glossary(text)
    decls: list[Decl] = []
    renames: list[tuple[int, int, dict[str, str]]] = []
    for head in _HEAD.finditer(text):
        body_end, end = block_end(text, head.end() - 1, _BODY, _BRACKETS)
        body = text[head.end() : body_end]
        conforms = {c.strip() for c in (head["conforms"] or "").split(",")}
        if head["kind"] == "enum":
            cases = _cases(body, raw_strings="String" in conforms)
            if "CodingKey" in conforms:
                renames.append((head.start(), end, dict(cases)))
            elif cases:
                values = tuple(dict.fromkeys(v for _, v in cases))
                decls.append(Decl(head["name"], head.start(), end, values=values, kind="enum"))
            continue
        decl = Decl(head["name"], head.start(), end)
        decl.fields = _fields(body, glossary)
        if decl.fields:
            decls.append(decl)
    for start, end, mapping in renames:  # ``enum CodingKeys`` inside the struct it renames
        owner = min(
            (d for d in decls if d.kind == "record" and d.start < start and end <= d.end),
            key=lambda d: d.end - d.start,
            default=None,
        )
        for phrase in owner.fields if owner else []:
            phrase.name = mapping.get(phrase.name) or phrase.name
    return groups(decls, "swift")


def _fields(body: str, glossary: Glossary) -> list[FieldPhrase]:
    found: list[FieldPhrase] = []
    for member in members(body, _BODY):
        code = re.sub(r"^(?:@\w+(?:\([^)]*\))?\s+)+", "", member.code)  # @Published, wrappers
        if re.search(r"\b(?:static|class\s+var|lazy|func|init|subscript)\b", code.split(":")[0]):
            continue
        if "{" in code:
            continue  # a computed property (or observers): not stored
        member.code = code
        phrase = colon_field(member, glossary, keyword=True)
        if phrase is not None and phrase.name not in {f.name for f in found}:
            found.append(phrase)
    return found


def _cases(body: str, *, raw_strings: bool) -> list[tuple[str, str]]:
    """``(case name, value)`` of an enum's cases; none when a case holds data."""
    found: list[tuple[str, str]] = []
    for member in members(body, _BODY):
        case = _CASE.match(member.code)
        if case is None:
            continue  # a method, a computed property
        for part in split_top(case["list"], ","):
            written = re.fullmatch(r"([A-Za-z_]\w*)\s*(?:=\s*(.+))?", part)
            if written is None:
                return []  # ``case failed(Error)``: data, not a name
            raw = (written.group(2) or "").strip()
            quoted = re.fullmatch(r"\"([^\"]*)\"", raw)
            value = quoted.group(1) if quoted and raw_strings else written.group(1)
            found.append((written.group(1), value))
    return found
