"""Zod schemas pasted into a request: ``const X = z.object({ key: z.string().min(1), ... })``
(also ``Base.extend({...})`` and ``.merge(Other)``), and ``const X = z.enum([...])``. Each
field's chain is read in order: ``z.string()``, ``z.number()`` (``.int()`` an int),
``z.bigint()``, ``z.boolean()``, ``z.date()``, ``z.array(T)`` or ``T.array()``, ``z.enum``,
``z.literal``/``z.union`` of literals (an enum), ``z.object({...})`` (a nested model named by
its field), a schema's name (a model); ``.min``/``.max``/``.length``/``.nonempty`` (lengths of
strings and arrays, bounds of numbers), ``.gte``/``.gt``/``.lte``/``.lt``/``.positive``/
``.nonnegative``, ``.email()``/``.url()``/``.uuid()``/``.datetime()``/``.date()``,
``.optional()``/``.nullable()``/``.nullish()``, ``.default(v)`` and ``.describe("...")``."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.decls import Decl, groups
from codegen_assets.core.understanding.schemas.scan import (
    Syntax,
    class_name,
    members,
    split_top,
)
from codegen_assets.core.understanding.schemas.typenames import literal_default
from codegen_assets.core.understanding.types import Typed, with_note

_OBJECT_SYNTAX = Syntax(quotes="\"'`", separators=",", angle_brackets=False)
_CONST = re.compile(
    r"(?<![\w$.])(?:export\s+)?(?:const|let|var)\s+(?P<name>[A-Za-z_$][\w$]*)"
    r"(?:\s*:\s*[\w.$<>\s]+?)?\s*=\s*(?=z\s*\.|[A-Za-z_$][\w$]*\s*\.\s*(?:extend|merge)\s*\()"
)
_SCALARS = {
    "string": "string", "number": "float", "bigint": "int", "boolean": "bool", "date": "datetime",
    "any": "object", "unknown": "object", "record": "object", "map": "object", "json": "object",
    "email": "string", "url": "string", "uuid": "uuid", "int": "int", "int32": "int",
}  # fmt: skip
Call = tuple[str, str | None]
_INNER = re.compile(r"\{.*\}", re.DOTALL)  # a nested object's keys are its own fields


def zod_schemas(text: str) -> list[Group]:
    """Every Zod object and enum schema assigned to a name in ``text``, as groups."""
    reader = _Reader()
    for head in _CONST.finditer(text):
        end = _statement_end(text, head.end())
        calls = chain(text[head.end() : end])
        reader.declaration(head["name"], calls, head.start(), end)
    return groups(reader.decls, "zod")


def _statement_end(text: str, start: int) -> int:
    """Where the statement starting at ``start`` ends: a ``;`` or a line that does not go on
    with a ``.`` (outside brackets and strings), or the end of a half-pasted text."""
    depth, quote, i = 0, "", start
    while i < len(text):
        char = text[i]
        if quote:
            quote = "" if char == quote and text[i - 1] != "\\" else quote
        elif char in "\"'`":
            quote = char
        elif text.startswith("//", i) and depth == 0:
            i = text.find("\n", i) if "\n" in text[i:] else len(text)
            continue
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth < 0:
                return i
        elif depth == 0 and (char == ";" or (char == "\n" and not _continues(text, i))):
            return i
        elif char == "\n" and depth > 0 and _UNINDENTED.match(text, i) and not _continues(text, i):
            return i  # a half-pasted object: stop at the prose after it
        i += 1
    return len(text)


_UNINDENTED = re.compile(r"\n(?=\S)(?![)\]}])")
_CONTINUED = re.compile(r"\n\s*\.")


def _continues(text: str, newline: int) -> bool:
    return _CONTINUED.match(text, newline) is not None


_CALL = re.compile(r"\s*([A-Za-z_$][\w$]*)\s*(?:\((.*)\)|\((.*))?\s*", re.DOTALL)  # or cut off


def chain(expression: str) -> list[Call]:
    """``z.string().min(1)`` as ``[("z", None), ("string", ""), ("min", "1")]``."""
    calls: list[Call] = []
    for segment in _segments(expression.strip()):
        found = _CALL.fullmatch(segment)
        if found is None:
            return []
        calls.append(
            (found.group(1), found.group(2) if found.group(2) is not None else found.group(3))
        )
    return calls


def _segments(expression: str) -> list[str]:
    """``expression`` split at the dots outside brackets and strings."""
    parts, depth, quote, current = [], 0, "", ""
    for char in expression:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'`":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
        elif char == "." and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return parts


class _Reader:
    def __init__(self) -> None:
        self.decls: list[Decl] = []

    def declaration(self, name: str, calls: list[Call], start: int, end: int) -> None:
        if len(calls) < 2:
            return
        (first, _), (second, args) = calls[0], calls[1]
        if first == "z" and second == "enum" and args is not None:
            values = _strings(args)
            if values:
                self.decls.append(Decl(name, start, end, values=values, kind="enum"))
            return
        decl = Decl(name, start, end)
        if first == "z" and second in ("object", "strictObject", "looseObject") and args:
            decl.fields = self.fields(args, decl)
            self.extended(decl, calls[2:])
        elif first != "z" and second in ("extend", "merge"):
            decl.bases.append(first)  # ``Base.extend({...})``
            self.extended(decl, calls[1:])
        else:
            return
        if decl.fields or decl.bases:
            self.decls.append(decl)

    def extended(self, decl: Decl, calls: list[Call]) -> None:
        """``.extend({...})`` and ``.merge(Other)`` after an object schema."""
        for method, more in calls:
            if method not in ("extend", "merge") or more is None:
                continue
            if more.strip().startswith("{"):
                decl.fields += self.fields(more, decl)
            elif re.fullmatch(r"\s*[A-Za-z_$][\w$]*\s*", more):
                decl.bases.append(more.strip())

    def fields(self, written: str, owner: Decl) -> list[FieldPhrase]:
        """The keys of an object literal ``{ key: schema, ... }``."""
        body = written.strip()
        if not body.startswith("{"):
            return []
        body = body[1:-1] if body.endswith("}") else body[1:]
        found = []
        for member in members(body, _OBJECT_SYNTAX):
            key = re.match(r"^([A-Za-z_$][\w$]*|\"[^\"]+\"|'[^']+')\s*:\s*(.+)$", member.code, re.S)
            if key is None:
                continue
            name = key.group(1).strip("'\"")
            calls = chain(key.group(2)) if _balanced(key.group(2)) else []
            if not calls:
                continue  # ``z.array(`` cut off: not read
            typed, note = self.type_of(calls, name, owner)
            typed = with_note(typed, "; ".join(n for n in (member.note, note) if n))
            found.append(FieldPhrase(name, typed, _INNER.sub("{...}", member.code)))
        return found

    def type_of(self, calls: list[Call], field: str, owner: Decl) -> tuple[Typed, str]:
        """A chain's type, and the description it gives."""
        typed = self.base(calls, field, owner)
        note = ""
        rest = calls[2:] if calls[0][0] == "z" else calls[1:]
        if calls[0][0] == "z" and len(calls) > 2 and calls[1][0] in ("coerce", "iso"):
            rest = calls[3:]
        for method, args in rest:
            if method == "describe" and args:
                note = ", ".join(_strings(args))
            else:
                _modifier(method, args or "", typed)
        return typed, note

    def base(self, calls: list[Call], field: str, owner: Decl) -> Typed:
        if calls[0][0] != "z":
            return Typed(model=calls[0][0])
        if len(calls) > 2 and calls[1][0] in ("coerce", "iso"):
            calls = [calls[0], *calls[2:]]
        if len(calls) < 2:
            return Typed(base="object")
        kind, args = calls[1]
        inner = args or ""
        if kind in ("array", "set") and inner:
            typed, _ = self.type_of(chain(inner), field, owner)
            typed.is_list = True
            return typed
        if kind in ("optional", "nullable", "nullish") and inner:
            typed, _ = self.type_of(chain(inner), field, owner)
            typed.optional = True
            return typed
        if kind in ("enum", "literal", "union"):
            values = _strings(inner)
            return Typed(base="string", enum=values) if values else Typed(base="object")
        if kind == "nativeEnum" and re.fullmatch(r"\s*[A-Za-z_$][\w$]*\s*", inner):
            return Typed(model=inner.strip())
        if kind in ("object", "strictObject") and inner:
            name = class_name(field)
            decl = Decl(name, owner.end, owner.end)
            decl.fields = self.fields(inner, decl)
            self.decls.append(decl)
            return Typed(model=name)
        typed = Typed(base=_SCALARS.get(kind, "object"))
        typed.format = {"email": "email", "url": "uri"}.get(kind, "")
        return typed


