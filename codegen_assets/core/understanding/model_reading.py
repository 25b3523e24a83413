"""A configured model reads the prompt into a spec, and its reading is held to the reader's own
accounting.

The model is asked, through the model gateway (answer cache, budgets, replay), for the spec
file as JSON: the spec file's JSON Schema goes as structured output where the server takes one
(OpenAI ``response_format``, an Anthropic tool) and is in the prompt always, at temperature 0.
The answer is a reading only when it parses as a spec file and every name in it (operations,
fields, nested models, dependencies, topics, metrics, enum values) occurs in the prompt, case,
underscores and a plural ``s`` aside (``deviceToken`` is ``device_token``); an operation or the
node may also be named from the prompt's words (``validate_email`` for "validates an email").
Otherwise the answer is refused, with the reason. Then the prompt's words are accounted for on
the model's spec as on the rules': a name it dropped is unplaced.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from codegen_assets.core.logic.errors import ModelError, ModelHTTPError, ReplayMissError
from codegen_assets.core.logic.gateway import ModelGateway, Reply
from codegen_assets.core.logic.wire import AnswerSchema, ChatRequest, Turn
from codegen_assets.core.models import GenerationOptions, NodeSpec, StyleConfig
from codegen_assets.core.understanding.leftovers import leftovers, spec_leftovers
from codegen_assets.core.understanding.reader import Facts
from codegen_assets.core.understanding.spec import placed_names, unplaced
from codegen_assets.core.understanding.spec_file import SpecFileError, spec_from_data, spec_schema
from codegen_assets.core.understanding.vocabulary import CODE_WORDS, NODE_TYPES, TYPE_WORDS

SCHEMA_NAME = "node_spec"
MAX_SHOWN = 8
_CANDIDATES = 50  # places a JSON object may start in an answer, tried in turn
_INSTRUCTIONS = """\
You read a request for an ONEX node (a Python service component) and write down exactly what \
it states, as one JSON object that fits the JSON Schema below (onex-nodegen's node spec).
Rules:
- Take every name from the request: operations, input and output fields, nested models, \
dependencies (the clients the node calls), topics, metrics and enum values. Never invent a \
name the request does not contain, never translate one, and leave out nothing it names.
- Field and operation names are snake_case: a field written `deviceToken` is \
`"name": "device_token", "written": "deviceToken"`. Nested models are PascalCase (`LineItem`).
- Field types: string int float decimal bool uuid datetime date object. Money and anything \
called decimal is decimal. A list sets is_list; "optional" sets optional; "one of a, b, c" is \
an enum; a field holding a nested model has type object and model naming one of `models`. \
Bounds (ge gt le lt min_length max_length) and defaults only as stated.
- node_type: compute (pure computation), effect (I/O: databases, HTTP, files, queues), reducer \
(folds events into state), orchestrator (coordinates steps or other nodes).
- Each operation lists the fields it takes (inputs) and returns (outputs); rules stated in \
words go in its rules, in the request's words.
- Answer with the JSON object only: no prose, no code fence."""


@dataclass(frozen=True)
class ModelReading:
    """The model's reading of a prompt, or why there is none."""

    spec: NodeSpec | None  # its names all in the prompt; None: refused
    refused: str = ""  # why there is no reading (one line)
    reply: Reply | None = None  # the answer it came from (None: nothing was answered)


def reading_request(
    text: str,
    options: GenerationOptions | None = None,
    *,
    max_tokens: int = 4096,
    structured: bool = True,
) -> ChatRequest:
    """What the model is asked for ``text`` (the cleaned prompt): the same text and options
    give the same request, hence the same cache key and recorded answer."""
    schema = spec_schema()
    system = f"{_INSTRUCTIONS}\n\nThe JSON Schema:\n{json.dumps(schema, sort_keys=True)}"
    given = []
    if options is not None and options.node_type is not None:
        given.append(f"The node type is given: {options.node_type.value}.")
    if options is not None and options.name:
        given.append(f"The node's name is given: {options.name}.")
    user = "\n".join([*given, "The request:", "<<<", text, ">>>"])
    wanted = AnswerSchema(
        name=SCHEMA_NAME, description="The node the request asks for.", json_schema=schema
    )
    return ChatRequest(
        system=system,
        turns=(Turn(role="user", content=user),),
        max_tokens=max_tokens,
        temperature=0.0,
        answer_schema=wanted if structured else None,
    )


def read_with_model(
    text: str,
    gateway: ModelGateway,
    options: GenerationOptions | None = None,
    style: StyleConfig | None = None,
) -> ModelReading:
    """Ask ``gateway``'s model to read ``text`` (the cleaned prompt) and check its answer: a
    spec file whose names all occur in the prompt, or a refusal saying why not. A server that
    refuses the structured-output parameter (400, 422) is asked once more with the schema in
    the prompt only (so is a replay that recorded that second answer)."""
    settings = gateway.settings
    request = reading_request(
        text,
        options,
        max_tokens=settings.read_max_output_tokens,
        structured=settings.structured_output,
    )
    try:
        reply = _ask(gateway, request)
    except ModelError as exc:
        return ModelReading(None, f"the model could not be asked: {exc}")
    try:
        spec = spec_from_data(answer_json(reply.text), options, style)
    except (ValueError, SpecFileError) as exc:
        return ModelReading(None, f"its answer is not a spec: {_line(str(exc))}", reply)
    foreign = foreign_names(spec, text, named=options is None or not options.name)
    if foreign:
        shown = ", ".join(foreign[:MAX_SHOWN]) + (" ..." if len(foreign) > MAX_SHOWN else "")
        return ModelReading(None, f"it names what the prompt does not: {shown}", reply)
    return ModelReading(spec, "", reply)


def _ask(gateway: ModelGateway, request: ChatRequest) -> Reply:
    try:
        return gateway.ask(request)
    except (ModelHTTPError, ReplayMissError) as exc:
        if request.answer_schema is None:
            raise
        if isinstance(exc, ModelHTTPError) and exc.status not in (400, 422):
            raise
        plain = request.model_copy(update={"answer_schema": None})
        try:
            return gateway.ask(plain)
        except ReplayMissError:
            raise exc from None


def answer_json(text: str) -> dict[str, Any]:
    """The JSON object an answer holds (around it: a code fence, words); the first one with
    ``operations`` when there are several."""
    decoder = json.JSONDecoder()
    found: list[dict[str, Any]] = []
    for match in list(re.finditer(r"\{", text))[:_CANDIDATES]:
        try:
            value, _ = decoder.raw_decode(text, match.start())
        except ValueError:
            continue
        if isinstance(value, dict):
            if "operations" in value:
                return value
            found.append(value)
    if found:
        return found[0]
    raise ValueError(f"it holds no JSON object (it begins {text.strip()[:60]!r})")


def _line(text: str) -> str:
    return " ".join(text.split())[:300]


# -- names ----------------------------------------------------------------------------------
_WORD = re.compile(r"[^\W_]+")
_PART = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def plain(word: str) -> str:
    """``word`` folded for comparison: ASCII letters and digits, lower case (``deviceToken``,
    ``device_token`` and "device token" are all ``devicetoken``)."""
    folded = unicodedata.normalize("NFKD", word.replace("ß", "ss"))
    return "".join(c for c in folded if c.isascii() and c.isalnum()).lower()


class PromptWords:
    """The prompt's words, to ask whether a name occurs in it."""

    def __init__(self, text: str) -> None:
        tokens = [t for t in (plain(w) for w in _WORD.findall(text)) if t]
        self.tokens = set(tokens)
        self.joined = "".join(tokens)
        self.starts: set[int] = set()
        self.ends: set[int] = set()
        at = 0
        for token in tokens:
            self.starts.add(at)
            at += len(token)
            self.ends.add(at)

    def holds(self, name: str) -> bool:
        """Whether ``name`` is a run of the prompt's words, as written (case, separators and a
        plural ending aside)."""
        folded = plain(name)
        return not folded or any(self._run(v) for v in _forms(folded))

    def names(self, name: str) -> bool:
        """Whether ``name`` is made of the prompt's words (``validate_email`` from "validates
        an email"), or holds as written."""
        if self.holds(name):
            return True
        parts = [plain(p) for p in _PART.findall(name)]
        return all(self._stem(p) for p in parts if p and p not in ("node", *NODE_TYPES))

    def _run(self, folded: str) -> bool:
        at = self.joined.find(folded)
        while at != -1:
            if at in self.starts and at + len(folded) in self.ends:
                return True
            at = self.joined.find(folded, at + 1)
        return False

    def _stem(self, part: str) -> bool:
        if part in self.tokens:
            return True
        if len(part) < 4:
            return any(t.startswith(part) for t in self.tokens)
        need = max(len(part) - 2, 4)  # "validate" in "validates", "compute" in "computation"
        return any(t[:need] == part[:need] for t in self.tokens)


def _forms(folded: str) -> list[str]:
    forms = [folded, folded + "s", folded + "es"]
    if folded.endswith("s"):
        forms.append(folded[:-1])
    if folded.endswith("es"):
        forms.append(folded[:-2])
    if folded.endswith("y"):
        forms.append(folded[:-1] + "ies")
    if folded.endswith("ies"):
        forms.append(folded[:-3] + "y")
    return [f for f in forms if f]


def foreign_names(spec: NodeSpec, text: str, *, named: bool = True) -> list[str]:
    """The names of ``spec`` that ``text`` does not contain (``field 'x'``), in spec order;
    ``named``: check the node's name too (not when the user gave it)."""
    words = PromptWords(text)
    strict, loose = _spec_names(spec)
    if named:
        node = spec.name.removesuffix(f"_{spec.node_type.value}").removeprefix("node_")
        loose.insert(0, ("node name", node))
    missing = [f"{what} {name!r}" for what, name in strict if not words.holds(name)]
    missing += [f"{what} {name!r}" for what, name in loose if not words.names(name)]
    return list(dict.fromkeys(missing))


def _spec_names(spec: NodeSpec) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(names that must occur as written, names that may be made of the prompt's words)."""
    strict: list[tuple[str, str]] = []
    loose: list[tuple[str, str]] = []
    fields = []
    for op in spec.operations:
        loose.append(("operation", op.name))
        if op.key:
            strict.append(("operation key", op.key))
        strict += [("class", name) for name in (op.handler, op.request) if name]
        fields += [*op.inputs, *op.outputs]
    for model in spec.models:
        strict.append(("model", model.name))
        fields += list(model.fields)
    for f in fields:
        strict.append(("field", f.written or f.name))
        if f.written and not plain(f.name).startswith(plain(f.written)):
            strict.append(("field", f.name))  # written as one name, generated as another
        strict += [("value", value) for value in f.enum]
    strict += [("dependency", dep.name) for dep in spec.dependencies]
    strict += [
        ("topic", topic.source_name or topic.name)
        for topic in (*spec.subscribe_topics, *spec.publish_topics)
    ]
    strict += [("metric", metric.name) for metric in spec.metrics]
    return strict, loose


# -- accounting -----------------------------------------------------------------------------
_TYPES = "|".join(sorted((re.escape(t) for t in TYPE_WORDS if t.isascii()), key=len, reverse=True))
# "decimal WeightKg" (C#, Java), "WeightKg float64" / "WeightKg: Double" (Go, Kotlin, Swift)
_DECLARED = re.compile(
    rf"\b(?i:{_TYPES})\??\s+([A-Z][A-Za-z0-9]*)\b|\b([A-Z][A-Za-z0-9]*)\s*:?\s+\*?(?i:{_TYPES})\b"
)
_LINES = re.compile(r"\(lines (\d+)-(\d+)\)")


@dataclass(frozen=True)
class Accounting:
    """What a reading leaves of the prompt: names no fact holds, pasted blocks it read nothing
    from, fields the prompt says more of than the reading holds, and (the rules' only) a
    missing operation."""

    unplaced: tuple[str, ...] = ()
    unread: tuple[str, ...] = ()
    partial: tuple[str, ...] = ()
    missing_operation: bool = False

    @property
    def count(self) -> int:
        """How much of the prompt the reading leaves unaccounted for."""
        return len(self.unplaced) + len(self.unread) + len(self.partial) + self.missing_operation


def account_model(text: str, spec: NodeSpec, facts: Facts, rules: NodeSpec) -> Accounting:
    """The reader's accounting of the model's ``spec``: the prompt's identifiers (snake_case,
    camelCase, dotted, in backticks) that none of its facts holds, the pasted blocks the rules
    could not read (``_blocks``), and what the prompt says of a field (a bound, values,
    "optional") that the spec's field of that name does not hold. Nothing of the rules'
    reading (``rules``, ``facts``) counts as placed: of pasted code, only the words that are
    no field or model of it are skipped (its keywords, attributes and tags)."""
    placed = placed_names(spec, Facts())
    read = {plain(name) for name in _field_names(rules)}
    skip = {label for label in facts.labels if plain(label) not in read}
    missed, unread = _blocks(text, facts, placed)
    names = tuple(dict.fromkeys([*unplaced(text, placed, skip), *missed]))
    return Accounting(names, unread, tuple(spec_leftovers(facts, spec)))


def account_rules(text: str, spec: NodeSpec, facts: Facts) -> Accounting:
    """The same measure of the rules' reading ``spec``: its unplaced names, the pasted blocks
    it could not read (``_blocks``), the fields it saw more of than it read, and a missing
    operation."""
    missed, unread = _blocks(text, facts, placed_names(spec, facts))
    missing_op = any(r.startswith("no operation could be read") for r in spec.review)
    return Accounting((*spec.unplaced, *missed), unread, tuple(leftovers(facts)), missing_op)


def _blocks(text: str, facts: Facts, placed: set[str]) -> tuple[list[str], tuple[str, ...]]:
    """Of each pasted block the rules read nothing from: the PascalCase names it declares next
    to a type word (``decimal WeightKg``) that no placed name is, and the block itself when
    no word of it is placed."""
    folded = {plain(name) for name in placed}
    missed: list[str] = []
    unread: list[str] = []
    for block in facts.unread:
        body = _block(text, block)
        missed += [
            f"{name} (in: ...{_context(body, name)}...)"
            for name in _declared(body)
            if plain(name) not in folded
        ]
        if not any(len(w) > 2 and plain(w) in folded for w in _WORD.findall(body)):
            unread.append(block)
    return missed, tuple(unread)


def _field_names(spec: NodeSpec) -> set[str]:
    names = {model.name for model in spec.models}
    for f in [f for op in spec.operations for f in (*op.inputs, *op.outputs)] + [
        f for model in spec.models for f in model.fields
    ]:
        names |= {f.name, f.written}
    return {n for n in names if n}


def _block(text: str, block: str) -> str:
    """The lines of ``text`` that a block description (``csharp block (lines 4-9)``) names."""
    found = _LINES.search(block)
    if found is None:
        return ""
    lines = text.splitlines()
    return "\n".join(lines[int(found[1]) - 1 : int(found[2])])


def _declared(body: str) -> list[str]:
    """PascalCase names a block declares next to a type word, each once."""
    names = [m[1] or m[2] for m in _DECLARED.finditer(body)]
    return list(
        dict.fromkeys(
            n for n in names if n.lower() not in TYPE_WORDS and n.lower() not in CODE_WORDS
        )
    )


def _context(body: str, name: str) -> str:
    at = body.find(name)
    return " ".join(body[max(0, at - 30) : at + len(name) + 30].split())
