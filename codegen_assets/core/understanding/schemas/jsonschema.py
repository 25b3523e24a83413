"""JSON Schema and OpenAPI schemas pasted into a request, as JSON or YAML: a schema with
``properties`` (its ``title`` names it), OpenAPI's ``components: schemas:``, ``definitions`` /
``$defs``, or a mapping of names to schemas. A property not in ``required`` is optional, or has its
``default`` when it states one (a ``nullable`` one or a ``type`` list with ``"null"`` is
optional); ``type`` and ``format`` give the type
(``string`` + ``uuid``/``date-time``/``date``/``email``/``uri``, ``integer``, ``number`` a float,
``format: decimal`` or ``money`` a decimal, ``boolean``, ``array`` of ``items``); ``minimum``,
``maximum``, ``exclusiveMinimum`` (a number, or draft 4's flag), ``minLength``/``maxLength``,
``minItems``/``maxItems``, ``enum``, ``const`` and ``default`` are kept; a ``$ref`` names a
nested model; ``description`` is read like a comment."""

from __future__ import annotations

import re

import yaml

from codegen_assets.core.understanding import sketch
from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.decls import Decl, groups
from codegen_assets.core.understanding.schemas.openapi_paths import path_operations
from codegen_assets.core.understanding.schemas.scan import (
    class_name,
    fenced,
    json_count,
    json_number,
    json_values,
)
from codegen_assets.core.understanding.types import Typed, with_note

_KEYWORDS = {
    "type", "bsonType", "$ref", "enum", "const", "format", "items", "properties", "oneOf", "anyOf",
    "allOf",
    "minimum", "maximum", "minLength", "maxLength", "description", "nullable",
}  # fmt: skip
_FORMATS = {
    "uuid": "uuid", "date-time": "datetime", "date": "date", "decimal": "decimal",
    "money": "decimal", "int32": "int", "int64": "int", "double": "float", "float": "float",
}  # fmt: skip
_STRING_FORMATS = {"email": "email", "idn-email": "email", "uri": "uri", "url": "uri", "iri": "uri"}
_TYPES = {
    "string": "string",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "object": "object",
}
_YAML_TAGS = {"", "yaml", "yml", "json", "openapi", "jsonschema"}


def json_schemas(text: str) -> list[Group]:
    """Every JSON Schema or OpenAPI schema in ``text`` (JSON anywhere, YAML fenced or in an
    indented block), as groups."""
    reader = _Reader(text)
    taken: list[tuple[int, int]] = []
    for value, start, end in _documents(text):
        if any(s <= start < e for s, e in taken):
            continue
        if reader.document(value, start, end):
            taken.append((start, end))
    return groups(reader.decls, "jsonschema") + reader.operations


_MONGO = re.compile(r"\$jsonSchema\s*:\s*\{")
_COLLECTION = re.compile(r"createCollection\(\s*[\"']([\w.-]+)[\"']")
# MongoDB's BSON types as JSON Schema's type and format ("date" is a timestamp)
_BSON = {
    "int": ("integer", ""), "long": ("integer", ""), "double": ("number", ""),
    "decimal": ("string", "decimal"), "string": ("string", ""), "bool": ("boolean", ""),
    "date": ("string", "date-time"), "timestamp": ("string", "date-time"),
    "objectId": ("string", ""), "object": ("object", ""), "array": ("array", ""),
    "null": ("null", ""),
}  # fmt: skip


def _from_bson(schema: dict[str, object]) -> dict[str, object]:
    """A schema written with ``bsonType`` as JSON Schema writes it (``type``, ``format``)."""
    kinds = schema["bsonType"]
    written = [k for k in (kinds if isinstance(kinds, list) else [kinds]) if isinstance(k, str)]
    mapped = [_BSON.get(k, (k, "")) for k in written]
    formats = [f for _, f in mapped if f]
    result = {**schema, "type": [t for t, _ in mapped]}
    if formats and "format" not in schema:
        result["format"] = formats[0]
    return result


def _mongo_validators(text: str) -> list[tuple[object, int, int]]:
    """``$jsonSchema: { bsonType: "object", ... }`` in a ``createCollection`` call: a JavaScript
    object literal, which reads as a YAML flow mapping; titled by its collection."""
    found: list[tuple[object, int, int]] = []
    for match in _MONGO.finditer(text):
        close = _balanced(text, match.end() - 1)
        if close is None:
            continue
        try:
            value = yaml.safe_load(text[match.end() - 1 : close + 1])
        except (yaml.YAMLError, RecursionError, ValueError):
            continue
        if isinstance(value, dict):
            named = _COLLECTION.search(text, max(0, match.start() - 300), match.start())
            if named and "title" not in value:
                value["title"] = class_name(named.group(1))
            found.append((value, match.start(), close + 1))
    return found


