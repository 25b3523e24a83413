"""A command-line tool's options pasted into a request, as the inputs of the function they call:
click's ``@click.option("--batch-size", type=click.IntRange(100, 10000), default=1000)`` (and
``@click.argument``) above a ``def``, and argparse's ``parser.add_argument("--since", ...)``.
A field is named as the library names the parameter (``--batch-size`` is ``batch_size``);
``click.UUID``, ``INT``/``int``, ``FLOAT``, ``BOOL``, ``click.DateTime()`` and ``click.Path()``
are types, ``click.Choice([...])``/``choices=[...]`` an enum, ``IntRange``/``FloatRange`` bounds,
``is_flag``/``store_true`` a boolean, ``multiple=True``/``nargs="+"`` a list, ``required=True``
required and ``default=None`` optional; ``help`` is read like a comment."""

from __future__ import annotations

import ast
import re
from decimal import Decimal

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.scan import Syntax, pairs
from codegen_assets.core.understanding.types import Typed, with_note

_PYTHON = Syntax(comment="#", block_comments=False, quotes="\"'")
_CLICK = re.compile(r"^[ \t]*@(?:click\.)?(?P<kind>option|argument)\s*\(", re.MULTILINE)
_DECORATORS = re.compile(r"\s*(?:@[^\n]*\n\s*)*")  # others between the options and the def
_DEF = re.compile(r"(?:async\s+)?def\s+(?P<name>\w+)\s*\(")
_ARGPARSE = re.compile(r"\b\w+\.add_argument\s*\(")
_TYPES = {
    "UUID": "uuid", "INT": "int", "int": "int", "FLOAT": "float", "float": "float",
    "BOOL": "bool", "bool": "bool", "STRING": "string", "str": "string", "DateTime": "datetime",
    "Path": "string", "File": "string", "Decimal": "decimal", "date": "date",
    "fromisoformat": "datetime", "IntRange": "int", "FloatRange": "float",
}  # fmt: skip


def cli_options(text: str) -> list[Group]:
    """The options of each click command (label: the function's name) and of each run of
    argparse ``add_argument`` calls, as input groups."""
    found: list[Group] = []
    closes = pairs(text, _PYTHON, "()[]{}")
    run: list[FieldPhrase] = []
    start = end = -1
    for call in _CLICK.finditer(text):
        close = closes.get(call.end() - 1)
        if close is None:
            continue
        phrase = _option(text[call.start() : close + 1].strip().lstrip("@"), call["kind"])
        if start < 0 or text[end : call.start()].strip():
            if run:
                found.append(_group(text, run, start, end))
            run, start = [], _decorated(text, call.start())
        end = close + 1
        if phrase is not None:
            run.append(phrase)
    if run:
        found.append(_group(text, run, start, end))
    found += _argparse(text, closes)
    return found


def _group(text: str, fields: list[FieldPhrase], start: int, end: int) -> Group:
    """The options above a ``def``: the inputs of that function (its line is in the group)."""
    after = _DECORATORS.match(text, end)
    function = _DEF.match(text, after.end() if after else end)
    label = ""
    if function is not None:
        label = function["name"]
        close = pairs(text, _PYTHON, "()[]{}").get(function.end() - 1)
        if close is not None:
            line_end = text.find("\n", close)
            end = line_end if line_end != -1 else len(text)
    return Group(fields, start, end, label, "input", "signature")


def _decorated(text: str, start: int) -> int:
    """Where the decorators above the line at ``start`` begin (``@click.command()``)."""
    while start > 0:
        above = text.rfind("\n", 0, start - 1) + 1
        if not text[above:start].strip().startswith("@"):
            break
        start = above
    return start


def _argparse(text: str, closes: dict[int, int]) -> list[Group]:
    found: list[Group] = []
    run: list[FieldPhrase] = []
    start = end = -1
    for call in _ARGPARSE.finditer(text):
        close = closes.get(call.end() - 1)
        if close is None:
            continue
        phrase = _option("option" + text[call.end() - 1 : close + 1], "argparse")
        if start < 0 or text[end : call.start()].strip():
            if run:
                found.append(Group(run, start, end, "", "input", "python"))
            run, start = [], call.start()
        end = close + 1
        if phrase is not None:
            run.append(phrase)
    if run:
        found.append(Group(run, start, end, "", "input", "python"))
    return found


def _option(written: str, kind: str) -> FieldPhrase | None:
    try:
        call = ast.parse(re.sub(r"^click\.", "", written), mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(call, ast.Call):
        return None
    names = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    dest = keywords.get("dest")
    name = _name(names, dest.value if isinstance(dest, ast.Constant) else None)
    if not name:
        return None
    typed = _type(keywords.get("type"))
    action = keywords.get("action")
    if _true(keywords.get("is_flag")) or (
        isinstance(action, ast.Constant) and action.value in ("store_true", "store_false")
    ):
        typed = Typed(base="bool", default=False, has_default=True)
    choices = keywords.get("choices")
    if isinstance(choices, ast.List | ast.Tuple):
        values = tuple(str(e.value) for e in choices.elts if isinstance(e, ast.Constant))
        typed.enum, typed.base = values, "string"
    nargs = keywords.get("nargs")
    if _true(keywords.get("multiple")) or (
        isinstance(nargs, ast.Constant) and nargs.value in ("+", "*")
    ):
        typed.is_list = True
    if _true(keywords.get("required")) or (kind == "argument" and "default" not in keywords):
        typed.required = True
    default = keywords.get("default")
    if isinstance(default, ast.Constant):
        typed.default, typed.has_default = default.value, True  # type: ignore[assignment]
        typed.optional = typed.optional or default.value is None
    elif kind != "argument" and not typed.required and not typed.has_default:
        typed.optional = True  # an option left out has no value
    help_ = keywords.get("help")
    note = help_.value if isinstance(help_, ast.Constant) and isinstance(help_.value, str) else ""
    return FieldPhrase(name, with_note(typed, note), written)


def _name(names: list[str], dest: object) -> str:
    """The parameter's name: ``dest``, a bare name, else the longest flag (dashes as ``_``)."""
    if isinstance(dest, str) and dest.isidentifier():
        return dest
    bare = [n for n in names if not n.startswith("-")]
    if bare and bare[0].isidentifier():
        return bare[0]
    flags = sorted((n for n in names if n.startswith("-")), key=len, reverse=True)
    if flags:
        name = flags[0].lstrip("-").split("/")[0].replace("-", "_")
        return name if name.isidentifier() else ""
    return ""


def _true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _type(node: ast.expr | None) -> Typed:
    if node is None:
        return Typed(base="string")
    call = node if isinstance(node, ast.Call) else None
    head = call.func if call is not None else node
    name = ""
    if isinstance(head, ast.Attribute):
        name = head.attr
    elif isinstance(head, ast.Name):
        name = head.id
    typed = Typed(base=_TYPES.get(name, "string"))
    if name == "Choice" and call is not None and call.args:
        values = call.args[0]
        if isinstance(values, ast.List | ast.Tuple):
            typed.enum = tuple(str(e.value) for e in values.elts if isinstance(e, ast.Constant))
    if name in ("IntRange", "FloatRange") and call is not None:
        bounds = [*call.args, *(k.value for k in call.keywords if k.arg in ("min", "max"))]
        keys = [k.arg for k in call.keywords if k.arg in ("min", "max")]
        order = ["min", "max"][: len(call.args)] + keys
        for key, value in zip(order, bounds, strict=False):
            if isinstance(value, ast.Constant) and isinstance(value.value, int | float):
                setattr(typed, "ge" if key == "min" else "le", Decimal(str(value.value)))
    return typed
