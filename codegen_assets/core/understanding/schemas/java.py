"""Java pasted into a request: a ``record X(Type a, Type b)``, a class's fields (``private Type
name = init;``; static ones and methods are not), and an ``enum``'s constants. ``String`` is a
string, ``int``/``Integer``/``long`` an int, ``double`` a float, ``BigDecimal`` a decimal,
``UUID`` a uuid, ``Instant``/``LocalDateTime`` a datetime, ``LocalDate`` a date, ``List<T>``/
``T[]`` a list, ``Optional<T>`` optional; Bean Validation annotations are bounds (``@Size(max =
40)``, ``@Min``, ``@Max``, ``@DecimalMin``, ``@Positive``, ``@Email``, ``@NotNull``,
``@Nullable`` optional), ``@JsonProperty("x")`` a name; comments beside a component say more."""

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
from codegen_assets.core.understanding.schemas.scan import Glossary, Syntax, block_end, members

_PARAMS = Syntax(quotes="\"'", separators=",")
_BODY = Syntax(quotes="\"'", separators=";", brace_ends_member=True)
_BRACKETS = "()[]{}"
_HEAD = re.compile(
    r"^[ \t]*(?:@\w+(?:\([^)\n]*\))?\s+)*(?:(?:public|protected|private|static|final|abstract"
    r"|sealed|non-sealed|strictfp)\s+)*(?P<kind>record|class|enum)\s+(?P<name>[A-Za-z_]\w*)"
    r"(?:\s*<[^>{(\n]*>)?",
    re.MULTILINE,
)
_SUPERTYPES = re.compile(
    r"\s*(?:extends\s+(?P<base>[\w.]+)(?:\s*<[^>{]*>)?)?\s*(?:implements\s+[\w.,\s<>]+?)?"
    r"\s*(?:permits\s+[\w.,\s]+?)?\s*\{"
)


def java_types(text: str) -> list[Group]:
    """Every Java record, class with fields, and enum in ``text``, as groups."""
    glossary = Glossary(text)
    decls: list[Decl] = []
    for head in _HEAD.finditer(text):
        position, kind = head.end(), head["kind"]
        decl = Decl(head["name"], head.start(), position)
        if kind == "record":
            opening = _next(text, position, "(")
            if opening is None:
                continue
            params_end, position = block_end(text, opening, _PARAMS, _BRACKETS)
            decl.fields = _fields(text[opening + 1 : params_end], _PARAMS, glossary)
        body = _SUPERTYPES.match(text, position)
        if body is not None:
            brace = body.end() - 1
            body_end, position = block_end(text, brace, _BODY, _BRACKETS)
            inside = text[brace + 1 : body_end]
            if kind == "enum":
                entries = members(inside, Syntax(quotes="\"'", separators=";"))
                values = enum_names(entries[0].code) if entries else ()
                if values:
                    name, start = head["name"], head.start()
                    decls.append(Decl(name, start, position, values=values, kind="enum"))
                continue
            if kind == "class":
                decl.fields = _fields(inside, _BODY, glossary)
                if body["base"]:
                    decl.bases.append(body["base"].rsplit(".", 1)[-1])
        decl.end = position
        if decl.fields:
            decls.append(decl)
    return groups(decls, "java")


def _next(text: str, position: int, char: str) -> int | None:
    found = re.compile(rf"\s*{re.escape(char)}").match(text, position)
    return found.end() - 1 if found else None


def _fields(code: str, syntax: Syntax, glossary: Glossary) -> list[FieldPhrase]:
    """Record components (``syntax`` splits at commas) or a class's fields; a method, a
    constructor or a static field is none."""
    found: list[FieldPhrase] = []
    pending: list[tuple[str, str]] = []
    for member in members(code, syntax):
        alone = annotations_only(member.code)
        if alone is not None:
            pending += alone  # an annotation on the line above the field
            continue
        phrase = type_first_field(member, glossary, pending=pending)
        pending = []
        if phrase is not None and phrase.name not in {f.name for f in found}:
            found.append(phrase)
    return found
