"""Refilling docstrings to a repository's line length (ruff format leaves docstrings alone)."""

from __future__ import annotations

import io
import itertools
import textwrap
import tokenize

_OPENERS = (tokenize.INDENT, tokenize.NEWLINE, tokenize.NL, tokenize.DEDENT, tokenize.ENCODING)
_LAID_OUT = ("-", "*", "|", ">>>")
MIN_ROOM = 20


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _wrap_paragraph(lines: list[str], indent: str, width: int) -> list[str]:
    """One paragraph at ``indent``, refilled to ``width``; a paragraph laid out by hand
    (bullets, deeper indentation) keeps its lines and only folds the ones that are too long."""
    deeper = any(len(_indent_of(line)) > len(indent) for line in lines)
    if not deeper and not any(line.strip().startswith(_LAID_OUT) for line in lines):
        words = " ".join(line.strip() for line in lines)
        return [indent + part for part in textwrap.wrap(words, max(width - len(indent), MIN_ROOM))]
    folded: list[str] = []
    for line in lines:
        own = _indent_of(line) or indent
        body = line.strip()
        if len(own) + len(body) <= width:
            folded.append(own + body)
        else:
            room = max(width - len(own), MIN_ROOM)
            folded += [own + part for part in textwrap.wrap(body, room)]
    return folded


def reflow_docstring(token: str, column: int, width: int) -> str:
    """The docstring ``token`` (at ``column``) refilled so its lines fit ``width``."""
    quote = token[:3]
    indent = " " * column
    first, *rest = token[3:-3].split("\n")
    closing_alone = bool(rest) and not rest[-1].strip()
    if closing_alone:
        rest = rest[:-1]
    paragraphs: list[list[str]] = [[indent + first.strip()]]
    for line in rest:
        if line.strip():
            paragraphs[-1].append(line)
        else:
            paragraphs.append([])
    kept = [p for p in paragraphs if p]
    out: list[str] = []
    for number, paragraph in enumerate(kept):
        if number:
            out.append("")
        # the quotes take columns: the opening ones on the first line, both on a lone line
        room = width if number else width - (6 if len(kept) == 1 else 3)
        out += _wrap_paragraph(paragraph, indent, room)
    text = "\n".join(out)[len(indent) :]
    quotes = 6 if len(out) == 1 else 3  # a one-line docstring has both quotes on its line
    if closing_alone or len(out[-1]) + quotes > width:
        return f"{quote}{text}\n{indent}{quote}"
    return f"{quote}{text}{quote}"


def reflow(source: str, width: int) -> str:
    """``source`` with every docstring that has a line longer than ``width`` refilled."""
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    lines = source.splitlines(keepends=True)
    edits = []
    for previous, token in itertools.pairwise(tokens):
        if token.type != tokenize.STRING or token.string[:3] not in ('"' * 3, "'" * 3):
            continue
        if previous.type not in _OPENERS:
            continue
        span = lines[token.start[0] - 1 : token.end[0]]
        if max(len(line.rstrip("\n")) for line in span) <= width:
            continue
        edits.append(
            (token.start, token.end, reflow_docstring(token.string, token.start[1], width))
        )
    for start, end, text in reversed(edits):
        head = lines[start[0] - 1][: start[1]]
        tail = lines[end[0] - 1][end[1] :]
        lines[start[0] - 1 : end[0]] = [head + text + tail]
    return "".join(lines)
