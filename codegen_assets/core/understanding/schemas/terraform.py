"""Terraform input variables pasted into a request (``variables.tf``): each ``variable "name" {
type = ..., default = ..., description = "...", validation { condition = ... } }`` is a field of
one group. ``string``, ``number`` (a float, unless the prose says what it holds), ``bool``,
``list(T)``/``set(T)`` lists, ``map(T)`` objects, ``object({...})`` a nested model, ``optional(T)``
optional; ``default = null`` is optional; the description is read like a comment; a validation
condition gives bounds (``var.x >= 1 && var.x <= 3650``), lengths (``length(var.x) <= 63``) and
enums (``contains(["a", "b"], var.x)``)."""

from __future__ import annotations

import re
from decimal import Decimal

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.decls import Decl, groups
from codegen_assets.core.understanding.schemas.scan import (
    Glossary,
    Syntax,
    block_end,
    class_name,
    split_top,
)
from codegen_assets.core.understanding.schemas.typenames import literal_default
from codegen_assets.core.understanding.types import Typed, with_note

_SYNTAX = Syntax(comment="#", quotes='"', separators="", angle_brackets=False)
_VARIABLE = re.compile(r"^[ \t]*variable\s+\"(?P<name>[A-Za-z_][\w-]*)\"\s*\{", re.MULTILINE)
_ATTRIBUTE = re.compile(r"^[ \t]*(?P<key>type|default|description|nullable)\s*=\s*", re.M)
_COMPARE = re.compile(
    r"(?P<length>length\(\s*)?var\.(?P<name>[\w-]+)\s*\)?\s*(?P<op>>=|<=|>|<|==)\s*(?P<value>-?\d+(?:\.\d+)?)"
    r"|(?P<value2>-?\d+(?:\.\d+)?)\s*(?P<op2><=|<|>=|>)\s*(?P<length2>length\(\s*)?var\.(?P<name2>[\w-]+)"
)
_FLIP = {">=": "<=", "<=": ">=", ">": "<", "<": ">"}
_KEYS = {">=": "ge", ">": "gt", "<=": "le", "<": "lt"}
_LENGTH_KEYS = {">=": "min_length", ">": "min_length", "<=": "max_length", "<": "max_length"}


def terraform_variables(text: str) -> list[Group]:
    """The input variables of ``text`` (a run of ``variable`` blocks is one group)."""
    glossary = Glossary(text)
    decls: list[Decl] = []
    current: Decl | None = None
    for head in _VARIABLE.finditer(text):
        body_end, end = block_end(text, head.end() - 1, _SYNTAX)
        phrase = _variable(head["name"], text[head.end() : body_end], glossary, decls, end)
        if current is None or text[current.end : head.start()].strip():
            current = Decl("", head.start(), end)  # variables written one after another
            decls.append(current)
        current.end = end
        if phrase is not None:
            current.fields.append(phrase)
    return groups([d for d in decls if d.fields], "terraform")


def _variable(
    name: str, body: str, glossary: Glossary, decls: list[Decl], at: int
) -> FieldPhrase | None:
    values = _attributes(body)
    typed = (
        _type(values.get("type", ""), name, glossary, decls, at) if "type" in values else Typed()
    )
    description = values.get("description", "").strip().strip('"')
    typed = with_note(typed, description)
    if "default" in values:
        literal_default(values["default"], typed)
    if values.get("nullable", "").strip() == "true":
        typed.optional = True
    for condition in re.findall(r"\bcondition\s*=\s*([^\n]+)", body):
        _condition(condition, name, typed)
    return FieldPhrase(name, typed, f'variable "{name}"')


def _attributes(body: str) -> dict[str, str]:
    """``key = value`` of a variable's own attributes (a value may span lines in brackets)."""
    found = {}
    for match in _ATTRIBUTE.finditer(body):
        if match["key"] in found:
            continue
        rest = body[match.end() :]
        depth, end = 0, len(rest)
        for index, char in enumerate(rest):
            depth += char in "([{"
            depth -= char in ")]}"
            if char == "\n" and depth <= 0:
                end = index
                break
        found[match["key"]] = re.sub(r"\s+#.*$", "", rest[:end]).strip()
    return found


def _type(written: str, name: str, glossary: Glossary, decls: list[Decl], at: int) -> Typed:
    written = written.strip()
    call = re.fullmatch(r"(\w+)\s*\((.*)\)", written, re.DOTALL)
    if call is None:
        if stated := glossary.base(written):
            return Typed(base=stated)
        base = {"string": "string", "number": "float", "bool": "bool", "any": "object"}
        return Typed(base=base.get(written, "object"))
    head, inner = call.group(1), call.group(2)
    if head in ("list", "set", "tuple") and inner:
        typed = _type(split_top(inner.strip("[] "), ",")[0], name, glossary, decls, at)
        typed.is_list = True
        return typed
    if head == "optional" and inner:
        typed = _type(split_top(inner, ",")[0], name, glossary, decls, at)
        typed.optional = True
        return typed
    if head == "object" and inner.strip().startswith("{"):
        model = class_name(name)
        decl = Decl(model, at, at)
        for line in split_top(inner.strip()[1:-1].replace("\n", ","), ","):
            key, _, value = line.partition("=")
            if re.fullmatch(r"\s*[A-Za-z_]\w*\s*", key) and value.strip():
                typed = _type(value, key.strip(), glossary, decls, at)
                decl.fields.append(FieldPhrase(key.strip(), typed, line))
        decls.append(decl)
        return Typed(model=model)
    return Typed(base="object")


def _condition(condition: str, name: str, typed: Typed) -> None:
    """What a validation condition says of the variable ``name``."""
    for found in _COMPARE.finditer(condition):
        if (found["name"] or found["name2"]) != name:
            continue
        op = found["op"] or _FLIP[found["op2"]]
        value = Decimal(found["value"] or found["value2"])
        if op == "==":
            continue
        if found["length"] or found["length2"]:
            count = int(value) + (1 if op == ">" else -1 if op == "<" else 0)
            setattr(typed, _LENGTH_KEYS[op], max(0, count))
        else:
            setattr(typed, _KEYS[op], value)
    listed = re.search(rf"contains\(\s*\[([^\]]*)\]\s*,\s*var\.{re.escape(name)}\s*\)", condition)
    if listed:
        values = tuple(re.findall(r"\"([^\"]*)\"", listed.group(1)))
        if values:
            typed.enum, typed.base = values, "string"
