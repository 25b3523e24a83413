"""What the prompt's words say of the node as a whole: its type, its name, its description and
its performance targets.
"""

from __future__ import annotations

import math
import re

from codegen_assets.core.models import GenerationOptions, NodeType, Operation, PerformanceTargets
from codegen_assets.core.naming import NameError_, identifier, snake
from codegen_assets.core.understanding.line_reader.draft import Draft
from codegen_assets.core.understanding.line_reader.text import PromptError
from codegen_assets.core.understanding.line_reader.vocabulary import (
    LEADING_VERB_BONUS,
    MAX_DESCRIPTION,
    NAME,
    NAME_AFTER_TYPE,
    PURPOSE,
    STOPWORDS,
    TYPE_HINTS,
    TYPE_MENTION,
    TYPE_WORD,
    VERBS,
)

MAX_LATENCY_MS = 86_400_000.0  # a day
MAX_THROUGHPUT = 1e9  # operations per second


def name_from_operation(operations: tuple[Operation, ...], node_type: NodeType) -> str | None:
    """A node name from its one operation, its verb dropped: compute_invoice_total ->
    invoice_total_compute (a prompt that names no node)."""
    if len(operations) != 1:
        return None
    verb, _, rest = operations[0].name.partition("_")
    if verb not in VERBS or not rest:
        return None
    return identifier(f"{rest}_{node_type.value}", what="node name")


def read_node_type(text: str, options: GenerationOptions, draft: Draft) -> NodeType:
    if options.node_type is not None:
        return options.node_type
    mention = TYPE_MENTION.search(text)
    if mention:
        return NodeType((mention.group(1) or mention.group(2)).lower())
    named = NAME.search(text)
    for kind in NodeType:
        if named and named.group(1).lower().endswith(f"_{kind.value}"):
            return kind
    if word := TYPE_WORD.search(text):  # "a reducer named ...", "Orchestrator rsd_..."
        return NodeType(word.group(1).lower())
    tokens = re.findall(r"[a-z]+", text.lower())
    scores = {
        kind: sum(1 for token in tokens for word in words if token.startswith(word))
        + (LEADING_VERB_BONUS if tokens and any(tokens[0].startswith(w) for w in words) else 0)
        for kind, words in TYPE_HINTS.items()
    }
    best = max(scores, key=lambda kind: scores[kind])
    if scores[best] == 0:
        draft.warnings.append("node type not stated or implied; defaulting to effect")
        return NodeType.EFFECT
    return best


# "the operation should be called x", "that connection is called y_client": not the node's name
_OF_OPERATION = re.compile(
    r"\b(?:operations?|op|step|function|method|endpoint|action|handler|connection|connector"
    r"|client|service|dependency|integration|adapter|api|sdk)\b[^.!?\n]{0,30}$",
    re.I,
)


_NOT_NAMES = {"it", "in", "the", "a", "an", "this", "that", "them", "me", "us", "for", "by"}
_CALL_IT = re.compile(
    r"\b(?:call(?:ing)?|nam(?:e|ing))\s+it\s+`?([a-z][a-z0-9]*(?:_[a-z0-9]+)+)`?", re.I
)


def name_match(text: str) -> re.Match[str] | None:
    """Where the prompt names the node ("named X", "calling it X", "reducer node_x"); a name
    given to an operation ("the operation should be called x") is not the node's, nor a word
    that is no name ("the person who called it in")."""
    if said := _CALL_IT.search(text):
        return said
    for match in NAME.finditer(text):
        found = re.sub(r"\W+$", "", next(group for group in match.groups() if group))
        if re.search(r"[a-z0-9]\.[a-z]", found) or found.lower() in _NOT_NAMES:
            continue  # "a message called onex.cmd.x.v1": a topic; "who called it in": a word
        if not _OF_OPERATION.search(text[max(0, match.start() - 40) : match.start()]):
            return match
    return NAME_AFTER_TYPE.search(text)


def read_node_name(text: str, options: GenerationOptions, node_type: NodeType, draft: Draft) -> str:
    requested = options.name
    if requested is None and (match := name_match(text)):
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
    purpose = PURPOSE.search(text)
    source = purpose.group(1) if purpose else text.split("\n", 1)[0]
    tokens = [part for word in source.split()[:12] for part in snake(word).split("_")]
    words = [w for w in tokens if w and w not in STOPWORDS]
    base = "_".join(words[:3]) or "generated"
    return identifier(f"{base}_{node_type.value}", what="node name")


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


def read_performance(text: str) -> PerformanceTargets:
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


def read_description(text: str) -> str:
    first = re.split(r"(?<=[.!?])\s|\n", text, maxsplit=1)[0].strip()
    return first[:MAX_DESCRIPTION] or "Generated ONEX node"
