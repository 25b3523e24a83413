"""TypeScript types pasted into a request: ``interface X { ... }``, ``type X = { ... }``, unions
of string literals (``type Line = 'auto' | 'home'``, inline ``'a' | 'b'``), ``enum`` and
aliases. ``name?:`` and ``| null``/``| undefined`` are optional, ``T[]``/``Array<T>`` a list,
``number`` a float (a ``// integer`` comment makes it an int), ``Date`` a datetime; comments
beside or above a member say more (``// a UUID``, ``// at least one``)."""

from __future__ import annotations

import re

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.decls import Decl, groups
from codegen_assets.core.understanding.schemas.scan import (
    Glossary,
    Syntax,
    block_end,
    class_name,
    members,
    split_top,
)
from codegen_assets.core.understanding.types import Typed, with_note

_SYNTAX = Syntax(separators=";,", newline_separates=True)
_COMMAS = Syntax(separators=",")
_HEAD = re.compile(
    r"(?<![\w$.])(?:export\s+)?(?:declare\s+)?(?:(?P<interface>interface)\s+(?P<iname>[A-Za-z_$][\w$]*)"
    r"(?:\s*<[^>{]*>)?(?:\s+extends\s+(?P<extends>[\w$.,\s<>]+?))?\s*\{"
    r"|type\s+(?P<tname>[A-Za-z_$][\w$]*)(?:\s*<[^>=]*>)?\s*=\s*"
    r"|(?:const\s+)?enum\s+(?P<ename>[A-Za-z_$][\w$]*)\s*\{)",
    re.MULTILINE,
)
_MEMBER = re.compile(
    r"^(?:readonly\s+)?(?P<name>[A-Za-z_$][\w$]*|'[^']+'|\"[^\"]+\")(?P<optional>\?)?\s*:\s*(?P<type>.+)$",
    re.DOTALL,
)
_SCALARS = {
    "string": "string", "number": "float", "bigint": "int", "boolean": "bool", "Date": "datetime",
    "object": "object", "any": "object", "unknown": "object", "true": "bool", "false": "bool",
}  # fmt: skip
# an alias ends at ";" or a line break, unless its union or intersection goes on over lines
_ALIAS_END = re.compile(r";|(?<![=|&<,(])[ \t]*\n(?![ \t]*[|&>])")
_LITERAL = re.compile(r"^(['\"`])(.*)\1$", re.DOTALL)
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_LISTS = re.compile(r"^(?:Readonly)?(?:Array|Set)\s*<(?P<item>.+)>$", re.DOTALL)
_OBJECTS = re.compile(r"^(?:Record|Map|Partial|Readonly|Required)?\s*<.*>$|^\{\s*\[.*\]\s*:", re.S)


