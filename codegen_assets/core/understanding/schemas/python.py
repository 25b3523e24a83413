"""Python pasted into a request: pydantic models, dataclasses, ``TypedDict``s and ``NamedTuple``s
(``name: type = default``, ``Field(...)``, ``Annotated[...]`` constraints, ``NotRequired``, a
``total=False`` TypedDict, comments beside a field), classes whose fields are calls (marshmallow,
Django, SQLAlchemy, attrs: ``python_fields``), ``Enum`` classes, and function signatures
(``def op(a: int, b: str | None = None) -> Result``), whose parameters are an operation's inputs."""

from __future__ import annotations

import ast
import json
import re
import textwrap

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import OUTPUT_CLASS, Group
from codegen_assets.core.understanding.schemas.annotations import (
    annotation_type,
    apply_value,
    name_of,
)
from codegen_assets.core.understanding.schemas.python_fields import assigned_field
from codegen_assets.core.understanding.schemas.scan import Syntax, pairs
from codegen_assets.core.understanding.types import Typed, with_note

# -- Python: pydantic models and dataclasses --------------------------------------------------
_CLASS = re.compile(
    r"^(?P<indent>[ \t]*)(?:@dataclass[^\n]*\n[ \t]*)?class\s+(\w+)\b[^\n]*:\s*$", re.M
)


def python_classes(text: str) -> list[Group]:
    """Classes with annotated fields (``name: type = default`` or ``Field(...)``), with what the
    comment beside (or above) each says."""
    groups = []
    for match in _CLASS.finditer(text):
        body, end = _body(text, match.end(), match.group("indent"))
        name = match.group(2)
        total = re.search(r"\btotal\s*=\s*False\b", match.group(0)) is None  # a TypedDict's
        fields = _class_fields(body, total=total)
        if fields:
            role = "output" if OUTPUT_CLASS.search(name) else ""
            groups.append(Group(fields, match.start(), end, name, role, "python"))
    return groups


def _body(text: str, start: int, indent: str) -> tuple[str, int]:
    """The indented block after a header line ending at ``start``, dedented, and its end."""
    lines, end = [], start
    for line in text[start:].split("\n")[1:]:
        if line.strip() and not line.startswith((indent + " ", indent + "\t")):
            break
        lines.append(line)
        end += len(line) + 1
    return textwrap.dedent("\n".join(lines)), end


def _class_fields(body: str, *, total: bool = True) -> list[FieldPhrase]:
    lines = body.split("\n")
    fields = []
    for node in _statements(body):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]  # ``name = fields.Str(...)``, ``models.CharField(...)``
            if isinstance(target, ast.Name):
                phrase = assigned_field(target.id, node.value, _comments(lines, node))
                fields += [phrase] if phrase is not None else []
            continue
        if not isinstance(node, ast.AnnAssign) or not isinstance(node.target, ast.Name):
            continue
        if node.target.id in ("model_config",):
            continue
        fields.append(
            annotated_field(node.target.id, node.annotation, node.value, _comments(lines, node))
        )
        if not total and not fields[-1].typed.required:
            fields[-1].typed.optional = True
    return fields


def annotated_field(
    name: str, annotation: ast.expr, value: ast.expr | None, note: str = ""
) -> FieldPhrase:
    """A field written ``name: annotation = value  # note`` (a class field or a parameter)."""
    typed = annotation_type(annotation)
    if value is not None:
        apply_value(value, typed)
    written = f"{name}: {ast.unparse(annotation)}" + (f" = {ast.unparse(value)}" if value else "")
    return FieldPhrase(name, with_note(typed, note), written)


def _statements(body: str) -> list[ast.stmt]:
    """The statements of a class body; of a body that does not parse (pasted in part), those of
    each line that does."""
    try:
        return ast.parse(body).body
    except SyntaxError:
        pass
    found = []
    for number_, line in enumerate(body.split("\n")):
        try:
            tree = ast.parse(line.strip())
        except SyntaxError:
            continue
        ast.increment_lineno(tree, number_)
        found += tree.body
    return found


def _comments(lines: list[str], node: ast.stmt | ast.arg) -> str:
    """The comment beside a statement (on any of its lines), then those on the lines just above."""
    beside = [c for line in lines[node.lineno - 1 : node.end_lineno] if (c := comment_of(line))]
    above = []
    for line in reversed(lines[: node.lineno - 1]):
        if not line.strip().startswith("#"):
            break
        above.append(line.strip().lstrip("#").strip())
    return "; ".join([*beside, *reversed(above)])


