"""Scala pasted into a request: ``case class X(a: String, b: Option[Int] = None)`` (its first
parameter list), and enums three ways: Scala 3's ``enum Color { case Red, Green }`` (or with a
colon and indented ``case`` lines), an ``object Color extends Enumeration { val Red, Green =
Value }``, and a ``sealed trait`` whose ``case object``s extend it. ``Option[T]`` is optional,
``List[T]``/``Seq[T]``/``Vector[T]``/``Set[T]`` a list, ``Map`` an object, ``Long`` an int,
``Double`` a float, ``BigDecimal`` a decimal, ``Instant`` a datetime; ``= None``/``= Nil`` are
defaults of nothing; comments beside a parameter say more."""

from __future__ import annotations

import re

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.decls import Decl, groups
from codegen_assets.core.understanding.schemas.fieldcode import annotations_only, colon_field
from codegen_assets.core.understanding.schemas.scan import (
    Glossary,
    Syntax,
    block_end,
    members,
    split_top,
)

_PARAMS = Syntax(quotes="\"'", separators=",", angle_brackets=False)
_BODY = Syntax(quotes="\"'", separators=";", newline_separates=True, angle_brackets=False)
_BRACKETS = "()[]{}"
_CASE_CLASS = re.compile(
    r"^[ \t]*(?:(?:final|sealed|private|protected|abstract|implicit)\s+)*case\s+class\s+"
    r"(?P<name>[A-Za-z_]\w*)(?:\s*\[[^\]\n]*\])?[ \t]*(?=\()",
    re.MULTILINE,
)
_ENUM = re.compile(
    r"^(?P<indent>[ \t]*)enum\s+(?P<name>[A-Za-z_]\w*)(?:\s*\[[^\]\n]*\])?[ \t]*"
    r"(?:extends[^{:\n]*)?(?P<open>\{|:[ \t]*$)",
    re.MULTILINE,
)
_ENUMERATION = re.compile(
    r"^[ \t]*object\s+(?P<name>[A-Za-z_]\w*)\s+extends\s+Enumeration\s*\{", re.MULTILINE
)
_SEALED = re.compile(r"^[ \t]*sealed\s+(?:trait|abstract\s+class)\s+([A-Za-z_]\w*)", re.MULTILINE)
_CASE_OBJECT = re.compile(
    r"^[ \t]*case\s+object\s+([A-Za-z_]\w*)\s+extends\s+([A-Za-z_]\w*)", re.MULTILINE
)


def scala_types(text: str) -> list[Group]:
    """Every Scala case class and enum in ``text``, as groups."""
    glossary = Glossary(text)
    decls: list[Decl] = []
    for head in _CASE_CLASS.finditer(text):
        params_end, end = block_end(text, head.end(), _PARAMS, _BRACKETS)
        decl = Decl(head["name"], head.start(), end)
        decl.fields = _fields(text[head.end() + 1 : params_end], glossary)
        if decl.fields:
            decls.append(decl)
    decls += _enums(text)
    return groups(decls, "scala")


def _fields(code: str, glossary: Glossary) -> list[FieldPhrase]:
    found: list[FieldPhrase] = []
    pending: list[tuple[str, str]] = []
    for member in members(code, _PARAMS):
        alone = annotations_only(member.code)
        if alone is not None:
            pending += alone
            continue
        phrase = colon_field(member, glossary, pending=pending)
        pending = []
        if phrase is not None and phrase.name not in {f.name for f in found}:
            found.append(phrase)
    return found


def _enums(text: str) -> list[Decl]:
    decls = []
    for head in _ENUM.finditer(text):
        if head["open"] == "{":
            body_end, end = block_end(text, head.end() - 1, _BODY, _BRACKETS)
            body = text[head.end() : body_end]
        else:
            body, end = _indented(text, head.end(), head["indent"])
        values = _cases(body)
        if values:
            decls.append(Decl(head["name"], head.start(), end, values=values, kind="enum"))
    for head in _ENUMERATION.finditer(text):
        body_end, end = block_end(text, head.end() - 1, _BODY, _BRACKETS)
        body = text[head.end() : body_end]
        names = [
            n
            for line in re.findall(r"\bval\s+([\w\s,]+?)\s*=\s*Value\b", body)
            for n in split_top(line, ",")
        ]
        if names:
            values = tuple(dict.fromkeys(names))
            decls.append(Decl(head["name"], head.start(), end, values=values, kind="enum"))
    for sealed in _SEALED.finditer(text):
        objects = [m for m in _CASE_OBJECT.finditer(text) if m.group(2) == sealed.group(1)]
        if objects:
            values = tuple(dict.fromkeys(m.group(1) for m in objects))
            end = max(m.end() for m in objects)
            decls.append(Decl(sealed.group(1), sealed.start(), end, values=values, kind="enum"))
    return decls


def _indented(text: str, start: int, indent: str) -> tuple[str, int]:
    """The lines after ``start`` indented deeper than ``indent`` (a colon-and-indent body)."""
    end = start
    for line in text[start:].split("\n")[1:]:
        if line.strip() and not line.startswith((indent + " ", indent + "\t")):
            break
        end += len(line) + 1
    return text[start:end], end


def _cases(body: str) -> tuple[str, ...]:
    """The names of ``case A, B`` lines (none when a case has parameters: data, not names)."""
    names: list[str] = []
    for line in re.findall(r"^[ \t]*case\s+([^\n]+)", body, re.MULTILINE):
        line = re.split(r"//|;", line)[0]
        for part in split_top(line, ","):
            if not re.fullmatch(r"[A-Za-z_]\w*", part):
                return ()
            names.append(part)
    return tuple(dict.fromkeys(names))
