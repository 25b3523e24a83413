"""Kotlin pasted into a request: a ``data class`` (or any class) with its constructor properties
(``val name: Type = default``) and the ``val``/``var`` properties of its body, and ``enum class``
entries. ``Type?`` is optional (``= null`` too), ``List<T>``/``Set<T>``/``Array<T>`` a list,
``Map`` an object, ``Long`` an int, ``Double`` a float, ``BigDecimal`` a decimal, ``Instant`` a
datetime, ``LocalDate`` a date; Bean Validation annotations (``@field:Size(max = 40)``, ``@Min``,
``@Email``) are bounds, ``@SerialName``/``@Json(name = ...)`` names; comments beside say more."""

from __future__ import annotations

import re

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.decls import Decl, groups
from codegen_assets.core.understanding.schemas.fieldcode import (
    annotations_only,
    colon_field,
    enum_names,
)
from codegen_assets.core.understanding.schemas.scan import Glossary, Syntax, block_end, members

_PARAMS = Syntax(quotes="\"'", separators=",")
_BODY = Syntax(quotes="\"'", separators=";", newline_separates=True)
_ENTRIES = Syntax(quotes="\"'", separators=";")
_HEAD = re.compile(
    r"^[ \t]*(?:(?:public|private|internal|protected|open|abstract|final|sealed|inner|data"
    r"|value|enum|annotation)\s+)*(?P<kind>class)\s+(?P<name>[A-Za-z_]\w*)(?:\s*<[^>{(\n]*>)?"
    r"[ \t]*(?:(?:public|private|internal|protected)?[ \t]*constructor[ \t]*)?",
    re.MULTILINE,
)
_BRACKETS = "()[]{}"


def kotlin_classes(text: str) -> list[Group]:
    """Every Kotlin class with properties, and every enum class, in ``text``, as groups."""
    glossary = Glossary(text)
    decls: list[Decl] = []
    for head in _HEAD.finditer(text):
        is_enum = re.search(r"\benum\s+class\b", head.group(0)) is not None
        position, end = head.end(), head.end()
        decl = Decl(head["name"], head.start(), end)
        if text.startswith("(", position):
            params_end, end = block_end(text, position, _PARAMS, _BRACKETS)
            if not is_enum:
                decl.fields = _fields(text[position + 1 : params_end], _PARAMS, glossary)
            position = end
        body = re.compile(r"[ \t]*(?::[^{\n]*)?[ \t]*\{").match(text, position)
        if body is not None:
            brace = body.end() - 1
            body_end, end = block_end(text, brace, _BODY, _BRACKETS)
            inside = text[brace + 1 : body_end]
            if is_enum:
                entries = members(inside, _ENTRIES)
                values = enum_names(entries[0].code) if entries else ()
                if values:
                    decls.append(Decl(head["name"], head.start(), end, values=values, kind="enum"))
                continue
            decl.fields += _fields(inside, _BODY, glossary, keyword=True)
        decl.end = end
        if decl.fields:
            decls.append(decl)
    return groups(decls, "kotlin")


def _fields(
    code: str, syntax: Syntax, glossary: Glossary, *, keyword: bool = False
) -> list[FieldPhrase]:
    """The properties of a constructor (``syntax`` splits at commas) or of a class body (only
    those written with ``val`` or ``var``)."""
    found: list[FieldPhrase] = []
    pending: list[tuple[str, str]] = []
    for member in members(code, syntax):
        alone = annotations_only(member.code)
        if alone is not None:
            pending += alone  # ``@field:NotBlank`` on the line above the property
            continue
        phrase = colon_field(member, glossary, keyword=keyword, pending=pending)
        pending = []
        if phrase is not None and phrase.name not in {f.name for f in found}:
            found.append(phrase)
    return found
