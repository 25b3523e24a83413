"""Protocol buffers pasted into a request: ``message`` blocks (nested ones too) and ``enum``s.
``optional`` is optional, ``repeated`` a list, ``map<K, V>`` an object; the numeric types are
ints (unsigned ones never negative) or floats; ``google.protobuf.Timestamp`` is a datetime and
the wrapper types are optional scalars. An enum's values are its value names lower-cased, with
the prefix proto style puts on them (the enum's name in UPPER_SNAKE_CASE) and the
``_UNSPECIFIED`` zero value (which means "not set") left out. A ``service``'s ``rpc`` lines say
which message is a request and which a response. protoc-gen-validate rules in a field's options
(``min_len``, ``max_len``, ``gte``, ``lte``, ``email``, ``uuid``) are bounds."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.decls import Decl, groups
from codegen_assets.core.understanding.schemas.scan import (
    Glossary,
    Syntax,
    block_end,
    members,
)
from codegen_assets.core.understanding.types import Typed, with_note

_SYNTAX = Syntax(quotes="\"'", separators=";", brace_ends_member=True)
_HEAD = re.compile(r"^[ \t]*(message|enum)\s+([A-Za-z_]\w*)\s*\{", re.MULTILINE)
_PREAMBLE = re.compile(r"^[ \t]*(?:syntax|edition|package|import|option)\b[^\n{}]*;[ \t]*$", re.M)
_RPC = re.compile(
    r"\brpc\s+\w+\s*\(\s*(?:stream\s+)?([\w.]+)\s*\)\s*returns\s*\(\s*(?:stream\s+)?([\w.]+)\s*\)"
)
_FIELD = re.compile(
    r"^(?:(?P<label>optional|repeated|required)\s+)?(?P<type>map\s*<[^>]*>|\.?[A-Za-z_][\w.]*)"
    r"\s+(?P<name>[A-Za-z_]\w*)\s*=\s*\d+\s*(?:\[(?P<options>.*)\])?$",
    re.DOTALL,
)
_LABELS = {"optional", "repeated", "required"}
_NESTED = re.compile(r"^(message|enum|oneof)\s+([A-Za-z_]\w*)\s*\{(.*)\}$", re.DOTALL)
_SCALARS = {
    "double": Typed(base="float"), "float": Typed(base="float"), "int32": Typed(base="int"),
    "int64": Typed(base="int"), "sint32": Typed(base="int"), "sint64": Typed(base="int"),
    "sfixed32": Typed(base="int"), "sfixed64": Typed(base="int"), "bool": Typed(base="bool"),
    "uint32": Typed(base="int", ge=Decimal(0)), "uint64": Typed(base="int", ge=Decimal(0)),
    "fixed32": Typed(base="int", ge=Decimal(0)), "fixed64": Typed(base="int", ge=Decimal(0)),
    "string": Typed(base="string"), "bytes": Typed(base="string"),  # base64 in JSON
    "google.protobuf.Timestamp": Typed(base="datetime"),
    "google.protobuf.Duration": Typed(base="string"),  # "1.5s" in JSON
    "google.protobuf.Struct": Typed(base="object"), "google.protobuf.Value": Typed(base="object"),
    "google.protobuf.Any": Typed(base="object"),
    "google.protobuf.StringValue": Typed(base="string", optional=True),
    "google.protobuf.BoolValue": Typed(base="bool", optional=True),
    "google.protobuf.Int32Value": Typed(base="int", optional=True),
    "google.protobuf.Int64Value": Typed(base="int", optional=True),
    "google.protobuf.UInt32Value": Typed(base="int", ge=Decimal(0), optional=True),
    "google.protobuf.UInt64Value": Typed(base="int", ge=Decimal(0), optional=True),
    "google.protobuf.DoubleValue": Typed(base="float", optional=True),
    "google.protobuf.FloatValue": Typed(base="float", optional=True),
    "google.protobuf.BytesValue": Typed(base="string", optional=True),
    "google.type.Date": Typed(base="date"), "google.type.Money": Typed(base="decimal"),
    "google.type.Decimal": Typed(base="decimal"),
}  # fmt: skip
_RULES = {
    "min_len": "min_length", "max_len": "max_length", "min_items": "min_length",
    "max_items": "max_length", "len": "length", "gte": "ge", "lte": "le", "gt": "gt", "lt": "lt",
}  # fmt: skip
_RULE = re.compile(
    r"\b(min_len|max_len|min_items|max_items|len|gte|lte|gt|lt)\s*[:=]\s*(-?\d+(?:\.\d+)?)"
)


def protobuf(text: str) -> list[Group]:
    """Every protobuf message and enum in ``text``, as groups."""
    decls: list[Decl] = []
    glossary = Glossary(text)
    done = 0
    for head in _HEAD.finditer(text):
        if head.start() < done:
            continue  # declared inside a message already read
        body_end, end = block_end(text, head.end() - 1, _SYNTAX)
        body = text[head.end() : body_end]
        if head.group(1) == "enum":
            decls.append(
                Decl(
                    head.group(2),
                    head.start(),
                    end,
                    values=_values(head.group(2), body),
                    kind="enum",
                )
            )
        else:
            message = Decl(head.group(2), head.start(), end)
            decls.append(message)
            message.fields = _fields(body, decls, end, glossary)
        done = end
    if decls:  # the file's preamble is code too
        decls += [Decl("", m.start(), m.end(), kind="preamble") for m in _PREAMBLE.finditer(text)]
    roles = {}
    for rpc in _RPC.finditer(text):
        roles[rpc.group(1).rsplit(".", 1)[-1]] = "input"
        roles[rpc.group(2).rsplit(".", 1)[-1]] = "output"
    for decl in decls:
        decl.role = roles.get(decl.name, "")
    return groups(decls, "protobuf")


def _fields(body: str, decls: list[Decl], at: int, glossary: Glossary) -> list[FieldPhrase]:
    found = []
    for member in members(body, _SYNTAX):
        if nested := _NESTED.match(member.code):
            kind, name, inner = nested.groups()
            if kind == "enum":
                decls.append(Decl(name, at, at, values=_values(name, inner), kind="enum"))
            elif kind == "message":
                message = Decl(name, at, at)
                decls.append(message)
                message.fields = _fields(inner, decls, at, glossary)
            else:  # a oneof: at most one of its fields is set
                for phrase in _fields(inner, decls, at, glossary):
                    phrase.typed.optional = True
                    found.append(phrase)
            continue
        matched = _FIELD.match(member.code)
        if matched is None or matched["type"] in _LABELS or matched["name"] in _SCALARS:
            continue  # option, reserved, extensions, a half-written line
        typed = _type(matched["type"], glossary)
        if matched["label"] == "repeated":
            typed.is_list = True
        typed.optional = typed.optional or matched["label"] == "optional"
        typed.required = matched["label"] == "required"
        _options(matched["options"] or "", typed)
        found.append(FieldPhrase(matched["name"], with_note(typed, member.note), member.code))
    return found


def _type(written: str, glossary: Glossary) -> Typed:
    written = written.lstrip(".")
    if written.replace(" ", "").startswith("map<"):
        return Typed(base="object")
    if stated := glossary.base(written):
        return Typed(base=stated)
    if written in _SCALARS:
        known = _SCALARS[written]
        return Typed(base=known.base, ge=known.ge, optional=known.optional)
    return Typed(model=written.rsplit(".", 1)[-1])


def _options(options: str, typed: Typed) -> None:
    """``[default = 5]`` and protoc-gen-validate rules."""
    if default := re.search(r"\bdefault\s*=\s*(\"[^\"]*\"|[\w.-]+)", options):
        value = default.group(1).strip('"')
        typed.has_default, typed.default = True, _scalar(value)
    for rule in _RULE.finditer(options):
        key = _RULES[rule.group(1)]
        try:
            number = Decimal(rule.group(2))
        except InvalidOperation:
            continue
        if key == "length":
            typed.min_length = typed.max_length = int(number)
        elif key.endswith("length"):
            setattr(typed, key, int(number))
        else:
            setattr(typed, key, number)
    if re.search(r"\bemail\s*[:=]\s*true", options):
        typed.format = "email"
    if re.search(r"\buuid\s*[:=]\s*true", options):
        typed.base = "uuid"


def _scalar(value: str) -> str | int | float | bool:
    if value in ("true", "false"):
        return value == "true"
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    return int(number) if number == int(number) else float(number)


def _values(name: str, body: str) -> tuple[str, ...]:
    """An enum's values as the style guide means them: ``ROUTE_TRANSACTIONAL`` in ``enum Route``
    is "transactional"; ``ROUTE_UNSPECIFIED = 0`` is no value."""
    written = []
    for member in members(body, _SYNTAX):
        value = re.match(r"^([A-Za-z_]\w*)\s*=\s*-?(?:0x)?\d+", member.code)
        if value and value.group(1) not in ("option", "reserved"):
            written.append(value.group(1))
    written = [v for v in written if not v.upper().endswith("UNSPECIFIED")]
    prefix = _upper_snake(name) + "_"
    if written and all(v.startswith(prefix) and len(v) > len(prefix) for v in written):
        written = [v[len(prefix) :] for v in written]
    return tuple(dict.fromkeys(v.lower() for v in written))


def _upper_snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).upper()
