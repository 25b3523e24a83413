"""A field sheet pasted from a spreadsheet (tab- or space-separated, as a paste of cells
arrives): a header row naming a field column and a type column (``field direction type
required notes``), then one row per field. A direction column (``in``/``out``) sorts the fields
into inputs and outputs; a required column's ``no`` makes a field optional; the last column
holds the rest of its row (notes, read like the notes of a markdown table)."""

from __future__ import annotations

import re

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import NAME_COLUMNS, TYPE_COLUMNS, Group, cell_type
from codegen_assets.core.understanding.types import parse_type

_DIRECTION_COLUMNS = {"direction", "dir", "io", "in/out", "role", "side", "richtung", "sens"}
_REQUIRED_COLUMNS = {"required", "req", "mandatory", "pflicht", "obligatoire", "obligatorio"}
_INPUTS = {
    "in",
    "input",
    "inputs",
    "request",
    "req",
    "event",
    "command",
    "ein",
    "entrée",
    "entrada",
}
_OUTPUTS = {"out", "output", "outputs", "response", "result", "state", "aus", "sortie", "saída"}
_NO = {"no", "n", "false", "optional", "-", "nein", "non", "não", "nee"}
_HEADER = re.compile(r"^[ \t]*[A-Za-z/]+(?:[ \t]+[A-Za-z/]+){2,}[ \t]*$")


def field_sheets(text: str) -> list[Group]:
    """Every pasted field sheet in ``text``: its inputs and outputs (or its fields, when it has
    no direction column), as groups."""
    found: list[Group] = []
    lines = text.split("\n")
    offsets, position = [], 0
    for line in lines:
        offsets.append(position)
        position += len(line) + 1
    for index, line in enumerate(lines):
        if not _HEADER.match(line):
            continue
        header = line.lower().split()
        name = next((k for k, h in enumerate(header) if h in NAME_COLUMNS), None)
        kind = next((k for k, h in enumerate(header) if h in TYPE_COLUMNS), None)
        if name is None or kind is None:
            continue
        rows = []
        for row in lines[index + 1 :]:
            cells = row.split(None, len(header) - 1)
            if len(cells) <= max(name, kind) or not _row(cells[name], cells[kind]):
                break
            rows.append(cells)
        if len(rows) < 2:
            continue
        start = offsets[index]
        end = offsets[index + len(rows)] + len(lines[index + len(rows)])
        found += _groups(header, rows, start, end)
    return found


def _row(name: str, kind: str) -> bool:
    """Whether cells are a field's: a name, and a type (a word the reader knows, ``enum``, a
    model's name), not the words of a sentence."""
    if not re.fullmatch(r"[A-Za-z_]\w*", name):
        return False
    return kind.lower() == "enum" or parse_type(kind).known or bool(re.fullmatch(r"[A-Z]\w+", kind))


def _groups(header: list[str], rows: list[list[str]], start: int, end: int) -> list[Group]:
    column = {h: k for k, h in reversed(list(enumerate(header)))}
    name = next(column[h] for h in header if h in NAME_COLUMNS)
    kind = next(column[h] for h in header if h in TYPE_COLUMNS)
    direction = next((column[h] for h in header if h in _DIRECTION_COLUMNS), None)
    required = next((column[h] for h in header if h in _REQUIRED_COLUMNS), None)
    sides: dict[str, list[FieldPhrase]] = {}
    for cells in rows:
        cells += [""] * (len(header) - len(cells))
        used = {name, kind, direction, required}
        notes = " ".join(c for k, c in enumerate(cells) if k not in used)
        typed = cell_type(cells[kind], notes)
        if required is not None and cells[required].lower() in _NO:
            typed.optional = True
        side = cells[direction].lower() if direction is not None else ""
        role = "input" if side in _INPUTS else "output" if side in _OUTPUTS else ""
        sides.setdefault(role, []).append(FieldPhrase(cells[name], typed, " | ".join(cells)))
    # the first side holds the sheet; the others sit at its end (a group inside another is
    # taken for a part of it, as a JSON example inside a class is)
    return [
        Group(fields, start if k == 0 else end, end, "", role, "sheet")
        for k, (role, fields) in enumerate(sides.items())
    ]
