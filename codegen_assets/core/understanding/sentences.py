"""Facts stated in sentences and lists: which fields go in, which come back, what each item of
a list holds, what a named field is ("shipment_id is a uuid"), which operation is meant."""

from __future__ import annotations

import re
from dataclasses import dataclass

from codegen_assets.core.understanding.fields import (
    IDENT,
    PHRASE_STOP,
    FieldPhrase,
    loose_line_field,
    read_fields,
    read_line_field,
)
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.types import Typed, parse_type

# What opens a list of inputs, of outputs, or of what each item of a list holds.
_INPUT = (
    r"\b(?:inputs?|eingaben?|entr[ée]es?|en\s+entr[ée]e|params?|parameters?|arguments?|fields?|felder"
    r"|event|command|request)\s*(?:fields?\s*)?[:=]|\binputs?\s+(?:is|are)\b"
    r"|\b(?:event|command|request|message)\s+(?:has|holds|contains)\b"
    r"|\b(?:takes?|taking|receives?|receiving|accepts?|it\s+(?:also\s+)?gets|gets|carries|carrying"
    r"|bekommt|erh[äa]lt|nimmt|re[çc]oit|prend|accepte|given|recibe|riceve|recebe|ontvangt)\b"
    r"|\b(?:entradas?|par[áa]metros|parametri|campos(?:\s+del\s+evento)?|campi|ingressi|invoer"
    r"|velden)\s*[:=]"
    r"|\b(?:inputs?|eingaben?|entr[ée]es?|entradas?)\b(?=\s+`)"
    r"|\b(?:event|ereignis|[ée]v[ée]nement|evento|command|befehl|commande|request|anfrage)\b"
    r"[^:.\n]{0,30}:(?=\s*(?:\n|$))|\(\s*(?:process\s+|node\s+)?inputs?\s*\)"
    r"|\bwith\b(?=\s+`?[a-z_]+`?\s*\()|(?<![\w.])in\s*:(?=\s)"
)
_OUTPUT = (
    r"\b(?:outputs?|out|ausgaben?|ergebnis|sorties?|en\s+sortie|result|response|state\s+out|state"
    r"|state\s+returned|returns?|zur[üu]ck)\s*(?:fields?\s*|felder\s*)?[:=]"
    r"|\bder\s+zustand[^:.]*?:|\bl'[ée]tat\s+produit\s+contient\b|\bstate\s+(?:it\s+)?emits\b|\boutputs?\s+(?:is|are)\b"
    r"|(?P<into>\binto\b)"
    r"|\b(?:returns?|returning|gives\s+back|gives|yields|responds\s+with|answers\s+with"
    r"|the\s+result\s+is|the\s+decision\s+it\s+returns\s+has|returns\s+a\s+state\s+with"
    r"|(?:the\s+)?state\s+(?:it\s+)?(?:returned|returns|out|produced|holds)|stores"
    r"|zur[üu]ck\s+kommen|zur[üu]ckgegeben|gibt\s+zur[üu]ck|liefert"
    r"|renvoie|retourne|and\s+returns|produces|devuelve|retorna|restituisce|ritorna|devolve"
    r"|geeft\s+terug|zur[üu]ckgeben|l'[ée]tat\s+renvoy[ée]\s+contient|(?:the\s+)?state\s+(?:it\s+)?returns\s+contains)\b"
    r"|\b(?:salidas?|resultado|estado\s+resultante|uscita|risultato|sa[íi]da|uitvoer|resultaat"
    r"|estado)\s*[:=]"
    r"|\b(?:outputs?|ausgaben?|sorties?|salidas?)\b(?=\s+`)"
    r"|(?<=\))\s*(?:→|⟶|⇒|->|=>)"
    r"|\b(?:comes?|sends?|gets?\s+sent)\s+back\b|\(\s*(?:process\s+|node\s+)?outputs?\s*\)"
    r"|\b(?:state|zustand|[ée]tat|estado|stato|staat)\b[^:.\n]{0,30}:(?=\s*(?:\n|$))"
)
_EACH = re.compile(
    r"\b(?:each|every|where\s+each|où\s+chaque|ou\s+chaque|chaque|jede[rs]?|jedes|cada|ogni)\s+"
    r"(?P<noun>(?:(?!(?:is|are|ist|est|es|è)\s)[^\W\d_][\w-]*\s+){0,2}?)"
    r"(?:has|have|with|holds|contains|a|hat|enthält|tiene|contiene|:)\s+",
    re.IGNORECASE,
)
# "A TariffSlice is made of ...", "Un vote se compose de ...", "model `TimeEntry` with ...":
# what one thing holds (a nested model, or the event itself when nothing lists it).
_CONSISTS = re.compile(
    r"(?P<noun>(?:`?[^\W\d_][\w-]*`?\s+){1,3}?)(?:is\s+)?(?:consisting\s+of|consists\s+of|made\s+of"
    r"|(?:is\s+)?composed\s+of|se\s+compose\s+de|est\s+compos[ée]e?\s+de|besteht\s+aus|bestehend\s+aus"
    r"|se\s+compone\s+de|est[áa]\s+compuest[oa]\s+(?:de|por)|compuest[oa]\s+(?:de|por)"
    r"|[èe]\s+compost[oa]\s+da|consiste\s+(?:en|em|di)|bestaat\s+uit)\s+",
    re.IGNORECASE,
)
_MODEL_DEF = re.compile(
    r"\b(?:model|type|struct|class|record|objet|mod[èe]le|modell|modelo|modello)\s+`?(?P<noun>[A-Z]\w*)`?"
    r"\s*(?:with|has|holds|having|mit|avec|con|com|met|:)\s+",
)
_CUE = re.compile(rf"(?P<input>{_INPUT})|(?P<output>{_OUTPUT})", re.IGNORECASE)
_SENTENCE_END = re.compile(
    r"(?<=[.!?])\s+(?=[A-Z`\"'(]|$)|\n\s*\n|\n(?=\s*(?:[-*\u2022]|\d+[.)])\s)"
    r"|\n(?=\s*[A-ZÄÖÜÉ][\w\- ]{0,30}\s?:(?:\s|$))"
)
# where what is said of one field ends: another's statement, a list item, a blank line
_NEXT_STATEMENT = (
    r"(?:,|\s+and)\s*`?[A-Za-z_]\w*`?\s+(?:is|are|an?|one\s+of|defaults?\s+to)\b"
    r"|\n[ \t]*(?:[-*+•]|\d+[.)])\s|\n[ \t]*\n"
)
_STATEMENT = re.compile(
    rf"(?:^|[\s(,;])`?(?P<name>{IDENT})`?\s+(?:list\s+)?(?:is|are|ist|sind|est|sont|must|should)\s+(?:always\s+|also\s+)?"
    rf"(?P<type>(?:(?!{_NEXT_STATEMENT})[^.;()])*)",
    re.IGNORECASE,
)
# "..., minutes_remaining an int and breach_kind one of a, b or c": the verb said once before
_ELIDED = re.compile(
    rf"(?:,|\band)\s+`?(?P<name>[a-z][a-z0-9_]*)`?\s+(?=(?:an?|one\s+of)\s)"
    rf"(?P<type>(?:(?!{_NEXT_STATEMENT})[^.;()])*)",
)
# "`landscape` defaults to false"
_DEFAULTS_TO = re.compile(
    rf"(?:^|[\s(,;])`?(?P<name>{IDENT})`?\s+(?P<type>defaults?\s+to\s+[^.;,()]+)", re.IGNORECASE
)
_COMES_FROM = re.compile(
    rf"\b(?:comes?\s+from|given\s+by|from)\s+`?(?P<name>{IDENT})`?\s*,\s*(?:which|that)\s+is\s+(?P<type>[^.;]*)",
    re.IGNORECASE,
)
_REJECT_EMPTY = re.compile(
    rf"\b(?:reject|refuse|disallow|forbid)s?\s+(?:an?\s+|the\s+)?empty\s+(?:list\s+of\s+)?`?(?P<name>{IDENT})`?",
    re.IGNORECASE,
)
_PLURAL_STATEMENT = re.compile(r"\b(?P<noun>[A-Za-z]+?)s\s+are\s+(?P<type>[^.;]*)", re.IGNORECASE)


