"""The reader: pasted structure, sketches, line lists and sentences of a prompt, put together
into operations (inputs and outputs), nested models, dependencies, topics and names."""

from __future__ import annotations

import re

from codegen_assets.core.understanding import corrections, pasted, schemas, sentences, sketch
from codegen_assets.core.understanding.bracket_names import bracket_names
from codegen_assets.core.understanding.facts import Facts, OpFacts, _all_fields
from codegen_assets.core.understanding.fields import IDENT, FieldPhrase, read_fields
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.roles import _roles
from codegen_assets.core.understanding.rules import read_rules
from codegen_assets.core.understanding.sketch_facts import _read_sketch
from codegen_assets.core.understanding.topics import _NODE_NAMED, _dependencies, _topics
from codegen_assets.core.understanding.types import Typed
from codegen_assets.core.understanding.vocabulary import DEPENDENCY_NAME, VERBS


def read(text: str) -> Facts:
    """Every fact the reader can take from ``text``."""
    facts = Facts()
    groups: list[Group] = []
    masked = text
    for found in (
        schemas.schema_groups(text),
        pasted.python_returns(text),
        pasted.sql_tables(text),
        pasted.markdown_tables(text),
        pasted.json_objects(text),
    ):
        for group in found:
            if group.role != "operation" and any(g.start <= group.start < g.end for g in groups):
                continue  # a JSON object inside a class, say (an API's operation is its own)
            groups.append(group)
            masked = _mask(masked, group.start, group.end)
    facts.code = [(g.start, g.end) for g in groups if g.source in schemas.CODE_SOURCES]
    read_spans = [(g.start, g.end) for g in groups]
    for block in sketch.sketches(masked):
        groups += _read_sketch(block, facts)
        masked = _mask(masked, block.start, block.end)
        read_spans.append((block.start, block.end))
    bracketed = bracket_names(masked)
    prose = masked  # a name in brackets with its notes is read whole, not as words of a list
    for group in bracketed:
        prose = _mask(prose, group.start, group.end)
    prose, notes = _line_lists(prose, groups)
    masked = _unmasked_brackets(masked, prose, bracketed)
    groups += sentences.read_clauses(prose)
    groups += sentences.pre_cue_fields(prose)
    groups += bracketed
    _declared_enums(groups)
    _roles(text, groups)
    said = _statements(masked, {f.name for g in groups for f in g.fields})
    for name, typed in notes.items():
        said[name] = said[name].merged(typed) if name in said else typed
    _operations(text, masked, groups, facts)
    _models(groups, facts)
    _apply_statements(facts, said)
    _same_values(facts)
    _exclusions(masked, facts)
    facts.labels |= corrections.apply(masked, facts)  # named to be dropped: accounted for
    for op in facts.operations:
        op.rules = read_rules(masked, {f.name for f in op.inputs}, {f.name for f in op.outputs})
    facts.dependencies = _dependencies(masked, facts)
    _topics(masked, facts)
    facts.examples = [(g.role or "input", ex) for g in groups for ex in g.examples]
    facts.labels |= {g.label for g in groups if g.label}
    facts.unread = _unread_blocks(text, [*read_spans, *((g.start, g.end) for g in groups)])
    # the words of pasted code (attributes, tags, keywords) are its language's, not names
    for start, end in facts.code:
        facts.labels |= {w.strip(".") for w in re.findall(r"[A-Za-z_][\w.]*", text[start:end])}
    return facts


_FENCE = re.compile(
    r"^[ \t]*(```+|~~~+)[ \t]*([\w#+.-]*)[^\n]*\n(.*?)^[ \t]*\1[ \t]*$", re.M | re.S
)


_DIAGRAMS = {"mermaid", "plantuml", "puml", "dot", "graphviz"}


def _line_lists(masked: str, groups: list[Group]) -> tuple[str, dict[str, Typed]]:
    """The lists of fields in ``masked`` added to ``groups``; a list saying more of fields
    pasted above it ("Field notes: - score is a float from 0 to 1") is notes on them instead.
    Returns the text with the lists masked, and the notes."""
    declared = {f.name for g in groups for f in g.fields}
    notes: dict[str, Typed] = {}
    for group in sentences.line_lists(masked):
        masked = _mask(masked, group.start, group.end)
        if group.fields and all(f.name in declared for f in group.fields):
            for phrase in group.fields:
                known = notes.get(phrase.name)
                notes[phrase.name] = known.merged(phrase.typed) if known else phrase.typed
            continue
        groups.append(group)
    return masked, notes


