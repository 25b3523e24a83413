"""A CSV header line pasted into a request (``device_id,sensor_kind,reading_value``) with what
types its columns have: a second line of types (``uuid,string,float``), or a description
just after it that names each column with its type (``device_id uuid; sensor_kind
temperature/humidity/co2; unit string, up to 8 chars``). Its columns are the fields of one row:
a model, linked by the reader to the list field that holds the rows."""

from __future__ import annotations

import re

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.types import Typed, parse_type

_HEADER = re.compile(
    r"^[ \t]*(?P<columns>[A-Za-z_]\w*(?:[ \t]*(?P<sep>[,;\t|])[ \t]*[A-Za-z_]\w*){2,})[ \t]*$", re.M
)
_LEAD = re.compile(r"^\s*(?:[\w ]{0,30}?\b(?:columns?|types?|fields?)\b[^:\n]{0,30}:)?\s*", re.I)
_SENTENCE_END = re.compile(r"\.(?=\s|$)|\n\s*\n")
_SLASHED = re.compile(r"^[A-Za-z][\w-]*(?:\s*/\s*[A-Za-z][\w-]*)+$")
_LOOKAHEAD_LINES = 4  # how far after the header its description may start
_LOOKAHEAD_CHARS = 2000


def csv_headers(text: str) -> list[Group]:
    """Every CSV header whose columns are typed by the line after it or by a description."""
    found = []
    for header in _HEADER.finditer(text):
        columns = re.split(rf"[ \t]*{re.escape(header['sep'])}[ \t]*", header["columns"].strip())
        if len(set(columns)) != len(columns):
            continue
        typed, end = _typed_row(text, header.end(), header["sep"], columns)
        if typed is None:
            typed, end = _described(text, header.end(), columns)
        if typed:
            fields = [FieldPhrase(c, typed.get(c, Typed(base="string")), c) for c in columns]
            found.append(Group(fields, header.start(), end, "", "model", "csv"))
    return found


def _next_lines(text: str, start: int) -> list[tuple[str, int, int]]:
    """The lines after ``start`` that hold words (a code fence skipped), with where they are."""
    lines = []
    for match in re.finditer(r"[^\n]*", text[start : start + _LOOKAHEAD_CHARS]):
        line = match.group(0)
        if line.strip() and not re.fullmatch(r"\s*(?:```+|~~~+)[\w+-]*\s*", line):
            lines.append((line, start + match.start(), start + match.end()))
        if len(lines) >= _LOOKAHEAD_LINES:
            break
    return lines


def _typed_row(
    text: str, start: int, separator: str, columns: list[str]
) -> tuple[dict[str, Typed] | None, int]:
    """``uuid,string,float``: a type for each column on the next line."""
    lines = _next_lines(text, start)
    if not lines:
        return None, start
    line, _, end = lines[0]
    cells = [c.strip() for c in line.split(separator)]
    if len(cells) != len(columns):
        return None, start
    types = [parse_type(c) for c in cells]
    if not all(t.known for t in types):
        return None, start
    return dict(zip(columns, types, strict=True)), end


def _described(text: str, start: int, columns: list[str]) -> tuple[dict[str, Typed], int]:
    """A sentence or list after the header naming each column with its type."""
    lines = _next_lines(text, start)
    if not lines:
        return {}, start
    first = lines[0][1]
    body_end = _SENTENCE_END.search(text, first)
    end = body_end.start() + 1 if body_end else len(text)
    body = text[first:end]
    if lead := _LEAD.match(body):
        body = body[lead.end() :]  # "Column types:"
    said: dict[str, Typed] = {}
    items = body.split(";") if ";" in body else body.split("\n")  # a sentence, or a list
    for item in (" ".join(i.split()) for i in items):
        words = item.strip(" \t-*•.").split(None, 1)
        if len(words) != 2 or words[0].strip("`:") not in columns:
            continue
        name, rest = words[0].strip("`:"), words[1].strip(" :-\u2013\u2014()")
        typed = parse_type(rest)
        if _SLASHED.match(rest.split(",")[0].strip()) and not typed.base:
            typed.enum = ()  # "temperature/humidity/co2" in a type's place: its values
            values = tuple(v.strip() for v in rest.split(",")[0].split("/"))
            typed = Typed(base="string", enum=values).merged(typed)
        if typed.known or typed.optional or typed.max_length is not None:
            said[name] = typed
    return (said, end) if len(said) * 2 >= len(columns) else ({}, start)