def _balanced(written: str) -> bool:
    return all(written.count(a) == written.count(b) for a, b in ("()", "[]", "{}"))


def _strings(args: str) -> tuple[str, ...]:
    """The string literals written in ``args`` (``["a", "b"]``, ``z.literal("a")``, ...)."""
    return tuple(dict.fromkeys(re.findall(r"[\"'`]([^\"'`]*)[\"'`]", args)))


def _number(written: str) -> Decimal | None:
    try:
        return Decimal(split_top(written, ",")[0].replace("_", ""))
    except (InvalidOperation, IndexError):
        return None


_SIGNS = {"positive": ("gt", 0), "nonnegative": ("ge", 0), "negative": ("lt", 0),
          "nonpositive": ("le", 0)}  # fmt: skip
_VALUES = {"gte": "ge", "gt": "gt", "lte": "le", "lt": "lt", "min": "ge", "max": "le"}


_FLAGS = {"optional", "nullable", "nullish", "array", "int", "email", "url", "nonempty"}
_NARROWED = {"uuid": "uuid", "datetime": "datetime", "date": "date"}


def _modifier(method: str, args: str, typed: Typed) -> None:
    """What one call of a chain says (after the schema's own)."""
    if method in _FLAGS:
        _flag(method, typed)
    elif method == "default":
        literal_default(args, typed)
    elif method in _NARROWED and typed.base == "string" and not typed.is_list:
        typed.base = _NARROWED[method]
    elif method in _SIGNS:
        key, bound = _SIGNS[method]
        setattr(typed, key, Decimal(bound))
    elif (value := _number(args) if args.strip() else None) is not None:
        _bound(method, value, typed)


def _flag(method: str, typed: Typed) -> None:
    if method in ("optional", "nullable", "nullish"):
        typed.optional = True
    elif method == "array":
        typed.is_list = True
    elif method == "int":
        typed.base = "int"
    elif method in ("email", "url"):
        typed.format = "email" if method == "email" else "uri"
    else:  # nonempty
        typed.min_length = 1


def _bound(method: str, value: Decimal, typed: Typed) -> None:
    """``.min(n)``/``.max(n)``/``.length(n)``: a length of a string or list, a bound of a
    number (as ``.gte``, ``.lte``, ``.gt``, ``.lt`` are)."""
    sized = typed.is_list or typed.base == "string"
    if sized and method in ("min", "max", "length") and value == int(value) and value >= 0:
        if method in ("min", "length"):
            typed.min_length = int(value)
        if method in ("max", "length"):
            typed.max_length = int(value)
    elif not sized and method in _VALUES:
        setattr(typed, _VALUES[method], value)
