"""The words the line reader knows, in one place: node types and their hints, section headers,
the words around inputs, outputs, steps and versions, in English, German and French (the
reader's own are in ``understanding.vocabulary``); and the limits of what it keeps.
"""

from __future__ import annotations

import re

from codegen_assets.core.models import FieldType, NodeType
from codegen_assets.core.understanding.vocabulary import VERBS as VERBS

ADDED = "Added by the generator"  # how a dependency the prompt did not name is described
MAX_DESCRIPTION = 240
NAME = re.compile(
    r"\b(?:named|called)\s+['\"`]?([^\s'\"`,]+)|\(\s*name\s*:\s*`?([a-z][a-z0-9_]*)`?\s*\)",
    re.IGNORECASE,
)
# "Effect node ledger_write_effect, ...", "reducer node_graph_reducer: ...": the name after the type
NAME_AFTER_TYPE = re.compile(
    r"\b(?:node|knoten|n\u0153ud|nodo|effect|compute|reducer|orchestrator|orchestrateur"
    r"|knotenname|node\s+name|nom\s+du\s+n\u0153ud|nombre\s+del\s+nodo|nome\s+del\s+nodo)"
    r"\s*[,:]?\s+`?([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b"
    r"|^\s*([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\s+(?:effect|compute|reducer|orchestrator)\b",
    re.IGNORECASE,
)
# "an effect node", "Reducer-Knoten", "nœud orchestrator": the type named next to "node".
TYPE_MENTION = re.compile(
    r"\b(effect|compute|reducer|orchestrator)[\s-]*(?:node|knoten|n\u0153ud|nodo)\b"
    r"|\b(?:node|knoten|n\u0153ud|nodo)[\s-]+(effect|compute|reducer|orchestrator)\b",
    re.IGNORECASE,
)
TYPE_WORD = re.compile(r"\b(effect|compute|reducer|orchestrator)\b", re.IGNORECASE)
PURPOSE = re.compile(
    r"\bfor\s+(?:the\s+|an?\s+)?([A-Za-z][\w -]*?)(?:\s+with\b|\s+using\b|[.,;:\n]|$)",
    re.IGNORECASE,
)
WITH_OPERATIONS = re.compile(r"\bwith\s+([\w ,]+?)\s+operations?\b", re.IGNORECASE)
ARTICLE = re.compile(r"^(?:an?|the|its|their|one)\s+", re.IGNORECASE)  # "with a score operation"
EVENT_BEFORE = re.compile(r"\b([A-Z][A-Za-z0-9]+)\s+events?\b")

TYPE_WORDS: dict[str, FieldType] = {
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

TYPE_HINTS: dict[NodeType, tuple[str, ...]] = {
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
LEADING_VERB_BONUS = 3  # "Orchestrate ...", "Calculate ...": the opening verb says most
STOPWORDS = {
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
SECTIONS = {
    "dependencies": ("dependenc", "depends on", "requires", "abh\u00e4ngigkeit", "d\u00e9pendance"),
    "operations": ("operation", "op\u00e9ration", "operaci\u00f3n"),
    "metrics": ("metric", "metrik"),
    "performance": ("performance", "target"),
    "steps": ("step", "workflow", "sequence", "schritt", "\u00e9tape", "etape", "paso"),
}


OUTPUT_START = re.compile(r"\s*(?:outputs?|returns?|emits?)\s*:", re.IGNORECASE)
STEP_LINE = re.compile(r"[\w -]{1,60}|(?:inputs?|eingaben?|entr\u00e9es?)\s*:.*", re.IGNORECASE)


INLINE_INPUTS = re.compile(
    r"\b(?:inputs?|eingaben?|entr\u00e9es?|entrees?|entradas?)\s*:\s*(.+?)"
    r"(?=\.\s|\.$|\b(?:outputs?|returns?|ausgaben?|sorties?)\s*:|$)",
    re.IGNORECASE,
)
INLINE_OUTPUTS = re.compile(r"\b(?:outputs?|returns?)\s*:\s*(.+?)(?=\.\s|\.$|$)", re.IGNORECASE)
DESCRIPTION_END = re.compile(r"(?<=[.;])\s|\b(?:inputs?|eingaben?|entr\u00e9es?)\s*:", re.I)


VERSIONING = re.compile(
    r"optimistic\s+concurrency|optimistic\s+locking|version(?:ed)?\s+check|versioning"
    r"|compare[- ]and[- ](?:swap|set)|expected[_ ]version|optimistische|versionspr\u00fcfung"
    r"|concurrence\s+optimiste|contr\u00f4le\s+de\s+version",
    re.IGNORECASE,
)
WRITE_VERBS = (
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


THEN = re.compile(r"\b(?:then|dann|puis|luego|depois|poi)\b", re.IGNORECASE)
RUNS = re.compile(r"\b(?:runs|executes|performs|f\u00fchrt|ex\u00e9cute|lance)\b", re.IGNORECASE)
# Filler in "first check compliance, then create the account"; verbs stay, they name the step.
STEP_SKIP = {
    "a", "an", "the", "then", "and", "it", "to", "that", "first", "next", "after", "finally",
    "lastly", "last", "zuerst", "dann", "danach", "der", "die", "das", "den", "ein", "eine",
    "einen", "puis", "ensuite", "le", "la", "les", "un", "une", "des", "du", "de", "luego",
}  # fmt: skip


WITH_STEPS = re.compile(
    r"\bwith\s+(`?[a-z][a-z0-9]*_[a-z0-9_]+`?(?:\s*,\s*`?[a-z][a-z0-9]*_[a-z0-9_]+`?)*"
    r"\s*,?\s+(?:and|then)\s+`?[a-z][a-z0-9]*_[a-z0-9_]+`?)(?!\s*\()",
)