def typescript(text: str) -> list[Group]:
    """Every TypeScript interface, object type, union and enum in ``text``, as groups."""
    reader = _Reader(text)
    for head in _HEAD.finditer(text):
        reader.declaration(head)
    return groups(reader.decls, "typescript")


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.glossary = Glossary(text)
        self.decls: list[Decl] = []

    def declaration(self, head: re.Match[str]) -> None:
        text = self.text
        if head["ename"]:
            body_end, end = block_end(text, head.end() - 1, _SYNTAX)
            if any(";" in m.code for m in members(text[head.end() : body_end], _COMMAS)):
                return  # members ended by ";": protobuf's enum, not TypeScript's
            values = tuple(
                _enum_value(m.code) for m in members(text[head.end() : body_end], _SYNTAX)
            )
            kept = tuple(dict.fromkeys(v for v in values if v))
            self.decls.append(Decl(head["ename"], head.start(), end, values=kept, kind="enum"))
            return
        if head["iname"]:
            body_end, end = block_end(text, head.end() - 1, _SYNTAX)
            bases = [b.split("<")[0].strip() for b in split_top(head["extends"] or "", ",")]
            decl = Decl(head["iname"], head.start(), end, bases=bases)
            decl.fields = self.fields(text[head.end() : body_end], decl)
            self.decls.append(decl)
            return
        rest = text[head.end() :]
        if rest.startswith("{"):
            body_end, end = block_end(text, head.end(), _SYNTAX)
            decl = Decl(head["tname"], head.start(), end)
            decl.fields = self.fields(text[head.end() + 1 : body_end], decl)
            self.decls.append(decl)
            return
        expression = _ALIAS_END.split(rest, maxsplit=1)[0]
        end = head.end() + len(expression)
        typed = self.type_of(expression.strip(), head["tname"], end)
        if typed.enum and not typed.optional:
            self.decls.append(
                Decl(head["tname"], head.start(), end, values=typed.enum, kind="enum")
            )
        elif expression.strip():
            self.decls.append(Decl(head["tname"], head.start(), end, alias=typed, kind="alias"))

    def fields(self, body: str, owner: Decl) -> list[FieldPhrase]:
        found = []
        for member in members(body, _SYNTAX):
            matched = _MEMBER.match(member.code)
            if matched is None:
                continue  # a method, an index signature, a spread
            name = matched["name"].strip("'\"")
            typed = self.type_of(matched["type"].strip(), name, owner.end)
            typed = with_note(typed, member.note)
            typed.optional = typed.optional or bool(matched["optional"])
            found.append(FieldPhrase(name, typed, member.code))
        return found

    def type_of(self, expression: str, field_name: str, at: int) -> Typed:
        """A type expression: a union, a list, a literal, a scalar, an inline object, a name."""
        parts = split_top(expression, "|")
        kept = [p for p in parts if p not in ("null", "undefined", "void")]
        optional = len(kept) < len(parts)
        literals = [_LITERAL.match(p) for p in kept]
        if kept and all(literals):
            values = tuple(m.group(2) for m in literals if m)
            return Typed(base="string", enum=tuple(dict.fromkeys(values)), optional=optional)
        if kept and all(_NUMBER.match(p) for p in kept):
            whole = all("." not in p for p in kept)
            return Typed(base="int" if whole else "float", optional=optional)
        if len(kept) != 1:
            return Typed(base="object", optional=optional)
        typed = self.single(kept[0], field_name, at)
        typed.optional = typed.optional or optional
        return typed

    def single(self, expression: str, field_name: str, at: int) -> Typed:
        """One type of a union: a list of something, or an atom."""
        expression = expression.strip()
        listed = _LISTS.match(expression)
        if expression.endswith("[]") or listed:
            inner = listed["item"] if listed else expression[:-2]
            item = self.type_of(inner, field_name, at)
            item.is_list = True
            return item
        if expression.startswith("(") and expression.endswith(")"):
            return self.type_of(expression[1:-1], field_name, at)
        return self.atom(expression, field_name, at)

    def atom(self, expression: str, field_name: str, at: int) -> Typed:
        """An inline object, a map, a literal, a scalar or a type's name."""
        if _OBJECTS.match(expression):
            return Typed(base="object")
        if expression.startswith("{") and expression.endswith("}") and ":" in expression:
            name = class_name(field_name)
            decl = Decl(name, at, at)
            decl.fields = self.fields(expression[1:-1], decl)
            self.decls.append(decl)
            return Typed(model=name)
        if literal := _LITERAL.match(expression):
            return Typed(base="string", enum=(literal.group(2),))
        if stated := self.glossary.base(expression):
            return Typed(base=stated)
        if expression in _SCALARS:
            return Typed(base=_SCALARS[expression])
        if re.fullmatch(r"[A-Za-z_$][\w$.]*", expression):
            return Typed(model=expression.rsplit(".", 1)[-1])
        return Typed(base="object")


def _enum_value(code: str) -> str:
    """``Red = 'red'`` is "red"; ``Up`` (or ``Up = 1``) is "Up"."""
    name, _, value = code.partition("=")
    literal = _LITERAL.match(value.strip())
    if literal:
        return literal.group(2)
    return name.strip() if re.fullmatch(r"[A-Za-z_$][\w$]*", name.strip()) else ""
