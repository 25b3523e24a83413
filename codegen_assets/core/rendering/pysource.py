"""Python literals in the shape ruff format keeps, for values the templates print."""

from __future__ import annotations

import json


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
