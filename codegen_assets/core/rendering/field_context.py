"""How a typed field is written in generated code: its annotation, its ``Field(...)``, a valid
sample (two), a hypothesis strategy, the values its constraints reject, and what it imports;
with the enums and nested models the fields name, one module each."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from codegen_assets.core.models import FieldType, InputField, ModelSpec, NodeSpec
from codegen_assets.core.naming import camel, snake

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_SCALARS = {
    FieldType.STRING: "str",
    FieldType.INT: "int",
    FieldType.FLOAT: "float",
    FieldType.DECIMAL: "Decimal",
    FieldType.BOOL: "bool",
    FieldType.UUID: "UUID",
    FieldType.DATETIME: "datetime",
    FieldType.DATE: "date",
    FieldType.OBJECT: "dict[str, JsonValue]",
}
_IMPORTS = {
    FieldType.DECIMAL: ("decimal", "Decimal"),
    FieldType.UUID: ("uuid", "UUID"),
    FieldType.DATETIME: ("datetime", "datetime"),
    FieldType.DATE: ("datetime", "date"),
}
# Words in a name that make a negative number or an empty text meaningless (when the prompt
# states no bound of its own).
_NON_NEGATIVE = {"version", "count", "size", "limit", "offset", "quantity", "attempts", "retries"}
_NON_NEGATIVE |= {"index", "page", "amount", "total", "age", "duration", "timeout", "qty"}
_NON_EMPTY_SUFFIXES = ("_key", "_id", "_name", "_code", "_ref", "_slug")


@dataclass(frozen=True)
class EnumPlan:
    """A ``StrEnum`` for a field's "one of" values."""

    name: str  # EnumOrderStatus
    module: str  # enum_order_status
    members: tuple[tuple[str, str], ...]  # (MEMBER, "value")


@dataclass
class Types:
    """The enums and nested models of a node, by what they are for."""

    enums: dict[tuple[str, tuple[str, ...]], EnumPlan] = field(default_factory=dict)
    models: dict[str, ModelSpec] = field(default_factory=dict)

    def enum_for(self, f: InputField) -> EnumPlan:
        return self.enums[(f.name, f.enum)]

    def model_class(self, name: str) -> str:
        return f"Model{camel(snake(name))}"

    def model_module(self, name: str) -> str:
        return f"model_{snake(name)}"


def node_types(spec: NodeSpec) -> Types:
    """Every enum (one per field name and set of values) and nested model of ``spec``."""
    types = Types(models={m.name: m for m in spec.models})
    fields = [f for op in spec.operations for f in (*op.inputs, *op.outputs)]
    fields += [f for m in spec.models for f in m.fields]
    taken: set[str] = set()
    for f in fields:
        if not f.enum or (f.name, f.enum) in types.enums:
            continue
        base = f"Enum{camel(f.name)}"
        name, n = base, 2
        while name in taken:
            name, n = f"{base}{n}", n + 1
        taken.add(name)
        types.enums[(f.name, f.enum)] = EnumPlan(
            name=name, module=f"enum_{snake(name.removeprefix('Enum'))}", members=_members(f.enum)
        )
    return types