def _unmasked_brackets(masked: str, prose: str, bracketed: list[Group]) -> str:
    """``prose`` (lists masked too) with the brackets read as names shown again, for the
    readers of sentences about fields ("shirt_number is optional")."""
    for group in bracketed:
        prose = prose[: group.start] + masked[group.start : group.end] + prose[group.end :]
    return prose


def _unread_blocks(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """Fenced blocks of the prompt that no reader took anything from ("```csharp, lines 9-27"):
    what they declare is unread, so the request is not understood."""
    unread = []
    for fence in _FENCE.finditer(text):
        start, end = fence.start(3), fence.end(3)
        if not fence.group(3).strip() or any(a < end and start < b for a, b in spans):
            continue
        if fence.group(2).lower() in _DIAGRAMS:  # a flow: its topics and steps are read as words
            continue
        first = text.count("\n", 0, start) + 1
        last = first + fence.group(3).rstrip("\n").count("\n")
        unread.append(f"```{fence.group(2) or 'text'} (lines {first}-{last})")
    return unread


def without_code(text: str, facts: Facts) -> str:
    """``text`` with the code pasted in it blanked (lines kept), for readers of plain lines."""
    for start, end in facts.code:
        text = _mask(text, start, end)
    return text


def _mask(text: str, start: int, end: int) -> str:
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def _declared_enums(groups: list[Group]) -> None:
    """A field typed by the name of an enum declared elsewhere in the prompt (a Python ``Enum``
    class, a TypeScript union in another block) has its values."""
    declared = {g.label: g.values for g in groups if g.role == "enum" and g.values}
    records = {g.label for g in groups if g.fields}
    for group in groups:
        for phrase in group.fields:
            name = phrase.typed.model
            if name in declared and name not in records:
                phrase.typed.model, phrase.typed.base = "", "string"
                phrase.typed.enum = declared[name]


_STATEMENT_WINDOW = 400  # a statement about a field is one sentence


def _statements(text: str, names: set[str]) -> dict[str, Typed]:
    """What sentences say of each field. What is said of one ends where the next field is
    named ("archived_count is an int, skipped_thread_ids a list of strings"), and a field
    named inside what is said of another has its own say ("`long` is an integer, and partition
    is never negative")."""
    said = sentences.statements(text)
    if not names:
        return said
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    mentions = list(re.finditer(rf"(?<![\w.`-])`?({alternatives})`?(?![\w-])", text))
    # a field ends what is said of the one before when it is surely a name: written in
    # backticks or with an underscore (a plain word such as "at" may be just a word)
    ends = [m.start() for m in mentions if "_" in m.group(1) or m.group(0).startswith("`")]
    own: dict[str, Typed] = {}
    for mention in mentions:
        name = mention.group(1)
        end = next((e for e in ends if e > mention.start()), len(text))
        segment = text[mention.start() : min(end, mention.start() + _STATEMENT_WINDOW)]
        typed = sentences.statements(segment).get(name)
        if typed is not None:
            own[name] = own[name].merged(typed) if name in own else typed
    return {**said, **own}


# -- operations -----------------------------------------------------------------------------
def _operations(text: str, masked: str, groups: list[Group], facts: Facts) -> None:
    """Operations named (or one for the whole request), each given the groups nearest after
    its mention (before the next one)."""
    named = _named_operations(masked, groups, facts)
    facts.mentioned = set(named)
    ops = sorted(named.values(), key=lambda o: o.start)
    io = sorted((g for g in groups if g.role in ("input", "output")), key=lambda g: g.start)
    if not ops and io:
        fields = {f.name for g in groups for f in g.fields}
        ops = [OpFacts(ticked_name(text, fields) or derived_operation(text), False)]
        if not any(g.role == "input" for g in io) and (obj := verb_object(text)):
            ops[0].inputs.append(FieldPhrase(obj, Typed(base="string"), obj))
    where: dict[int, int] = {}  # each field where the prompt names it, for their order
    for group in io:
        owner = _owner(ops, group.start)
        target = owner.inputs if group.role == "input" else owner.outputs
        _extend(target, group.fields)
        for phrase in group.fields:
            found = masked.find(phrase.name, group.start, group.end)
            where.setdefault(id(phrase), found if found >= 0 else group.start)
    for op in ops:  # words made into a name give way to fields the prompt lists by name
        for side in (op.inputs, op.outputs):
            side.sort(key=lambda f: where.get(id(f), 0))
            if any(not f.guessed for f in side):
                side[:] = [f for f in side if not f.guessed or f.typed.known]
    facts.operations = ops


def _named_operations(masked: str, groups: list[Group], facts: Facts) -> dict[str, OpFacts]:
    """The operations the prompt names: a sketch's, those its sentences mention, else a pasted
    function signature's."""
    named = {op.name: op for op in facts.operations}  # from a sketch
    for mention in sentences.operation_mentions(masked):
        named.setdefault(mention.name, OpFacts(mention.name, True, start=mention.start))
    if not named:  # a pasted function signature is the operation the prompt names
        for group in groups:
            if group.source == "signature":
                named.setdefault(group.label, OpFacts(group.label, True, start=group.start))
    return named


def _extend(target: list[FieldPhrase], fields: list[FieldPhrase]) -> None:
    names = {f.name: f for f in target}
    for phrase in fields:
        if phrase.name in names:
            names[phrase.name].typed = names[phrase.name].typed.merged(phrase.typed)
        else:
            target.append(phrase)
            names[phrase.name] = phrase


_TOPICISH = re.compile(r"`[^`]*`|\b[a-z0-9_-]+(?:\.[a-z0-9_-]+){2,}\b")
_VERB = re.compile(
    r"\b(?P<verb>validates?|validate|computes?|calculates?|fetch(?:es)?|checks?|folds?|scores?"
    r"|sends?|stores?|reads?|runs?|resolves?|applies?|apply|counts?|tracks?"
    r"|detects?|builds?|parses?|normali[sz]es?|converts?|records?|publishes?|estimates?)\s+"
    r"(?:(?:the|an?|its|all|current|each|every|incoming)\s+)*`?(?P<object>[A-Za-z][\w-]*)",
    re.IGNORECASE,
)


_NODE_OBJECTS = {"node", "nodes", "effect", "compute", "reducer", "orchestrator", "it", "them"}
_NODE_OBJECTS |= {"into", "to", "from", "on", "in", "with", "per", "by", "for", "at", "of"}
_NODE_OBJECTS |= {"us", "me", "you", "something", "one", "this", "that", "out", "up"}


def _verb(text: str) -> re.Match[str] | None:
    """The first verb acting on something other than the node ("compute node" names a type)."""
    for found in _VERB.finditer(_TOPICISH.sub("", text)):
        if found.group("object").lower() not in _NODE_OBJECTS:
            return found
    return None


def verb_object(text: str) -> str:
    """The thing the prompt's verb acts on, as a field name ("validates an email address" ->
    email_address), for a one-line request that lists no inputs."""
    found = _verb(text)
    if found is None:
        return ""
    rest = _TOPICISH.sub("", text)[found.start("object") :]
    words = re.findall(r"[a-z]+", rest.split(",")[0].split(" and ")[0].lower())[:2]
    words = [w for w in words if w not in ("and", "or", "the", "a", "an", "to", "from", "of")]
    if not words or words[0] in ("node", "nodes", "it", "them"):
        return ""
    return "_".join(words)


_TICKED = re.compile(r"`([a-z][a-z0-9]*(?:_[a-z0-9]+)+)`")


def ticked_verb_name(text: str) -> str:
    """The one identifier in backticks that starts with a verb ("orchestrator please:
    `send_gift_card`"): the operation's own name, written as the user would call it."""
    names = {m.group(1) for m in _TICKED.finditer(text) if m.group(1).split("_")[0] in VERBS}
    return names.pop() if len(names) == 1 else ""


def ticked_name(text: str, fields: set[str]) -> str:
    """The one identifier in backticks that names nothing else (no field, dependency, topic or
    node): what the operation is called, in any language ("Jina la hesabu hiyo liwe
    `hesabu_malipo`")."""
    nodes = {m.group(1) for m in _NODE_NAMED.finditer(text)}
    names = {
        m.group(1)
        for m in _TICKED.finditer(text)
        if m.group(1) not in fields | nodes and not DEPENDENCY_NAME.match(m.group(1))
    }
    return names.pop() if len(names) == 1 else ""


def derived_operation(text: str) -> str:
    """A name for the one operation of a prompt that names none: the one verb-named identifier
    in backticks, or its verb and object ("validates an email address" -> validate_email)."""
    if ticked := ticked_verb_name(text):
        return ticked
    found = _verb(text)
    if found is None:  # "Compute: next cron run (cron_expr: string, ...) -> ...": the words
        titled = re.match(r"^[^:\n]{0,30}:\s*([a-z][a-z ]{2,40}?)\s*\(", text.strip(), re.I)
        return "_".join(titled.group(1).lower().split()) if titled else "process"
    verb = found.group("verb").lower()
    if verb.endswith("ies"):
        verb = verb[:-3] + "y"
    elif verb.endswith(("sses", "shes", "ches", "xes", "zes")):
        verb = verb[:-2]
    elif verb.endswith("s") and not verb.endswith("ss"):
        verb = verb[:-1]
    return f"{verb}_{found.group('object').lower().replace('-', '_')}"


# -- nested models --------------------------------------------------------------------------
def _models(groups: list[Group], facts: Facts) -> None:
    """Models for what each item of a list holds, linked to the list field they describe."""
    every = [f for op in facts.operations for f in (*op.inputs, *op.outputs)]
    every += [f for g in groups if g.role == "model" for f in g.fields]
    labels = {g.label for g in groups if g.fields}
    for group in groups:
        if group.source == "json":
            _json_models(group, facts)
        if group.role != "model":
            continue
        name = group.label and _class_name(group.label)
        target = _list_field(group, every, name)
        if target is not None and target.typed.base not in ("", "object"):
            target = None  # "votes_par_choix (liste d'entiers)" is not a list of votes
        if target is not None and not target.typed.model:
            if group.source == "prose" or not name:  # "each line item has ..." names the model
                name = _class_name(group.label or _singular(target.name))
            target.typed.model, target.typed.is_list, target.typed.base = name, True, ""
        elif target is not None and not name and target.typed.model not in labels:
            name = target.typed.model  # "rows (list of SensorRow)" for the rows of a CSV
        referenced = any(f.typed.model == name for f in every)
        plain_noun = group.label[:1].islower()  # "a vote", not "model `TimeEntry`"
        if group.source == "prose" and plain_noun and not referenced and facts.operations:
            # "Un vote se compose de ...": nothing holds a list of them, so it is what comes in
            _extend(_owner(facts.operations, group.start).inputs, group.fields)
        elif name:
            facts.models[name] = group.fields


def _owner(ops: list[OpFacts], start: int) -> OpFacts:
    owner = ops[0]
    for op in ops:
        if op.start <= start:
            owner = op
    return owner


def _json_models(group: Group, facts: Facts) -> None:
    """A list of objects in a JSON example: a model of every key they have."""
    example = group.examples[0] if group.examples else {}
    for phrase in group.fields:
        value = example.get(phrase.name)
        if phrase.typed.model and isinstance(value, list):
            facts.models.setdefault(phrase.typed.model, pasted.json_item_fields(value))


def _list_field(group: Group, fields: list[FieldPhrase], name: str) -> FieldPhrase | None:
    lists = [f for f in fields if f.typed.is_list or f.typed.model == group.label]
    for phrase in lists:
        if phrase.typed.model and phrase.typed.model == group.label:
            return phrase
    noun = _singular(group.label.lower().replace(" ", "_")) if group.label else ""
    for phrase in lists:
        if noun and (
            noun in phrase.text.lower().replace(" ", "_") or _singular(phrase.name) == noun
        ):
            return phrase
    untyped = [f for f in lists if not f.typed.base or f.typed.base == "object"]
    return untyped[-1] if untyped else None


def _singular(word: str) -> str:
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("xes", "x"), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + repl
    return word


def _class_name(text: str) -> str:
    words: list[str] = re.findall(r"[A-Za-z0-9]+", text)
    if len(words) == 1 and words[0][:1].isupper() and not words[0].isupper():
        return words[0]
    return "".join(w[:1].upper() + w[1:].lower() for w in words)


# -- statements, enums, exclusions ----------------------------------------------------------
def _apply_statements(facts: Facts, said: dict[str, Typed]) -> None:
    for phrase in _all_fields(facts):
        typed = said.get(phrase.name) or said.get(f"*{_singular(phrase.name)}")
        if typed is not None:
            if typed.base and phrase.typed.base and not typed.enum:
                phrase.typed.base = typed.base
            if typed.enum and phrase.typed.base == "string":
                phrase.typed.base = ""  # an example's string, said to be one of a few values
            phrase.typed = phrase.typed.merged(typed)


def _same_values(facts: Facts) -> None:
    """ "same four values", "mêmes valeurs que type_evenement": another field's enum."""
    seen = {f.name: f.typed.enum for f in _all_fields(facts) if f.typed.enum}
    last: tuple[str, ...] = ()
    for phrase in _all_fields(facts):
        if phrase.typed.same_as:
            values = seen.get(phrase.typed.same_as, ()) if phrase.typed.same_as != "?" else last
            if values:
                phrase.typed.enum = values
        if phrase.typed.enum:
            seen[phrase.name] = phrase.typed.enum
            last = phrase.typed.enum


_EXCEPT = re.compile(rf"\bexcept\s+`?({IDENT})`?", re.IGNORECASE)


def _exclusions(text: str, facts: Facts) -> None:
    """ "take every column above except created_at": that field is not an input."""
    dropped = set(_EXCEPT.findall(text))
    for op in facts.operations:
        op.inputs = [f for f in op.inputs if f.name not in dropped]


__all__ = ["Facts", "OpFacts", "derived_operation", "read", "read_fields", "without_code"]
