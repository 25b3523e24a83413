"""Structure people paste into a request: a JSON example, an SQL ``CREATE TABLE``, a markdown
table (Python and other languages: ``schemas/``). Each becomes a group of typed fields with what
its own shape says about its role (a class named ``...Response``, a table titled "Output")."""

from __future__ import annotations

import ast
import json
import re
import textwrap
from dataclasses import dataclass, field
from decimal import Decimal

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.types import Typed, parse_type
from codegen_assets.core.understanding.vocabulary import TYPE_WORDS


@dataclass
class Group:
    """Fields that belong together, where they were found, and what they are for."""

    fields: list[FieldPhrase]
    start: int  # offset in the prompt
    end: int
    label: str = ""  # a class, table or key name
    role: str = ""  # "input", "output", "model", "enum" or "" (decided by the words around it)
    source: str = ""  # "python", "json", "sql", "table", "list", "prose", "yaml", a language
    examples: list[dict[str, object]] = field(default_factory=list)  # JSON examples as given
    values: tuple[str, ...] = ()  # an enum declaration's values (role "enum", no fields)


OUTPUT_CLASS = re.compile(
    r"(?:Response|Result|Resolution|Reply|Output|Outcome|Decision|Answer|State|Summary|Report|Ack"
    r"|Acknowledge?ment|Receipt|Confirmation)"
    r"(?:Schema|Serializer|Dto|DTO|Model|Payload|Body)?$"
)

# -- JSON examples --------------------------------------------------------------------------
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def json_objects(text: str) -> list[Group]:
    """JSON objects written in the prompt, each a group of fields typed by their values."""
    groups, decoder, position = [], json.JSONDecoder(), 0
    while (start := text.find("{", position)) != -1:
        try:
            value, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            position = start + 1
            continue
        position = end
        if isinstance(value, dict) and value:
            fields = [FieldPhrase(k, json_type(k, v), json.dumps({k: v})) for k, v in value.items()]
            groups.append(Group(fields, start, end, "", "", "json", [value]))
    return groups


_RETURN_DICT = re.compile(r"\breturn\s*(?=\{)")
_CALL_TYPES = {
    "datetime": "datetime", "date": "date", "Decimal": "decimal", "UUID": "uuid", "uuid4": "uuid",
    "now": "datetime", "utcnow": "datetime", "today": "date", "int": "int", "float": "float",
    "str": "string", "bool": "bool",
}  # fmt: skip


def python_returns(text: str) -> list[Group]:
    """``return {"breached": True, "deadline_at": datetime(...)}`` in pasted Python: what the
    handler gives back, typed by each value."""
    groups = []
    for match in _RETURN_DICT.finditer(text):
        end = _closing_brace(text, match.end())
        if end is None:
            continue
        try:
            tree = ast.parse(textwrap.dedent(text[match.end() : end]).strip(), mode="eval")
        except SyntaxError:
            continue
        if not isinstance(tree.body, ast.Dict):
            continue
        fields = [
            FieldPhrase(key.value, _value_type(value), "")
            for key, value in zip(tree.body.keys, tree.body.values, strict=True)
            if isinstance(key, ast.Constant) and isinstance(key.value, str)
        ]
        if fields:
            groups.append(Group(fields, match.start(), end, "", "output", "python"))
    return groups


def _closing_brace(text: str, start: int) -> int | None:
    depth = 0
    for index in range(start, len(text)):
        depth += (text[index] in "{[(") - (text[index] in "}])")
        if depth == 0:
            return index + 1
    return None


def _value_type(node: ast.expr) -> Typed:
    if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
        node = node.operand  # -42
    if isinstance(node, ast.Constant):
        if node.value is None:
            return Typed(optional=True)
        return json_type("", node.value)
    if isinstance(node, ast.Call):
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return Typed(base=_CALL_TYPES.get(called, "object"))
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        inner = _value_type(node.elts[0]) if node.elts else Typed(base="object")
        inner.is_list = True
        return inner
    return Typed(base="object")


def json_type(key: str, value: object) -> Typed:
    """A JSON value's type (a string's by its shape; a list of objects a list of the model its
    key names)."""
    if isinstance(value, bool | int | float):
        return Typed(base="bool" if isinstance(value, bool) else type(value).__name__)
    if isinstance(value, str):
        return Typed(base=_string_type(value))
    if isinstance(value, list):
        items = [v for v in value if v is not None]
        if items and all(isinstance(v, dict) for v in items):
            return Typed(is_list=True, model=_singular_class(key))
        inner = json_type(key, items[0]) if items else Typed(base="object")
        inner.is_list = True
        return inner
    return Typed(base="object", optional=value is None)


def _string_type(value: str) -> str:
    """A JSON string's type by its shape: a UUID, a timestamp, a date, else text."""
    for pattern, base in ((_UUID, "uuid"), (_DATETIME, "datetime"), (_DATE, "date")):
        if pattern.match(value):
            return base
    return "string"


def json_item_fields(value: list[dict[str, object]]) -> list[FieldPhrase]:
    """The fields of a list of JSON objects (every key any of them has)."""
    merged: dict[str, object] = {}
    for item in value:
        for key, item_value in item.items():
            merged.setdefault(key, item_value)
    return [FieldPhrase(k, json_type(k, v), "") for k, v in merged.items()]


