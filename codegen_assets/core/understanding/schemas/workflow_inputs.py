"""The inputs of a GitHub Actions workflow (``on: workflow_dispatch: inputs:``, ``workflow_call``)
or action (``action.yml``'s ``inputs:``) pasted as YAML: each input a field, its ``type``
(``string``, ``number`` a float unless the prose says what it holds, ``boolean``, ``choice`` an
enum of its ``options``), ``required: true`` required (else optional unless it has a
``default``), ``default`` its default, ``description`` read like a comment."""

from __future__ import annotations

import yaml

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.scan import Glossary, fenced
from codegen_assets.core.understanding.types import JsonDefault, Typed, with_note

_TAGS = {"", "yaml", "yml"}
_TYPES = {"string": "string", "number": "float", "boolean": "bool", "environment": "string"}
_KEYS = {"type", "description", "required", "default", "options", "deprecationMessage"}


def workflow_inputs(text: str) -> list[Group]:
    """The inputs declared in each fenced YAML block of ``text`` that is a workflow or action."""
    glossary = Glossary(text)
    found = []
    for tag, code, start, end in fenced(text):
        if tag not in _TAGS or "inputs" not in code:
            continue
        try:
            document = yaml.safe_load(code)
        except yaml.YAMLError:
            continue
        for inputs in _inputs(document):
            fields = [
                _input(str(name), spec, glossary)
                for name, spec in inputs.items()
                if isinstance(spec, dict) and str(name).replace("-", "_").isidentifier()
            ]
            if fields:
                found.append(Group(fields, start, end, "", "input", "workflow"))
    return found


def _inputs(document: object) -> list[dict[object, object]]:
    """The ``inputs:`` mappings of a workflow trigger (or of an action's top level)."""
    found: list[dict[object, object]] = []
    if not isinstance(document, dict):
        return found
    for key, value in document.items():
        if key == "inputs" and isinstance(value, dict) and _declares_inputs(value):
            found.append(value)
        elif isinstance(value, dict):
            found += _inputs(value)
    return found


def _declares_inputs(value: dict[object, object]) -> bool:
    specs = [v for v in value.values() if isinstance(v, dict)]
    return bool(specs) and all(set(map(str, s)) <= _KEYS for s in specs)


def _input(name: str, spec: dict[object, object], glossary: Glossary) -> FieldPhrase:
    kind = str(spec.get("type", "string"))
    base = glossary.base(kind) or _TYPES.get(kind, "string")
    typed = Typed(base=base)
    options = spec.get("options")
    if kind == "choice" and isinstance(options, list) and options:
        typed.enum = tuple(str(o) for o in options)
    required = spec.get("required") is True
    typed.required = required
    if "default" in spec:
        default = spec["default"]
        if isinstance(default, str | int | float | bool):
            typed.default, typed.has_default = _default(default, base), True
    elif not required:
        typed.optional = True
    description = spec.get("description")
    note = description if isinstance(description, str) else ""
    return FieldPhrase(name, with_note(typed, note), f"{name}: {spec}")


def _default(value: str | int | float | bool, base: str) -> JsonDefault:
    """A default as its input's type holds it (an ``int`` input's ``"10"`` is 10)."""
    if base == "int" and isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    if base == "bool" and isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    return value
