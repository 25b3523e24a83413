"""Reading code people paste, whatever its language: the body of a ``{ ... }`` block (balanced,
or up to where a half-pasted one stops), its members split at the language's separators with
the comments written beside and above each, and what the prose around says a type name means
("ID here is a UUID", "for us `long` is just an integer")."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from codegen_assets.core.understanding.types import parse_type


@dataclass(frozen=True)
class Syntax:
    """What a language's code looks like to the scanner."""

    comment: str = "//"  # a line comment
    block_comments: bool = True  # ``/* ... */``
    quotes: str = "\"'`"
    separators: str = ";"
    newline_separates: bool = False
    brace_ends_member: bool = False  # ``message Inner { ... }`` ends without a ``;``
    angle_brackets: bool = True  # generics: ``map<K, V>``, ``Vec<T>``


@dataclass
class Member:
    """One member of a block as written, with its comments, and where it starts in the block."""

    code: str
    comment: str = ""  # beside it, on the line it ends
    notes: list[str] = field(default_factory=list)  # on the lines above it
    offset: int = 0

    @property
    def note(self) -> str:
        """Everything its comments say, the one beside it first."""
        return "; ".join(n for n in (self.comment, *self.notes) if n.strip())


def _skip_string(text: str, i: int, quote: str) -> int:
    """The index just after the string that opens at ``i``: its closing quote, or the end of
    its line (a string in a type, a tag or an option is on one line; one left open in a
    half-pasted block does not swallow the rest)."""
    j = i + 1
    while j < len(text):
        if text[j] == "\\" and quote != "`":
            j += 2
            continue
        if text[j] == quote:
            return j + 1
        if text[j] == "\n":
            return j
        j += 1
    return len(text)


def block_end(text: str, opening: int, syntax: Syntax, brackets: str = "{}") -> tuple[int, int]:
    """``(body end, block end)`` of the block whose ``{`` (or other bracket of ``brackets``) is at
    ``opening``: its matching bracket, or, for a block pasted only in part, the first later line
    that is not indented (a fence, prose) or the end of the text."""
    close = pairs(text, syntax, brackets).get(opening)
    if close is not None:
        return close, close + 1
    cut = _UNINDENTED.search(text, opening)
    end = cut.start() if cut else len(text)
    return end, end


_UNINDENTED = re.compile(r"\n(?=[^\s}])")


@lru_cache(maxsize=8)
def pairs(text: str, syntax: Syntax, brackets: str) -> dict[int, int]:
    """Where each opening bracket of ``brackets`` (``"{}"``, ``"()[]{}"``) is closed, in one
    pass over ``text`` with the language's comments and strings skipped (the last few texts
    kept, as each language's reader asks for every block of the same prompt)."""
    tokens = []
    if syntax.comment:
        tokens.append(re.escape(syntax.comment) + r"[^\n]*")
    if syntax.block_comments:
        tokens.append(r"/\*.*?(?:\*/|\Z)")
    tokens += [
        rf"{re.escape(q)}(?:\\.|[^{re.escape(q)}\\\n])*{re.escape(q)}?" for q in syntax.quotes
    ]
    tokens.append("[" + re.escape(brackets) + "]")
    opens, closes = brackets[0::2], brackets[1::2]
    stack: list[tuple[str, int]] = []
    found: dict[int, int] = {}
    for token in re.finditer("|".join(tokens), text, re.DOTALL):
        written = token.group(0)
        if written in opens:
            stack.append((written, token.start()))
        elif written in closes and stack and stack[-1][0] == opens[closes.index(written)]:
            found[stack.pop()[1]] = token.start()
    return found


def members(body: str, syntax: Syntax) -> list[Member]:
    """The members of a block body, split at its separators outside brackets and strings."""
    scanner = _Scanner(syntax)
    scanner.run(body)
    return scanner.found


class _Scanner:
    """One pass over a block body: code into members, comments beside or above them."""

    def __init__(self, syntax: Syntax) -> None:
        self.syntax = syntax
        self.found: list[Member] = []
        self.buffer: list[str] = []
        self.has_code = False
        self.start = 0
        self.notes: list[str] = []
        self.beside = ""
        self.on_line: list[Member] = []  # members that ended on the current line

    def flush(self) -> None:
        code = "".join(self.buffer).strip()
        if code:
            member = Member(code, self.beside.strip("; "), self.notes, self.start)
            self.found.append(member)
            self.on_line.append(member)
            self.notes = []
        self.buffer, self.beside, self.has_code = [], "", False

    def comment(self, text: str) -> None:
        text = text.strip().lstrip("/*!").strip()
        if not text:
            return
        if self.has_code:
            self.beside = f"{self.beside}; {text}"
        elif self.on_line:
            self.on_line[-1].comment = f"{self.on_line[-1].comment}; {text}".strip("; ")
        else:
            self.notes.append(text)

    def code(self, text: str, at: int) -> None:
        if not self.has_code and text.strip():
            self.has_code, self.start = True, at
        self.buffer.append(text)

    def skip_comment(self, body: str, i: int, depth: int) -> int | None:
        """Past the comment that starts at ``i`` (None when none does); inside a nested block
        it stays in the code, for the block's own members."""
        syntax = self.syntax
        if syntax.comment and body.startswith(syntax.comment, i):
            newline = body.find("\n", i)
            end = len(body) if newline == -1 else newline
            if depth:
                self.code(body[i:end], i)
            else:
                self.comment(body[i + len(syntax.comment) : end])
            return end
        if syntax.block_comments and body.startswith("/*", i):
            close = body.find("*/", i + 2)
            end = len(body) if close == -1 else close
            if depth:
                self.code(body[i : end + 2], i)
            else:
                for line in body[i + 2 : end].split("\n"):
                    self.comment(line.strip().lstrip("*"))
            return end + 2
        return None

    def run(self, body: str) -> None:
        syntax = self.syntax
        opens, closes = ("{([<", "})]>") if syntax.angle_brackets else ("{([", "})]")
        depth, i = 0, 0
        while i < len(body):
            char = body[i]
            if (after := self.skip_comment(body, i, depth)) is not None:
                i = after
                continue
            if char in syntax.quotes:
                end = _skip_string(body, i, char)
                self.code(body[i:end], i)
                i = end
                continue
            if char in opens:
                depth += 1
            elif char in closes and not (char == ">" and body[i - 1 : i] in ("-", "=")):
                depth = max(0, depth - 1)
            ends = char == "}" and not depth and syntax.brace_ends_member
            separates = char in syntax.separators or (char == "\n" and syntax.newline_separates)
            if ends or (not depth and separates):
                if ends:
                    self.code(char, i)
                self.flush()
            else:
                self.code(" " if char == "\n" and not depth else char, i)
            if char == "\n":
                self.on_line.clear()
            i += 1
        self.flush()


