"""Prisma schemas pasted into a request: ``model X { name Type @attributes // comment }`` (and
MongoDB's composite ``type X { ... }``) and ``enum X { A B }``. ``Type?`` is optional,
``Type[]`` a list, ``String`` a string, ``Int``/``BigInt`` an int, ``Float`` a float,
``Decimal`` a decimal, ``Boolean`` a bool, ``DateTime`` a datetime, ``Json`` an object; the
native type says more (``@db.Uuid`` a uuid, ``@db.Date`` a date, ``@db.VarChar(40)`` at most 40
characters); ``@default(value)`` is a default (``now()``, ``uuid()`` and the like a default the
database gives); ``@@`` block attributes are not fields; ``@map("x")`` renames an enum value
only in the database (the API keeps its name)."""

from __future__ import annotations

import re

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.decls import Decl, groups
from codegen_assets.core.understanding.schemas.scan import Glossary, Syntax, block_end, members
from codegen_assets.core.understanding.schemas.typenames import literal_default
from codegen_assets.core.understanding.types import Typed, with_note

_SYNTAX = Syntax(quotes='"', separators="", newline_separates=True, angle_brackets=False)
_HEAD = re.compile(r"^[ \t]*(?P<kind>model|enum|type|view)\s+(?P<name>[A-Za-z_]\w*)\s*\{", re.M)
_FIELD = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s+(?P<type>[A-Za-z_]\w*)(?P<shape>\[\]|\?)?(?P<attributes>(?:\s+@.*)?)$",
    re.DOTALL,
)
_VALUE = re.compile(r"[A-Za-z_]\w*(?:\s+@.*)?", re.DOTALL)
_ATTRIBUTE = re.compile(r"@([\w.]+)(?:\(((?:[^()]|\([^()]*\))*)\))?")
_SCALARS = {
    "String": "string", "Int": "int", "BigInt": "int", "Float": "float", "Decimal": "decimal",
    "Boolean": "bool", "DateTime": "datetime", "Json": "object", "Bytes": "string",
}  # fmt: skip
_NATIVE = {
    "Uuid": "uuid", "UniqueIdentifier": "uuid", "Date": "date", "Money": "decimal",
    "Timestamptz": "datetime", "Timestamp": "datetime", "Real": "float",
    "DoublePrecision": "float", "SmallInt": "int", "Integer": "int", "Text": "string",
}  # fmt: skip


def prisma_schema(text: str) -> list[Group]:
    """Every Prisma model, composite type and enum in ``text``, as groups."""
    glossary = Glossary(text)
    decls: list[Decl] = []
    for head in _HEAD.finditer(text):
        body_end, end = block_end(text, head.end() - 1, _SYNTAX)
        body = members(text[head.end() : body_end], _SYNTAX)
        if head["kind"] == "enum":
            written = [m.code for m in body if not m.code.startswith("@@")]
            values = [v.split()[0] for v in written]
            if values and all(_VALUE.fullmatch(v) for v in written):
                unique = tuple(dict.fromkeys(values))
                decls.append(Decl(head["name"], head.start(), end, values=unique, kind="enum"))
            continue
        decl = Decl(head["name"], head.start(), end)
        for member in body:
            phrase = _field(member.code, member.note, glossary)
            if phrase is not None:
                decl.fields.append(phrase)
        if decl.fields and (head["kind"] != "type" or len(decl.fields) == len(body)):
            decls.append(decl)
    return groups(decls, "prisma")


def _field(code: str, note: str, glossary: Glossary) -> FieldPhrase | None:
    found = _FIELD.match(code)
    if found is None:
        return None  # a ``@@index``, or not Prisma
    written = found["type"]
    if stated := glossary.base(written):
        typed = Typed(base=stated)
    elif written in _SCALARS:
        typed = Typed(base=_SCALARS[written])
    elif written == "Unsupported":
        return None
    else:
        typed = Typed(model=written)  # a relation, an enum, a composite type
    typed.is_list = found["shape"] == "[]"
    typed.optional = found["shape"] == "?"
    for name, args in _ATTRIBUTE.findall(found["attributes"] or ""):
        _attribute(name, args or "", typed)
    return FieldPhrase(found["name"], with_note(typed, note), code)


def _attribute(name: str, args: str, typed: Typed) -> None:
    if name == "default":
        if re.fullmatch(r"\w+\(.*\)", args.strip()):
            typed.has_default = True  # now(), uuid(), autoincrement(): the database's
        elif re.fullmatch(r"[A-Za-z_]\w*", args.strip()) and args.strip() not in ("true", "false"):
            typed.default, typed.has_default = args.strip(), True  # an enum's value
        else:
            literal_default(args, typed)
    elif name.startswith("db."):
        native = name[3:]
        if native in _NATIVE:
            typed.base = _NATIVE[native]
        length = re.fullmatch(r"\s*(\d+)\s*", args)
        if native in ("VarChar", "Char", "NVarChar", "NChar") and length:
            typed.max_length = int(length.group(1))
            if native in ("Char", "NChar"):
                typed.min_length = int(length.group(1))