def _members(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    members: list[tuple[str, str]] = []
    taken: set[str] = set()
    for value in values:
        member = (snake(value) or "value").upper()
        if not member[0].isalpha():
            member = f"V_{member}"
        while member in taken:
            member += "_"
        taken.add(member)
        members.append((member, value))
    return tuple(members)


def _literal(value: Decimal | float | int) -> str:
    number = Decimal(str(value))
    return str(int(number)) if number == int(number) else str(number.normalize())


def constraints(f: InputField) -> list[str]:
    """``Field(...)`` arguments for what the prompt said (or the name implies) of ``f``."""
    found = [
        f"{key}={_literal(getattr(f, key))}"
        for key in ("ge", "gt", "le", "lt")
        if getattr(f, key) is not None
    ]
    found += [
        f"{key}={getattr(f, key)}"
        for key in ("min_length", "max_length")
        if getattr(f, key) is not None
    ]
    if f.format == "email":
        found.append(f'pattern=r"{EMAIL_PATTERN}"')
    if f.decimal_places is not None:
        found.append(f"decimal_places={f.decimal_places}")
    if not found and not f.is_list and not f.enum:
        words = set(f.name.split("_"))
        if f.type in (FieldType.INT, FieldType.FLOAT, FieldType.DECIMAL) and words & _NON_NEGATIVE:
            found.append("ge=0")
        if f.type is FieldType.STRING and (
            f.name in ("key", "id", "name") or f.name.endswith(_NON_EMPTY_SUFFIXES)
        ):
            found.append("min_length=1")
    return found


def annotation(f: InputField, types: Types) -> str:
    """The Python type of ``f``."""
    if f.model:
        base = types.model_class(f.model)
    elif f.enum:
        base = types.enum_for(f).name
    else:
        base = _SCALARS[f.type]
    if f.is_list:
        base = f"list[{base}]"
    return f"{base} | None" if f.optional else base


def default(f: InputField, types: Types | None = None) -> str:
    """What follows the annotation: ``= None``, ``= Field(ge=0)``, ``= 12`` or nothing (an
    enum's default as its member, ``= EnumStatus.OPEN``, when ``types`` are given)."""
    args = constraints(f)
    if f.written:
        args.append(f'alias="{f.written}"')
    value: str | None = None
    if f.has_default and f.default is not None:
        value = repr(f.default)
        if types is not None and f.enum and not f.is_list and f.default in f.enum:
            plan = types.enum_for(f)
            member = next(m for m, v in plan.members if v == f.default)
            value = f"{plan.name}.{member}"
    elif f.optional:
        value = "None"
    if value is not None:
        return f" = Field(default={value}, {', '.join(args)})" if args else f" = {value}"
    return f" = Field({', '.join(args)})" if args else ""


def imports(fields: list[InputField], types: Types) -> dict[str, set[str]]:
    """``module -> names`` the fields need (``.enum_x`` and ``.model_x`` relative)."""
    needed: dict[str, set[str]] = {}
    for f in fields:
        if f.model:
            needed.setdefault(f".{types.model_module(f.model)}", set()).add(
                types.model_class(f.model)
            )
        elif f.enum:
            plan = types.enum_for(f)
            needed.setdefault(f".{plan.module}", set()).add(plan.name)
        elif f.type in _IMPORTS:
            module, name = _IMPORTS[f.type]
            needed.setdefault(module, set()).add(name)
        if f.type is FieldType.OBJECT and not f.model:
            needed.setdefault("pydantic", set()).add("JsonValue")
        if default(f).startswith(" = Field("):
            needed.setdefault("pydantic", set()).add("Field")
    return needed


def sample(f: InputField, types: Types, index: int = 0) -> Any:
    """A valid value of ``f`` as JSON data (the ``index``-th of two that differ)."""
    if f.model and f.model in types.models:
        one: Any = {s.name: sample(s, types, index) for s in types.models[f.model].fields}
    elif f.enum:
        one = f.enum[min(index, len(f.enum) - 1)]
    else:
        one = _scalar(f, index)
    if f.is_list:
        return [one] * max(1, f.min_length or 1)
    return one


def _scalar(f: InputField, index: int) -> Any:
    if f.type in (FieldType.INT, FieldType.FLOAT, FieldType.DECIMAL):
        return _number(f, index)
    if f.type is FieldType.STRING:
        text = (
            ("user@example.com", "other@example.org")[index]
            if f.format == "email"
            else ("sample", "other")[index]
        )
        if f.max_length is not None:
            text = text[: max(f.max_length, 1)] if f.format != "email" else text
            if index and f.max_length < 6:
                text = "b" * max(f.max_length, 1)
            elif f.max_length < 6:
                text = "a" * max(f.max_length, 1)
        if f.min_length is not None and len(text) < f.min_length:
            text = text + "x" * (f.min_length - len(text))
        return text
    return {
        FieldType.BOOL: (True, False),
        FieldType.UUID: (
            "12345678-1234-5678-1234-567812345678",
            "87654321-4321-8765-4321-876543218765",
        ),
        FieldType.DATETIME: ("2026-01-01T00:00:00+00:00", "2026-06-30T12:00:00+00:00"),
        FieldType.DATE: ("2026-01-01", "2026-06-30"),
        FieldType.OBJECT: ({"key": "value"}, {"key": "other"}),
    }[f.type][index]


def _number(f: InputField, index: int) -> Any:
    low = f.ge if f.ge is not None else (f.gt + 1 if f.gt is not None else None)
    high = f.le if f.le is not None else (f.lt - 1 if f.lt is not None else None)
    if f.type is not FieldType.INT and f.gt is not None and f.le is not None and f.gt + 1 > f.le:
        low = (f.gt + f.le) / 2
    base = Decimal(1 + index) if low is None else low + index
    if high is not None and base > high:
        base = high if low is None else max(low, high - index)
    if high is not None and low is not None and base < low:
        base = low
    if f.type is FieldType.INT:
        return int(base)
    if f.type is FieldType.FLOAT:
        return float(base) + (0.5 if high is None or float(base) + 0.5 <= float(high) else 0.0)
    return str(base.quantize(Decimal("0.01")) if base == base.to_integral() else base)


def strategy(f: InputField, types: Types) -> str:
    """A hypothesis strategy of valid values of ``f``."""
    if f.model and f.model in types.models:
        parts = ", ".join(f"{s.name}={strategy(s, types)}" for s in types.models[f.model].fields)
        one = f"st.builds({types.model_class(f.model)}, {parts})"
    elif f.enum:
        one = f"st.sampled_from({types.enum_for(f).name})"
    else:
        one = _scalar_strategy(f)
    if f.is_list:
        low = f.min_length or 0
        high = min(3, f.max_length) if f.max_length is not None else 3
        one = f"st.lists({one}, min_size={low}, max_size={max(low, high)})"
    return f"st.none() | {one}" if f.optional else one


def _scalar_strategy(f: InputField) -> str:
    numeric = f.type in (FieldType.INT, FieldType.FLOAT, FieldType.DECIMAL)
    if numeric:
        low = f.ge if f.ge is not None else f.gt
        high = f.le if f.le is not None else f.lt
        low_text = (
            _literal(low) if low is not None else ("0" if "ge=0" in constraints(f) else "-(10**6)")
        )
        high_text = _literal(high) if high is not None else "10**6"
        if f.type is FieldType.INT:
            low_int = f"{low_text} + 1" if f.gt is not None and f.ge is None else low_text
            high_int = f"{high_text} - 1" if f.lt is not None and f.le is None else high_text
            return f"st.integers(min_value={low_int}, max_value={high_int})"
        open_low, open_high = f.gt is not None and f.ge is None, f.lt is not None and f.le is None
        exclude = f", exclude_min={open_low}, exclude_max={open_high}"
        if f.type is FieldType.FLOAT:
            return (
                f"st.floats(min_value={low_text}, max_value={high_text}, allow_nan=False{exclude})"
            )
        strategy = (
            (
                f'st.decimals(min_value=Decimal("{low_text}"), max_value=Decimal("{high_text}"), '
                "places=2, allow_nan=False, allow_infinity=False)"
            )
            if low is not None or high is not None
            else ("st.decimals(places=2, allow_nan=False, allow_infinity=False)")
        )
        filters = _decimal_filter(f)
        return f"{strategy}.filter(lambda d: {filters})" if filters else strategy
    if f.type is FieldType.STRING:
        if f.format == "email":
            return 'st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\\.com", fullmatch=True)'
        shortest = max(f.min_length or 0, 1)
        longest = min(20, f.max_length) if f.max_length is not None else 20
        return f"st.text(min_size={shortest}, max_size={max(shortest, longest)})"
    return {
        FieldType.BOOL: "st.booleans()",
        FieldType.UUID: "st.uuids()",
        FieldType.DATETIME: "st.datetimes(timezones=st.just(UTC))",
        FieldType.DATE: "st.dates()",
        FieldType.OBJECT: "st.dictionaries(st.text(max_size=5), st.integers(), max_size=3)",
    }[f.type]


def _decimal_filter(f: InputField) -> str:
    checks: list[str] = []
    if f.gt is not None:
        checks.append(f'd > Decimal("{_literal(f.gt)}")')
    if f.lt is not None:
        checks.append(f'd < Decimal("{_literal(f.lt)}")')
    return " and ".join(checks)


def rejected(f: InputField) -> list[Any]:
    """Values the stated constraints rule out (as JSON data)."""
    values = _rejected_numbers(f) if _numeric(f) and not f.is_list else []
    if f.max_length is not None:
        values.append(["x"] * (f.max_length + 1) if f.is_list else "x" * (f.max_length + 1))
    if f.min_length is not None and f.min_length > 0:
        values.append([] if f.is_list else "")
    elif f.type is FieldType.STRING and not f.is_list and "min_length=1" in constraints(f):
        values.append("")
    if f.enum and not f.is_list:
        values.append("not-one-of-them")
    if f.format == "email":
        values.append("not-an-email")
    return values


def _numeric(f: InputField) -> bool:
    return f.type in (FieldType.INT, FieldType.FLOAT, FieldType.DECIMAL)


def _rejected_numbers(f: InputField) -> list[Any]:
    step = Decimal(1)
    found = [
        bound
        for bound in (
            f.ge - step if f.ge is not None else None,
            f.gt,
            f.le + step if f.le is not None else None,
            f.lt,
        )
        if bound is not None
    ]
    if not found and "ge=0" in constraints(f):
        found.append(Decimal(-1))
    if f.type is FieldType.INT:
        return [int(v) for v in found]
    return [str(v) if f.type is FieldType.DECIMAL else float(v) for v in found]


def as_json(value: Any) -> str:
    """``value`` as a JSON literal (keys sorted)."""
    return json.dumps(value, sort_keys=True)


_STDLIB = {"datetime", "decimal", "enum", "typing", "uuid", "collections", "json", "hashlib"}


def import_block(needed: dict[str, set[str]]) -> str:
    """``from m import a, b`` lines: the standard library, then third parties, then the node's
    own modules, a blank line between groups (as isort writes them)."""
    groups: list[list[str]] = [[], [], []]
    for module in sorted(needed, key=lambda m: (m.startswith("."), m)):
        names = ", ".join(sorted(needed[module]))
        group = 2 if module.startswith(".") else 0 if module in _STDLIB else 1
        groups[group].append(f"from {module} import {names}")
    return "\n\n".join("\n".join(g) for g in groups if g)


def strategy_imports(fields: list[InputField], types: Types, root: str) -> dict[str, set[str]]:
    """What the strategies of ``fields`` (and of the nested models they hold) name."""
    needed: dict[str, set[str]] = {}
    pending = list(fields)
    seen: set[str] = set()
    while pending:
        f = pending.pop()
        if f.model and f.model in types.models and f.model not in seen:
            seen.add(f.model)
            module = f"{root}.models.{types.model_module(f.model)}"
            needed.setdefault(module, set()).add(types.model_class(f.model))
            pending += list(types.models[f.model].fields)
        elif f.enum:
            plan = types.enum_for(f)
            needed.setdefault(f"{root}.models.{plan.module}", set()).add(plan.name)
        elif f.type is FieldType.DECIMAL:
            needed.setdefault("decimal", set()).add("Decimal")
        elif f.type is FieldType.DATETIME:
            needed.setdefault("datetime", set()).add("UTC")
    return needed


def state_default(f: InputField, types: Types) -> tuple[str, str]:
    """(annotation, default) of a state field: the empty state holds zero, false, an empty
    text or list, else nothing (None) where no zero is allowed."""
    base = annotation(f.model_copy(update={"optional": False}), types)
    zero = _zero(f)
    if f.is_list:
        return base, " = Field(default_factory=list)"
    if zero is not None:
        args = constraints(f)
        return base, f" = Field(default={zero}, {', '.join(args)})" if args else f" = {zero}"
    return f"{base} | None", " = None"


def _zero(f: InputField) -> str | None:
    if f.enum or f.model or f.type in (FieldType.UUID, FieldType.DATETIME, FieldType.DATE):
        return None
    if f.type is FieldType.BOOL:
        return "False"
    if f.type is FieldType.OBJECT:
        return None
    if f.type is FieldType.STRING:
        return None if (f.min_length or 0) > 0 or f.format else '""'
    low = f.ge if f.ge is not None else None
    if (low is not None and low > 0) or (f.gt is not None and f.gt >= 0):
        return None
    if (f.le is not None and f.le < 0) or (f.lt is not None and f.lt <= 0):
        return None
    return 'Decimal("0")' if f.type is FieldType.DECIMAL else "0"


def expectation(f: InputField, value: object) -> str:
    """The assertion that ``result.<f>`` is the example's ``value`` (decimals exactly, floats
    to 1e-9, the rest equal)."""
    if f.type is FieldType.DECIMAL and not f.is_list:
        return f'result.{f.name} == Decimal("{value}")'
    if f.type is FieldType.FLOAT and not f.is_list:
        return f"result.{f.name} == pytest.approx({value!s}, abs=1e-9)"
    if f.type is FieldType.INT and not f.is_list:
        return f"result.{f.name} == {int(float(str(value)))}"
    if f.enum:
        return f"result.{f.name} == {str(value)!r}"
    return f'result.model_dump(mode="json")[{f.name!r}] == {value!r}'
