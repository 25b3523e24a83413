"""Frictionless Table Schemas pasted into a request (a ``datapackage.json`` or a schema alone, as
JSON or YAML): ``fields`` of ``{name, type, format, constraints}``, one group per schema, named
by its resource. A field is optional unless its constraints say ``required: true`` (the
standard's rule); ``minimum``/``maximum``, ``minLength``/``maxLength`` and ``enum`` are kept. A
resource the prompt says is "the input" or "the output" has that role."""

from __future__ import annotations

import itertools
import re

import yaml

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.scan import (
    fenced,
    json_count,
    json_number,
    json_values,
)
from codegen_assets.core.understanding.types import Typed

_TYPES = {
    "string": "string", "integer": "int", "number": "float", "boolean": "bool", "date": "date",
    "datetime": "datetime", "year": "int", "object": "object", "array": "object",
    "any": "object", "time": "string", "duration": "string",
}  # fmt: skip
_FORMATS = {"email": ("string", "email"), "uri": ("string", "uri"), "uuid": ("uuid", "")}


def table_schemas(text: str) -> list[Group]:
    """A group for each Table Schema in ``text``."""
    documents = list(json_values(text))
    for tag, code, start, end in fenced(text):
        if tag in ("yaml", "yml"):
            try:
                documents.append((yaml.safe_load(code), start, end))
            except (yaml.YAMLError, RecursionError, ValueError):
                continue
    found = []
    for value, start, end in documents:
        for index, (name, fields) in enumerate(_schemas(value)):
            at = start if index == 0 else _place(text, name, start, end)  # the first: whole
            read = [_field(f) for f in fields]
            phrases = [p for p in read if p is not None]
            if phrases:
                found.append(Group(phrases, at, end, name, _role(text, name), "tableschema"))
    return _bounded(found)


def _schemas(value: object) -> list[tuple[str, list[object]]]:
    """Each schema's fields, with the name of the resource that holds it ("" for none)."""
    if not isinstance(value, dict):
        return []
    if _is_schema(value):
        return [("", value["fields"])]
    if isinstance(value.get("schema"), dict) and _is_schema(value["schema"]):
        return [(str(value.get("name", "")), value["schema"]["fields"])]
    resources = value.get("resources")
    found = []
    for resource in resources if isinstance(resources, list) else ():
        found += _schemas(resource)
    return found


def _is_schema(value: dict[str, object]) -> bool:
    fields = value.get("fields")
    return (
        isinstance(fields, list)
        and bool(fields)
        and all(isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields)
        and any(isinstance(f, dict) and "type" in f for f in fields)
    )


def _field(field: object) -> FieldPhrase | None:
    if not isinstance(field, dict) or not isinstance(field.get("name"), str):
        return None
    kind, written = str(field.get("type", "string")), field.get("format")
    base, form = _FORMATS.get(str(written), (_TYPES.get(kind, ""), ""))
    typed = Typed(base=base or "object", format=form, unknown="" if base else kind)
    rules = field.get("constraints")
    rules = rules if isinstance(rules, dict) else {}
    typed.optional = rules.get("required") is not True
    typed.ge, typed.le = json_number(rules.get("minimum")), json_number(rules.get("maximum"))
    typed.min_length, typed.max_length = (
        json_count(rules.get("minLength")),
        json_count(rules.get("maxLength")),
    )
    values = rules.get("enum")
    if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
        typed.enum, typed.base = tuple(values), "string"
    return FieldPhrase(field["name"], typed, str(field))


def _place(text: str, name: str, start: int, end: int) -> int:
    """Where a resource's schema starts: its ``"name": "..."`` (else the document's start)."""
    if not name:
        return start
    found = re.compile(rf"[\"']?name[\"']?\s*:\s*[\"']?{re.escape(name)}\b").search(
        text, start, end
    )
    return found.start() if found else start


def _role(text: str, name: str) -> str:
    """ "The `sample` resource is the input": the role the words give a resource."""
    if not name:
        return ""
    said = re.search(
        rf"`?\b{re.escape(name)}\b`?\s+(?:resource\s+|table\s+|schema\s+)?(?:(?:is|are|holds)\s+)?"
        r"(?:the\s+)?(input|output|request|response|result|state)s?\b",
        text,
        re.I,
    )
    if said is None:
        return ""
    return "input" if said.group(1).lower() in ("input", "request") else "output"


def _bounded(groups: list[Group]) -> list[Group]:
    """Each group ends where the next one in the same document starts."""
    ordered = sorted(groups, key=lambda g: g.start)
    for group, after in itertools.pairwise(ordered):
        if after.start < group.end:
            group.end = after.start
    return ordered