def _balanced(text: str, opening: int) -> int | None:
    """Where the brace at ``opening`` closes (strings not counted), or None."""
    depth, quote = 0, ""
    for index in range(opening, len(text)):
        char = text[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
    return None


def _documents(text: str) -> list[tuple[object, int, int]]:
    found = list(json_values(text)) + _mongo_validators(text)
    blocks = [(code, start, end) for tag, code, start, end in fenced(text) if tag in _YAML_TAGS]
    blocks += [(text[b.start : b.end], b.start, b.end) for b in sketch.sketches(text)]
    for code, start, end in blocks:
        try:
            value = yaml.safe_load(code)
        except (yaml.YAMLError, RecursionError, ValueError):
            continue
        if isinstance(value, dict):
            found.append((value, start, end))
    return sorted(found, key=lambda item: (item[1], -item[2]))


def _schema_like(value: object) -> bool:
    return isinstance(value, dict) and bool(_KEYWORDS & set(value))


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.decls: list[Decl] = []
        self.operations: list[Group] = []  # an API document's one operation, where it is

    def document(self, value: object, start: int, end: int) -> bool:
        """The named schemas of one document; False when it holds none."""
        if not isinstance(value, dict):
            return False
        named: dict[str, object] = {}
        components = value.get("components")
        if isinstance(components, dict) and isinstance(components.get("schemas"), dict):
            named.update(components["schemas"])
        for key in ("definitions", "$defs", "schemas"):
            if isinstance(value.get(key), dict):
                named.update(value[key])
        if _has_properties(value):
            title = value.get("title")
            named = {str(title) if title else "": value, **named}
        elif not named and value and all(_schema_like(v) for v in value.values()):
            named = dict(value)  # a mapping of names to schemas
        named = {str(k): v for k, v in named.items() if _schema_like(v)}
        if not any(
            _has_properties(v) or (isinstance(v, dict) and "enum" in v) for v in named.values()
        ):
            return False
        places = self._places(list(named), start, end)
        first = len(self.decls)
        for (name, schema), (begin, finish) in zip(named.items(), places, strict=True):
            if isinstance(schema, dict):
                self.named(name or class_name("schema"), schema, begin, finish)
        self._paths(value, self.decls[first:], start, min(places[0][1], end) if places else end)
        return True

    def _paths(self, value: dict[object, object], decls: list[Decl], start: int, end: int) -> None:
        """An API document's one operation (``operationId``): the operation the schemas it
        takes and returns belong to, each with its role."""
        found = path_operations(value)
        roles = {op.request: "input" for op in found} | {op.response: "output" for op in found}
        for decl in decls:
            decl.role = roles.get(decl.name, decl.role) if decl.name else decl.role
        if len(found) == 1:
            at = self.text.find(found[0].name, start, end)
            at = at if at >= 0 else start
            self.operations.append(
                Group([], at, at + len(found[0].name), found[0].name, "operation", "signature")
            )

    def _places(self, names: list[str], start: int, end: int) -> list[tuple[int, int]]:
        """Where each named schema is written in the document: from its name to the next one's
        (the first from the document's start; one not found has no place of its own)."""
        starts: list[int | None] = []
        position = start
        for index, name in enumerate(names):
            found = re.compile(rf"^[ \t]*[\"']?{re.escape(name)}[\"']?\s*:", re.M).search(
                self.text, position, end
            )
            if index == 0:
                starts.append(start)
            elif name and found is not None:
                starts.append(found.start())
                position = found.end()
            else:
                starts.append(None)
        placed = [s for s in starts if s is not None]
        return [
            (s, next((p for p in placed if p > s), end)) if s is not None else (end, end)
            for s in starts
        ]

    def named(self, name: str, schema: dict[str, object], start: int, end: int) -> None:
        if _has_properties(schema) or "allOf" in schema:
            self.record(name, schema, start, end)
        elif "enum" in schema:
            typed = self.type_of(schema, name, end)
            self.decls.append(Decl(name, start, end, values=typed.enum, kind="enum"))
        else:
            self.decls.append(
                Decl(name, start, end, alias=self.type_of(schema, name, end), kind="alias")
            )

    def record(self, name: str, schema: dict[str, object], start: int, end: int) -> str:
        decl = Decl(name, start, end)
        self.decls.append(decl)
        combined = schema.get("allOf")
        parts = [schema, *(combined if isinstance(combined, list) else [])]
        for part in parts:
            if not isinstance(part, dict):
                continue
            reference = part.get("$ref")
            if isinstance(reference, str) and part is not schema:
                decl.bases.append(_ref(reference))
            required = part.get("required")
            needed = {str(r) for r in required} if isinstance(required, list) else set()
            properties = part.get("properties")
            for key, sub in properties.items() if isinstance(properties, dict) else ():
                typed = self.type_of(sub, str(key), end)
                # not required: optional, or the default it has (never null then)
                typed.optional = typed.optional or (
                    str(key) not in needed and not typed.has_default
                )
                decl.fields.append(FieldPhrase(str(key), typed, f"{key}: {sub}"))
        return name

    def type_of(self, schema: object, field_name: str, at: int) -> Typed:
        if not isinstance(schema, dict):
            return Typed(base="object")
        if isinstance(schema.get("$ref"), str):
            return self._described(Typed(model=_ref(schema["$ref"])), schema)
        for key in ("oneOf", "anyOf", "allOf"):
            options = schema.get(key)
            if isinstance(options, list) and options:
                kept = [o for o in options if not (isinstance(o, dict) and o.get("type") == "null")]
                typed = (
                    self.type_of(kept[0], field_name, at)
                    if len(kept) == 1
                    else Typed(base="object")
                )
                typed.optional = typed.optional or len(kept) < len(options)
                return self._described(typed, schema)
        if "bsonType" in schema and "type" not in schema:
            schema = _from_bson(schema)
        kinds = schema.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        kind = next((k for k in kinds if k != "null"), None)
        typed = Typed(optional="null" in kinds or schema.get("nullable") is True)
        if kind == "array":
            item = self.type_of(schema.get("items"), field_name, at)
            item.is_list, item.optional = True, typed.optional
            typed = item
            typed.min_length = json_count(schema.get("minItems"))
            typed.max_length = json_count(schema.get("maxItems"))
        elif kind == "object" and _has_properties(schema):
            model = str(schema.get("title") or class_name(field_name))
            typed.model = self.record(model, schema, at, at)
        else:
            self._scalar(schema, kind, typed)
        return self._described(typed, schema)

    def _scalar(self, schema: dict[str, object], kind: object, typed: Typed) -> None:
        written = schema.get("format")
        form = written.lower() if isinstance(written, str) else ""
        typed.base = _FORMATS.get(form) or _TYPES.get(str(kind), "") or ("string" if form else "")
        typed.format = _STRING_FORMATS.get(form, "")
        values = schema.get("enum")
        if "const" in schema:
            values = [schema["const"]]
        if isinstance(values, list):
            if None in values:
                typed.optional = True
            kept = [v for v in values if v is not None]
            if kept and all(isinstance(v, str | bool) for v in kept):
                typed.enum = tuple(str(v).lower() if isinstance(v, bool) else v for v in kept)
                typed.base = "string"
            elif kept and not typed.base:
                typed.base = "int" if all(isinstance(v, int) for v in kept) else "float"
        typed.min_length = json_count(schema.get("minLength"))
        typed.max_length = json_count(schema.get("maxLength"))
        _numbers(schema, typed)
        if not typed.base and not typed.enum:
            typed.base = "object"

    def _described(self, typed: Typed, schema: dict[str, object]) -> Typed:
        default = schema.get("default", ...)
        if default is None or isinstance(default, str | int | float | bool):
            typed.has_default, typed.default = True, default
        description = schema.get("description")
        return with_note(typed, description) if isinstance(description, str) else typed


def _numbers(schema: dict[str, object], typed: Typed) -> None:
    """``minimum``/``maximum`` and the exclusive bounds, as numbers (draft 6 on) or as draft
    4's flags on the inclusive ones."""
    low, high = json_number(schema.get("minimum")), json_number(schema.get("maximum"))
    exclusive_low, exclusive_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if exclusive_low is True:
        typed.gt, low = low, None
    elif (value := json_number(exclusive_low)) is not None:
        typed.gt = value
    if exclusive_high is True:
        typed.lt, high = high, None
    elif (value := json_number(exclusive_high)) is not None:
        typed.lt = value
    typed.ge, typed.le = low, high


def _has_properties(schema: object) -> bool:
    if not isinstance(schema, dict):
        return False
    properties = schema.get("properties")
    return (
        isinstance(properties, dict)
        and bool(properties)
        and all(isinstance(v, dict) for v in properties.values())
        and any(_schema_like(v) for v in properties.values())
    )


def _ref(reference: str) -> str:
    """``#/components/schemas/Participant`` -> ``Participant``."""
    return reference.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~") or "Item"
