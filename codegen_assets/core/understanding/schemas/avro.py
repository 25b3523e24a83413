"""Avro schemas pasted into a request (JSON ``record`` schemas, alone or in a list): ``int`` and
``long`` are ints, ``float`` and ``double`` floats, ``bytes``/``fixed`` strings; a union with
``"null"`` is optional; logical types say more (``uuid``, ``date``, ``timestamp-millis`` a
datetime, ``decimal`` a decimal with its scale); ``array`` is a list, ``map`` an object, an
``enum`` its symbols, a record inside a record a nested model. A field's ``default`` and its
``doc`` (read like a comment) say more."""

from __future__ import annotations

from typing import TypeGuard

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.decls import Decl, groups
from codegen_assets.core.understanding.schemas.scan import Glossary, json_values
from codegen_assets.core.understanding.types import Typed, with_note

_PRIMITIVES = {
    "boolean": "bool", "int": "int", "long": "int", "float": "float", "double": "float",
    "bytes": "string", "string": "string", "null": "",
}  # fmt: skip
_LOGICAL = {
    "uuid": "uuid", "date": "date", "timestamp-millis": "datetime",
    "timestamp-micros": "datetime", "timestamp-nanos": "datetime",
    "local-timestamp-millis": "datetime", "local-timestamp-micros": "datetime",
    "local-timestamp-nanos": "datetime", "decimal": "decimal", "big-decimal": "decimal",
}  # fmt: skip


def avro(text: str) -> list[Group]:
    """Every Avro record schema written in ``text`` as JSON, as groups."""
    reader = _Reader(Glossary(text))
    for value, start, end in json_values(text):
        schemas = value if isinstance(value, list) else [value]
        records = [s for s in schemas if _is_record(s)]
        for index, schema in enumerate(records):
            # one place for the whole value; the records after the first have none of their own
            reader.record(schema, start if index == 0 else end, end)
    return groups(reader.decls, "avro")


def _is_record(schema: object) -> TypeGuard[dict[str, object]]:
    return (
        isinstance(schema, dict)
        and schema.get("type") in ("record", "error")
        and isinstance(schema.get("name"), str)
        and isinstance(schema.get("fields"), list)
    )


class _Reader:
    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self.decls: list[Decl] = []

    def record(self, schema: dict[str, object], start: int, end: int) -> str:
        name = _short(str(schema["name"]))
        decl = Decl(name, start, end)
        self.decls.append(decl)
        fields = schema.get("fields")
        for item in fields if isinstance(fields, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                continue
            typed = self.type_of(item.get("type"), end)
            if "default" in item:
                default = item["default"]
                if default is None or isinstance(default, str | int | float | bool):
                    typed.has_default, typed.default = True, default
            doc = item.get("doc")
            typed = with_note(typed, doc if isinstance(doc, str) else "")
            decl.fields.append(FieldPhrase(item["name"], typed, str(item)))
        return name

    def type_of(self, schema: object, at: int) -> Typed:
        """A field's Avro type: a name, a union (a list) or a complex type (an object)."""
        if isinstance(schema, str):
            if stated := self.glossary.base(schema):
                return Typed(base=stated)
            if schema in _PRIMITIVES:
                return Typed(base=_PRIMITIVES[schema] or "object", optional=schema == "null")
            return Typed(model=_short(schema))  # a named record, enum or fixed
        if isinstance(schema, list):  # a union
            kept = [s for s in schema if s != "null"]
            typed = self.type_of(kept[0], at) if len(kept) == 1 else Typed(base="object")
            typed.optional = typed.optional or len(kept) < len(schema)
            return typed
        return self.complex(schema, at) if isinstance(schema, dict) else Typed(base="object")

    def complex(self, schema: dict[str, object], at: int) -> Typed:
        kind, logical = schema.get("type"), schema.get("logicalType")
        if isinstance(logical, str) and logical in _LOGICAL:
            typed = Typed(base=_LOGICAL[logical])
            scale = schema.get("scale")
            if typed.base == "decimal" and isinstance(scale, int) and not isinstance(scale, bool):
                typed.decimal_places = scale
            return typed
        if _is_record(schema):
            return Typed(model=self.record(schema, at, at))
        if kind == "enum" and isinstance(schema.get("name"), str):
            symbols = schema.get("symbols")
            listed = symbols if isinstance(symbols, list) else []
            name = _short(str(schema["name"]))
            values = tuple(s for s in listed if isinstance(s, str))
            self.decls.append(Decl(name, at, at, values=values, kind="enum"))
            return Typed(model=name)
        if kind == "array":
            typed = self.type_of(schema.get("items"), at)
            typed.is_list = True
            return typed
        if kind in ("fixed", "map"):
            return Typed(base="string" if kind == "fixed" else "object")
        return (
            self.type_of(kind, at) if isinstance(kind, str | list | dict) else Typed(base="object")
        )


def _short(name: str) -> str:
    """A named type's name without its namespace."""
    return name.rsplit(".", 1)[-1]
