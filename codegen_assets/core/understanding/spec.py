"""The reader's facts as spec parts: typed fields, operations with their inputs and outputs,
nested models; and the accounting of every identifier the prompt names."""

from __future__ import annotations

import re
from decimal import Decimal

from codegen_assets.core.models import (
    Example,
    ExampleValue,
    FieldType,
    Formula,
    InputField,
    ModelSpec,
    NodeSpec,
    Operation,
)
from codegen_assets.core.naming import NameError_, camel, identifier, snake
from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.reader import Facts, OpFacts
from codegen_assets.core.understanding.vocabulary import (
    BRACKET_WORD,
    CODE_WORDS,
    OTHER_SCRIPT,
    TYPE_WORDS,
)

_BASES = {
    "string": FieldType.STRING,
    "int": FieldType.INT,
    "float": FieldType.FLOAT,
    "decimal": FieldType.DECIMAL,
    "bool": FieldType.BOOL,
    "uuid": FieldType.UUID,
    "datetime": FieldType.DATETIME,
    "date": FieldType.DATE,
    "object": FieldType.OBJECT,
}
# Words that start a sentence or a section, never an operation of their own.
CUE_WORDS = {"input", "inputs", "output", "outputs", "returns", "process", "payload"}


def to_field(phrase: FieldPhrase, models: set[str]) -> InputField:
    """A written field as the spec's field (an untyped one is a string: the safest reading of a
    name with nothing said about it; a list of an unknown model, a list of objects)."""
    typed = phrase.typed
    name = identifier(phrase.name, what="field")
    model = typed.model if typed.model in models else ""
    if model:
        kind = FieldType.OBJECT
    elif typed.enum:
        kind = FieldType.STRING
    else:
        fallback = FieldType.OBJECT if typed.model or typed.unknown else FieldType.STRING
        kind = _BASES.get(typed.base) or fallback
    numeric = kind in (FieldType.INT, FieldType.FLOAT, FieldType.DECIMAL)
    sized = kind is FieldType.STRING or typed.is_list
    default = typed.default if typed.has_default and _fits(typed.default, kind) else None
    return InputField(
        name=name,
        type=kind,
        is_list=typed.is_list,
        optional=typed.optional and not typed.required,
        enum=tuple(_enum_value(v) for v in typed.enum) if not model else (),
        model=model,
        ge=_bound(typed.ge, kind) if numeric and not typed.is_list else None,
        gt=_bound(typed.gt, kind) if numeric and not typed.is_list else None,
        le=_bound(typed.le, kind) if numeric and not typed.is_list else None,
        lt=_bound(typed.lt, kind) if numeric and not typed.is_list else None,
        min_length=typed.min_length if sized else None,
        max_length=typed.max_length if sized and not typed.enum else None,
        format=typed.format if kind is FieldType.STRING and not typed.is_list else "",
        decimal_places=typed.decimal_places if kind is FieldType.DECIMAL else None,
        default=default,
        has_default=typed.has_default and (default is not None or typed.default is None),
        written=phrase.name if name != phrase.name else "",
    )


def _bound(value: Decimal | None, kind: FieldType) -> Decimal | None:
    if value is None:
        return None
    return Decimal(int(value)) if kind is FieldType.INT and value == int(value) else value


def _fits(value: object, kind: FieldType) -> bool:
    if value is None:
        return True
    checks = {
        FieldType.BOOL: isinstance(value, bool),
        FieldType.INT: isinstance(value, int) and not isinstance(value, bool),
        FieldType.FLOAT: isinstance(value, int | float) and not isinstance(value, bool),
        FieldType.DECIMAL: isinstance(value, int | float) and not isinstance(value, bool),
        FieldType.STRING: isinstance(value, str),
    }
    return checks.get(kind, False)


def _enum_value(value: str) -> str:
    return value.strip()


def models(facts: Facts) -> tuple[ModelSpec, ...]:
    """The nested models some field refers to (and the ones they refer to)."""
    known = set(facts.models)
    wanted: list[str] = []
    pending = [f.typed.model for op in facts.operations for f in (*op.inputs, *op.outputs)]
    while pending:
        name = pending.pop(0)
        if name in known and name not in wanted:
            wanted.append(name)
            pending += [f.typed.model for f in facts.models[name] if f.typed.model]
    return tuple(
        ModelSpec(name=name, fields=tuple(to_field(f, known) for f in facts.models[name]))
        for name in wanted
    )


