"""Python annotations as types: ``list[X]``, ``X | None``, ``Optional[X]``, ``Literal[...]``,
``Annotated[X, ...]`` with its constraints (pydantic's ``Field``, annotated-types' ``Ge``,
``MaxLen``, ``Len``, ``Interval``), ``NotRequired``/``Required``, pydantic's ``conint(...)`` and
friends; and a field's value (its default, or ``Field(...)``'s)."""

from __future__ import annotations

import ast

from codegen_assets.core.understanding.schemas.python_fields import annotated_call
from codegen_assets.core.understanding.types import Typed, number

_ANNOTATIONS = {
    "str": "string", "int": "int", "float": "float", "bool": "bool", "Decimal": "decimal",
    "UUID": "uuid", "datetime": "datetime", "date": "date", "dict": "object", "Any": "object",
    "object": "object", "Dict": "object", "Mapping": "object", "JsonValue": "object",
    "EmailStr": "string", "AnyUrl": "string", "HttpUrl": "string",
}  # fmt: skip


def annotation_type(node: ast.expr) -> Typed:
    """A Python annotation as a type: ``list[X]``, ``X | None``, ``Optional[X]``, ``Literal``,
    ``Annotated[X, ...]``, ``NotRequired[X]``, pydantic's ``conint(ge=1)``."""
    if isinstance(node, ast.Call) and name_of(node.func) in _CONSTRAINED:
        return _constrained(node)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        inner = annotation_type(node.right if _is_none(node.left) else node.left)
        inner.optional = inner.optional or _is_none(node.left) or _is_none(node.right)
        return inner
    if isinstance(node, ast.Subscript):
        return _subscript(name_of(node.value), node.slice)
    name = name_of(node)
    if name in _ANNOTATIONS:
        return Typed(base=_ANNOTATIONS[name], format="email" if name == "EmailStr" else "")
    return Typed(model=name) if name and name[:1].isupper() else Typed()


_LISTS = {"list", "List", "Sequence", "set", "Set", "tuple", "Tuple", "frozenset"}


def _subscript(head: str, inside: ast.expr) -> Typed:
    """``head[inside]``: Optional, Literal, a list, a mapping or Annotated."""
    first = inside.elts[0] if isinstance(inside, ast.Tuple) else inside
    if head == "Literal":
        items = inside.elts if isinstance(inside, ast.Tuple) else [inside]
        values = tuple(str(i.value) for i in items if isinstance(i, ast.Constant))
        return Typed(base="string", enum=values)
    if head in ("dict", "Dict", "Mapping"):
        return Typed(base="object")
    inner = annotation_type(first if head in (*_LISTS, *_WRAPPERS) else inside)
    if head == "Annotated" and isinstance(inside, ast.Tuple):
        for metadata in inside.elts[1:]:
            _metadata(metadata, inner)
    elif head == "NotRequired":  # a TypedDict key that may be missing
        inner.optional = True
    elif head == "Required":
        inner.required = True
    if head == "Optional":
        inner.optional = True
    elif head in _LISTS:
        inner.is_list = True
    return inner


_WRAPPERS = {"Annotated", "NotRequired", "Required", "ReadOnly", "Final"}
_CONSTRAINED = {
    "conint": "int", "confloat": "float", "condecimal": "decimal", "constr": "string",
    "conlist": "", "conset": "", "confrozenset": "",
}  # fmt: skip
_METADATA = {
    "Ge": "ge",
    "Gt": "gt",
    "Le": "le",
    "Lt": "lt",
    "MinLen": "min_length",
    "MaxLen": "max_length",
}


def _constrained(node: ast.Call) -> Typed:
    """pydantic's ``conint(ge=1)``, ``constr(max_length=8)``, ``conlist(str, min_length=1)``."""
    head = name_of(node.func)
    if _CONSTRAINED[head]:
        typed = Typed(base=_CONSTRAINED[head])
    else:
        item = (
            node.args[0]
            if node.args
            else next((k.value for k in node.keywords if k.arg == "item_type"), None)
        )
        typed = annotation_type(item) if item is not None else Typed()
        typed.is_list = True
    _keywords(node, typed)
    return typed


def _metadata(node: ast.expr, typed: Typed) -> None:
    """What an ``Annotated`` type's metadata says: ``Field(ge=0)``, annotated-types' ``Ge(0)``,
    ``MaxLen(8)``, ``Len(1, 5)``, ``Interval(ge=0, le=1)``, ``StringConstraints(max_length=8)``."""
    if not isinstance(node, ast.Call):
        return
    head = name_of(node.func)
    if head in ("Field", "field"):
        apply_value(node, typed)
        return
    values = [a.value for a in node.args if isinstance(a, ast.Constant)]
    if head in _METADATA and values:
        key = _METADATA[head]
        if key.endswith("length"):
            setattr(typed, key, values[0] if isinstance(values[0], int) else None)
        else:
            setattr(typed, key, number(str(values[0])))
    elif head == "Len" and values:
        lengths = [v for v in values if isinstance(v, int)]
        typed.min_length = lengths[0] if lengths else None
        typed.max_length = lengths[1] if len(lengths) > 1 else None
    _keywords(node, typed)


def _keywords(node: ast.Call, typed: Typed) -> None:
    """Bounds given as keywords (``ge=0``, ``max_length=8``; pydantic 1's ``min_items``)."""
    for keyword in node.keywords:
        key = {"min_items": "min_length", "max_items": "max_length"}.get(
            keyword.arg or "", keyword.arg
        )
        if not isinstance(keyword.value, ast.Constant):
            continue
        if key in _BOUNDS:
            setattr(typed, key, number(str(keyword.value.value)))
        elif key in _LENGTHS:
            value = keyword.value.value
            setattr(typed, key, value if isinstance(value, int) else None)


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def name_of(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ""


_BOUNDS = ("ge", "gt", "le", "lt")
_LENGTHS = ("min_length", "max_length")


def apply_value(node: ast.expr, typed: Typed) -> None:
    """A field's default, and ``Field(...)``'s bounds (and what a column or attrs call says)."""
    if isinstance(node, ast.Call):
        annotated_call(node, typed)
    if isinstance(node, ast.Call) and name_of(node.func) in ("Field", "field"):
        if node.args and not _is_ellipsis(node.args[0]):
            _default(node.args[0], typed)
        for keyword in node.keywords:
            if keyword.arg == "default":
                _default(keyword.value, typed)
            elif keyword.arg == "default_factory":
                typed.has_default = True
                typed.default = None
        _keywords(node, typed)
        return
    _default(node, typed)


def _is_ellipsis(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is Ellipsis


def _default(node: ast.expr, typed: Typed) -> None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float | bool):
        typed.default, typed.has_default = node.value, True
    elif _is_none(node):
        typed.optional = True
        typed.default, typed.has_default = None, True
