"""Behaviour stated in words: formulas ("gross_amount = net_amount * (1 + rate)") and examples
("net_amount 100.00 and rate 0.20 give gross_amount 120.00"), read only when every name in them
is one of the operation's inputs or outputs."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from codegen_assets.core.understanding.fields import IDENT

_FORMULA = re.compile(
    rf"`?(?P<out>{IDENT})`?\s*(?:=|:=|(?:is\s+)?(?:computed|calculated|defined)\s+as|equals)\s*"
    r"(?P<expr>[^;\n]+)",
    re.IGNORECASE,
)
_EXAMPLE = re.compile(
    r"\b(?:e\.g\.|for\s+example|example|beispiel|exemple|zum\s+beispiel|par\s+exemple)s?\s*[:,]?\s*"
    r"(?P<given>[^;\n]+?)\s+(?:gives?|returns?|yields?|produces?|results?\s+in|should\s+give"
    r"|ergibt|ergeben|donnent?|->|=>|→)\s+(?P<then>[^;\n]+)",
    re.IGNORECASE,
)
_VALUE = r"(?P<value>-?\d+(?:\.\d+)?|\"[^\"]*\"|'[^']*'|true|false|[A-Za-z_][\w-]*)"
_PAIR = re.compile(rf"`?(?P<name>{IDENT})`?\s*(?:=|:|is|of)?\s*{_VALUE}", re.IGNORECASE)


@dataclass
class Stated:
    """Formulas by output, and examples, of one operation."""

    formulas: dict[str, tuple[str, str]] = field(default_factory=dict)  # output -> (expr, words)
    examples: list[tuple[dict[str, object], dict[str, object], str]] = field(default_factory=list)


def read_rules(text: str, inputs: set[str], outputs: set[str]) -> Stated:
    """What ``text`` states about an operation with these inputs and outputs."""
    stated = Stated()
    position = 0
    while match := _FORMULA.search(text, position):
        position = match.start("expr")  # "total = a * b and share = a / b": both are read
        output = match.group("out")
        if output not in outputs or output in stated.formulas:
            continue
        expression = _expression(match.group("expr"), inputs)
        if expression:
            written = text[match.start() : match.start("expr")] + expression
            stated.formulas[output] = (expression, written.strip())
    for match in _EXAMPLE.finditer(text):
        given = _pairs(match.group("given"), inputs)
        then = _pairs(_sentence(match.group("then")), outputs)
        if given and then:
            stated.examples.append((given, then, match.group(0).strip()))
    return stated


def _sentence(text: str) -> str:
    """Up to the end of the sentence (a decimal point does not end one)."""
    return re.split(r"\.(?!\d)", text, maxsplit=1)[0]


def _expression(text: str, names: set[str]) -> str:
    """The longest prefix of ``text`` (cut at a comma, a period or a word) that parses as an
    expression over ``names`` and numbers alone."""
    text = _sentence(text)
    candidates = [text]
    candidates += [
        text[: m.start()] for m in re.finditer(r",|\s+(?:and|rounded|where|if|so)\b", text)
    ]
    for candidate in sorted(candidates, key=len, reverse=True):
        candidate = candidate.strip().strip("`")
        try:
            tree = ast.parse(candidate, mode="eval")
        except SyntaxError:
            continue
        if isinstance(tree.body, ast.Tuple | ast.List | ast.Set | ast.Dict):
            continue
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        functions = {"min", "max", "abs", "round", "sum", "len"}
        if used and used <= names | functions and used & names:
            return ast.unparse(tree)
    return ""


def _pairs(text: str, names: set[str]) -> dict[str, object]:
    """``name value`` pairs whose names are all in ``names`` (else nothing)."""
    found: dict[str, object] = {}
    for part in re.split(r",|;|\s+(?:and|und|et)\s+", text):
        match = _PAIR.search(part.strip())
        if match is None or match.group("name") not in names:
            continue
        found[match.group("name")] = _value(match.group("value"))
    return found


def _value(text: str) -> object:
    if text[:1] in "\"'":
        return text[1:-1]
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return text  # exact: compared as a decimal or a float by the field's type
    return text