def split_top(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside brackets and quotes."""
    parts, depth, current, quote = [], 0, "", ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'`":
            quote = char
        elif char in "{([<":
            depth += 1
        elif char in "})]>":
            depth = max(0, depth - 1)
        elif char == separator and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        current += char
    parts.append(current.strip())
    return [p for p in parts if p]


_GLOSSARY = (
    r"(?<![\w.-])`?{name}`?(?:\s+(?:here|for\s+us|in\s+(?:our|this|the)\s+\w+))?\s*(?:,\s*)?"
    r"(?:is|are|means|=|stands\s+for)\s+(?:just\s+|simply\s+|always\s+|really\s+)?(?:an?\s+)?"
    r"`?(?P<type>[\w-]+(?:[ \t\n-]+[\w-]+){{0,2}})"
)
# "we only use `number` for whole numbers"
_USED_FOR = (
    r"\b(?:use[sd]?|using)\s+(?:only\s+)?`?{name}`?\s+(?:only\s+)?(?:for|as)\s+(?:an?\s+)?"
    r"(?P<type>[\w-]+(?:[ -][\w-]+)?)"
)


class Glossary:
    """What the prose says a type name stands for ("ID here is a UUID", "for us `long` is
    just an integer"), looked up once per name."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.said: dict[str, str] = {}

    def base(self, name: str) -> str:
        """The base type the prose gives ``name``, or ""."""
        if name not in self.said:
            self.said[name] = _stated(self.text, name)
        return self.said[name]


def _stated(text: str, name: str) -> str:
    for form in (_GLOSSARY, _USED_FOR):
        pattern = re.compile(form.format(name=re.escape(name)), re.IGNORECASE)
        for found in pattern.finditer(text):
            written = text[found.start() : found.start("type")]
            if not re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", written):
                continue  # "ID" said of a type, not "id" the word
            base = parse_type(found.group("type")).base
            if base:
                return base
    return ""


def class_name(word: str) -> str:
    """A model name for an inline object written under the field ``word`` (``line_items`` ->
    ``LineItem``)."""
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("xes", "x"), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            word = word[: -len(suffix)] + repl
            break
    parts = re.findall(r"[A-Za-z0-9]+", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", word))
    return "".join(p[:1].upper() + p[1:].lower() for p in parts) or "Item"


@lru_cache(maxsize=4)
def json_values(text: str) -> list[tuple[object, int, int]]:
    """Every JSON object or array written in ``text`` (outermost ones), with where it is (the
    last few texts kept: the Avro and the JSON Schema readers both ask)."""
    found: list[tuple[object, int, int]] = []
    decoder, position = json.JSONDecoder(), 0
    while (match := _JSON_START.search(text, position)) is not None:
        start = match.start()
        try:
            value, end = decoder.raw_decode(text, start)
        except (json.JSONDecodeError, RecursionError):
            position = start + 1
            continue
        found.append((value, start, end))
        position = end
    return found


# where a JSON object (``{"`` or ``{}``) or a list of objects or strings may start: a "{" or "["
# that cannot start one is not tried (a failed decode costs the length of the text before it)
_JSON_START = re.compile(r"\{(?=\s*[\"}])|\[(?=\s*(?:\{\s*\"|\"))")
_FENCE = re.compile(r"^[ \t]*(```+|~~~+)[ \t]*([\w+-]*)[^\n]*\n(.*?)^[ \t]*\1[ \t]*$", re.M | re.S)


def fenced(text: str) -> list[tuple[str, str, int, int]]:
    """Every fenced code block: its language tag, its code, and where the code is."""
    return [(m.group(2).lower(), m.group(3), m.start(3), m.end(3)) for m in _FENCE.finditer(text)]


def json_number(value: object) -> Decimal | None:
    """A bound written in a JSON or YAML document (a number, or a numeric string), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def json_count(value: object) -> int | None:
    """A length or a count written in a document (a whole number, not below 0), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