def _singular_class(key: str) -> str:
    word = key
    for suffix, repl in (("ies", "y"), ("ses", "s"), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            word = word[: -len(suffix)] + repl
            break
    return "".join(part.capitalize() for part in word.split("_"))


# -- SQL ------------------------------------------------------------------------------------
_TABLE = re.compile(
    r"\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w.\"]+)\s*\((.*?)\n?\s*\)\s*;", re.I | re.S
)
_COLUMN = re.compile(
    r"^\s*\"?([A-Za-z_]\w*)\"?\s+([A-Za-z]+(?:\s*\([\d\s,]*\))?(?:\s+(?:with(?:out)?\s+time\s+zone|varying|precision))?)(.*)$",
    re.I,
)
_CONSTRAINT = re.compile(
    r"^\s*(?:PRIMARY|FOREIGN|UNIQUE|CONSTRAINT|CHECK|EXCLUDE|INDEX|KEY)\b", re.I
)
_SQL_TYPES = {
    "timestamptz": "datetime",
    "timestamp": "datetime",
    "varchar": "string",
    "text": "string",
    "char": "string",
}


def sql_tables(text: str) -> list[Group]:
    """The columns of ``CREATE TABLE`` statements."""
    groups = []
    for match in _TABLE.finditer(text):
        fields = []
        for code, comment in _columns(match.group(2)):
            if not code or _CONSTRAINT.match(code):
                continue
            column = _COLUMN.match(code)
            if column is None:
                continue
            name, kind, rest = column.group(1), column.group(2), column.group(3)
            typed = parse_type(f"{kind.split('(')[0]} {kind} {comment}")
            typed.base = _SQL_TYPES.get(kind.split("(")[0].strip().lower(), typed.base)
            if length := re.search(r"char[a-z ]*\(\s*(\d+)\s*\)", kind, re.I):
                typed.max_length = int(length.group(1))
            if check := re.search(
                rf"CHECK\s*\(\s*{name}\s*(>=|>|<=|<)\s*(-?\d+(?:\.\d+)?)", rest, re.I
            ):
                key = {">=": "ge", ">": "gt", "<=": "le", "<": "lt"}[check.group(1)]
                setattr(typed, key, Decimal(check.group(2)))
            nullable = not re.search(r"\bNOT\s+NULL\b|\bPRIMARY\s+KEY\b", rest, re.I)
            typed.optional = typed.optional or nullable
            if re.search(r"\bDEFAULT\b", rest, re.I):
                typed.has_default = True
            fields.append(FieldPhrase(name, typed, code))
        if fields:
            label = match.group(1).strip('"').split(".")[-1]
            groups.append(Group(fields, match.start(), match.end(), label, "", "sql"))
    return groups


def _columns(body: str) -> list[tuple[str, str]]:
    """Column definitions (split at commas outside parentheses, one line or many) and the
    ``-- comment`` of the line each ends on."""
    found: list[tuple[str, str]] = []
    for line in body.split("\n"):
        code, _, comment = line.partition("--")
        depth, start = 0, 0
        parts = []
        for index, char in enumerate(code):
            depth += (char == "(") - (char == ")")
            if char == "," and depth == 0:
                parts.append(code[start:index])
                start = index + 1
        parts.append(code[start:])
        parts = [p.strip() for p in parts if p.strip()]
        found += [(p, comment.strip() if i == len(parts) - 1 else "") for i, p in enumerate(parts)]
    return found


# -- Markdown tables ------------------------------------------------------------------------
NAME_COLUMNS = {
    "name",
    "field",
    "feld",
    "champ",
    "column",
    "key",
    "attribute",
    "nom",
    "spalte",
    "attribut",
}
TYPE_COLUMNS = {"type", "typ", "datatype", "data type"}


def markdown_tables(text: str) -> list[Group]:
    """Tables whose header names a field column (and usually a type column)."""
    groups, lines, offset = [], text.split("\n"), 0
    starts = []
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    i = 0
    while i < len(lines):
        if not lines[i].strip().startswith("|"):
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].strip().startswith("|"):
            j += 1
        rows = [[c.strip(" `*") for c in line.strip().strip("|").split("|")] for line in lines[i:j]]
        group = _table(rows, starts[i], starts[j - 1] + len(lines[j - 1]))
        if group is not None:
            groups.append(group)
        i = j
    return groups


def _table(rows: list[list[str]], start: int, end: int) -> Group | None:
    if len(rows) < 3 or not re.fullmatch(r"[\s:|-]*", "".join(rows[1])):
        return None
    header = [h.lower() for h in rows[0]]
    name_col = next((k for k, h in enumerate(header) if h in NAME_COLUMNS), None)
    if name_col is None:
        return None
    type_col = next((k for k, h in enumerate(header) if h in TYPE_COLUMNS), None)
    fields = []
    for row in rows[2:]:
        if len(row) <= name_col or not re.fullmatch(r"[A-Za-z_]\w*", row[name_col]):
            continue
        kind = row[type_col] if type_col is not None and type_col < len(row) else ""
        notes = " ".join(c for k, c in enumerate(row) if k not in (name_col, type_col))
        fields.append(FieldPhrase(row[name_col], cell_type(kind, notes), " | ".join(row)))
    return Group(fields, start, end, "", "", "table") if fields else None


def cell_type(kind: str, notes: str) -> Typed:
    """A table row's field type: its type column, with what its other columns say (their
    values, when the type is ``enum`` or none)."""
    typed = parse_type(kind)
    if kind.lower() == "enum" or not typed.known:
        typed = typed.merged(parse_type(notes))
    else:
        extra = parse_type(notes, strict_enum=True)
        extra.base = ""
        typed = typed.merged(extra)
    if kind.lower() in TYPE_WORDS:
        typed.base = TYPE_WORDS[kind.lower()]
    return typed