@dataclass
class Clause:
    """A sentence (or a list line) and where it starts in the prompt."""

    text: str
    start: int


def clauses(text: str) -> list[Clause]:
    """Sentences and list items, with their offsets (a topic's dots do not end one)."""
    found, position = [], 0
    for match in _SENTENCE_END.finditer(text):
        found.append(Clause(text[position : match.start()], position))
        position = match.end()
    found.append(Clause(text[position:], position))
    return [c for c in found if c.text.strip()]


_CLIP = re.compile(
    r"\s+(?:and\s+)?(?:when|if|after|before|then|where|once|so|which\s+(?:the|it|we)|it\s+(?:should|publishes|emits|posts)"
    r"|wenn|dann|nach|quand|puis|apr[èe]s|publie|publish\w*|emit\w*|to\s+(?:ping|the)|through|via|from\s+the"
    r"|(?:it\s+)?(?:needs|requires|uses|depends\s+on))\b",
    re.IGNORECASE,
)


def _clip(text: str) -> str:
    """A list ends at a new sentence, a colon-less cue of the other kind, or a clause about
    something else ("after the insert", "if step 2 fails", "to ping"), outside brackets: words
    about one field ("tier (one of the tiers the team uses)") do not end the list."""
    for match in _CLIP.finditer(text):
        before = text[: match.start()]
        if before.count("(") <= before.count(")") and before.count("[") <= before.count("]"):
            text = before
            break
    return text.strip(" .:;,")


