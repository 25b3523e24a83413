"""What the prompt says of a field that its reading does not hold: a number that is no bound,
length or default the field got; values listed for a field that has none; "optional" said of a
required one. Each is a fact the reader saw and could not place, so the request is not
understood (asked about, never silently dropped)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from codegen_assets.core.models import InputField, NodeSpec
from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.reader import Facts
from codegen_assets.core.understanding.types import Typed
from codegen_assets.core.understanding.vocabulary import OPTIONAL_WORDS

# A number that states something: not part of a name, a version, a standard or an example.
_NUMBER = re.compile(r"(?<![\w.\-/:])-?\d+(?:[.,]\d+)?(?![\w.\-/:%])")
_NOT_A_RULE = re.compile(
    r"\b(?:e\.g\.|eg|for\s+example|example|examples|like|such\s+as|z\.\s?b\.|par\s+exemple|p\.\s?ex\."
    r"|iso|rfc|ieee|utf|sha|md|base|http|v|version|since|until|in\s+\d{4}|ms|seconds?|minutes?"
    r"|hours?|days?|years?)\W*$",
    re.IGNORECASE,
)
_VALUES = re.compile(
    r"['\"`][\w-]+['\"`]\s*\|\s*['\"`][\w-]+|\bone\s+of\b|\beither\b|\bentweder\b|\bsoit\b"
    r"|\bl'une\s+des\b|\buno\s+de\b|\beiner?\s+von\b",
    re.IGNORECASE,
)


def leftovers(facts: Facts) -> list[str]:
    """One line per field whose words say more than its reading holds."""
    fields = [
        (f, _formula_numbers(op.rules.formulas.values()))
        for op in facts.operations
        for f in (*op.inputs, *op.outputs)
    ]
    fields += [(f, set()) for group in facts.models.values() for f in group]
    return _lines(fields)


def spec_leftovers(facts: Facts, spec: NodeSpec) -> list[str]:
    """The same for another reading of the prompt (a model's ``spec``): of each field the
    reader saw words about, what the spec's field of that name does not hold (a field it does
    not have at all is an unplaced name, not counted here)."""
    held: dict[str, tuple[InputField, set[Decimal]]] = {}
    for op in spec.operations:
        numbers = _formula_numbers((f.expression, f.source) for f in op.formulas)
        for f in (*op.inputs, *op.outputs):
            held.setdefault(_key(f.written or f.name), (f, numbers))
    for model in spec.models:
        for f in model.fields:
            held.setdefault(_key(f.written or f.name), (f, set()))
    phrases = [f for op in facts.operations for f in (*op.inputs, *op.outputs)]
    phrases += [f for group in facts.models.values() for f in group]
    fields = []
    for phrase in phrases:
        found = held.get(_key(phrase.name))
        if found is not None:
            fields.append((replace(phrase, typed=_typed(found[0])), found[1]))
    return _lines(fields)


def _lines(fields: list[tuple[FieldPhrase, set[Decimal]]]) -> list[str]:
    seen: set[str] = set()
    found = []
    for phrase, in_formulas in fields:
        if phrase.text.lstrip().startswith(("{", "[")):
            continue  # a JSON example: its numbers are examples, not rules
        missing = _missing(phrase, in_formulas)
        key = f"{phrase.name}: {phrase.text}"
        if missing and key not in seen:
            seen.add(key)
            found.append(f"{phrase.name} ({', '.join(missing)}; in: {_short(phrase.text)})")
    return found


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _typed(f: InputField) -> Typed:
    """What a spec's field holds, as the reader's ``Typed``."""
    default = f.default if f.has_default else None
    return Typed(
        base=f.type.value,
        is_list=f.is_list,
        optional=f.optional,
        enum=f.enum,
        ge=f.ge,
        gt=f.gt,
        le=f.le,
        lt=f.lt,
        min_length=f.min_length,
        max_length=f.max_length,
        default=default,
        has_default=f.has_default,
        decimal_places=f.decimal_places,
    )


def _formula_numbers(formulas: Iterable[tuple[str, str]]) -> set[Decimal]:
    """The numbers of the formulas an operation holds ("checksum = amount * 31 + count")."""
    found = (_number(m.group(0)) for expr, _ in formulas for m in _NUMBER.finditer(expr))
    return {n for n in found if n is not None}


def _missing(phrase: FieldPhrase, in_formulas: set[Decimal]) -> list[str]:
    text = _own_words(phrase)
    typed = phrase.typed
    missing = []
    held = _held_numbers(typed) | in_formulas
    for match in _NUMBER.finditer(text):
        if _NOT_A_RULE.search(text[: match.start()]):
            continue
        value = _number(match.group(0))
        if value is not None and value not in held:
            missing.append(f"the number {match.group(0)}")
    if _VALUES.search(text) and not typed.enum and not typed.same_as:
        missing.append("a list of values")
    if OPTIONAL_WORDS.search(text) and not typed.optional and not typed.has_default:
        missing.append("'optional'")
    if phrase.role_guessed:
        missing.append("whether it is an input or an output (read as an output)")
    if typed.unknown and not (typed.known or typed.is_list):
        missing.append(f"the type {typed.unknown!r}, which is not one the reader knows")
    return missing


def _own_words(phrase: FieldPhrase) -> str:
    """The words about this field: its text without its own name (digits in names are no
    bounds) and without quoted examples."""
    text = phrase.text.replace(phrase.name, " ")
    text = _MARKER.sub(" ", text)  # "1) contacts — ...": the list's numbering
    text = _PRECISION.sub(" ", text)  # NUMERIC(14,2): a column's precision
    return text if "|" in text else re.sub(r"\"[^\"]*\"", " ", text)


_MARKER = re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)])\s+")
_PRECISION = re.compile(r"\(\s*\d+\s*,\s*\d+\s*\)")


def _held_numbers(typed: Typed) -> set[Decimal]:
    held: set[Decimal] = set()
    for key in ("ge", "gt", "le", "lt", "min_length", "max_length", "decimal_places"):
        value = getattr(typed, key)
        if value is not None:
            held.add(Decimal(value))
    if (
        typed.has_default
        and isinstance(typed.default, int | float)
        and not isinstance(typed.default, bool)
    ):
        held.add(Decimal(str(typed.default)))
    for value in typed.enum:
        if (number := _number(value)) is not None:
            held.add(number)
    return held


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
