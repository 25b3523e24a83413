"""Structured prompt lines, parsed by the grammar in ``grammar.lark``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lark import Lark, Token, Transformer
from lark.exceptions import LarkError

MAX_ITEM_LENGTH = 2000  # longer lines are free text; the grammar is not run on them


@dataclass(frozen=True)
class FieldItem:
    """``name (type[, optional])`` or ``name: type [optional]``."""

    name: str
    type_word: str
    is_list: bool
    optional: bool


@dataclass(frozen=True)
class MetricItem:
    """``name (counter|gauge)``."""

    name: str
    kind: str


@dataclass(frozen=True)
class DependencyItem:
    """``name (ClientType) - note``."""

    name: str
    client_type: str
    note: str


@dataclass(frozen=True)
class InputsItem:
    """``Input: field, field, ...``."""

    fields: tuple[FieldItem, ...]


@dataclass(frozen=True)
class OutputsItem:
    """``Output: EventA or EventB``."""

    events: tuple[str, ...]


@dataclass(frozen=True)
class SignatureItem:
    """``operation(field: type, ...) - description``: an operation on one line."""

    name: str
    fields: tuple[FieldItem, ...]
    note: str


@dataclass(frozen=True)
class OperationItem:
    """``name: description``."""

    name: str
    text: str


Item = MetricItem | DependencyItem | InputsItem | OutputsItem | SignatureItem | OperationItem


class _ToItems(Transformer[Token, Item]):
    """Parse tree to items."""

    def metric(self, children: list[object]) -> MetricItem:
        return MetricItem(name=str(children[0]), kind=str(children[1]).lower())

    def dependency(self, children: list[object]) -> DependencyItem:
        note = str(children[2]) if len(children) > 2 and children[2] is not None else ""
        return DependencyItem(name=str(children[0]), client_type=str(children[1]), note=note)

    def inputs(self, children: list[object]) -> InputsItem:
        return InputsItem(fields=tuple(c for c in children if isinstance(c, FieldItem)))

    def outputs(self, children: list[object]) -> OutputsItem:
        return OutputsItem(events=tuple(c for c in children if type(c) is str))

    def signature(self, children: list[object]) -> SignatureItem:
        fields = tuple(c for c in children if isinstance(c, FieldItem))
        notes = [c for c in children[1:] if type(c) is str]
        return SignatureItem(name=str(children[0]), fields=fields, note=notes[0] if notes else "")

    def add_operation(self, children: list[object]) -> SignatureItem:
        fields = tuple(c for c in children if isinstance(c, FieldItem))
        return SignatureItem(name=str(children[0]), fields=fields, note="")

    def operation(self, children: list[object]) -> OperationItem:
        return OperationItem(name=str(children[0]), text=str(children[1]).strip())

    def paren_field(self, children: list[object]) -> FieldItem:
        return _field(children)

    def colon_field(self, children: list[object]) -> FieldItem:
        return _field(children)

    def scalar(self, children: list[object]) -> tuple[str, bool]:
        return str(children[0]).lower(), False

    def list_of(self, children: list[object]) -> tuple[str, bool]:
        return str(children[-1]).lower(), True

    def note(self, children: list[object]) -> str:
        return str(children[-1]).strip()

    def event(self, children: list[object]) -> str:
        return str(children[0])


def _field(children: list[object]) -> FieldItem:
    name = str(children[0])
    type_word, is_list = children[1] if isinstance(children[1], tuple) else ("object", False)
    modifiers = {str(c).lower() for c in children[2:]}
    return FieldItem(
        name=name, type_word=type_word, is_list=is_list, optional="optional" in modifiers
    )


@cache
def _parser() -> Lark:
    return Lark.open_from_package(
        "codegen_assets.core.understanding.line_reader",
        "grammar.lark",
        parser="earley",
        ambiguity="resolve",
    )


def parse_item(line: str) -> Item | None:
    """The structured item ``line`` states, or None when it is free text."""
    if len(line) > MAX_ITEM_LENGTH:
        return None
    try:
        tree = _parser().parse(line)
    except LarkError:
        return None
    item = _ToItems().transform(tree)
    return item if isinstance(item, Item) else None