def read_clause(clause: Clause, carried: str = "") -> list[Group]:
    """The field lists one sentence states, each with its role (input, output or model); a
    sentence that opens with "also" continues the ``carried`` role of the one before."""
    groups: list[Group] = []
    text = clause.text
    if carried and _CONTINUES.match(text) and not _CUE.search(text):
        fields, _ = read_fields(_clip(_CONTINUES.sub("", text)))
        fields = [f for f in fields if f.typed.known or f.typed.is_list]
        if fields:
            groups.append(
                Group(fields, clause.start, clause.start + len(text), "", carried, "prose")
            )
        return groups
    cues = [
        m for m in _CUE.finditer(text) if not m.group("into") or _FOLDS.search(text[: m.start()])
    ]
    each = [*_EACH.finditer(text), *_MODEL_DEF.finditer(text), *_CONSISTS.finditer(text)]
    cues = [c for c in cues if not _IN_VALUES.search(text[max(0, c.start() - 24) : c.start()])]
    per_item = [(m.start(), m.end()) for m in _PER_ITEM.finditer(text)]  # "back per command:"
    cues = [c for c in cues if not any(a <= c.start() < b for a, b in per_item)]
    inside = [(m.start(), m.end() + 2) for m in each]
    cues = [c for c in cues if not any(a <= c.start() <= b for a, b in inside)]
    marks = sorted(
        [(m.start(), m.end(), "input" if m.group("input") else "output") for m in cues]
        + [(m.start(), m.end(), "model:" + _noun(m)) for m in each]
    )
    outer = ""
    for index, (start, end, role) in enumerate(marks):
        stop = marks[index + 1][0] if index + 1 < len(marks) else len(text)
        body = _PER_ITEM_LEAD.sub("", text[end:stop])
        if role.startswith("model") and ";" in body and outer:  # "où chaque colis a …; le pays"
            body, rest = body.split(";", 1)
            fields, _ = read_fields(_clip(rest))
            if fields:
                groups.append(
                    Group(fields, clause.start + end, clause.start + stop, "", outer, "prose")
                )
        if not role.startswith("model"):
            outer = role
        body = _clip(_FILLER.sub("", body))
        fields, _ = read_fields(body, phrases=not role.startswith("model"))
        fields = [f for f in fields if not _is_event_name(f)]
        colon = text[start:end].rstrip().endswith((":", "="))
        if not colon:  # "stores things": a vague word is no field
            fields = [f for f in fields if f.typed.known or f.typed.is_list or not _vague(f.name)]
        explicit = colon or role == "output"
        if not fields or not (explicit or any(f.typed.known or f.typed.is_list for f in fields)):
            continue
        label = role.partition(":")[2]
        groups.append(
            Group(
                fields,
                clause.start + start,
                clause.start + stop,
                label,
                role.partition(":")[0],
                "prose",
            )
        )
    return groups


_FILLER = re.compile(  # "Zurückgeben soll sie breitengrad ...": the modal after a cue
    r"^\s*(?:soll(?:en|te)?\s+(?:sie|er|es|der\s+knoten)|should|must|will|shall|doit|devrait|debe"
    r"|deve|moet)\b\s*",
    re.IGNORECASE,
)
_IN_VALUES = re.compile(  # "qui vaut accepte ou refuse": a value, not "accepts"
    r"\b(?:vaut|one\s+of|either|parmi|von|valeurs|values|ou|or|oder)\s*,?\s*$", re.IGNORECASE
)
_FOLDS = re.compile(r"\b(?:folds?|aggregates?|accumulates?|reduces?|tallies|merges?)\b", re.I)
_CONTINUES = re.compile(r"^\s*(?:also|plus|and|as\s+well|auch|aussi|ainsi\s+que)\b\s*,?\s*", re.I)


