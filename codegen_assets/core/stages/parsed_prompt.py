"""Deterministic prompt parsing: plain language in, a ``NodeSpec`` out, no network."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from codegen_assets.core import understanding
from codegen_assets.core.layout import PackageError, check_package
from codegen_assets.core.models import (
    STEP,
    Dependency,
    FieldType,
    GenerationOptions,
    InputField,
    Metric,
    MetricKind,
    NodeSpec,
    NodeType,
    Operation,
    PerformanceTargets,
    StyleConfig,
    Target,
    Topic,
)
from codegen_assets.core.naming import (
    GENERIC_WORDS,
    NameError_,
    camel,
    event_name,
    gate_safe,
    identifier,
    onex_topic,
    snake,
)
from codegen_assets.core.understanding import spec as understood
from codegen_assets.core.understanding.leftovers import leftovers
from codegen_assets.core.understanding.line_reader import prose
from codegen_assets.core.understanding.line_reader.items import (
    DependencyItem,
    FieldItem,
    InputsItem,
    Item,
    MetricItem,
    OperationItem,
    OutputsItem,
    SignatureItem,
    parse_item,
)
from codegen_assets.core.understanding.spec_file import SpecFileError, is_spec, load_spec
from codegen_assets.core.validation.style import floor_warnings

MAX_PROMPT_BYTES = 64 * 1024
ADDED = "Added by the generator"  # how a dependency the prompt did not name is described
MAX_DESCRIPTION = 240
MAX_LATENCY_MS = 86_400_000.0  # a day
MAX_THROUGHPUT = 1e9  # operations per second

_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_HTML_COMMENT_START = re.compile(r"<!--")
_LIST_MARKER = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")
_QUOTED = re.compile(r"['\"`]([A-Za-z0-9._\-]{1,249})['\"`]")
_NAME = re.compile(
    r"\b(?:named|called)\s+['\"`]?([^\s'\"`,]+)|\(\s*name\s*:\s*`?([a-z][a-z0-9_]*)`?\s*\)",
    re.IGNORECASE,
)
# "Effect node ledger_write_effect, ...", "reducer node_graph_reducer: ...": the name after the type
_NAME_AFTER_TYPE = re.compile(
    r"\b(?:node|knoten|n\u0153ud|nodo|effect|compute|reducer|orchestrator|orchestrateur"
    r"|knotenname|node\s+name|nom\s+du\s+n\u0153ud|nombre\s+del\s+nodo|nome\s+del\s+nodo)"
    r"\s*[,:]?\s+`?([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b"
    r"|^\s*([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\s+(?:effect|compute|reducer|orchestrator)\b",
    re.IGNORECASE,
)
# "an effect node", "Reducer-Knoten", "nœud orchestrator": the type named next to "node".
_TYPE_MENTION = re.compile(
    r"\b(effect|compute|reducer|orchestrator)[\s-]*(?:node|knoten|n\u0153ud|nodo)\b"
    r"|\b(?:node|knoten|n\u0153ud|nodo)[\s-]+(effect|compute|reducer|orchestrator)\b",
    re.IGNORECASE,
)
_TYPE_WORD = re.compile(r"\b(effect|compute|reducer|orchestrator)\b", re.IGNORECASE)
_PURPOSE = re.compile(
    r"\bfor\s+(?:the\s+|an?\s+)?([A-Za-z][\w -]*?)(?:\s+with\b|\s+using\b|[.,;:\n]|$)",
    re.IGNORECASE,
)
_WITH_OPERATIONS = re.compile(r"\bwith\s+([\w ,]+?)\s+operations?\b", re.IGNORECASE)
_ARTICLE = re.compile(r"^(?:an?|the|its|their|one)\s+", re.IGNORECASE)  # "with a score operation"
_EVENT_BEFORE = re.compile(r"\b([A-Z][A-Za-z0-9]+)\s+events?\b")

_TYPE_WORDS: dict[str, FieldType] = {
    "string": FieldType.STRING,
    "str": FieldType.STRING,
    "text": FieldType.STRING,
    "int": FieldType.INT,
    "integer": FieldType.INT,
    "float": FieldType.FLOAT,
    "number": FieldType.FLOAT,
    "double": FieldType.FLOAT,
    "decimal": FieldType.FLOAT,
    "bool": FieldType.BOOL,
    "boolean": FieldType.BOOL,
    "uuid": FieldType.UUID,
    "datetime": FieldType.DATETIME,
    "timestamp": FieldType.DATETIME,
    "object": FieldType.OBJECT,
    "dict": FieldType.OBJECT,
    "json": FieldType.OBJECT,
    "map": FieldType.OBJECT,
}

_TYPE_HINTS: dict[NodeType, tuple[str, ...]] = {
    NodeType.EFFECT: (
        "database",
        "postgres",
        "kafka",
        "http",
        "api",
        "store",
        "persist",
        "send",
        "fetch",
        "write",
        "crud",
        "email",
        "file",
        "cache",
        "queue",
    ),
    NodeType.COMPUTE: (
        "calculate",
        "compute",
        "transform",
        "convert",
        "score",
        "normalize",
        "validate",
        "parse",
        "hash",
        "format",
        "pure",
    ),
    NodeType.REDUCER: (
        "aggregate",
        "reduce",
        "fold",
        "accumulate",
        "summarize",
        "tally",
        "metrics",
    ),
    NodeType.ORCHESTRATOR: (
        "orchestrat",
        "coordinate",
        "saga",
        "steps",
        "sequence",
        "pipeline",
        "workflow",
    ),
}
_LEADING_VERB_BONUS = 3  # "Orchestrate ...", "Calculate ...": the opening verb says most
_STOPWORDS = {
    "a",
    "an",
    "the",
    "that",
    "which",
    "for",
    "of",
    "to",
    "and",
    "with",
    "node",
    "create",
    "build",
    "make",
    "generate",
    "write",
    "please",
    "new",
    "simple",
    "in",
    "on",
    "from",
    "by",
    "i",
    "we",
    "need",
    "want",
    "should",
    "it",
    "this",
    "effect",
    "compute",
    "reducer",
    "orchestrator",
    "onex",
    "orchestrate",
    "coordinate",
    "calculate",
    "aggregate",
    "handle",
    "manage",
    "steps",
    "step",
    "into",
    "per",
    "each",
    "all",
    "some",
    "via",
    # common words of other languages, so "Erstelle einen Reducer-Knoten, der ..." names well
    "erstelle",
    "ein",
    "eine",
    "einen",
    "der",
    "die",
    "das",
    "und",
    "fur",
    "pro",
    "mit",
    "knoten",
    "zuerst",
    "dann",
    "then",
    "creer",
    "un",
    "une",
    "le",
    "la",
    "les",
    "de",
    "des",
    "du",
    "pour",
    "qui",
    "noeud",
    "el",
    "los",
    "para",
    "con",
    "que",
    "nodo",
}
_SECTIONS = {
    "dependencies": ("dependenc", "depends on", "requires", "abh\u00e4ngigkeit", "d\u00e9pendance"),
    "operations": ("operation", "op\u00e9ration", "operaci\u00f3n"),
    "metrics": ("metric", "metrik"),
    "performance": ("performance", "target"),
    "steps": ("step", "workflow", "sequence", "schritt", "\u00e9tape", "etape", "paso"),
}


class PromptError(ValueError):
    """A prompt that cannot be turned into a node; the message names the problem."""


@dataclass
class _DraftOperation:
    """An operation while its Input/Output lines are still being read."""

    name: str
    description: str = ""
    inputs: list[InputField] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)


@dataclass
class _Draft:
    """Mutable accumulator while reading the prompt's lines."""

    operations: list[_DraftOperation] = field(default_factory=list)
    subscribe: dict[str, list[str]] = field(default_factory=dict)
    publish: dict[str, list[str]] = field(default_factory=dict)
    dependencies: dict[str, Dependency] = field(default_factory=dict)
    metrics: dict[str, Metric] = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)
    inputs: list[InputField] = field(default_factory=list)  # read before any operation
    defaulted: bool = False  # no operation was read; a 'process' one stands in
    warnings: list[str] = field(default_factory=list)


