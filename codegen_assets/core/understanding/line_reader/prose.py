"""Facts stated in running text: operations, their inputs, dependencies, steps and topics.

Structured lines (``grammar.lark``) say one fact each; people also write "Its single
operation, store, takes a chain_entry (object) and a prompt_embedding (list of float)" or
"it listens on onex.cmd.x.v1 and answers on onex.evt.y.v1". These readers find such facts in a
sentence, in English, German and French, without guessing beyond what the words say: a field is
a single word, an identifier or a name with a type in parentheses; anything else is skipped and
reported by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from codegen_assets.core.understanding.line_reader.items import DependencyItem, FieldItem

# Words for a type in any of the prompt's languages, to the grammar's type words.
TYPE_ALIASES = {
    "objekt": "object",
    "objekte": "object",
    "objekten": "object",
    "objet": "object",
    "objets": "object",
    "objeto": "object",
    "objetos": "object",
    "objects": "object",
    "booléen": "bool",
    "booleen": "bool",
    "boolesch": "bool",
    "entier": "int",
    "ganzzahl": "int",
    "zahl": "float",
    "nombre": "float",
    "réel": "float",
    "chaîne": "string",
    "chaine": "string",
    "zeichenkette": "string",
    "texte": "string",
    "strings": "string",
    "floats": "float",
    "ints": "int",
    "zeitstempel": "datetime",
    "horodatage": "datetime",
    "date": "datetime",
}
_LIST_WORDS = ("list of", "array of", "liste von", "liste de", "liste d'", "lista de")
_ARTICLES = {
    "a", "an", "the", "its", "their", "ein", "eine", "einen", "der", "die", "das", "den", "le",
    "la", "les", "l", "un", "une", "des", "du", "de", "el", "los", "as",
}  # fmt: skip
_NOT_NAMES = _ARTICLES | {
    "is", "are", "it", "its", "that", "which", "takes", "taking", "receives", "accepts",
    "returns", "bekommt", "erhält", "prend", "reçoit", "to", "of", "for", "with", "named",
    "called", "single", "one", "two", "three", "four", "each", "every", "this", "and", "or",
    "und", "et", "oder", "ou", "then", "dann", "puis", "operation", "operations",
    "should", "must", "will", "would", "can", "could", "may", "might", "needs", "be", "was",
}  # fmt: skip
_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
# What introduces a list of inputs in a sentence.
_TAKES = re.compile(
    r"\b(?:inputs?\s*:|eingaben?\s*:|entr\u00e9es?\s*:|takes|taking|take|receives|receiving|accepts|accepting|gets|whose\s+inputs\s+are"
    r"|inputs?\s+are|fields?|with\s+inputs?|bekommt|erhält|nimmt|prend|reçoit|accepte"
    r"|(?:command|request|message|event|befehl|commande|requête)\b(?:[^.;]|\.(?=\S))*?"
    r"\b(?:with|mit|avec))\s+",
    re.IGNORECASE,
)
# Where a list of inputs ends.
_ENDS = re.compile(
    r"[.;](?:\s|$)|\s+(?:and\s+)?(?:returns?|publish\w*|emits?|answers?|computes?|it\s+runs"
    r"|runs|then|und\s+berechnet|und\s+gibt|et\s+renvoie|et\s+calcule)\b"
    r"|,?\s+(?:and\s+)?(?:it\s+)?(?:needs|requires|uses|depends)\b",
    re.IGNORECASE,
)
_OPERATION_WORD = r"(?:operations?|opérations?|operationen|operación|operaciones)"
_OP_LIST = re.compile(rf"\b{_OPERATION_WORD}\s*:\s*(.+)$", re.IGNORECASE)
_OP_APPOSITION = re.compile(rf"\b{_OPERATION_WORD}\s*,\s*({_IDENT})\s*,", re.IGNORECASE)
_OP_BEFORE = re.compile(rf"\b(?:its|the|an?|their)\s+({_IDENT})\s+{_OPERATION_WORD}\b", re.I)
_OP_AFTER = re.compile(  # "operation settle": one name after the singular word
    rf"\b(?:operation|opération|operación)\s+({_IDENT})\b", re.IGNORECASE
)
_SIGNATURE = re.compile(r"\b([a-z][a-z0-9_]*)\(([^()]*)\)")
_LEADING_OP = re.compile(
    rf"^({_IDENT})\s+(?:takes|receives|accepts|bekommt|erhält|prend|reçoit)\b", re.IGNORECASE
)
_DEPENDENCY = re.compile(
    r"\b([a-z][a-z0-9_]*)\s*\(([A-Z][A-Za-z0-9]+)(?:\s*,\s*(optional|required|optionnel|optional))?\)",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.;!?])\s+")
# Topics written out: at least three dotted parts (onex.evt.producer.event.v1).
_TOPIC = re.compile(
    r"(?<![\w./'\"`-])([a-z0-9][a-z0-9_-]*(?:\.[a-z0-9][a-z0-9_-]*){2,})(?![\w/'\"`-])"
)
_INCOMING = re.compile(
    r"\b(?:subscrib\w*|consum\w*|listen\w*|arriv\w*|reads?\s+from|started\s+by|triggered\s+by"
    r"|(?:commands?|requests?)\s+(?:on|from)|abonniert|abonnieren"
    r"|s'abonne|abonne|écoute|ecoute|consomme|empfängt)\b",
    re.IGNORECASE,
)
_OUTGOING = re.compile(
    r"\b(?:publish\w*|emit\w*|answer\w*|produc\w*|sends?\s+to|writes?\s+to|veröffentlicht"
    r"|veröffentlichen|sendet|publie|émet|emet|envoie)\b",
    re.IGNORECASE,
)


@dataclass
class ProseOperation:
    """An operation a sentence names, with the inputs it gives it."""

    name: str
    fields: list[FieldItem] = field(default_factory=list)


@dataclass
class ProseFacts:
    """What one line of running text states."""

    operations: list[ProseOperation] = field(default_factory=list)
    fields: list[FieldItem] = field(default_factory=list)  # inputs not tied to a named operation
    each: bool = False  # "Each takes ...": the fields belong to every operation
    dependencies: list[DependencyItem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def type_of(text: str) -> tuple[str, bool] | None:
    """The type a parenthesis or colon states ("an object", "Liste von Objekten")."""
    lowered = " ".join(text.lower().split())
    is_list = any(lowered.startswith(w) or f" {w}" in lowered for w in _LIST_WORDS)
    for word in reversed(re.findall(r"[^\W\d][\w']*", lowered)):
        word = TYPE_ALIASES.get(word, word)
        if word in _TYPE_NAMES:
            return word, is_list
    return None


_TYPE_NAMES = {
    "string", "str", "text", "int", "integer", "float", "number", "double", "decimal", "bool",
    "boolean", "uuid", "datetime", "timestamp", "object", "dict", "json", "map",
}  # fmt: skip


def is_type_word(word: str) -> bool:
    """Whether ``word`` names a type (in any of the prompt's languages)."""
    lowered = word.lower()
    return TYPE_ALIASES.get(lowered, lowered) in _TYPE_NAMES


_SEPARATOR = re.compile(r",|;|\s+(?:and|und|et|or|oder|ou|y)\s+", re.IGNORECASE)


def _split(text: str) -> list[str]:
    """Split a list at commas, semicolons and "and", never inside parentheses."""
    parts, depth, start = [], 0, 0
    for match in re.finditer(r"[()]|" + _SEPARATOR.pattern, text, re.IGNORECASE):
        token = match.group(0)
        if token in "()":
            depth = max(0, depth + (1 if token == "(" else -1))
        elif depth == 0:
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


def _field(item: str, *, signature: bool = False) -> FieldItem | None:
    """One list item as a field, or None when it is not plainly one."""
    item = item.strip().strip(".")
    paren = re.search(r"\(([^()]*)\)\s*$", item)
    colon = re.match(rf"^({_IDENT})\s*:\s*(.+)$", item)
    inner = paren.group(1) if paren else colon.group(2) if colon else ""
    head = item[: paren.start()] if paren else colon.group(1) if colon else item
    typed = type_of(inner) if inner else None
    named = _SNAKE.search(inner) if paren else None
    words = [w for w in re.findall(_IDENT, head) if w.lower() not in _ARTICLES]
    if named:
        name = named.group(0)
    elif words and (typed or len(words) == 1):
        name = words[-1]
    else:
        snake = _SNAKE.findall(head)
        if len(snake) != 1:
            return None
        name = snake[0]
    if (name.lower() in _NOT_NAMES and not signature) or (paren and not typed and not named):
        return None
    # an untyped name is text, an untyped *_id a UUID (the ecosystem's convention)
    type_word, is_list = typed or ("uuid" if name.endswith("_id") else "string", False)
    optional = "optional" in inner.lower()
    return FieldItem(name=name, type_word=type_word, is_list=is_list, optional=optional)


def field_list(text: str, *, signature: bool = False) -> tuple[list[FieldItem], list[str]]:
    """The fields a list names, and the items that are not fields (in a signature
    ``send(to, subject)`` every name is a field)."""
    fields, skipped = [], []
    for item in _split(text):
        found = _field(item, signature=signature)
        if found is None:
            skipped.append(item.strip())
        else:
            fields.append(found)
    return fields, skipped


def names_list(text: str) -> list[str]:
    """Identifiers in a list ("attach, heartbeat and detach")."""
    names = []
    for item in _split(text):
        words = re.findall(_IDENT, item.strip().strip("."))
        if len(words) == 1 and words[0].lower() not in _NOT_NAMES:
            names.append(words[0])
    return names


def _input_clause(sentence: str) -> str | None:
    match = _TAKES.search(sentence)
    if match is None:
        return None
    rest = sentence[match.end() :]
    end = _ENDS.search(rest)
    return rest[: end.start()] if end else rest


def _operations(sentence: str) -> list[ProseOperation]:
    signatures = []
    for name, inner in _SIGNATURE.findall(sentence):
        fields, _ = field_list(inner, signature=True)
        signatures.append(ProseOperation(name, fields))
    if signatures:
        return signatures
    if listed := _OP_LIST.search(sentence):
        return [ProseOperation(n) for n in names_list(re.split(r"[.;]\s", listed.group(1))[0])]
    for pattern in (_OP_APPOSITION, _OP_BEFORE, _OP_AFTER, _LEADING_OP):
        match = pattern.search(sentence)
        if match and match.group(1).lower() not in _NOT_NAMES:
            return [ProseOperation(match.group(1))]
    return []


def read_sentence(sentence: str) -> ProseFacts:
    """The operations, inputs and dependencies one sentence states."""
    facts = ProseFacts()
    facts.dependencies = [
        DependencyItem(name=name, client_type=cls, note=note.lower())
        for name, cls, note in _DEPENDENCY.findall(sentence)
        if cls[0].isupper() and not is_type_word(cls)
    ]
    facts.operations = _operations(sentence)
    if any(op.fields for op in facts.operations):
        return facts
    clause = _input_clause(sentence)
    if clause is None:
        return facts
    fields, skipped = field_list(clause)
    facts.skipped = skipped if fields else []
    if facts.operations:
        facts.operations[-1].fields = fields
    else:
        facts.fields = fields
        facts.each = re.match(r"\s*(?:each|all|jede|chacune?)\b", sentence, re.I) is not None
    return facts


def sentences(line: str) -> list[str]:
    """``line`` cut into sentences (a topic's dots do not end one)."""
    return [s for s in _SENTENCE.split(line) if s.strip()]


def topics(line: str) -> list[tuple[str, bool]]:
    """Written-out topics in ``line``, each with whether the node subscribes to it, judged by
    the nearest direction verb before it (after it, when none comes before)."""
    found = []
    for match in _TOPIC.finditer(line):
        name = match.group(1)
        if all(part.isdigit() for part in name.split(".")):
            continue
        before = line[: match.start()]
        verbs = [(m.end(), True) for m in _INCOMING.finditer(before)]
        verbs += [(m.end(), False) for m in _OUTGOING.finditer(before)]
        if verbs:
            found.append((name, max(verbs)[1]))
            continue
        after = line[match.end() :]
        incoming, outgoing = _INCOMING.search(after), _OUTGOING.search(after)
        if incoming or outgoing:
            first_in = incoming.start() if incoming else len(after)
            first_out = outgoing.start() if outgoing else len(after)
            found.append((name, first_in < first_out))
    return found


MAX_UNPLACED = 5
_QUOTED_NAME = re.compile(r"['\"`][^'\"`\n]{1,249}['\"`]")


def unplaced(text: str, placed: set[str]) -> list[str]:
    """Warnings for identifiers the prompt names (``audit_log``) that no fact took, each with
    the words around it; topics and quoted names are facts of their own."""
    plain = _QUOTED_NAME.sub(" ", _TOPIC.sub(" ", text))
    warnings: list[str] = []
    for match in _SNAKE.finditer(plain):
        name = match.group(0)
        if name in placed or len(warnings) >= MAX_UNPLACED:
            continue
        placed.add(name)
        context = " ".join(plain[max(0, match.start() - 40) : match.end() + 40].split())
        warnings.append(f'did not place {name!r} in any fact (in: "...{context}...")')
    return warnings
