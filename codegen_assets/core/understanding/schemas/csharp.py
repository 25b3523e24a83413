"""C# pasted into a request: a positional ``record X(Type A, Type B)``, the properties (``public
Type Name { get; init; } = default;``) and fields of a class, struct or record body (static,
const, computed ``=>`` and methods are not fields), and an ``enum``'s members. ``Type?`` is
optional, ``string`` a string, ``int``/``long`` an int, ``double`` a float, ``decimal`` a
decimal, ``Guid`` a uuid, ``DateTime``/``DateTimeOffset`` a datetime, ``DateOnly`` a date,
``List<T>``/``IReadOnlyList<T>``/``T[]`` a list, ``Dictionary`` an object; ``required`` and
``[Required]`` are required; DataAnnotations (``[MaxLength(40)]``, ``[StringLength]``,
``[Range(0, 100)]``, ``[EmailAddress]``) are bounds, ``[JsonPropertyName("x")]`` a name;
comments beside a member say more."""

from __future__ import annotations

import re

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.decls import Decl, groups
from codegen_assets.core.understanding.schemas.fieldcode import (
    annotations_only,
    enum_names,
    type_first_field,
)
from codegen_assets.core.understanding.schemas.scan import (
    Glossary,
    Member,
    Syntax,
    block_end,
    members,
)
from codegen_assets.core.understanding.schemas.typenames import literal_default

_PARAMS = Syntax(quotes="\"'", separators=",")
_BODY = Syntax(quotes="\"'", separators=";", brace_ends_member=True)
_BRACKETS = "()[]{}"
_HEAD = re.compile(
    r"^[ \t]*(?:\[[^\]\n]*\]\s*)*(?:(?:public|internal|private|protected|sealed|abstract|static"
    r"|partial|readonly|file|unsafe|new)\s+)*(?P<kind>record(?:\s+(?:class|struct))?|class|struct"
    r"|enum)\s+(?P<name>[A-Za-z_]\w*)(?:\s*<[^>{(\n]*>)?",
    re.MULTILINE,
)
_REST = re.compile(r"\s*(?::[ \t]*(?P<bases>[^{;\n]+?))?\s*(?:where\s+[^{;\n]+)?\s*(?P<end>[{;])")
_ACCESSORS = re.compile(
    r"\s*\{\s*(?:(?:public|private|protected|internal)?\s*(?:get|set|init)\s*(?:;|=>[^;]*;)\s*)+\}\s*$"
)


def csharp_types(text: str) -> list[Group]:
    """Every C# record, class or struct with properties, and every enum, in ``text``."""
    glossary = Glossary(text)
    decls: list[Decl] = []
    for head in _HEAD.finditer(text):
        position, kind = head.end(), head["kind"]
        decl = Decl(head["name"], head.start(), position)
        opening = re.compile(r"\s*\(").match(text, position)
        if opening is not None and kind != "enum":  # a positional record's parameters
            start = opening.end() - 1
            params_end, position = block_end(text, start, _PARAMS, _BRACKETS)
            decl.fields = _fields(text[start + 1 : params_end], _PARAMS, glossary)
        rest = _REST.match(text, position)
        if rest is not None and rest["end"] == "{":
            brace = rest.end() - 1
            body_end, position = block_end(text, brace, _BODY, _BRACKETS)
            inside = text[brace + 1 : body_end]
            if kind == "enum":
                values = enum_names(_uncommented(inside), attributes=True)
                if values:
                    name, start = head["name"], head.start()
                    decls.append(Decl(name, start, position, values=values, kind="enum"))
                continue
            decl.fields += _fields(inside, _BODY, glossary)
            base = (rest["bases"] or "").split(",")[0].strip()
            if re.fullmatch(r"[A-Z]\w*", base) and not re.fullmatch(r"I[A-Z]\w*", base):
                decl.bases.append(base)  # a base class, not an interface
        elif rest is not None:
            position = rest.end()
        decl.end = position
        if decl.fields:
            decls.append(decl)
    return groups(decls, "csharp")


def _uncommented(code: str) -> str:
    return " ".join(m.code for m in members(code, Syntax(quotes="\"'", separators=";")))


def _fields(code: str, syntax: Syntax, glossary: Glossary) -> list[FieldPhrase]:
    """Positional parameters (``syntax`` splits at commas) or the members of a body."""
    found: list[FieldPhrase] = []
    pending: list[tuple[str, str]] = []
    last: FieldPhrase | None = None
    for member in members(code, syntax):
        if member.code.startswith("=") and last is not None:
            literal_default(member.code[1:], last.typed)  # ``{ get; set; } = "x";``
            continue
        alone = annotations_only(member.code, attributes=True)
        if alone is not None:
            pending += alone
            continue
        if "=>" in member.code:
            pending, last = [], None
            continue  # computed
        code_only = _ACCESSORS.sub("", member.code)
        property_ = Member(code_only, member.comment, member.notes, member.offset)
        last = type_first_field(property_, glossary, attributes=True, pending=pending)
        pending = []
        if last is not None and last.name not in {f.name for f in found}:
            found.append(last)
    return found