def decode_prompt(data: bytes) -> str:
    """A prompt given as bytes (standard input): UTF-8 text, or a PromptError saying why not."""
    if b"\x00" in data:
        raise PromptError(
            f"the prompt contains NUL bytes (first at offset {data.index(0)}): "
            "binary data, not text"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PromptError(
            f"the prompt is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc


_FENCE_OPEN = re.compile(r"^[ \t]*(```+|~~~+)", re.MULTILINE)


def _without_html_comments(text: str) -> str:
    """``text`` without its HTML comments (hidden when GitHub renders it), read left to right as
    GitHub does: one written inside a fenced code block shows, and stays (an XSD's ``<!-- at
    least 1 -->``); a fence inside a comment is hidden with it."""
    kept, position = [], 0
    while position < len(text):
        comment = _HTML_COMMENT_START.search(text, position)
        fence = _FENCE_OPEN.search(text, position)
        if comment is None:
            kept.append(text[position:])
            break
        if fence is not None and fence.start() < comment.start():
            close = re.compile(rf"^[ \t]*{re.escape(fence.group(1))}[ \t]*$", re.M)
            end = close.search(text, fence.end())
            stop = end.end() if end is not None else len(text)
            kept.append(text[position:stop])
            position = stop
            continue
        end_ = text.find("-->", comment.end())
        kept.append(text[position : comment.start()] + " ")
        position = len(text) if end_ == -1 else end_ + 3
    return "".join(kept)


def clean_prompt(prompt: str) -> str:
    """Normalise untrusted text: NFC, no HTML comments, no invisible or control characters."""
    text = _without_html_comments(unicodedata.normalize("NFC", prompt))
    text = _INVISIBLE.sub("", text)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text.replace("\t", " ").strip()


def parse_prompt(
    prompt: str, options: GenerationOptions | None = None, style: StyleConfig | None = None
) -> NodeSpec:
    """Parse ``prompt`` into a ``NodeSpec``; options (type, name) win over what the text says.

    ``style``, the target repository's ruff configuration, travels with the spec to rendering.
    """
    options = options or GenerationOptions()
    try:
        check_package(options.package)
    except PackageError as exc:
        raise PromptError(str(exc)) from exc
    size = len(prompt.encode("utf-8", "surrogatepass"))
    if size > MAX_PROMPT_BYTES:
        raise PromptError(f"prompt is {size:,} bytes; the limit is {MAX_PROMPT_BYTES:,} bytes")
    text = clean_prompt(prompt)
    if not text:
        raise PromptError("prompt is empty: describe the node to generate")
    if is_spec(text):  # a spec file (--spec, or an edited spec on GitHub): exactly this node
        try:
            spec = load_spec(text, options, style)
        except SpecFileError as exc:
            raise PromptError(str(exc)) from exc
        floor = floor_warnings(style, spec.target is Target.ONEX)
        return spec.model_copy(update={"warnings": floor}) if floor else spec
    facts = understanding.read(text)
    draft = _Draft()
    _read_lines(understanding.without_code(text, facts), draft)  # pasted code is no line list
    _take_facts(facts, draft)
    if facts.node_type and options.node_type is None:
        options = options.model_copy(update={"node_type": NodeType(facts.node_type)})
    node_type = _node_type(text, options, draft)
    named = (
        options
        if options.name or not facts.node_name
        else options.model_copy(update={"name": facts.node_name})
    )
    name = _node_name(text, named, node_type, draft)
    if node_type is NodeType.ORCHESTRATOR:
        draft.steps = draft.steps or _steps_from_text(text)
    operations = _versioned(text, _read_operations(text, draft, node_type, facts), node_type)
    if named.name is None and not _NAME.search(text) and not _NAME_AFTER_TYPE.search(text):
        name = _name_from_operation(operations, node_type) or name
    spec = NodeSpec(
        name=name,
        node_type=node_type,
        description=_description(text),
        operations=operations,
        subscribe_topics=_topics(draft.subscribe, kind="cmd", producer=name),
        publish_topics=(
            _topics(draft.publish, kind="evt", producer=name)
            or _result_topics(name, node_type, operations)
        ),
        dependencies=_dependencies(draft, node_type),
        metrics=tuple(draft.metrics.values()),
        performance=_performance(text),
        target=options.target,
        options=options,
        warnings=tuple(
            dict.fromkeys([*draft.warnings, *floor_warnings(style, options.target is Target.ONEX)])
        ),
        style=style,
        models=understood.models(facts),
        requirements=tuple(facts.requirements),
    )
    partial = leftovers(facts)
    placed = understood.placed_names(spec, facts) | _placed(spec, draft)
    missed = understood.unplaced(text, placed, facts.labels)
    warnings = [*spec.warnings, *unplaced_warnings(missed)]
    warnings += pattern_gate_warnings(spec)
    warnings += [
        f"unknown type {f.typed.unknown!r} for field {f.name!r}; using object"
        for op in facts.operations
        for f in op.inputs
        if f.typed.unknown
    ]
    return spec.model_copy(
        update={
            "unplaced": tuple(missed),
            "review": _review(draft, missed, partial, facts.unread),
            "warnings": tuple(dict.fromkeys(warnings)),
        }
    )


_VERBS = (
    "compute", "calculate", "get", "fetch", "apply", "validate", "check", "process", "handle",
    "create", "update", "delete", "build", "run", "send", "score", "resolve", "evaluate",
    "detect", "record", "register", "store", "write", "read", "fold", "track", "estimate",
    "export", "import", "sync", "settle", "ship", "fulfil", "fulfill", "post", "publish",
    "notify", "generate", "convert", "parse", "normalize", "normalise", "append", "tally",
    "count", "meter", "reserve", "deliver", "persist", "save", "load", "list", "find", "lookup",
)  # fmt: skip


def _name_from_operation(operations: tuple[Operation, ...], node_type: NodeType) -> str | None:
    """A node name from its one operation, its verb dropped: compute_invoice_total ->
    invoice_total_compute (a prompt that names no node)."""
    if len(operations) != 1:
        return None
    verb, _, rest = operations[0].name.partition("_")
    if verb not in _VERBS or not rest:
        return None
    return identifier(f"{rest}_{node_type.value}", what="node name")


def _take_facts(facts: understanding.Facts, draft: _Draft) -> None:
    """The reader's dependencies and topics, beside what the line reader found."""
    for dep in facts.dependencies:
        if dep not in draft.dependencies:
            name = identifier(dep, what="dependency")
            draft.dependencies[name] = Dependency(
                name=name,
                client_type=_class_name(camel(name), draft),
                description="Named in the prompt",
            )
    for topics, other in ((facts.subscribe, draft.publish), (facts.publish, draft.subscribe)):
        target = draft.subscribe if other is draft.publish else draft.publish
        for topic in topics:  # the reader's direction (the nearest verb in its sentence) wins
            target.setdefault(topic, other.pop(topic, []))


def _read_operations(
    text: str, draft: _Draft, node_type: NodeType, facts: understanding.Facts
) -> tuple[Operation, ...]:
    """The reader's operations (typed inputs and outputs), or the line reader's."""
    before = len(draft.warnings)
    lines = _operations(text, draft, node_type)
    found = understood.operations(facts, lines)
    if found is None:
        return lines
    del draft.warnings[before:]  # the line reader's "no operation"/"no inputs" did not hold
    draft.defaulted = False
    return tuple(
        op
        if op.outcomes
        else op.model_copy(update={"outcomes": tuple(_default_outcomes(op.name, draft, node_type))})
        for op in found
    )


def _placed(spec: NodeSpec, draft: _Draft) -> set[str]:
    """Every identifier the spec took from the prompt, as written and as generated."""
    names = {spec.name, *(m.name for m in spec.metrics), *draft.steps}
    names.update(snake(raw.name) for raw in draft.operations)
    for op in spec.operations:
        names.add(op.name)
        names.update(f.name for f in op.inputs)
    for dep in spec.dependencies:
        names.update((dep.name, snake(dep.client_type)))
    return names | {n.lower() for n in names}


NOT_UNDERSTOOD = (
    "no operation could be read from the prompt, so the node does not do what was asked: name "
    "one, e.g. 'Operations: - settle_invoice: settle one invoice' or 'its settle_invoice "
    "operation takes invoice_id (uuid) and amount (float)'"
)


MAX_UNPLACED_SHOWN = 8


def _review(
    draft: _Draft, unplaced: list[str], partial: list[str], unread: Sequence[str] = ()
) -> tuple[str, ...]:
    """Why the prompt was not understood: no operation read (for an orchestrator: no operation,
    step or client either), names it gives that no fact of the node holds, words about a
    field its reading does not hold, or pasted blocks nothing was read from."""
    reasons = [NOT_UNDERSTOOD] if draft.defaulted else []
    if unread:
        reasons.append(
            f"{len(unread)} pasted block(s) could not be read: {', '.join(unread)}. Write their "
            "fields as 'name (type)', or paste them as a pydantic model, TypeScript, protobuf, "
            "Go, Rust, GraphQL, Avro, JSON Schema, JSON, SQL or a markdown table"
        )
    if partial:
        shown = "; ".join(partial[:MAX_UNPLACED_SHOWN])
        reasons.append(
            f"the prompt says more of {len(partial)} field(s) than was read: {shown}. "
            "Say it as a type, a bound or a list of values (e.g. 'int, 1 to 500', 'one of a, b')"
        )
    if unplaced:
        shown = "; ".join(unplaced[:MAX_UNPLACED_SHOWN])
        more = (
            f" (and {len(unplaced) - MAX_UNPLACED_SHOWN} more)"
            if len(unplaced) > MAX_UNPLACED_SHOWN
            else ""
        )
        reasons.append(
            f"the prompt names {len(unplaced)} thing(s) the node does not hold: {shown}{more}. "
            "Say what each is (an input, an output, a dependency, a topic), or remove it"
        )
    return tuple(reasons)


def review_reasons(
    unplaced: list[str], unread: Sequence[str] = (), partial: Sequence[str] = ()
) -> tuple[str, ...]:
    """Why a reading that has its operations (a model's) is not understood, as ``_review``
    says it for the rules': pasted blocks it read nothing from, fields the prompt says more
    of, names no fact holds."""
    return _review(_Draft(), unplaced, list(partial), unread)


def unplaced_warnings(unplaced: Sequence[str]) -> list[str]:
    """One warning per name no fact holds (``name (in: ...context...)``)."""
    return [
        f"did not place {m.split(' (in: ', 1)[0]!r} in any fact (in: {m.split(' (in: ', 1)[1]}"
        for m in unplaced
    ]


def conventional(spec: NodeSpec) -> NodeSpec:
    """A spec read by a model, with what the rules derive where a prompt says nothing: each
    operation's result event, topics under their canonical ONEX names (the written one kept as
    ``source_name``), an effect's result topic, client types the naming gate accepts."""
    done = "Computed" if spec.node_type is NodeType.COMPUTE else "Completed"
    operations = tuple(
        op if op.outcomes else op.model_copy(update={"outcomes": (camel(op.name) + done,)})
        for op in spec.operations
    )

    def canonical(topics: tuple[Topic, ...], kind: str) -> tuple[Topic, ...]:
        found = {t.source_name or t.name: list(t.event_types) for t in topics}
        return _topics(found, kind=kind, producer=spec.name)

    return spec.model_copy(
        update={
            "operations": operations,
            "subscribe_topics": canonical(spec.subscribe_topics, "cmd"),
            "publish_topics": canonical(spec.publish_topics, "evt")
            or _result_topics(spec.name, spec.node_type, operations),
            "dependencies": tuple(
                d.model_copy(update={"client_type": gate_safe(d.client_type or camel(d.name))})
                for d in spec.dependencies
            ),
        }
    )


def _section_of(line: str) -> str | None:
    head = line.split(":", 1)[0].lower() if ":" in line else ""
    if not head or len(head.split()) > 3 or re.search(r"[.;!?(]", head):
        return None
    for section, words in _SECTIONS.items():
        if any(word in head for word in words):
            return section
    return None


def _logical_lines(text: str) -> list[tuple[str, bool]]:
    """Lines with list markers removed (and whether they had one); a wrapped sentence, or a
    list continued after a trailing comma, is joined into one line."""
    lines: list[tuple[str, bool]] = []
    joinable = False
    for raw in text.splitlines():
        line = _LIST_MARKER.sub("", raw).strip()
        if not line:
            joinable = False
            continue
        bullet = _LIST_MARKER.match(raw) is not None
        prose_line = not bullet and _section_of(line) is None and parse_item(line) is None
        continues = bool(lines) and lines[-1][0].endswith((",", "(")) and not bullet
        if continues or (joinable and prose_line):
            lines[-1] = (f"{lines[-1][0]} {line}", lines[-1][1])
        else:
            lines.append((line, bullet))
        joinable = prose_line and not line.endswith(":")
    return lines


def _read_lines(text: str, draft: _Draft) -> None:
    section = ""
    for line, bullet in _logical_lines(text):
        _read_topics(line, draft)
        header = _section_of(line)
        if header is not None:
            section = header
            rest = line.split(":", 1)[1].strip()
            if not rest:
                continue
            if header in _LISTED:
                _read_listed(header, rest, draft)
                continue
        if section == "steps" and not (bullet or _STEP_LINE.fullmatch(line)):
            section = ""  # a sentence after the list of steps ends it
        if not _read_item(line, section, draft, bullet=bullet):
            _read_prose(line, draft)


_LISTED = ("operations", "steps", "dependencies")
_OUTPUT_START = re.compile(r"\s*(?:outputs?|returns?|emits?)\s*:", re.IGNORECASE)
_STEP_LINE = re.compile(r"[\w -]{1,60}|(?:inputs?|eingaben?|entr\u00e9es?)\s*:.*", re.IGNORECASE)


def _read_listed(section: str, rest: str, draft: _Draft) -> None:
    """A section with its items on the header line ("Steps: a, b", "Operation: x: Input: ...")."""
    first = re.split(r"(?<=[.;])\s+", rest, maxsplit=1)[0]
    if section == "dependencies":
        for item in prose.read_sentence(rest).dependencies:
            _add_dependency(item, draft)
    elif section == "steps":
        draft.steps += prose.names_list(first) or [n for n in _split_steps(first) if n]
    elif inline := re.match(r"^([A-Za-z_]\w*)\s*[:\u2013\u2014-]\s*(.+)$", rest):
        _add_operation(inline.group(1), inline.group(2), draft)
    else:
        for name in prose.names_list(first):
            _merge_operation(name, "", [], draft)


def _split_steps(text: str) -> list[str]:
    return [_step_name(part) for part in re.split(r",|\s+(?:and|und|et|then|dann|puis)\s+", text)]


_INLINE_INPUTS = re.compile(
    r"\b(?:inputs?|eingaben?|entr\u00e9es?|entrees?|entradas?)\s*:\s*(.+?)"
    r"(?=\.\s|\.$|\b(?:outputs?|returns?|ausgaben?|sorties?)\s*:|$)",
    re.IGNORECASE,
)
_INLINE_OUTPUTS = re.compile(r"\b(?:outputs?|returns?)\s*:\s*(.+?)(?=\.\s|\.$|$)", re.IGNORECASE)
_DESCRIPTION_END = re.compile(r"(?<=[.;])\s|\b(?:inputs?|eingaben?|entr\u00e9es?)\s*:", re.I)


def _add_operation(name: str, text: str, draft: _Draft) -> None:
    """An operation from "name: description[. Input: fields][. Output: events]"."""
    fields: list[FieldItem] = []
    if inputs := _INLINE_INPUTS.search(text):
        fields, _ = prose.field_list(inputs.group(1))
    outcomes: list[str] = []
    if outputs := _INLINE_OUTPUTS.search(text):
        item = parse_item(f"Output: {outputs.group(1).strip()}")
        outcomes = [event_name(e) for e in item.events] if isinstance(item, OutputsItem) else []
    description = _DESCRIPTION_END.split(text, maxsplit=1)[0].strip(" .")
    _merge_operation(name, description, _fields(tuple(fields), draft), draft)
    if outcomes:
        draft.operations[-1].outcomes = list(dict.fromkeys(outcomes))


def _merge_operation(name: str, description: str, inputs: list[InputField], draft: _Draft) -> None:
    """Add operation ``name``, or give an existing one the inputs it lacks."""
    key = snake(name)
    for op in draft.operations:
        if snake(op.name) == key:
            op.inputs = op.inputs or inputs
            op.description = op.description or description
            return
    draft.operations.append(_DraftOperation(name, description, inputs))


def _add_dependency(item: DependencyItem, draft: _Draft) -> None:
    name = identifier(item.name, what="dependency")
    draft.dependencies.setdefault(
        name,
        Dependency(
            name=name,
            client_type=_class_name(camel(snake(item.client_type)) or "Client", draft),
            required="optional" not in item.note.lower(),
            description=item.note[:MAX_DESCRIPTION],
        ),
    )


def _read_prose(line: str, draft: _Draft) -> None:
    """Facts stated in sentences (see ``line_reader.prose``)."""
    for sentence in prose.sentences(line):
        outputs = parse_item(sentence.rstrip(".")) if _OUTPUT_START.match(sentence) else None
        if isinstance(outputs, OutputsItem) and draft.operations:
            draft.operations[-1].outcomes = [event_name(e) for e in outputs.events]
            continue
        facts = prose.read_sentence(sentence)
        for item in facts.dependencies:
            _add_dependency(item, draft)
        for op in facts.operations:
            _merge_operation(op.name, "", _fields(tuple(op.fields), draft), draft)
        _warn_skipped(facts.skipped, draft)
        if not facts.fields:
            continue
        inputs = _fields(tuple(facts.fields), draft)
        if facts.each and draft.operations:
            for each in draft.operations:
                each.inputs = each.inputs or list(inputs)
        elif draft.operations and not draft.operations[-1].inputs:
            draft.operations[-1].inputs = inputs
        else:
            draft.inputs += [f for f in inputs if f not in draft.inputs]


def _item(line: str, draft: _Draft) -> Item | None:
    """The structured item ``line`` states; an input list in any language, untyped names too."""
    item = parse_item(line)
    if isinstance(item, InputsItem) or not (inputs := _INLINE_INPUTS.match(line)):
        return item
    fields, skipped = prose.field_list(inputs.group(1))
    _warn_skipped(skipped, draft)
    return InputsItem(fields=tuple(fields)) if fields else None


def _read_item(line: str, section: str, draft: _Draft, *, bullet: bool = False) -> bool:
    """Apply one structured line (see ``line_reader/grammar.lark``) to the draft; False when the
    line is not one."""
    item = _item(line, draft)
    if section == "steps" and not isinstance(item, InputsItem | DependencyItem):
        draft.steps.append(item.name if isinstance(item, OperationItem) else line)
        return True
    if item is None:
        return False
    if isinstance(item, MetricItem):
        name = identifier(item.name, what="metric")
        draft.metrics.setdefault(name, Metric(name=name, kind=MetricKind(item.kind)))
    elif isinstance(item, DependencyItem) and not prose.is_type_word(item.client_type):
        _add_dependency(item, draft)
    elif isinstance(item, InputsItem):
        if draft.operations:
            draft.operations[-1].inputs = _fields(item.fields, draft)
        else:
            draft.inputs += _fields(item.fields, draft)
    elif isinstance(item, OutputsItem) and draft.operations:
        draft.operations[-1].outcomes = list(dict.fromkeys(event_name(e) for e in item.events))
    elif isinstance(item, SignatureItem):
        operation = _DraftOperation(item.name, item.note, _fields(item.fields, draft))
        draft.operations.append(operation)
    elif isinstance(item, OperationItem):
        return _read_operation(item, section, draft, bullet=bullet)
    else:
        return False
    return True


def _read_operation(item: OperationItem, section: str, draft: _Draft, *, bullet: bool) -> bool:
    """``name: text`` under Operations, or as a list item of its own ("- append: topic, ...")."""
    if section != "operations" and not (bullet and section == "" and item.name[:1].islower()):
        return False
    fields, skipped = prose.field_list(item.text)
    if fields and not skipped:  # "append: topic, partition (int), ..."
        _merge_operation(item.name, "", _fields(tuple(fields), draft), draft)
    else:
        _add_operation(item.name, item.text, draft)
    return True


def _warn_skipped(skipped: list[str], draft: _Draft) -> None:
    if skipped:
        draft.warnings.append(
            "skipped " + ", ".join(repr(s) for s in skipped) + " in a list of inputs: "
            "not a field name (write 'name (type)')"
        )


def _read_topics(line: str, draft: _Draft) -> None:
    for topic, incoming in prose.topics(line):
        (draft.subscribe if incoming else draft.publish).setdefault(topic, [])
    names = _QUOTED.findall(line)
    if not names or ("topic" not in line.lower() and "events" not in line.lower()):
        return
    lowered = line.lower()
    events = [event_name(e) for e in _EVENT_BEFORE.findall(line) if e.lower() not in {"kafka"}]
    incoming = re.search(r"\b(subscribe|consume|listen|from)\b", lowered) is not None
    outgoing = re.search(r"\b(publish|emit|produce|send|to)\b", lowered) is not None
    target = (
        draft.subscribe if incoming and not lowered.startswith(tuple(events)) else draft.publish
    )
    if not incoming and not outgoing:
        return
    for topic in names:
        target.setdefault(topic, [])
        target[topic].extend(e for e in events if e not in target[topic])


def _fields(items: tuple[FieldItem, ...], draft: _Draft) -> list[InputField]:
    """Typed input fields; an unknown type becomes ``object`` with a warning."""
    fields: dict[str, InputField] = {}
    for item in items:
        item = replace(item, type_word=prose.TYPE_ALIASES.get(item.type_word, item.type_word))
        if item.type_word not in _TYPE_WORDS:
            draft.warnings.append(
                f"unknown type {item.type_word!r} for field {item.name!r}; using object"
            )
        name = identifier(item.name, what="field")
        if name != snake(item.name):
            draft.warnings.append(
                f"field {item.name!r} is generated as {name!r}: the name is reserved in Python "
                "or pydantic"
            )
        kind = _TYPE_WORDS.get(item.type_word, FieldType.OBJECT)
        if kind is FieldType.STRING and (rule := _PATTERN_GATE.get(_pattern_key(name))):
            draft.warnings.append(f"field {name!r} is a string: {rule}")
        fields.setdefault(
            name,
            InputField(name=name, type=kind, is_list=item.is_list, optional=item.optional),
        )
    return list(fields.values())


# omnibase-core's pydantic pattern check (run by `omni-infra validate all`) on string fields.
_PATTERN_GATE = {
    "_id": "the ecosystem's pattern gate wants UUID for *_id fields (say 'uuid', or rename it)",
    "_name": "the ecosystem's pattern gate reads *_name strings as references to an entity "
    "(it asks for an ID + display_name pattern): rename it, or expect that gate to fail",
    "enum": "the ecosystem's pattern gate wants an Enum for category, type and status fields",
}


def pattern_gate_warnings(spec: NodeSpec) -> list[str]:
    """A plain string field the ecosystem's pattern gate will refuse (kept as the prompt typed
    it: the gate's failure is reported, not hidden)."""
    fields = [f for op in spec.operations for f in (*op.inputs, *op.outputs)]
    fields += [f for model in spec.models for f in model.fields]
    return [
        f"field {f.name!r} is a string: {rule}"
        for f in fields
        if f.type is FieldType.STRING
        and not (f.is_list or f.optional or f.enum)
        and (rule := _PATTERN_GATE.get(_pattern_key(f.name)))
    ]


def _class_name(name: str, draft: _Draft) -> str:
    """``name`` with a word the ecosystem's naming gate rejects replaced by ``Client``."""
    found = GENERIC_WORDS.search(name)
    if found is None:
        return name
    safe = gate_safe(name)
    draft.warnings.append(
        f"client type {name!r} is generated as {safe!r}: the ecosystem's naming gate rejects "
        f"class names containing {found.group(0)!r}"
    )
    return safe


def _pattern_key(name: str) -> str:
    if name in ("category", "type", "status"):
        return "enum"
    return next((suffix for suffix in ("_id", "_name") if name.endswith(suffix)), "")


def _node_type(text: str, options: GenerationOptions, draft: _Draft) -> NodeType:
    if options.node_type is not None:
        return options.node_type
    mention = _TYPE_MENTION.search(text)
    if mention:
        return NodeType((mention.group(1) or mention.group(2)).lower())
    named = _NAME.search(text)
    for kind in NodeType:
        if named and named.group(1).lower().endswith(f"_{kind.value}"):
            return kind
    if word := _TYPE_WORD.search(text):  # "a reducer named ...", "Orchestrator rsd_..."
        return NodeType(word.group(1).lower())
    tokens = re.findall(r"[a-z]+", text.lower())
    scores = {
        kind: sum(1 for token in tokens for word in words if token.startswith(word))
        + (_LEADING_VERB_BONUS if tokens and any(tokens[0].startswith(w) for w in words) else 0)
        for kind, words in _TYPE_HINTS.items()
    }
    best = max(scores, key=lambda kind: scores[kind])
    if scores[best] == 0:
        draft.warnings.append("node type not stated or implied; defaulting to effect")
        return NodeType.EFFECT
    return best


def _node_name(text: str, options: GenerationOptions, node_type: NodeType, draft: _Draft) -> str:
    requested = options.name
    if requested is None and (match := _NAME.search(text) or _NAME_AFTER_TYPE.search(text)):
        found = next(group for group in match.groups() if group)
        requested = re.sub(r"(?<=\w)\.$", "", found)  # "named signup_flow." ends a sentence
    try:
        if requested is not None:
            name = identifier(requested, what="node name")
            if name != requested:
                draft.warnings.append(f"node name {requested!r} was sanitised to {name!r}")
            return name
    except NameError_ as exc:
        raise PromptError(str(exc)) from exc
    purpose = _PURPOSE.search(text)
    source = purpose.group(1) if purpose else text.split("\n", 1)[0]
    tokens = [part for word in source.split()[:12] for part in snake(word).split("_")]
    words = [w for w in tokens if w and w not in _STOPWORDS]
    base = "_".join(words[:3]) or "generated"
    return identifier(f"{base}_{node_type.value}", what="node name")


def _operations(text: str, draft: _Draft, node_type: NodeType) -> tuple[Operation, ...]:
    if not draft.operations and (match := _WITH_OPERATIONS.search(text)):
        names = [_ARTICLE.sub("", n) for n in re.split(r"\s*,\s*|\s+and\s+", match.group(1))]
        draft.operations = [_DraftOperation(n) for n in names if snake(n)]
    workflow = node_type is NodeType.ORCHESTRATOR and (draft.steps or draft.dependencies)
    if not draft.operations and workflow:  # one entry point that runs the named steps
        draft.operations = [_DraftOperation("process", "Run the workflow for one request")]
    elif not draft.operations:
        draft.defaulted = True
        draft.warnings.append(
            "no operations found in the prompt; generated a single 'process' operation"
        )
        draft.operations = [_DraftOperation("process", "Process one request", draft.inputs)]
    for raw in draft.operations:  # inputs listed before (or without) their operation
        raw.inputs = raw.inputs or list(draft.inputs)
    operations: dict[str, Operation] = {}
    for raw in draft.operations:
        name = identifier(raw.name, what="operation")
        inputs = raw.inputs
        if not inputs:
            draft.warnings.append(
                f"operation {name!r} names no inputs; it takes one 'payload' object"
            )
            inputs = [InputField(name="payload", type=FieldType.OBJECT)]
        outcomes = raw.outcomes or _default_outcomes(name, draft, node_type)
        operations.setdefault(
            name,
            Operation(
                name=name,
                description=raw.description[:MAX_DESCRIPTION],
                inputs=tuple(inputs),
                outcomes=tuple(outcomes),
            ),
        )
    return tuple(operations.values())


_VERSIONING = re.compile(
    r"optimistic\s+concurrency|optimistic\s+locking|version(?:ed)?\s+check|versioning"
    r"|compare[- ]and[- ](?:swap|set)|expected[_ ]version|optimistische|versionspr\u00fcfung"
    r"|concurrence\s+optimiste|contr\u00f4le\s+de\s+version",
    re.IGNORECASE,
)
_WRITE_VERBS = (
    "persist",
    "save",
    "store",
    "update",
    "put",
    "write",
    "set",
    "upsert",
    "commit",
    "append",
    "record",
    "create",
    "modify",
    "replace",
)


def _is_write(name: str) -> bool:
    return name.split("_", 1)[0] in _WRITE_VERBS


def _version_input(op: Operation) -> InputField | None:
    """The input that carries the expected version: an ``expected_version``, or a version
    given to a write (a read's ``version`` selects what to read)."""
    for f in op.inputs:
        if f.type is not FieldType.INT or f.is_list or "version" not in f.name:
            continue
        if "expected" in f.name or _is_write(op.name):
            return f
    return None


def _versioned(text: str, ops: tuple[Operation, ...], node_type: NodeType) -> tuple[Operation, ...]:
    """Effects whose prompt asks for optimistic concurrency (or names an expected version)
    check versions: the version input is required and a conflict outcome exists."""
    if node_type is not NodeType.EFFECT:
        return ops
    asks = _VERSIONING.search(text) is not None
    writes = [op.name for op in ops if _is_write(op.name)] or [ops[0].name]
    result = []
    for op in ops:
        field = _version_input(op)
        inputs = op.inputs
        if field is None and asks and op.name in writes:
            field = InputField(name="expected_version", type=FieldType.INT)
            inputs = (*inputs, field)
        if field is None:
            result.append(op)
            continue
        inputs = tuple(
            f.model_copy(update={"optional": False}) if f.name == field.name else f for f in inputs
        )
        conflict = next((o for o in op.outcomes[1:] if "conflict" in snake(o)), None)
        outcomes = op.outcomes if conflict else (*op.outcomes, "VersionConflict")
        result.append(
            op.model_copy(
                update={
                    "inputs": inputs,
                    "outcomes": outcomes,
                    "version_field": field.name,
                    "conflict_outcome": conflict or "VersionConflict",
                }
            )
        )
    return tuple(result)


def _default_outcomes(operation: str, draft: _Draft, node_type: NodeType) -> list[str]:
    published = [event for events in draft.publish.values() for event in events]
    if published and len(draft.operations) == 1:
        return list(dict.fromkeys(published))
    return [camel(operation) + ("Computed" if node_type is NodeType.COMPUTE else "Completed")]


def _result_topics(
    name: str, node_type: NodeType, operations: tuple[Operation, ...]
) -> tuple[Topic, ...]:
    """An effect publishes its result events; without a topic in the prompt, on its own one."""
    if node_type is not NodeType.EFFECT:
        return ()
    events = tuple(dict.fromkeys(o for op in operations for o in op.outcomes))
    return (Topic(name=onex_topic("results", kind="evt", producer=name), event_types=events),)


def _topics(found: dict[str, list[str]], *, kind: str, producer: str) -> tuple[Topic, ...]:
    """Topics under their canonical ONEX names; the prompt's spelling is kept as ``source_name``."""
    topics: dict[str, Topic] = {}
    for source, events in found.items():
        name = onex_topic(source, kind=kind, producer=producer)
        if name not in topics:
            topics[name] = Topic(name=name, source_name=source, event_types=tuple(events))
    return tuple(topics.values())


_THEN = re.compile(r"\b(?:then|dann|puis|luego|depois|poi)\b", re.IGNORECASE)
_RUNS = re.compile(r"\b(?:runs|executes|performs|f\u00fchrt|ex\u00e9cute|lance)\b", re.IGNORECASE)
# Filler in "first check compliance, then create the account"; verbs stay, they name the step.
_STEP_SKIP = {
    "a", "an", "the", "then", "and", "it", "to", "that", "first", "next", "after", "finally",
    "lastly", "last", "zuerst", "dann", "danach", "der", "die", "das", "den", "ein", "eine",
    "einen", "puis", "ensuite", "le", "la", "les", "un", "une", "des", "du", "de", "luego",
}  # fmt: skip
MAX_STEPS = 8


def _step_name(fragment: str) -> str:
    """The step a sentence fragment names: an identifier as written, else its first few
    meaningful words."""
    clause = re.split(r"[:;]", fragment)[-1]
    written: list[str] = re.findall(
        r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?:\.[a-z][a-z0-9_]*)?\b", clause
    )
    if len(written) == 1:
        return snake(written[0])
    words = [w for w in snake(clause).split("_") if w and w not in _STEP_SKIP]
    return "_".join(words[:3])


_WITH_STEPS = re.compile(
    r"\bwith\s+(`?[a-z][a-z0-9]*_[a-z0-9_]+`?(?:\s*,\s*`?[a-z][a-z0-9]*_[a-z0-9_]+`?)*"
    r"\s*,?\s+(?:and|then)\s+`?[a-z][a-z0-9]*_[a-z0-9_]+`?)(?!\s*\()",
)


def _steps_from_text(text: str) -> list[str]:
    """Steps of an orchestrator from "A, then B, then C" in free text, or "with a_b and c_d"."""
    if listed := _WITH_STEPS.search(text):
        names = re.findall(r"[a-z][a-z0-9]*_[a-z0-9_]+", listed.group(1))
        return list(dict.fromkeys(names))[:MAX_STEPS]
    for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
        fragments = _THEN.split(sentence)
        if len(fragments) < 2:
            continue
        # "..., it runs retrieve, then replay": the first step follows the verb that runs it
        first = _RUNS.split(fragments[0])[-1]
        names = [n for n in (_step_name(first), *(_step_name(f) for f in fragments[1:])) if n]
        steps = list(dict.fromkeys(names))[:MAX_STEPS]
        if len(steps) >= 2:
            return steps
    return []


def _dependencies(draft: _Draft, node_type: NodeType) -> tuple[Dependency, ...]:
    deps = dict(draft.dependencies)
    if node_type in (NodeType.COMPUTE, NodeType.REDUCER):
        if deps:
            draft.warnings.append(
                f"{node_type.value} nodes are pure; declared dependencies are not injected"
            )
        return ()
    if node_type is NodeType.ORCHESTRATOR and not any(not d.is_event_client for d in deps.values()):
        for step in draft.steps:
            name = identifier(step, what="workflow step")
            description = f"{STEP}{name}: call it, and compensate it if a later step fails"
            deps.setdefault(
                name,
                Dependency(
                    name=name, client_type=_class_name(camel(name), draft), description=description
                ),
            )
    if not any(not d.is_event_client for d in deps.values()):
        default = "io_client" if node_type is NodeType.EFFECT else "step_runner"
        deps[default] = Dependency(
            name=default,
            client_type=camel(default),
            required=True,
            description=f"{ADDED}: the prompt named no client",
        )
        draft.warnings.append(f"no client dependency named; added {default!r}")
    return tuple(deps.values())


def _number(pattern: str, text: str, what: str, maximum: float) -> float | None:
    """The number ``pattern`` finds; a PromptError when it is beyond ``maximum``."""
    match = re.search(pattern, text, re.IGNORECASE)
    if match is None:
        return None
    raw = match.group(1).replace(",", "")
    value = float(raw)
    if not math.isfinite(value) or value > maximum:
        shown = raw if len(raw) <= 16 else f"{raw[:12]}… ({len(raw)} digits)"
        raise PromptError(f"{what} {shown} is out of range: at most {maximum:,.0f}")
    return value


def _performance(text: str) -> PerformanceTargets:
    rate = r"[^\n\d]*?(\d+(?:\.\d+)?)\s*%"
    latency = r"[^\n\d]*?(\d+(?:\.\d+)?)\s*ms"
    return PerformanceTargets(
        p95_latency_ms=_number(r"p95" + latency, text, "p95 latency (ms)", MAX_LATENCY_MS),
        p99_latency_ms=_number(r"p99" + latency, text, "p99 latency (ms)", MAX_LATENCY_MS),
        throughput_ops_per_sec=_number(
            r"throughput[^\n\d]*?(\d[\d,]*(?:\.\d+)?)", text, "throughput", MAX_THROUGHPUT
        ),
        success_rate_pct=_number(r"success rate" + rate, text, "success rate (%)", 100.0),
        error_rate_pct=_number(r"error rate" + rate, text, "error rate (%)", 100.0),
        conflict_rate_pct=_number(r"conflict rate" + rate, text, "conflict rate (%)", 100.0),
    )


def _description(text: str) -> str:
    first = re.split(r"(?<=[.!?])\s|\n", text, maxsplit=1)[0].strip()
    return first[:MAX_DESCRIPTION] or "Generated ONEX node"
