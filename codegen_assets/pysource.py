"""Python source fragments in the shape ruff format keeps, so templates emit formatted code."""

from __future__ import annotations

import json
from collections.abc import Iterable


def py_literal(value: object) -> str:
    """A Python literal in ruff-format style (double quotes; non-ASCII escaped)."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_literal(k)}: {py_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no literal for {type(value).__name__}")


def block(
    items: Iterable[str], indent: int = 0, brackets: str = "()", *, tuple_: bool = True
) -> str:
    """One item per line with a trailing comma, which ruff format keeps as it is."""
    lines = [f"{' ' * (indent + 4)}{item}," for item in items]
    if not lines:
        return brackets
    if tuple_ and brackets == "()" and len(lines) == 1:  # a 1-tuple's comma is not "magic"
        return f"({lines[0].strip()})"
    return brackets[0] + "\n" + "\n".join(lines) + "\n" + " " * indent + brackets[1]


def dict_block(value: dict[str, object], indent: int = 0) -> str:
    """A dict literal, one entry per line."""
    return block((f"{py_literal(k)}: {py_literal(v)}" for k, v in value.items()), indent, "{}")


def alias_line(name: str, expression: str, limit: int = 100) -> str:
    """``name: TypeAlias = expression``, parenthesised over two lines when too long."""
    line = f"{name}: TypeAlias = {expression}"
    return line if len(line) <= limit else f"{name}: TypeAlias = (\n    {expression}\n)"


def assign_line(name: str, expression: str, limit: int = 100) -> str:
    """``name = expression``, parenthesised over two lines when too long (as ruff formats it)."""
    line = f"{name} = {expression}"
    return line if len(line) <= limit else f"{name} = (\n    {expression}\n)"


def call_line(indent: int, head: str, argument: str, limit: int = 100) -> str:
    """``head(argument)`` at ``indent``, with the argument on its own line when too long."""
    pad = " " * indent
    line = f"{pad}{head}({argument})"
    return line if len(line) <= limit else f"{pad}{head}(\n{pad}    {argument}\n{pad})"


def _isort_key(name: str) -> tuple[int, str]:
    """isort's order-by-type: CONSTANTS, then Classes, then everything else."""
    if len(name) > 1 and name.isupper():
        return 0, name
    return (1 if name[:1].isupper() else 2), name


def import_lines(imports: dict[str, list[str]], limit: int = 100) -> str:
    """``from module import names`` lines, sorted and wrapped as ruff's isort and format do."""
    lines = []
    for module in sorted(imports):
        names = sorted(set(imports[module]), key=_isort_key)
        line = f"from {module} import {', '.join(names)}"
        wrapped = f"from {module} import " + block(names, 0, tuple_=False)
        lines.append(line if len(line) <= limit else wrapped)
    return "\n".join(lines)