def _noun(match: re.Match[str]) -> str:
    """What a model cue names: "line item" (each ...), "TariffSlice", "vote" (... made of)."""
    noun = match.group("noun").strip().strip("`")
    if match.re is _EACH:
        return noun
    return noun.split()[-1].strip("`") if noun.split() else ""


def _vague(name: str) -> bool:
    return name.lower() in PHRASE_STOP or name.lower().rstrip("s") in PHRASE_STOP


def _is_event_name(phrase: FieldPhrase) -> bool:
    """``Output: VatCalculated``: an event (the old outcome form), not a field."""
    return phrase.name[:1].isupper() and not phrase.typed.known


def line_lists(text: str) -> list[Group]:
    """Lists of one field a line ("actor_id -> uuid", "- sujet : une chaîne"), each after the
    line that introduces it ("inputs:", "Eingabe:", "reçoit :")."""
    groups: list[Group] = []
    lines = text.split("\n")
    offsets, position = [], 0
    for line in lines:
        offsets.append(position)
        position += len(line) + 1
    i = 0
    while i < len(lines):
        fields: list[FieldPhrase] = []
        j = i
        while j < len(lines):
            phrase = read_line_field(lines[j])
            follows = lines[j + 1] if j + 1 < len(lines) else ""
            if phrase is None and fields and (not follows.strip() or read_line_field(follows)):
                phrase = loose_line_field(lines[j])  # a field amid fields, its type not known
            if phrase is None:
                break
            fields.append(phrase)
            j += 1
        intro = lines[i - 1] if i > 0 else ""
        if len(fields) >= 2 or (fields and (intro.rstrip().endswith(":") or heading_role(intro))):
            role, label = cue_role(intro), ""
            if not role and (named := _MODEL_HEADING.match(intro)):  # "ContactCard", "## LineItem"
                role, label = "model", named.group(1) or named.group(2)
            end = offsets[j - 1] + len(lines[j - 1])
            groups.append(Group(fields, offsets[i], end, label, role, "list"))
            i = j
        else:
            i += 1
    return groups


def read_clauses(text: str) -> list[Group]:
    """Every clause's groups, each clause told the role the one before it ended with."""
    groups: list[Group] = []
    carried = ""
    for clause in clauses(text):
        found = read_clause(clause, carried)
        groups += found
        roles = [g.role for g in found if g.role in ("input", "output")]
        carried = roles[-1] if roles else carried if _CONTINUES.match(clause.text) else ""
    return groups


def pre_cue_fields(text: str) -> list[Group]:
    """Typed fields written before any cue in a sentence that has an output cue ("fetch the rate
    for base_currency/quote_currency (both strings) ... and return rate (decimal)"; "(field
    `email`, a string)"): the inputs."""
    groups = []
    for clause in clauses(text):
        cues = [
            m
            for m in _CUE.finditer(clause.text)
            if not m.group("into") or _FOLDS.search(clause.text[: m.start()])
        ]
        first = cues[0] if cues else None
        if first is None or first.group("input"):
            continue
        head = clause.text[: first.start()]
        for paren in re.finditer(r"\(([^()]*)\)", head):
            inner = re.sub(r"^\s*(?:field|feld|champ)\s+", "", paren.group(1), flags=re.I)
            before = head[: paren.start()]
            fields, _ = read_fields(inner)
            named = [f for f in fields if f.typed.known or f.typed.is_list]
            if not named:
                words = re.findall(rf"({IDENT}(?:/{IDENT})*)\s*$", before.strip())
                typed = parse_type(inner)
                if words and typed.known:
                    named = [FieldPhrase(n, parse_type(inner)) for n in words[0].split("/")]
            if named:
                groups.append(
                    Group(
                        named,
                        clause.start + paren.start(),
                        clause.start + paren.end(),
                        "",
                        "input",
                        "prose",
                    )
                )
    return groups


def _constrains(typed: Typed) -> bool:
    bounds = (typed.ge, typed.gt, typed.le, typed.lt, typed.min_length, typed.max_length)
    return any(b is not None for b in bounds) or bool(typed.format)


