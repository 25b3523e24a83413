"""Go structs pasted into a request, read as ``encoding/json`` sees them: a field's name is its
``json:"name"`` tag (else the Go name; ``json:"-"`` and unexported fields are not in the JSON),
a pointer or ``omitempty`` is optional, ``[]T`` a list, ``map`` an object, ``time.Time`` a
datetime, unsigned ints never negative. ``validate:"..."`` (and gin's ``binding:"..."``) rules
are bounds: ``required``, ``min``/``max``/``len``/``gte``/``lte``/``gt``/``lt`` (a length for
strings and slices, a value for numbers), ``email``, ``url``, ``uuid``, ``oneof=a b``. A
``type Status string`` with typed constants is an enum of the constants' values."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.decls import Decl, groups
from codegen_assets.core.understanding.schemas.scan import Glossary, Syntax, block_end, members
from codegen_assets.core.understanding.types import Typed, with_note

_SYNTAX = Syntax(quotes="\"'`", separators=";", newline_separates=True, angle_brackets=False)
_STRUCT = re.compile(r"^[ \t]*type\s+([A-Za-z_]\w*)\s+struct\s*\{", re.MULTILINE)
_NAMED = re.compile(r"^[ \t]*type\s+([A-Za-z_]\w*)\s+([\w.\[\]*]+)[ \t]*(?://.*)?$", re.MULTILINE)
_CONST = re.compile(r"^[ \t]*\w+\s+([A-Za-z_]\w*)\s*=\s*\"([^\"]*)\"", re.MULTILINE)
_FIELD = re.compile(
    r"^(?P<names>[A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s+(?P<type>[\w.\[\]*{}]+(?:\s*[\w.\[\]*{}]+)*?)"
    r"\s*(?:`(?P<tag>[^`]*)`?)?$",
    re.DOTALL,
)
_TAG = re.compile(r'(\w+):"((?:[^"\\]|\\.)*)"')
_INTS = {"int", "int8", "int16", "int32", "int64", "rune"}
_UINTS = {"uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "byte"}
_SCALARS = {
    "string": "string", "bool": "bool", "float32": "float", "float64": "float",
    "time.Time": "datetime", "time.Duration": "int", "uuid.UUID": "uuid",
    "decimal.Decimal": "decimal", "json.RawMessage": "object", "interface{}": "object",
    "any": "object", "big.Int": "int", "big.Float": "float", "big.Rat": "decimal",
    "civil.Date": "date", "civil.DateTime": "datetime", "[]byte": "string",
}  # fmt: skip
_NULLABLE = re.compile(r"^(?:sql|null)\.(?:Null)?(String|Bool|Int\d*|Float\d*|Time|Byte)$")


def go_structs(text: str) -> list[Group]:
    """Every Go struct (and string-typed enum) in ``text``, as groups."""
    glossary = Glossary(text)
    decls: list[Decl] = []
    for head in _STRUCT.finditer(text):
        body_end, end = block_end(text, head.end() - 1, _SYNTAX)
        decl = Decl(head.group(1), head.start(), end)
        decl.fields = _fields(text[head.end() : body_end], decl, glossary)
        decls.append(decl)
    for named in _NAMED.finditer(text):
        name, underlying = named.groups()
        if not _go_type(underlying):
            continue  # "type the rest here": words, not a Go type
        values = tuple(dict.fromkeys(v for t, v in _CONST.findall(text) if t == name))
        if values:
            decls.append(Decl(name, named.start(), named.end(), values=values, kind="enum"))
        else:
            alias = _type(underlying, glossary)
            decls.append(Decl(name, named.start(), named.end(), alias=alias, kind="alias"))
    return groups(decls, "go")


def _go_type(written: str) -> bool:
    known = written in _SCALARS or written in _INTS | _UINTS or "." in written
    return known or written.startswith(("[", "*", "map["))


def _fields(body: str, owner: Decl, glossary: Glossary) -> list[FieldPhrase]:
    found = []
    for member in members(body, _SYNTAX):
        matched = _FIELD.match(member.code)
        if matched is None:
            embedded = member.code.split("`")[0].strip().lstrip("*")
            if re.fullmatch(r"[A-Z]\w*", embedded):
                owner.bases.append(embedded)  # an embedded struct: its fields are promoted
            continue
        tags = dict(_TAG.findall(matched["tag"] or ""))
        json_name, *json_options = tags.get("json", "").split(",")
        if json_name == "-" and not json_options:
            continue
        names = [n.strip() for n in matched["names"].split(",")]
        for go_name in names:
            if not go_name[:1].isupper():
                continue  # unexported: encoding/json leaves it out
            typed = _type(matched["type"], glossary)
            typed.optional = typed.optional or "omitempty" in json_options
            _rules(tags.get("validate") or tags.get("binding") or "", typed)
            name = json_name if json_name and len(names) == 1 else go_name
            found.append(FieldPhrase(name, with_note(typed, member.note), member.code))
    return found


def _type(written: str, glossary: Glossary) -> Typed:
    written = written.strip()
    if stated := glossary.base(written):
        return Typed(base=stated)
    if written in _SCALARS:
        return Typed(base=_SCALARS[written])
    if written.startswith("*"):
        typed = _type(written[1:], glossary)
        typed.optional = True
        return typed
    if list_of := re.match(r"^\[\d*\](.+)$", written):
        typed = _type(list_of.group(1), glossary)
        typed.is_list = True
        return typed
    if written.startswith(("map[", "struct{", "struct {", "interface")):
        return Typed(base="object")
    if written in _INTS:
        return Typed(base="int")
    if written in _UINTS:
        return Typed(base="int", ge=Decimal(0))
    if nullable := _NULLABLE.match(written):
        kind = nullable.group(1)
        base = {"String": "string", "Bool": "bool", "Time": "datetime", "Byte": "int"}.get(
            kind, "float" if kind.startswith("Float") else "int"
        )
        return Typed(base=base, optional=True)
    if re.fullmatch(r"[A-Za-z_][\w.]*", written):
        return Typed(model=written.rsplit(".", 1)[-1])
    return Typed(base="object")


_LENGTH_KEYS = {"min": "min_length", "max": "max_length", "gte": "min_length", "lte": "max_length"}
_VALUE_KEYS = {"min": "ge", "max": "le", "gte": "ge", "lte": "le", "gt": "gt", "lt": "lt"}


def _rules(rules: str, typed: Typed) -> None:
    """go-playground/validator rules (those before ``dive`` are about the field itself)."""
    sized = typed.is_list or typed.base == "string"
    for rule in rules.split(",dive")[0].split(","):
        key, _, value = rule.strip().partition("=")
        if key == "required":
            typed.required = True
        elif key == "omitempty":
            typed.optional = True
        elif key in ("email", "url", "uri", "http_url"):
            typed.format = "email" if key == "email" else "uri"
        elif key.startswith("uuid"):
            typed.base = "uuid"
        elif key == "oneof" and value:
            typed.enum, typed.base = tuple(value.split()), typed.base or "string"
        elif key in ("min", "max", "len", "gte", "lte", "gt", "lt") and value:
            _bound(key, value, typed, sized=sized)


def _bound(key: str, value: str, typed: Typed, *, sized: bool) -> None:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return
    if not sized:
        if key in _VALUE_KEYS:
            setattr(typed, _VALUE_KEYS[key], number)
        return
    if number != int(number) or number < 0:
        return
    if key == "len":
        typed.min_length = typed.max_length = int(number)
    elif key in _LENGTH_KEYS:
        setattr(typed, _LENGTH_KEYS[key], int(number))
    elif key == "gt":
        typed.min_length = int(number) + 1
    elif key == "lt":
        typed.max_length = max(0, int(number) - 1)