def operations(facts: Facts, old: tuple[Operation, ...]) -> tuple[Operation, ...] | None:
    """Operations from the reader's facts, with what the line reader found about each (its
    outcomes, description); None when the facts name none (the line reader's stand)."""
    found = [op for op in facts.operations if op.inputs or op.outputs or op.stated]
    if not found:
        return None
    named = [op for op in old if op.name not in CUE_WORDS and not _generic(op)]
    if not any(op.stated for op in found) and named:  # the line reader named them
        return _enriched([op for op in old if op.name not in CUE_WORDS], found, set(facts.models))
    known = set(facts.models)
    by_name = {op.name: op for op in old}
    result: dict[str, Operation] = {}
    for fop in found:
        built = _operation(fop, by_name, known)
        if built is not None:
            result.setdefault(built.name, built)
    for op in old:  # what only the line reader found, when it read fields for it
        if op.name in result or op.name in CUE_WORDS or _generic(op):
            continue
        result[op.name] = op
    return tuple(result.values()) or None


def _operation(fop: OpFacts, old: dict[str, Operation], known: set[str]) -> Operation | None:
    try:
        name = identifier(fop.name.replace(".", "_"), what="operation")
    except NameError_:
        return None
    previous = old.get(name) or old.get(snake(fop.name.rsplit(".", 1)[-1]))
    inputs = tuple(_unique([to_field(f, known) for f in fop.inputs]))
    if not inputs and previous is not None and not _generic(previous):
        inputs = previous.inputs
    if not inputs:
        inputs = (InputField(name="payload", type=FieldType.OBJECT),)
    _typed_by_formula(fop)
    outputs = tuple(_unique([to_field(f, known) for f in fop.outputs]))
    return Operation(
        name=name,
        description=previous.description if previous else "",
        inputs=inputs,
        outputs=outputs,
        outcomes=previous.outcomes if previous else (),
        key=fop.name if "." in fop.name else "",
        formulas=tuple(
            Formula(
                output=_renamed(out, fop.outputs),
                expression=_renamed_expr(expr, fop.inputs),
                source=words,
            )
            for out, (expr, words) in fop.rules.formulas.items()
        ),
        examples=tuple(
            Example(inputs=_json(given, fop.inputs), outputs=_json(then, fop.outputs), source=words)
            for given, then, words in fop.rules.examples
        ),
    )


_NUMERIC_ORDER = ("int", "float", "decimal")


def _typed_by_formula(fop: OpFacts) -> None:
    """An output the prompt gives only as a formula has the type of its arithmetic: a decimal
    if any input in it is one (money stays exact), else a float, else an int."""
    inputs = {f.name: f.typed.base for f in fop.inputs}
    for phrase in fop.outputs:
        formula = fop.rules.formulas.get(phrase.name)
        if formula is None or phrase.typed.base or phrase.typed.enum:
            continue
        used = [inputs.get(name, "") for name in re.findall(r"[A-Za-z_]\w*", formula[0])]
        kinds = [k for k in used if k in _NUMERIC_ORDER]
        if "/" in formula[0] and kinds and max(kinds, key=_NUMERIC_ORDER.index) == "int":
            kinds.append("float")
        phrase.typed.base = max(kinds, key=_NUMERIC_ORDER.index) if kinds else "float"


def _renamed(written: str, fields: list[FieldPhrase]) -> str:
    """The generated identifier of the field written ``written``."""
    return next((identifier(f.name, what="field") for f in fields if f.name == written), written)


def _renamed_expr(expression: str, fields: list[FieldPhrase]) -> str:
    names = {f.name: identifier(f.name, what="field") for f in fields}
    return re.sub(r"[A-Za-z_]\w*", lambda m: names.get(m.group(0), m.group(0)), expression)


def _json(values: dict[str, object], fields: list[FieldPhrase]) -> dict[str, ExampleValue]:
    result: dict[str, ExampleValue] = {}
    for key, value in values.items():
        if isinstance(value, str | int | float | bool) or value is None:
            result[_renamed(key, fields)] = value
    return result


def _enriched(old: list[Operation], found: list[OpFacts], known: set[str]) -> tuple[Operation, ...]:
    """The line reader's operations, their fields typed as the reader read them, and the
    outputs of the one operation the prompt describes."""
    typed = {f.name: to_field(f, known) for op in found for f in op.inputs}
    outputs = tuple(_unique([to_field(f, known) for op in found for f in op.outputs]))
    result = []
    for op in old:
        inputs = tuple(typed.get(f.name, f) for f in op.inputs)
        extra = outputs if len(old) == 1 else ()
        result.append(op.model_copy(update={"inputs": inputs, "outputs": op.outputs or extra}))
    return tuple(result)


def _unique(fields: list[InputField]) -> list[InputField]:
    seen: dict[str, InputField] = {}
    for f in fields:
        seen.setdefault(f.name, f)
    return list(seen.values())


def _generic(op: Operation) -> bool:
    return [f.name for f in op.inputs] == ["payload"]