_HEADING = re.compile(
    r"^\s*(?:#+\s*|\*\*|__)?(?P<words>[^\W\d][\w' ]{1,40}?)\s*(?:\*\*|__)?\s*:?\s*$"
)
_INPUT_HEADING = re.compile(
    r"^(?:inputs?|in|request|request\s+fields|parameters|params|arguments|eingaben?|eingangsdaten"
    r"|entr[ée]es?|param[èe]tres|entradas?|par[áa]metros|ingressi|input|invoer|dados\s+de\s+entrada"
    r"|what\s+(?:it|we)\s+(?:gets?|takes?|sends?)|command|event|payload)$",
    re.I,
)
_OUTPUT_HEADING = re.compile(
    r"^(?:outputs?|out|response|result|returns|state|ausgaben?|ergebnis|r[üu]ckgabe|zustand"
    r"|sorties?|r[ée]sultat|r[ée]ponse|[ée]tat|salidas?|resultado|respuesta|uscita|risultato"
    r"|sa[íi]da|uitvoer|resultaat|what\s+(?:it|we)\s+(?:returns?|gets?\s+back))$",
    re.I,
)


_MODEL_HEADING = re.compile(
    r"^\s*(?:#+\s*|\*\*)?`?([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*)`?(?:\*\*)?\s*:?\s*$"
    # "Each LineItem has:", "Cada Participante tem:", "Jeder Posten hat:"
    r"|^\s*(?i:each|every|cada|chaque|jede[rs]?|ogni|elke|iedere?|varje|hver)\s+`?([A-Z]\w*)`?\s+"
    r"(?i:has|have|contains|tem|tiene|cont[ée]m|a|hat|ha|heeft|bevat|har)\s*:\s*$"
)


def heading_role(line: str) -> str:
    """ "input" or "output" for a heading of one cue word ("## Eingabe", "Sortie"), else ""."""
    if heading := _HEADING.match(line):
        words = heading.group("words").strip()
        if _INPUT_HEADING.match(words):
            return "input"
        if _OUTPUT_HEADING.match(words):
            return "output"
    return ""


_PER_ITEM_LEAD = re.compile(r"^\s*(?:per|for\s+each)\s+\w+\s*:?", re.I)
_PER_ITEM = re.compile(r"\b(?:per|for\s+each)\s+(?:event|command|request|message)\b", re.I)


def cue_role(text: str) -> str:
    """ "input" or "output" by the last cue in ``text`` (the words before a group), else "";
    a heading of one cue word says it alone."""
    if heading := heading_role(text):
        return heading
    text = _PER_ITEM.sub("", text)  # "what comes back per command": not the command
    found = [m for m in _CUE.finditer(text) if not m.group("into")]
    if not found:
        return ""
    return "input" if found[-1].group("input") else "output"


def statements(text: str) -> dict[str, Typed]:
    """What sentences say of a named field: "shipment_id is a uuid", "cost is a decimal",
    "outcome is always one of success, failure, timeout", "amounts are decimals"."""
    said: dict[str, Typed] = {}
    for pattern in (_STATEMENT, _COMES_FROM, _ELIDED, _DEFAULTS_TO):
        for match in pattern.finditer(text):
            typed = parse_type(match.group("type"))
            if typed.known or _constrains(typed) or typed.optional or typed.has_default:
                name = match.group("name")
                said[name] = said[name].merged(typed) if name in said else typed
    for match in _REJECT_EMPTY.finditer(text):  # "Reject an empty list of lines."
        name = match.group("name")
        said[name] = said[name].merged(Typed(min_length=1)) if name in said else Typed(min_length=1)
    for match in _PLURAL_STATEMENT.finditer(text):
        typed = parse_type(match.group("type"))
        noun = match.group("noun").lower()
        if typed.known and len(noun) > 2:
            key = f"*{noun}"
            said[key] = said[key].merged(typed) if key in said else typed
    return said


