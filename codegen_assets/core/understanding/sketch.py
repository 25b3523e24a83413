"""A person's own YAML-ish sketch of a node (``op: x``, ``input:`` with ``field: type`` lines,
``needs: [...]``), fenced or not, comments kept as notes: read by indentation, never evaluated."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_KEY_LINE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<key>[A-Za-z_][\w.-]*)\s*:(?:\s+(?P<value>.*?))?\s*$"
)
_ITEM_LINE = re.compile(r"^(?P<indent>[ \t]*)-\s+(?P<value>.*?)\s*$")


@dataclass
class Entry:
    """One key (or list item) of a sketch: its value, comment, children and offset."""

    key: str
    value: str = ""
    comment: str = ""
    children: list[Entry] = field(default_factory=list)
    start: int = 0

    def child(self, *names: str) -> Entry | None:
        """The first child whose key is one of ``names`` (case-insensitive)."""
        wanted = {n.lower() for n in names}
        return next((c for c in self.children if c.key.lower() in wanted), None)


@dataclass
class Sketch:
    """A block of sketch lines: its top-level entries and where it is."""

    entries: list[Entry]
    start: int
    end: int


def _split_comment(text: str) -> tuple[str, str]:
    """A YAML comment starts with ``#`` and a space ("post to #incidents" is text)."""
    if text.startswith("# "):
        return "", text[2:].strip()
    found = re.search(r"\s#\s", text)
    if found is None:
        return text.strip(), ""
    return text[: found.start()].strip(), text[found.end() :].strip()


def sketches(text: str, *, min_lines: int = 3) -> list[Sketch]:
    """Every run of at least ``min_lines`` sketch lines (``key: value`` or ``- item``) that
    holds nesting or a list, read into entries."""
    found: list[Sketch] = []
    lines = text.split("\n")
    offsets, position = [], 0
    for line in lines:
        offsets.append(position)
        position += len(line) + 1
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and (
            _KEY_LINE.match(lines[j])
            or _ITEM_LINE.match(lines[j])
            or lines[j].strip().startswith("#")
        ):
            j += 1
        block = lines[i:j]
        nested = any(line[:1] in " \t" for line in block if line.strip())
        if j - i >= min_lines and nested and _KEY_LINE.match(block[0]):
            entries = _tree(block, offsets[i])
            found.append(Sketch(entries, offsets[i], offsets[j - 1] + len(lines[j - 1])))
            i = j
        else:
            i = max(j, i + 1)
    return found


def _tree(block: list[str], offset: int) -> list[Entry]:
    root = Entry("")
    stack: list[tuple[int, Entry]] = [(-1, root)]
    position = offset
    for line in block:
        start = position
        position += len(line) + 1
        if not line.strip() or line.strip().startswith("#"):
            continue
        key_line, item_line = _KEY_LINE.match(line), _ITEM_LINE.match(line)
        if item_line is not None:
            indent = len(item_line["indent"])
            value, comment = _split_comment(item_line["value"])
            entry = Entry("-", value, comment, start=start)
        elif key_line is not None:
            indent = len(key_line["indent"])
            value, comment = _split_comment(key_line["value"] or "")
            entry = Entry(key_line["key"], value, comment, start=start)
        else:
            continue
        while (
            stack
            and stack[-1][0] >= indent
            and not (entry.key == "-" and stack[-1][0] == indent and stack[-1][1].key != "-")
        ):
            stack.pop()
        stack[-1][1].children.append(entry)
        stack.append((indent, entry))
    return root.children


def items(entry: Entry) -> list[str]:
    """A key's list: ``- a`` lines, or an inline ``[a, b]`` or ``a, b`` value."""
    listed = [c.value for c in entry.children if c.key == "-" and c.value]
    if listed:
        return listed
    value = entry.value.strip().strip("[]")
    return [v.strip(" '\"`") for v in value.split(",") if v.strip()] if value else []