# -- accounting -----------------------------------------------------------------------------
_SNAKE = re.compile(r"(?<![\w.\-/])([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![\w\-/]|\.\w)")
_DOTTED = re.compile(r"(?<![\w./-])([a-z][a-z0-9_]*(?:\.[a-z0-9][a-z0-9_-]*)+)(?![\w/-])")
_ABBREVIATION = re.compile(r"^(?:[a-z]\.)*[a-z]\.?$|^(?:e\.g|i\.e|etc|vs|cf|approx)\b")
_TICKED = re.compile(r"`([^`\n]{1,80})`")
# "deviceToken", "maxCelsius": a field as Swift, Kotlin, Java or JavaScript write it
_CAMEL = re.compile(r"(?<![\w.\-/@$])([a-z][a-z0-9]*(?:[A-Z][a-z0-9]+)+)(?![\w\-/])")
_TYPE_PAIR = re.compile(r"\b([a-z][a-z0-9_]*)\s*\(([A-Z][A-Za-z0-9]+)\)")
_FILE = re.compile(r"\.(?:py|sql|pdf|csv|json|ya?ml|txt|md|html|toml|cfg|ini|log)$")
_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"\s*(?=[,}\]\n])')
_TABLE_NAME = re.compile(r"\bTABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?$", re.IGNORECASE)
_QUALIFIER = re.compile(r"::|\.[A-Z]")
MAX_SHOWN = 8


def placed_names(spec: NodeSpec, facts: Facts) -> set[str]:
    """Every name the spec holds, as generated and as written."""
    names = {spec.name, spec.name.removesuffix(f"_{spec.node_type.value}")}
    fields: list[InputField] = []
    for op in spec.operations:
        names |= {op.name, op.key}
        fields += [*op.inputs, *op.outputs]
    for model in spec.models:
        names.add(model.name)
        fields += list(model.fields)
    for f in fields:
        names |= {f.name, f.written, *f.enum}
    for dep in spec.dependencies:
        names |= {dep.name, dep.client_type}
    for topic in (*spec.subscribe_topics, *spec.publish_topics):
        names |= {topic.name, topic.source_name, *topic.event_types}
        names |= {snake(e) for e in topic.event_types}
    names |= {m.name for m in spec.metrics}
    names |= set(facts.models) | set(facts.mentioned)
    names |= {snake(o) for op in spec.operations for o in op.outcomes}
    names |= {o for op in spec.operations for o in op.outcomes}
    return {n for n in names if n}


def unplaced(text: str, placed: set[str], skip: set[str]) -> list[str]:
    """Identifiers the prompt names (snake_case, dotted, in backticks, ``name (Type)``) that no
    fact of the spec holds, each once, with the words around it."""
    plain = _JSON_STRING.sub('""', text)  # values of a pasted JSON example are not names
    lowered = {p.lower() for p in placed} | {snake(p) for p in placed}
    missing = []
    for name, start in sorted(_names(plain, lowered).items(), key=lambda item: item[1]):
        if name.lower() in lowered or snake(name) in lowered:
            continue
        if name in skip or name in CODE_WORDS or _not_a_name(name):
            continue
        if name.replace(".", "_") in placed or _TABLE_NAME.search(
            plain[max(0, start - 14) : start]
        ):
            continue
        if _QUALIFIER.match(plain, start + len(name)):
            continue  # "rust_decimal::Decimal", "google.protobuf.Timestamp": a module, in code
        context = " ".join(plain[max(0, start - 30) : start + len(name) + 30].split())
        missing.append(f"{name} (in: ...{context}...)")
    return missing


def _names(plain: str, placed: set[str]) -> dict[str, int]:
    """Every identifier-like word of ``plain`` and where it first is."""
    found: dict[str, int] = {}
    for pattern in (_SNAKE, _DOTTED, _CAMEL):
        for match in pattern.finditer(plain):
            found.setdefault(match.group(1).rstrip("."), match.start())
    for match in _TICKED.finditer(plain):
        token = match.group(1).strip()
        if re.fullmatch(r"[A-Za-z_][\w.-]*", token):
            found.setdefault(token, match.start())
    for match in BRACKET_WORD.finditer(plain):  # "(afm, κείμενο ...)" among other letters
        if OTHER_SCRIPT.search(plain[max(0, match.start() - 40) : match.start()]):
            found.setdefault(match.group(1), match.start(1))
    for match in _TYPE_PAIR.finditer(plain):  # "review_service (ReviewService)": the type
        if match.group(1).lower() not in placed and match.group(2).lower() not in TYPE_WORDS:
            found.setdefault(match.group(2), match.start(2))  # of a fact not placed
    return found


def _not_a_name(name: str) -> bool:
    """A file, a number or an abbreviation ("e.g."), not a name."""
    return bool(_FILE.search(name)) or _numbered(name) or bool(_ABBREVIATION.match(name.lower()))


def _numbered(name: str) -> bool:
    """A version, a decimal or a dotted number ("v1.2", "1.5"): not a name."""
    return re.fullmatch(r"v?\d+(?:\.\d+)*", name) is not None


def class_name(name: str) -> str:
    """``LineItem`` for a model name as the reader found it."""
    return camel(snake(name)) or "Item"
