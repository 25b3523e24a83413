"""Fields named in words: ``quantity (an int, at least 1)``, ``node_id: string``,
``actor_id -> uuid``, ``artikel_nr \u2013 eine Zeichenkette``, ```message`, a string of at most 4000
characters``, ``user_id uuid``, ``previous_rank and new_rank (both ints)``, ``a list of line
items called `lines```. A name is an identifier as written; anything else is left for the
caller to report."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from codegen_assets.core.understanding.types import ROUNDED, Typed, parse_type
from codegen_assets.core.understanding.vocabulary import TYPE_WORDS

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_NAME = re.compile(rf"^`?({IDENT})`?$")
_ARTICLE = re.compile(
    r"^(?:and\s+|und\s+|et\s+|also\s+|plus\s+|or\s+|as\s+well\s+as\s+)?"
    r"(?:(?:a|an|the|its|their|ein|eine|einen|der|die|das|le|la|les|l'|un|une|des|du)\s+(?!\())?",
    re.IGNORECASE,
)
_OPTIONALLY = re.compile(r"^(?:optionally|optional(?:ly)?|facultativement|optional)\s+", re.I)
# Separators of a field from its type.
_TYPED = re.compile(
    rf"^`?(?P<name>{IDENT})`?\s*(?:\((?P<paren>.*)\)\s*(?P<after>.*)|(?:->|=>|-->|→|⟶|⇒|➜|➔|\u2013|\u2014|:|=|\s-\s)\s*(?P<rest>.+)|,\s*(?P<appos>.+)|\s+(?P<terse>.+))?$",
    re.IGNORECASE | re.DOTALL,
)
_BEFORE_PAREN = re.compile(
    rf"^(?:[\w-]+\s+){{1,4}}`?(?P<name>{IDENT})`?\s*\((?P<paren>[^()]*)\)\s*$", re.DOTALL
)
_CALLED = re.compile(
    rf"^(?P<type>.*?)\b(?:called|named|namens|nomm[ée]e?|appel[ée]e?)\s+`?(?P<name>{IDENT})`?(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_TYPE_THEN_NAME = re.compile(rf"^(?P<type>[\w\s]+?)\s+`(?P<name>{IDENT})`(?P<rest>.*)$", re.DOTALL)
_NAME_THEN_TYPE = re.compile(rf"^`(?P<name>{IDENT})`\s+(?P<type>.+)$", re.DOTALL)
_SHARED = re.compile(
    r"^\(?\s*(?:both|all|beide|beides|alle|tous|toutes|les\s+deux|ambos|ambas|entrambi|entrambe"
    r"|todos|tutti|allebei|oba|obie)\b\s*(?P<type>.*?)\)?$",
    re.IGNORECASE,
)
_BOTH = re.compile(
    r"\b(?:both|all|beide|beides|alle|tous|toutes|les\s+deux|ambos|ambas|entrambi|entrambe|todos"
    r"|tutti|allebei|oba|obie)\b",
    re.IGNORECASE,
)
_SPLIT = re.compile(
    r",|;|\.\s+|\s+(?:and|und|et|y|e|plus|as\s+well\s+as|sowie|ainsi\s+que)\s+|\s+\+\s+"
    r"|/(?=[a-z_]+\b)",
    re.IGNORECASE,
)
_NOT_NAMES = {
    "a", "an", "the", "and", "or", "is", "it", "its", "which", "that", "this", "with", "of", "to",
    "for", "in", "on", "at", "by", "from", "as", "be", "are", "also", "optionally", "optional",
    "plus", "then", "all", "both", "each", "every", "one", "two", "three", "list", "lists",
    "string", "int", "float", "bool", "decimal", "uuid", "datetime", "date", "object", "true",
    "false", "none", "null", "not", "no", "yes", "und", "oder", "et", "ou", "le", "la", "les",
    "un", "une", "des", "der", "die", "das", "ein", "eine", "mit", "avec", "returns", "takes",
    "gets", "receives", "field", "fields", "input", "output", "inputs", "outputs", "new",
    "nothing", "else", "only", "just", "some", "any", "must", "should", "can", "may", "will",
    "when", "if", "we", "you", "i", "operation", "op", "node", "event", "events",
}  # fmt: skip


@dataclass
class FieldPhrase:
    """A field as written: its name and everything said about its type."""

    name: str
    typed: Typed = field(default_factory=Typed)
    text: str = ""  # the words it was read from
    guessed: bool = False  # a name made from plain words ("the new total" -> new_total)
    role_guessed: bool = False  # read as an output though no word said it is one


_BETWEEN_RUN = re.compile(
    r"\b(?:between|zwischen|entre)\s+-?[\w.]+\s+(?:and|und|et)\s+-?[\w.]+", re.IGNORECASE
)
_ENUM_RUN = re.compile(
    r"\b(?:one\s+of|is|are|either|which\s+is|wich\s+is|qui\s+vaut|vaut|parmi|von|valeurs|werte)"
    r"\s+(?:[\w-]+\s*,\s*)+[\w-]+\s*,?\s+(?:or|oder|ou|und|and|et)\s+[\w-]+",
    re.IGNORECASE,
)
# "checksum = amount * 31 + count": an expression is one item (up to the next "x =")
_FORMULA_RUN = re.compile(
    r"(?<![<>!=≤≥])=(?!=)\s*(?:(?!\s+(?:and|und|et)\s+\w+\s*=|\.\s|\.$)[^,;=])+"
)
_SLASH_RUN = re.compile(  # "one of xgboost/lightgbm/logreg": values, not three fields
    r"\b(?:one\s+of|either|einer?\s+von|l'une\s+des|parmi|uno\s+de|values?|werte|valeurs)\s*:?\s*"
    r"[\w-]+(?:\s*/\s*[\w-]+)+",
    re.IGNORECASE,
)
_SLASH = "\x02"
_KEPT = "\x00"
_SPACE = "\x01"


def split_items(text: str) -> list[str]:
    """Split a list at commas, semicolons and "and", never inside brackets, backticks or a list
    of values ("is gold, silver or bronze")."""
    text = _ENUM_RUN.sub(lambda m: m.group(0).replace(",", _KEPT), text)
    text = _SLASH_RUN.sub(lambda m: m.group(0).replace("/", _SLASH), text)
    text = _BETWEEN_RUN.sub(lambda m: m.group(0).replace(" ", _SPACE), text)
    text = _FORMULA_RUN.sub(lambda m: m.group(0).replace(" ", _SPACE), text)
    return [
        p.replace(_KEPT, ",").replace(_SPACE, " ").replace(_SLASH, "/") for p in _split_items(text)
    ]


def _split_items(text: str) -> list[str]:
    parts, depth, start, tick = [], 0, 0, False
    for match in re.finditer(r"[()\[\]{}`]|" + _SPLIT.pattern, text, re.IGNORECASE):
        token = match.group(0)
        if token == "`":
            tick = not tick
        elif token in "([{":
            depth += 1
        elif token in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0 and not tick:
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _plain_name(word: str) -> bool:
    """A name given a type explicitly ("zeitpunkt (Zeitstempel)"), even one that is a type word."""
    return bool(re.fullmatch(IDENT, word)) and word.lower() not in _NOT_NAMES


def _is_name(word: str) -> bool:
    lowered = word.lower()
    return (
        bool(re.fullmatch(IDENT, word)) and lowered not in _NOT_NAMES and lowered not in TYPE_WORDS
    )


def _strip(item: str) -> tuple[str, bool]:
    item = item.strip().strip(".").strip()
    optional = False
    for _ in range(2):
        item = _ARTICLE.sub("", item, count=1).strip()
        if _OPTIONALLY.match(item):
            item, optional = _OPTIONALLY.sub("", item, count=1), True
    return item, optional


def read_field(item: str) -> FieldPhrase | None:
    """One list item as a field, or None when it does not plainly name one."""
    body, optional = _strip(item)
    if not body:
        return None
    phrase = _read(body)
    if phrase is not None and optional:
        phrase.typed.optional = True
    return phrase


# "risk = debts / income": the name and its formula; the expression is no type ("debts/income"
# is not two values), what follows it may be ("..., an int")
_FORMULA_ITEM = re.compile(
    rf"^`?(?P<name>{IDENT})`?\s*=(?!=)\s*(?P<expr>[\w\s.()+\-*/%]+?)\s*(?:,|$)"
)


def _read(body: str) -> FieldPhrase | None:
    if (formula := _FORMULA_ITEM.match(body)) and re.search(r"[+\-*/%]", formula["expr"]):
        rest = body[formula.end() :]
        return FieldPhrase(formula["name"], parse_type(rest) if rest else Typed(), body)
    for reader in (_called, _ticked_first, _typed_first, _inner_named):
        if (phrase := reader(body)) is not None:
            return phrase
    return _typed(body)


def _called(body: str) -> FieldPhrase | None:
    """ "a list of line items called `lines`"."""
    called = _CALLED.match(body)
    if called is None or not _is_name(called["name"]):
        return None
    return FieldPhrase(called["name"], parse_type(f"{called['type']} {called['rest']}"), body)


def _ticked_first(body: str) -> FieldPhrase | None:
    """ "`threshold` float that must be between 0 and 1"."""
    ticked = _NAME_THEN_TYPE.match(body)
    return FieldPhrase(ticked["name"], parse_type(ticked["type"]), body) if ticked else None


def _typed_first(body: str) -> FieldPhrase | None:
    """ "a `threshold` float", "une liste `colis`"."""
    found = _TYPE_THEN_NAME.match(body)
    if found is None:
        return None
    first = parse_type(found["type"])
    if not (first.known or first.is_list):
        return None
    return FieldPhrase(found["name"], parse_type(f"{found['type']} {found['rest']}"), body)


def _inner_named(body: str) -> FieldPhrase | None:
    """ "whether the buyer is a business (is_business, a bool)"."""
    inner = _INNER_NAMED.search(body)
    if inner is None or not _is_name(inner["name"]) or "_" not in inner["name"]:
        return None
    typed = parse_type(inner["type"])
    return FieldPhrase(inner["name"], typed, body) if typed.known else None


_RELATIVE = {"that", "which", "wich", "who", "qui", "der", "die"}
_CONNECTIVES = {
    "a",
    "an",
    "the",
    "and",
    "or",
    "und",
    "oder",
    "et",
    "ou",
    "y",
    "e",
    "of",
    "is",
    "to",
}


def _typed(body: str) -> FieldPhrase | None:
    """``name (type)``, ``name: type``, ``name, a type``, ``name type``, or a bare name."""
    found = _TYPED.match(body)
    explicit = found is not None and (found["paren"] is not None or found["rest"] is not None)
    pure = found is not None and (found["paren"] or "").strip().lower() in TYPE_WORDS
    alone = pure and found is not None and not (found["after"] or "").strip()  # "a (int)"
    if found is None or not (
        _is_name(found["name"])
        or (explicit and _plain_name(found["name"]))
        or (pure and found["name"].lower() not in _CONNECTIVES)  # "at (datetime)"
        or alone  # a word and its type, nothing else: a name, even "a" or "i"
    ):
        return _before_paren(body)
    name = found["name"]
    for key in ("paren", "rest", "appos"):
        if found[key] is not None:
            extra = found["after"] if key == "paren" and found["after"] else ""
            return _with_type(
                name, f"{found[key]} {extra}".strip(), body, appositive=key == "appos"
            )
    if found["terse"] is not None:  # "user_id uuid", "min_length int that defaults to 12"
        words = found["terse"].split()
        typed = parse_type(found["terse"])
        first_is_type = bool(words) and words[0].lower().strip(",") in TYPE_WORDS
        relative = bool(words) and words[0].lower() in _RELATIVE
        if first_is_type or (typed.known and ("_" in name or body.startswith("`") or relative)):
            return FieldPhrase(name, typed, body)
        return _before_paren(body)
    return FieldPhrase(name, Typed(), body)


def _with_type(name: str, text: str, body: str, *, appositive: bool) -> FieldPhrase | None:
    typed = parse_type(text)
    if appositive and not (typed.known or typed.is_list or typed.optional):
        return None
    word = text.strip().lower()
    if not appositive and not typed.known and re.fullmatch(r"[a-z][\w.\[\]]*", word):
        typed.unknown = word  # "blob (bytes)": a type the reader does not know
    return FieldPhrase(name, typed, body)


_NAMED_LIST = re.compile(
    r"^(?P<before>.*?)\b(?:in\s+)?(?:fields?|felder|champs)\s+(?:named|called|namens|nomm[ée]s?)\s+(?P<names>.+)$",
    re.IGNORECASE | re.DOTALL,
)


_INNER_NAMED = re.compile(rf"\(\s*`?(?P<name>{IDENT})`?\s*,\s*(?P<type>[^()]+)\)\s*$")


def _before_paren(body: str) -> FieldPhrase | None:
    """ "a human-readable reason (string)", "increments transitions_count (an int)": the word
    right before a parenthesised type is the field (not in "a list of user handles (strings)",
    which describes a type); "whether it is final (is_final, a bool)": the name in it."""
    inner = _INNER_NAMED.search(body)
    if inner and _is_name(inner["name"]) and parse_type(inner["type"]).known:
        return FieldPhrase(inner["name"], parse_type(inner["type"]), body)
    found = _BEFORE_PAREN.match(body)
    if found is None or not _is_name(found["name"]):
        return None
    words = body[: found.start("name")]
    if parse_type(words).is_list or parse_type(words).known:
        return None
    if re.search(r"\b(?:that|which|who|where|when|qui|der|die|das)\b", words, re.IGNORECASE):
        return None  # "the cascade step that decided (an int)": a clause about a field
    return FieldPhrase(found["name"], parse_type(found["paren"]), body)


def read_fields(text: str, *, phrases: bool = False) -> tuple[list[FieldPhrase], list[str]]:
    """The fields a list names (type phrases after a name attach to it: "`channel`, which is a
    string, `message`, a string of at most 4000 characters"), and the items that are neither.
    "The subtotal and the total tax, all decimals, in fields named subtotal and total_tax":
    the names given, with the type said of them all. With ``phrases`` (a list a cue such as
    "returns" opens), a short noun phrase is a field too: "a currency code" -> currency_code;
    "rounded to 2 decimal places" after the list is said of every field in it."""
    shared = Typed()
    if rounded := ROUNDED.search(text):
        shared.decimal_places, shared.base = int(rounded.group(1)), "decimal"
        text = text[: rounded.start()] + text[rounded.end() :]
    fields, skipped = _named_or_listed(text)
    if phrases:
        for item in list(skipped):
            if phrase := _noun_phrase(item):
                fields.append(phrase)
                skipped.remove(item)
    if shared.decimal_places is not None:
        for phrase in fields:
            phrase.typed = shared.merged(phrase.typed) if not phrase.typed.base else phrase.typed
            phrase.typed.decimal_places = shared.decimal_places
    return fields, skipped


PHRASE_STOP = {
    "it", "its", "this", "that", "them", "they", "we", "you", "one", "each", "every", "all",
    "both", "some", "any", "no", "not", "more", "other", "same", "per", "when", "if", "then",
    "also", "only", "nothing", "something", "everything", "result", "results", "data", "value",
    "values", "info", "information", "details", "thing", "things", "stuff", "operation",
    "operations", "ops", "pls", "please", "plz", "thx", "thanks", "ty",
}  # fmt: skip


_WHETHER = re.compile(r"^(?:whether|if)\s+(?:it|the\s+\w+|they)\s+(?:is|are|was)\s+([a-z]+)$", re.I)


def _noun_phrase(item: str) -> FieldPhrase | None:
    """ "a currency code", "the grand total": one to three plain words, as a snake_case name;
    "whether it is valid": ``is_valid``, a bool."""
    if whether := _WHETHER.match(item.strip().strip(".")):
        return FieldPhrase(f"is_{whether.group(1).lower()}", Typed(base="bool"), item.strip())
    body, optional = _strip(item)
    words = body.split()
    if not 1 <= len(words) <= 3 or not all(re.fullmatch(r"[a-z][a-z-]*", w) for w in words):
        return None
    if any(w in PHRASE_STOP or w in _NOT_NAMES or w in TYPE_WORDS for w in words):
        return None
    name = "_".join(w.replace("-", "_") for w in words)
    return FieldPhrase(name, Typed(optional=optional), item.strip(), guessed=True)


def _named_or_listed(text: str) -> tuple[list[FieldPhrase], list[str]]:
    if named := _NAMED_LIST.match(text):
        shared = parse_type(" ".join(_SHARED_WORDS.findall(named["before"])))
        fields, skipped = _read_fields(named["names"])
        for phrase in fields:
            phrase.typed = shared.merged(phrase.typed)
        return fields, skipped
    return _read_fields(text)


_SHARED_WORDS = re.compile(
    r"\b(?:all|both|beide|alle|tous|toutes)\s+(?:of\s+them\s+)?([^\W\d]+)", re.IGNORECASE
)


def _read_fields(text: str) -> tuple[list[FieldPhrase], list[str]]:
    fields: list[FieldPhrase] = []
    skipped: list[str] = []
    pending: list[FieldPhrase] = []  # names still waiting for a shared type ("a and b (both ints)")
    for item in split_items(text):
        shared = _SHARED.match(item.strip())
        if shared and fields and parse_type(shared["type"]).known:
            typed = parse_type(shared["type"])
            for waiting in [*pending, fields[-1]]:
                waiting.typed = waiting.typed.merged(typed)
            pending = []
            continue
        phrase = read_field(item)
        if phrase is None:
            typed = parse_type(item)
            names = [
                n
                for n in re.findall(r"`([^`]*)`|\b([a-z]+_[a-z0-9_]+)\b", item)
                if (n[0] or n[1]) not in typed.enum
            ]
            if fields and not names and (typed.known or _attaches(typed)):
                # "a string, at most 64 chars": fills in what the field lacks, never overrides
                fields[-1].typed = typed.merged(fields[-1].typed)
            else:
                skipped.append(item.strip())
            continue
        if phrase.typed.known:
            if _BOTH.search(phrase.text):  # "previous_rank and new_rank (both ints)"
                for waiting in pending:
                    waiting.typed = waiting.typed.merged(phrase.typed)
            pending = []
        else:
            pending.append(phrase)
        fields.append(phrase)
    return _unique(fields), skipped


def _attaches(typed: Typed) -> bool:
    """A bare constraint ("at least 1", "optional") that belongs to the field before it."""
    return any(
        (
            typed.optional,
            typed.is_list,
            typed.ge is not None,
            typed.gt is not None,
            typed.le is not None,
            typed.lt is not None,
            typed.max_length is not None,
            typed.min_length is not None,
            typed.has_default,
            bool(typed.format),
        )
    )


def _unique(fields: list[FieldPhrase]) -> list[FieldPhrase]:
    seen: dict[str, FieldPhrase] = {}
    for phrase in fields:
        if phrase.name in seen:
            seen[phrase.name].typed = seen[phrase.name].typed.merged(phrase.typed)
        else:
            seen[phrase.name] = phrase
    return list(seen.values())


ARROWS = r"->|=>|-->|→|⟶|⇒|➜|➔|\u2013|\u2014"
BULLETS = r"[-*+\u2022\u00b7\u25aa\u25b8\u2023\u25e6]"
_LINE_FIELD = re.compile(
    rf"^\s*(?:{BULLETS}|\d+[.)])?\s*`?(?P<name>{IDENT})`?\s*(?:\((?P<paren>[^)]*)\)|(?:{ARROWS}|:|=|\s-\s)\s*(?P<rest>.+)|\s+(?P<terse>[A-Za-z].*))\s*$"
)
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(`?[A-Za-z][\w.]*`?)\1(?!\w)")


def plain_line(line: str) -> str:
    """A line without markdown emphasis around names ("- **bruttogehalt**: ...")."""
    return _EMPHASIS.sub(lambda m: m.group(2), line)


def loose_line_field(line: str) -> FieldPhrase | None:
    """A line of a field list whose type is not understood ("dia: data (só o dia)"): the field,
    with the type as written kept as unknown (so it is asked about, never dropped)."""
    line = plain_line(line)
    found = _LINE_FIELD.match(line)
    if found is None or not _plain_name(found["name"]) or found["name"][:1].isupper():
        return None
    text = (found["paren"] or found["rest"] or "").strip()  # "name: type", "name (type)"
    if not text or "_" in text.split()[0] or "," in re.sub(r"\([^()]*\)", "", text):
        return None  # "reset_streak: user_id", "op: a, b": names, not a type
    typed = parse_type(text)
    typed.unknown = typed.unknown or text.split()[0].strip(",;.()").lower()
    return FieldPhrase(found["name"], typed, line.strip())


def read_line_field(line: str) -> FieldPhrase | None:
    """One line of a field list ("actor_id -> uuid", "- sujet : une chaîne ...", "month: int")."""
    line = plain_line(line)
    found = _LINE_FIELD.match(line)
    if found is None or not _plain_name(found["name"]) or found["name"][:1].isupper():
        return None
    if len([f for f in _read_fields(line)[0] if f.typed.known]) >= 2:
        return None  # "user_id uuid, succeeded bool, ...": a list on one line, not one field
    text = found["paren"] or found["rest"] or found["terse"] or ""
    typed = parse_type(text)
    if not (typed.known or typed.is_list):
        return None  # "- state_commits_total (counter)": a metric, not a field
    return FieldPhrase(found["name"], typed, line.strip())
