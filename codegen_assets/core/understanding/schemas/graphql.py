"""GraphQL SDL pasted into a request: ``type``, ``input``, ``interface`` and ``enum`` blocks.
A field without ``!`` is nullable (optional), ``[T!]!`` a list; ``ID`` and ``String`` are
strings, ``Int`` an int, ``Float`` a float, ``Boolean`` a bool; custom scalars by their name
(``DateTime``, ``Date``, ``UUID``, ``Decimal``, ``JSON``) or what the prose says they are. An
``input`` type is what an operation takes, a ``type`` what it gives back (unless another one
holds it); the root ``Query``/``Mutation``/``Subscription`` types list operations, not data.
``#`` comments and ``"..."`` descriptions say more about a field."""

from __future__ import annotations

import re

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.decls import Decl, groups
from codegen_assets.core.understanding.schemas.scan import Glossary, Syntax, block_end, members
from codegen_assets.core.understanding.types import Typed, with_note

_SYNTAX = Syntax(
    comment="#", block_comments=False, quotes='"', separators=",", newline_separates=True,
    angle_brackets=False,
)  # fmt: skip
_HEAD = re.compile(
    r"^[ \t]*(?:extend\s+)?(?P<kind>type|input|interface|enum)\s+(?P<name>[A-Za-z_]\w*)"
    r"(?:\s+implements\s+(?P<implements>[\w\s&,]+?))?(?:\s*@\w+(?:\([^)]*\))?)*\s*\{",
    re.MULTILINE,
)
_FIELD = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s*(?:\((?P<args>.*)\))?\s*:\s*(?P<type>[\[\]!\w\s]+?)"
    r"\s*(?:=\s*(?P<default>[^@]+?))?\s*(?:@.*)?$",
    re.DOTALL,
)
_SCALARS = {"ID": "string", "String": "string", "Int": "int", "Float": "float", "Boolean": "bool"}
_ROOTS = {"Query", "Mutation", "Subscription"}


def graphql(text: str) -> list[Group]:
    """Every GraphQL type, input and enum in ``text``, as groups."""
    glossary = Glossary(text)
    decls: list[Decl] = []
    roots: list[Decl] = []
    for head in _HEAD.finditer(text):
        body_end, end = block_end(text, head.end() - 1, _SYNTAX)
        body = text[head.end() : body_end]
        name = head["name"]
        if head["kind"] == "enum":
            values = _values(body)
            decls.append(Decl(name, head.start(), end, values=values, kind="enum"))
            continue
        if name in _ROOTS:
            roots.append(Decl(name, head.start(), end, kind="operations"))
            roots[-1].fields = _fields(body, glossary)  # what each operation takes and gives
            continue
        role = {"input": "input", "type": "output"}.get(head["kind"], "")
        bases = re.findall(r"\w+", head["implements"] or "")
        decl = Decl(name, head.start(), end, role=role, bases=bases)
        decl.fields = _fields(body, glossary)
        decls.append(decl)
    _root_roles(roots, decls)
    return groups([*decls, *roots], "graphql")


def _root_roles(roots: list[Decl], decls: list[Decl]) -> None:
    """``type Mutation { apply(input: CartChanged!): CartState! }``: the types an operation
    takes are inputs, the one it gives back an output."""
    records = {d.name: d for d in decls if d.kind == "record"}
    for root in roots:
        for phrase in root.fields:
            arguments = re.search(r"\((.*)\)", phrase.text, re.DOTALL)
            for taken in re.findall(r":\s*\[?(\w+)", arguments.group(1) if arguments else ""):
                if taken in records:
                    records[taken].role = "input"
            if phrase.typed.model in records:
                records[phrase.typed.model].role = "output"
        root.fields = []


def _fields(body: str, glossary: Glossary) -> list[FieldPhrase]:
    found = []
    description = ""
    for member in members(body, _SYNTAX):
        code = member.code
        if code.startswith('"'):
            description = code.strip('"').strip()  # the next field's description
            continue
        matched = _FIELD.match(code)
        written = re.sub(r"\s+", "", matched["type"]) if matched else ""
        if matched is None or not _whole(matched["type"], written):
            description = ""
            continue
        typed = _type(written, glossary)
        if matched["default"] is not None:
            typed.has_default, typed.default = True, _default(matched["default"].strip())
        note = "; ".join(n for n in (member.note, description) if n)
        found.append(FieldPhrase(matched["name"], with_note(typed, note), code))
        description = ""
    return found


def _whole(raw: str, written: str) -> bool:
    """A type written whole: one name, its brackets closed (a half-pasted ``[Str`` is not)."""
    return not re.search(r"\w\s+\w", raw) and written.count("[") == written.count("]")


def _type(written: str, glossary: Glossary) -> Typed:
    required = written.endswith("!")
    written = written.rstrip("!")
    if written.startswith("[") and written.endswith("]"):
        typed = _type(written[1:-1], glossary)
        typed.is_list, typed.optional = True, False
    elif stated := glossary.base(written):
        typed = Typed(base=stated)
    elif written in _SCALARS:
        typed = Typed(base=_SCALARS[written])
    else:
        typed = Typed(model=written)  # a type, enum or scalar declared here, or a known name
    typed.optional = not required
    return typed


def _values(body: str) -> tuple[str, ...]:
    """An enum's values (separated by white space, commas or lines; descriptions and
    directives are not values)."""
    values = []
    for member in members(body, _SYNTAX):
        code = re.sub(r"@\w+(?:\([^)]*\))?|\"[^\"]*\"", " ", member.code)
        for word in code.split():
            if re.fullmatch(r"[A-Za-z_]\w*", word) and word not in ("true", "false", "null"):
                values.append(word)
    return tuple(dict.fromkeys(values))


def _default(text: str) -> str | int | float | bool | None:
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+(?:[eE][-+]?\d+)?", text):
        return float(text)
    return text.strip('"')