# -- operations -----------------------------------------------------------------------------
_OP_NAME = rf"`?(?P<name>{IDENT}(?:\.{IDENT})?)`?"
_OPERATION_WORD = (
    r"(?:operation|operaton|opration|opération|operacion|operación|operazione|operação|operacao"
    r"|operatie|op|operationen|main\s+step|entry\s+point)\b"
)
_OP_PATTERNS = [
    re.compile(
        rf"\b{_OPERATION_WORD}(?:\s+name)?\s*(?:is|should\s+be\s+called|is\s+called|called|named|heißt|heisst|s'appelle"
        rf"|se\s+llama|si\s+chiama|chama-se|se\s+chama|heet|:|=|,)?\s*{_OP_NAME}",
        re.IGNORECASE,
    ),
    re.compile(rf"\b(?:the|an?|its|their)\s+{_OP_NAME}\s+{_OPERATION_WORD}\b", re.IGNORECASE),
    re.compile(
        rf"\b(?:handled\s+by|handles\s+the|call\s+the\s+operation|entry\s+operation)\s+{_OP_NAME}",
        re.I,
    ),
    re.compile(rf"\b(?:one\s+thing\s+it\s+does\s+is|single\s+operation,?)\s+{_OP_NAME}", re.I),
    re.compile(rf"`(?P<name>{IDENT}\.{IDENT})`\s+(?:event|command|operation|request)\b", re.I),
    re.compile(rf"\b(?:node\s+for|for)\s+`(?P<name>{IDENT}\.{IDENT})`", re.I),
]
_NOT_OPERATIONS = {
    "name", "names", "is", "the", "a", "an", "and", "for", "of", "to", "it", "that", "which",
    "should", "with", "in", "on", "by", "as", "x", "heißt", "s", "called", "named", "node",
    "nodes", "ops", "operations", "input", "inputs", "output", "outputs", "takes", "receives",
    "returns", "be", "sont", "est", "ist", "single", "first", "main", "only", "new", "one",
    "two", "three", "each", "every", "this", "these", "those", "same", "other", "entry",
    "whatever", "anything", "any", "up", "your", "you", "tbd", "none", "dunno", "doesn",
}  # fmt: skip


@dataclass
class Mention:
    """An operation named in the prompt, and where."""

    name: str
    start: int


_WITH_OPERATIONS = re.compile(  # "with record, refund operations", "with create and read ops"
    rf"\bwith\s+(?P<names>`?{IDENT}`?(?:\s*(?:,|\band\b|\bor\b)\s*`?{IDENT}`?)*)\s+(?:operations|ops)\b",
    re.IGNORECASE,
)


_OPERATIONS_HEADER = re.compile(
    r"(?:^|(?<=[.!?])\s)\s*(?:#+\s*)?(?:operations|ops|op[ée]rations|operationen|operaciones|operazioni"
    r"|opera[çc][õo]es)"
    r"\s*:\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_LISTED_OPERATION = re.compile(
    rf"^\s*(?:[-*+\u2022]|\d+[.)])\s*`?(?P<name>{IDENT})`?\s*(?:[:(\u2013\u2014]|\s-\s|$)"
)


def _listed_operations(text: str) -> list[Mention]:
    """ "Operations:" and a list under it ("- score_application: score one application")."""
    found = []
    for header in _OPERATIONS_HEADER.finditer(text):
        position = header.end() + 1
        for line in text[position:].split("\n"):
            if not line.strip():
                break
            if item := _LISTED_OPERATION.match(line):
                if item.group("name").lower() not in _NOT_OPERATIONS:
                    found.append(Mention(item.group("name"), position + item.start("name")))
            elif not line.startswith((" ", "\t")):
                break
            position += len(line) + 1
    return found


def _with_operations(text: str) -> list[Mention]:
    found = []
    for listed in _WITH_OPERATIONS.finditer(text):
        for name in re.finditer(IDENT, listed.group("names")):
            if name.group(0).lower() not in _NOT_OPERATIONS | {"and", "or"}:
                found.append(Mention(name.group(0), listed.start("names") + name.start()))
    return found


def operation_mentions(text: str) -> list[Mention]:
    """Operations the prompt names, in order of first mention."""
    found: dict[str, Mention] = {}
    for listed in [*_listed_operations(text), *_with_operations(text)]:
        found.setdefault(listed.name, listed)
    for pattern in _OP_PATTERNS:
        for match in pattern.finditer(text):
            name = match.group("name").strip(".")
            if name.lower() in _NOT_OPERATIONS or name.lower().startswith("onex."):
                continue
            if name[:1].isupper() or name[:1] == "_":
                continue  # operations are snake_case ("Then", "Input" start a sentence)
            if "." in name and not re.fullmatch(rf"{IDENT}\.{IDENT}", name):
                continue
            if name not in found or match.start() < found[name].start:
                found[name] = Mention(name, match.start())
    return sorted(found.values(), key=lambda m: m.start)