def comment_of(line: str) -> str:
    """The text after a line's ``#`` (one outside a string)."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#":
            return line[index + 1 :].strip()
    return ""


# -- Enum classes and function signatures ---------------------------------------------------
_ENUM_CLASS = re.compile(
    r"^(?P<indent>[ \t]*)class\s+(?P<name>\w+)\s*"
    r"\((?P<bases>[^)]*\b(?:Str|Int)?Enum\b[^)]*)\)\s*:\s*$",
    re.M,
)
_DEF = re.compile(r"^(?P<indent>[ \t]*)(?:async\s+)?def\s+(?P<name>\w+)\s*\(", re.M)
_SKIPPED = {"self", "cls"}


def python_enums(text: str) -> list[Group]:
    """``class Level(str, Enum)`` (or ``StrEnum``, ``IntEnum``): an enum of its members'
    values (strings as written; ``auto()`` in a ``StrEnum`` the member's name lower-cased; other
    values the member's name)."""
    found = []
    for match in _ENUM_CLASS.finditer(text):
        body, end = _body(text, match.end(), match.group("indent"))
        values = []
        string_enum = "StrEnum" in match.group("bases")
        for node in _statements(body):
            if not isinstance(node, ast.Assign) or len(node.targets) != 1:
                continue
            target = node.targets[0]
            if not isinstance(target, ast.Name) or target.id.startswith("_"):
                continue
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                values.append(value.value)
            elif string_enum and isinstance(value, ast.Call) and name_of(value.func) == "auto":
                values.append(target.id.lower())
            else:
                values.append(target.id)
        if values:
            values_ = tuple(dict.fromkeys(values))
            found.append(
                Group([], match.start(), end, match.group("name"), "enum", "python", [], values_)
            )
    return found


_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+[\w.]+[ \t]+)?import[ \t]+[\w., ()*]+$", re.M)


def python_imports(text: str) -> list[Group]:
    """``from typing import Literal`` lines: code, not prose."""
    return [Group([], m.start(), m.end(), "", "imports", "python") for m in _IMPORT.finditer(text)]


def python_signatures(text: str) -> list[Group]:
    """``def name(a: int, b: str = "x") -> Result``: its parameters, the inputs of an operation
    (``self``, ``*args`` and ``**kwargs`` are not); the group's label is the function's name."""
    found = []
    for match in _DEF.finditer(text):
        close = _closing(text, match.end() - 1)
        if close is None:
            continue
        tail = re.match(r"\s*(?:->\s*(?P<returns>[^:\n]+?))?\s*:[^\n]*", text[close + 1 :])
        if tail is None:
            continue
        params = text[match.end() : close]
        try:
            tree = ast.parse(f"def f(\n{params}\n): ...")
        except SyntaxError:
            continue
        function = tree.body[0]
        if not isinstance(function, ast.FunctionDef):
            continue
        lines = ["", *params.split("\n")]
        fields = [
            annotated_field(arg.arg, arg.annotation, default, _comments(lines, arg))
            for arg, default in _parameters(function.args)
            if arg.annotation is not None and arg.arg not in _SKIPPED
        ]
        if fields:
            end = close + 1 + tail.end()
            found.append(
                Group(fields, match.start(), end, match.group("name"), "input", "signature")
            )
    return found


def _parameters(args: ast.arguments) -> list[tuple[ast.arg, ast.expr | None]]:
    """Each named parameter with its default (``*args``, ``**kwargs`` are not fields)."""
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    return [
        *zip(positional, defaults, strict=True),
        *zip(args.kwonlyargs, args.kw_defaults, strict=True),
    ]


def _closing(text: str, opening: int) -> int | None:
    """The index of the bracket that closes the one at ``opening`` (strings and comments
    skipped), or None."""
    return pairs(text, _PYTHON, "()[]{}").get(opening)


_PYTHON = Syntax(comment="#", block_comments=False, quotes="\"'")


_DICT_START = re.compile(r"(?:\breturn\s+|\b\w+\s*=\s*|\byield\s+)(?=\{)")
_CALLED = {
    "datetime": "datetime", "date": "date", "Decimal": "decimal", "UUID": "uuid",
    "uuid4": "uuid", "now": "datetime", "utcnow": "datetime", "today": "date",
}  # fmt: skip


def python_dicts(text: str) -> list[Group]:
    """A Python dict literal with string keys (``return {"breached": True, "deadline_at":
    datetime(...)}``): its keys typed by their values; one a function returns is an output."""
    found = []
    for match in _DICT_START.finditer(text):
        close = _closing(text, match.end())
        if close is None:
            continue
        written = text[match.end() : close + 1]
        if _is_json(written):
            continue  # a JSON example: read as one, its values kept as examples
        try:
            tree = ast.parse(written, mode="eval").body
        except SyntaxError:
            continue
        if not isinstance(tree, ast.Dict) or not tree.keys:
            continue
        keys = [k.value for k in tree.keys if isinstance(k, ast.Constant)]
        names = [k for k in keys if isinstance(k, str) and re.fullmatch(r"[A-Za-z_]\w*", k)]
        if len(names) != len(tree.keys):
            continue  # a mapping of data, not of field names
        fields = [
            FieldPhrase(k, _value_type(v), f"{k}: {ast.unparse(v)}")
            for k, v in zip(names, tree.values, strict=True)
        ]
        role = "output" if match.group(0).startswith("return") else ""
        found.append(Group(fields, match.start(), close + 1, "", role, "python"))
    return found


def _is_json(written: str) -> bool:
    try:
        json.loads(written)
    except (ValueError, RecursionError):
        return False
    return True


def _value_type(node: ast.expr) -> Typed:
    """A Python value's type: a constant's, a call's (``datetime(...)``, ``Decimal("1.20")``), a
    list's items'."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
        node = node.operand
    if isinstance(node, ast.Constant):
        kinds = {bool: "bool", int: "int", float: "float", str: "string"}
        base = kinds.get(type(node.value), "")
        return Typed(base=base or "object", optional=node.value is None)
    if isinstance(node, ast.Call):
        return Typed(base=_CALLED.get(name_of(node.func), "object"))
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        typed = _value_type(node.elts[0]) if node.elts else Typed(base="object")
        typed.is_list = True
        return typed
    return Typed(base="object")
