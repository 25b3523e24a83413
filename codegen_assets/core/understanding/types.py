"""A field's type as people write it: ``a string of at most 64 characters``, ``decimal, > 0``,
``one of placed, shipped, delivered``, ``Ganzzahl, mindestens 1``, ``list of strings,
optional``, ``int that defaults to 12``. Only what the words say; nothing is guessed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from codegen_assets.core.understanding.vocabulary import (
    EMAIL_FORMAT,
    LIST_WORDS,
    OPTIONAL_WORDS,
    REQUIRED_WORDS,
    TYPE_PHRASES,
    TYPE_WORDS,
    URL_FORMAT,
)

JsonDefault = str | int | float | bool | None


@dataclass
class Typed:
    """What a phrase says about a field's type. ``base`` is "" when it names no type."""

    base: str = ""
    is_list: bool = False
    optional: bool = False
    required: bool = False
    enum: tuple[str, ...] = ()
    model: str = ""  # a nested model named by its class name
    ge: Decimal | None = None
    gt: Decimal | None = None
    le: Decimal | None = None
    lt: Decimal | None = None
    min_length: int | None = None
    max_length: int | None = None
    format: str = ""
    default: JsonDefault = None
    has_default: bool = False
    same_as: str = ""  # "same values as type_evenement": the enum of another field
    unknown: str = ""  # a type word the reader does not know ("bytes"): an object
    decimal_places: int | None = None  # "rounded to 2 decimal places"
    notes: list[str] = field(default_factory=list)

    @property
    def known(self) -> bool:
        """Whether the phrase said anything about the type."""
        return bool(self.base or self.enum or self.model or self.same_as)

    def merged(self, other: Typed) -> Typed:
        """``self`` with what ``other`` adds (``other`` wins where both say something)."""
        updates = {
            key: value
            for key, value in vars(other).items()
            if key not in ("notes", "default") and not _empty(value)
        }
        if other.has_default:
            updates["default"] = other.default
        return replace(self, **updates)


def _empty(value: object) -> bool:
    return value is None or value is False or (isinstance(value, str | tuple) and not value)


_NUMBER_WORDS = {
    "zero": 0, "null": 0, "zéro": 0, "one": 1, "eins": 1, "un": 1, "une": 1, "two": 2, "zwei": 2,
    "deux": 2, "three": 3, "drei": 3, "trois": 3, "four": 4, "vier": 4, "quatre": 4, "five": 5,
    "fünf": 5, "cinq": 5, "ten": 10, "zehn": 10, "dix": 10, "hundred": 100, "ein": 1,
    "eine": 1, "einen": 1, "einem": 1, "uno": 1, "una": 1, "um": 1, "uma": 1, "dos": 2, "due": 2,
}  # fmt: skip
_NUM = (
    r"(-?\d+(?:[.,]\d+)?|zero|null|z[ée]ro|one|two|three|four|five|ten|eins|zwei|drei|vier"
    r"|f[üu]nf|zehn|un|deux|trois|quatre|cinq|dix|ein|eine|einen|einem|uno|una|um|uma|dos|due)"
)
_CHARS = (
    r"(?:chars?|characters?|zeichen|caract[èe]res?|caratteri|tekens|tecken|letters?|symbols?|digits?"
    r"|d[íi]gitos?|cifre|cijfers|ziffern|chiffres|znak(?:i|ów)?)"
)
_MAX_WORDS = (
    r"(?:at\s+most|max(?:imum)?\.?|up\s+to|no\s+more\s+than|h[öo]chstens|maximal|au\s+plus"
    r"|au\s+maximum|bis\s+zu|hasta|como\s+m[áa]ximo|al\s+massimo|fino\s+a|at[ée]|hoogstens|<=|≤"
    r"|(?:never|not|no)\s+(?:be\s+)?longer\s+than|h[öo]gst|m[áa]ximo"
    r"|less\s+than\s+or\s+equal\s+to|menor\s+ou\s+igual\s+a|menor\s+o\s+igual\s+(?:a|que)"
    r"|minore\s+o\s+uguale\s+a|kleiner\s+(?:als\s+)?oder\s+gleich)"
)
_MIN_WORDS = (
    r"(?:at\s+least|min(?:imum)?\.?|no\s+less\s+than|mindestens|au\s+moins|al\s+menos|almeno"
    r"|pelo\s+menos|minstens|minst|m[íi]nimo|>=|≥|greater\s+than\s+or\s+equal\s+to"
    r"|maior\s+ou\s+igual\s+a|mayor\s+o\s+igual\s+(?:a|que)|maggiore\s+o\s+uguale\s+a"
    r"|groter\s+dan\s+of\s+gelijk\s+aan|gr[öo]ßer\s+(?:als\s+)?oder\s+gleich)"
)

_ITEMS = (
    r"(?:elements?|items?|entries|entry|entr[ée]es?|elemente?|eintr[äa]ge|eintrag|elementos?"
    r"|elementi)"
)
_MAX_LENGTH = (
    re.compile(rf"{_MAX_WORDS}\s*(?:of\s+)?{_NUM}\s*{_CHARS}", re.I),
    re.compile(
        rf"\b{_NUM}\s*{_CHARS}\s*(?:max(?:imum)?|au\s+maximum|maximum|h[öo]chstens|at\s+most)", re.I
    ),
    re.compile(rf"\bde\s+{_NUM}\s*{_CHARS}\s*(?:au\s+)?max", re.I),
    re.compile(r"\b(?:var)?char(?:acter\s+varying)?\s*\(\s*(\d+)\s*\)", re.I),
    re.compile(rf"\bmax(?:_length|imum\s+length|\s+length|len)\s*(?:of\s+|=\s*|:\s*)?{_NUM}", re.I),
    re.compile(rf"{_MAX_WORDS}\s*{_NUM}\s*{_ITEMS}", re.I),
)  # fmt: skip
_MIN_LENGTH = (
    re.compile(
        rf"{_MIN_WORDS}\s*{_NUM}\s*(?:{_CHARS}|elements?|items?|entries|entry|entr[ée]es?|elemente?"
        rf"|eintr[äa]ge|eintrag|elementos?|elementi)",
        re.I,
    ),
    re.compile(rf"\bmin(?:_length|imum\s+length|\s+length)\s*(?:of\s+|=\s*|:\s*)?{_NUM}", re.I),
)  # fmt: skip
_EXACT_LENGTH = re.compile(
    rf"\b(?:exactly|genau|exactement|exactamente|esattamente|exatamente|precies)\s+{_NUM}\s*"
    rf"(?:[^\W\d]+\s+)?{_CHARS}",  # "exactly 64 hex characters"
    re.I,
)
_LENGTH_RANGE = re.compile(
    rf"\b(?:between\s+|zwischen\s+|entre\s+|from\s+|von\s+|de\s+|da\s+|van\s+)?{_NUM}\s*"
    rf"(?:to|bis|and|und|et|à|a|y|e|tot|or|-|\u2013|\.\.=?)\s*{_NUM}\s*(?:{_CHARS}|{_ITEMS})",
    re.I,
)
_NOT_EMPTY = re.compile(
    r"\b(?:non-?empty|not\s+(?:be\s+)?empty|never\s+empty|must\s+not\s+be\s+empty|reject\s+an?\s+empty"
    r"|darf\s+nicht\s+leer|nicht\s+leer|non\s+vide|ne\s+doit\s+pas\s+[êe]tre\s+vide)\b",
    re.IGNORECASE,
)
_BETWEEN = re.compile(
    rf"\b(?:between|zwischen|entre)\s+{_NUM}\s+(?:and|und|et)\s+{_NUM}"
    rf"|\bfrom\s+{_NUM}\s+to\s+{_NUM}|\b{_NUM}\s*(?:to|bis|à|-|\u2013|\.\.)\s*{_NUM}\s+(?:inclusive|inclus|einschließlich)"
    rf"|\b{_NUM}\s+to\s+{_NUM}\b|(?<![\w.]){_NUM}\s*\.\.[.=]?\s*{_NUM}(?![\w.])"
    rf"|\b(?:von|de|da|van)\s+{_NUM}\s+(?:bis|a|à|tot)\s+{_NUM}\b"
    rf"|(?:^|(?<=[\s,(]))(?<![\w.]){_NUM}\s*(?:bis|\u2013|\u2014|\s-\s)\s*{_NUM}(?![\w.])"
    r"|(?:^|(?<=\s)|(?<=\())(\d+)-(\d+)(?=\s*(?:$|[,;)]))",  # "share of traffic, 1-50"
    re.IGNORECASE,
)
_INTERVAL = re.compile(rf"(?<![\w\]])([\[(])\s*{_NUM}\s*[,;]\s*{_NUM}\s*([\])])")
_NON_NEGATIVE = re.compile(
    r"\b(?:non-?negative|not\s+negative|never\s+negative|can'?t\s+be\s+negative|cannot\s+be\s+negative"
    r"|must\s+not\s+be\s+negative|darf\s+nicht\s+negativ|nicht\s+negativ|jamais\s+n[ée]gati(?:f|ve)"
    r"|never\s+below\s+(?:0|zero)|zero\s+or\s+more|0\s+or\s+more|positive\s+or\s+zero|>=\s*0\b"
    r"|nie(?:mals)?\s+negativ|nunca\s+negativ[oa]|mai\s+negativ[oa]|nooit\s+negatief)",
    re.IGNORECASE,
)
_POSITIVE = re.compile(
    r"\b(?:strictly\s+positive|strictement\s+positi(?:f|ve)|greater\s+than\s+(?:0|zero)"
    r"|mayor\s+(?:que|a)\s+(?:0|cero)|maggiore\s+di\s+(?:0|zero)|maior\s+(?:que|do\s+que)\s+(?:0|zero)"
    r"|groter\s+dan\s+(?:0|nul)"
    r"|strictement\s+sup[ée]rieur\s+[àa]\s+0|gr[öo]ßer\s+als\s+(?:0|null)|positive)\b|>\s*0(?![.\d])",
    re.IGNORECASE,
)
_NOT_A_VALUE = rf"\b(?!\s*(?:{_CHARS}|{_ITEMS}))"
_GE = re.compile(
    rf"{_MIN_WORDS}\s*{_NUM}{_NOT_A_VALUE}|\b{_NUM}\s+or\s+more\b|\bminimum\s+{_NUM}{_NOT_A_VALUE}",
    re.I,
)
_LE = re.compile(rf"{_MAX_WORDS}\s*{_NUM}{_NOT_A_VALUE}", re.I)
_GT = re.compile(
    rf"(?:>|greater\s+than|more\s+than|above|strictement\s+sup[ée]rieur\s+[àa]|gr[öo]ßer\s+als"
    rf"|mayor\s+(?:que|a)|maggiore\s+di|groter\s+dan)\s*{_NUM}{_NOT_A_VALUE}",
    re.I,
)
_LT = re.compile(
    rf"(?:<|less\s+than|below|under|kleiner\s+als|inf[ée]rieur\s+[àa])\s*{_NUM}{_NOT_A_VALUE}", re.I
)
_DEFAULT = re.compile(
    r"\b(?:default\s+value\s+(?:is\s+)?|defaults?(?:\s+(?:to|is)\b|\s*[=:]|\s)|standardm[äa]ßig|par\s+d[ée]faut"
    r"|vorgabe|standardwert|voreinstellung|valor\s+por\s+defecto|valore\s+predefinito"
    r"|valor\s+padr[ãa]o|padr[ãa]o|standaardwaarde)\s*(?:is\s+|ist\s+|es\s+|=\s*|:\s*)?"
    r"[`'\"]?(-?[\w./-]+)[`'\"]?",
    re.IGNORECASE,
)
_DEFAULT_AFTER = re.compile(  # "faux par défaut", "50 por defecto", "make 0 the default"
    r"[`'\"]?([\w.-]+)[`'\"]?\s+(?:par\s+d[ée]faut|por\s+defecto|por\s+omisi[óo]n|per\s+default"
    r"|di\s+default|por\s+padr[ãa]o|standaard|by\s+default|the\s+default"
    r"|unless\s+(?:I|we|you|they|someone|the\s+\w+)\s+says?\s+otherwise|unless\s+told\s+otherwise)\b",
    re.IGNORECASE,
)
_ENUM_LEAD = re.compile(
    r"\b(?:(?:is\s+)?(?:always\s+)?one\s+of(?:\s+these)?|exactly\s+one\s+of|either|any\s+of|einer?\s+von|eines\s+von"
    r"|l'une\s+des\s+valeurs|une\s+(?:valeur|des\s+valeurs)\s+parmi|parmi|qui\s+vaut|vaut|valeurs?\s*:"
    r"|(?:genau\s+)?(?:einen?|eines)\s+der\s+(?:werte|folgenden)|uno\s+de(?:\s+los\s+valores)?|una\s+de"
    r"|uno\s+(?:tra|fra)|uma\s+de|um\s+de|een\s+van|één\s+van|jedn[aąo]\s+z"
    r"|(?:um|uma|uno|una)\s+entre|(?:um|uma)\s+dos|(?:uno|una)\s+dei"
    r"|values?\s*:|which\s+is|that\s+is|can\s+be|must\s+be|is|are|ist|sind|est|sont)\s*:?\s*",
    re.IGNORECASE,
)
_SAME_AS = re.compile(
    r"\b(?:same\s+(?:\w+\s+)?values\s+as|mêmes\s+valeurs\s+que|gleichen?\s+werte\s+wie)\s+[`'\"]?([A-Za-z_]\w*)",
    re.IGNORECASE,
)
_SAME_VALUES = re.compile(
    r"\bsame\s+(?:\w+\s+)?(?:values|colou?rs|options|choices|levels|states|statuses|codes)\b"
    r"|\bm[êe]mes\s+valeurs\b",
    re.I,
)
_ENUM_VALUE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*$")
_ENUM_SPLIT = re.compile(r"\s*(?:,|;|\||/|\bor\b|\band\b|\boder\b|\bund\b|\bou\b|\bet\b)\s*", re.I)
_ENUM_STOP = re.compile(
    r"\s*(?:\(|\)|\.(?:\s|$)|,\s*(?:nothing|nichts|rien|and\s+(?:it|the|must|is))|\s+(?:nothing\s+else|in\s+|for\s+|when\s+|if\s+|depending\b|#))",
    re.IGNORECASE,
)
_LIST_OF_CLASS = re.compile(
    r"\b(?:list|List|Sequence|array)\s*(?:\[\s*|of\s+)([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+|[A-Z][a-z]{2,})\b"
)
ROUNDED = re.compile(
    r"\b(?:rounded|round(?:ed)?\s+off|gerundet|arrondi[es]?)\s+(?:to|auf|à|a)\s+(\d+)\s+"
    r"(?:decimal\s+places?|decimals?|dezimalstellen|nachkommastellen|d[ée]cimales?|places?|digits?)",
    re.IGNORECASE,
)
_NOT_VALUES = {
    "more",
    "less",
    "fewer",
    "greater",
    "higher",
    "lower",
    "mehr",
    "weniger",
    "plus",
    "moins",
}
_PY_LITERAL = re.compile(r"Literal\[([^\]]*)\]")


def number(text: str) -> Decimal | None:
    """A number written in digits or as a small word."""
    lowered = text.lower()
    if lowered in _NUMBER_WORDS:
        return Decimal(_NUMBER_WORDS[lowered])
    try:
        return Decimal(lowered.replace(",", "."))
    except InvalidOperation:
        return None


def _first(patterns: tuple[re.Pattern[str], ...], text: str) -> int | None:
    for pattern in patterns:
        if found := pattern.search(text):
            value = number(found.group(1))
            if value is not None and value == int(value) and value >= 0:
                return int(value)
    return None


def enum_values(text: str) -> tuple[str, ...]:
    """The values of "one of a, b or c", "a | b | c", ``Literal["a", "b"]`` (at least two)."""
    if literal := _PY_LITERAL.search(text):
        values = re.findall(r"['\"]([^'\"]+)['\"]", literal.group(1))
        return tuple(values) if len(values) >= 2 else ()
    if listed := re.fullmatch(r"\(\s*([^()]+?)\s*\)", text.strip()):  # "(bronze, argent, or)"
        parts = [p.strip(" `'\"") for p in listed.group(1).split(",")]
        parts[-1:] = re.split(r"\s+(?:or|oder|ou|o|of|lub)\s+", parts[-1])  # "(p1, p2 or p3)"
        if len(parts) >= 2 and all(
            _ENUM_VALUE.match(p) and p.lower() not in TYPE_WORDS and number(p) is None
            for p in parts
        ):
            return tuple(dict.fromkeys(parts))
    slashed = re.fullmatch(r"\s*\(?\s*([\w-]+(?:\s*/\s*[\w-]+)+)\s*\)?\s*", text)
    # "none/silver/gold, default none": three or more values first, then words about them
    slashed = slashed or re.match(r"\s*([\w-]+(?:/[\w-]+){2,})\s*(?:,|;|$)", text)
    if slashed:
        parts = [p.strip() for p in slashed.group(1).split("/")]  # "open/pending/solved"
        if all(_ENUM_VALUE.match(p) and p.lower() not in TYPE_WORDS for p in parts):
            return tuple(dict.fromkeys(parts))
    lead = _ENUM_LEAD.search(text)
    if lead is None and not re.search(r"\||\s/\s|\bor\b|\boder\b|\bou\b", text):
        return ()
    candidates = [text[lead.end() :], text[: lead.start()]] if lead else [text]
    for body in candidates:
        found = _values(body, has_lead=lead is not None)
        if found:
            return found
    return ()


def _values(body: str, *, has_lead: bool) -> tuple[str, ...]:
    body = re.sub(
        r"^(?:(?:always|immer|toujours)\s+)?(?:either|entweder|soit|one\s+of)\s+",
        "",
        body.strip(),
        flags=re.I,
    )
    body = _ENUM_STOP.split(body, maxsplit=1)[0]
    parts = [p.strip(" `'\"*«»“”") for p in _ENUM_SPLIT.split(body)]
    parts = [p for p in parts if p]
    if len(parts) < 2 or not all(_ENUM_VALUE.match(p) for p in parts):
        return ()
    if any(p.lower() in _NOT_VALUES or number(p) is not None for p in parts):
        return ()  # "zero or more", "1 or 2": amounts, not values
    if not has_lead and any(p.lower() in TYPE_WORDS for p in parts):
        return ()  # "string or int" names types, not values
    return tuple(dict.fromkeys(parts))


def _base(text: str) -> str:
    """The first type the text names (a phrase such as "date and time", or a word)."""
    found: list[tuple[int, int, str]] = []
    for pattern, base in TYPE_PHRASES:
        if match := pattern.search(text):
            found.append((match.start(), 0, base))  # a phrase wins over its first word
    for match in re.finditer(r"[^\W\d][\w.]*", text.lower()):
        word = match.group(0).removeprefix("uuid.").removeprefix("datetime.").rstrip(".")
        if word in TYPE_WORDS:
            found.append((match.start(), 1, TYPE_WORDS[word]))
            break
    return min(found)[2] if found else ""


_YES_NO = [
    {"yes", "no"},
    {"ja", "nein"},
    {"oui", "non"},
    {"si", "no"},
    {"sí", "no"},
    {"true", "false"},
]


def parse_type(text: str, *, strict_enum: bool = False) -> Typed:
    """Everything ``text`` (a field's type and notes) says; ``strict_enum``: only an explicit
    "one of" or ``|`` list makes an enum (not "a or b" in running notes)."""
    typed = Typed()
    plain = " ".join(text.split())
    typed.is_list = LIST_WORDS.search(plain) is not None
    typed.optional = OPTIONAL_WORDS.search(plain) is not None
    typed.required = REQUIRED_WORDS.search(plain) is not None
    typed.base = _base(plain)
    if model := _LIST_OF_CLASS.search(plain):
        typed.model, typed.is_list, typed.base = model.group(1), True, ""
    if EMAIL_FORMAT.search(plain):
        typed.format, typed.base = "email", typed.base or "string"
    elif URL_FORMAT.search(plain):
        typed.format, typed.base = "uri", typed.base or "string"
    valued = _valued(plain, typed, strict_enum=strict_enum)
    if not valued and (same := _SAME_AS.search(plain)):
        typed.same_as = same.group(1)
    elif not valued and _SAME_VALUES.search(plain):
        typed.same_as = "?"  # the nearest enum the reader has seen
    _bounds(plain, typed)
    if typed.is_list and not re.search(
        r"\b(?:each|every|jede[rs]?|chaque|cada|ogni)\b", plain, re.I
    ):
        _counts(typed)  # "list of ContactCard, at least 2": items, not a value
    if rounded := ROUNDED.search(plain):
        typed.decimal_places = int(rounded.group(1))
        typed.base = typed.base or "decimal"
    if found := _DEFAULT.search(plain) or _DEFAULT_AFTER.search(plain):
        typed.default, typed.has_default = _literal(found.group(1)), True
        if found.group(1) in typed.enum:  # "none/silver/gold, default none": the value
            typed.default = found.group(1)
    _text_lengths(typed)
    return typed


def _text_lengths(typed: Typed) -> None:
    """A text's bounds are its length ("string, max 16"): a number's bounds say nothing of it."""
    if typed.base != "string" or typed.enum or typed.is_list:
        return
    high = typed.le if typed.le is not None else None if typed.lt is None else typed.lt - 1
    if typed.max_length is None and high is not None:
        typed.max_length, typed.le, typed.lt = int(high), None, None
    low = typed.ge if typed.ge is not None else None if typed.gt is None else typed.gt + 1
    if typed.min_length is None and low is not None:
        typed.min_length, typed.ge, typed.gt = int(low), None, None


def _valued(plain: str, typed: Typed, *, strict_enum: bool) -> bool:
    """The values ``plain`` lists, as an enum (or a flag: "yes or no"); whether it lists any."""
    values = enum_values(_DEFAULT.sub("", plain).strip(" ,;"))  # "yes or no, default no"
    if {v.lower() for v in values} in _YES_NO:  # "yes or no", "ja/nein": a flag
        typed.base = typed.base or "bool"
        return True
    if values and (not strict_enum or _ENUM_LEAD.search(plain) or "|" in plain or "/" in plain):
        typed.enum = values
        return True
    return False


def _bounds(text: str, typed: Typed) -> None:
    text = _lengths(text, typed)
    text = _ranges(text, typed)
    if non_negative := _NON_NEGATIVE.search(text):
        typed.ge = Decimal(0)
        text = text[: non_negative.start()] + text[non_negative.end() :]
    elif _POSITIVE.search(text) and typed.gt is None:
        typed.gt = Decimal(0)
    for pattern, key in ((_GT, "gt"), (_LT, "lt"), (_GE, "ge"), (_LE, "le")):
        if getattr(typed, key) is not None:
            continue
        for found in pattern.finditer(text):
            value = number(next(g for g in found.groups() if g is not None))
            if value is not None:
                setattr(typed, key, value)
                break
    if typed.max_length is not None and typed.le is not None and typed.le == typed.max_length:
        typed.le = None  # "max 128 chars" is a length, not a value


def _lengths(text: str, typed: Typed) -> str:
    """Lengths in characters or items; ``text`` without the words that said them."""
    typed.max_length = _first(_MAX_LENGTH, text)
    typed.min_length = _first(_MIN_LENGTH, text)
    for pattern in (_EXACT_LENGTH, _LENGTH_RANGE):
        if found := pattern.search(text):  # "genau 2 Zeichen", "4 bis 10 Zeichen"
            values = [number(g) for g in found.groups() if g is not None]
            low, high = (values * 2)[:2]
            typed.min_length, typed.max_length = int(low or 0), int(high or 0)
            text = text[: found.start()] + text[found.end() :]
            break
    if typed.min_length is None and _NOT_EMPTY.search(text):
        typed.min_length = 1
    return text


def _ranges(text: str, typed: Typed) -> str:
    """An interval ("in [0, 1)") or a range ("between 1 and 5", "1..500")."""
    if interval := _INTERVAL.search(text):
        low, high = number(interval.group(2)), number(interval.group(3))
        if interval.group(1) == "[":
            typed.ge = low
        else:
            typed.gt = low
        if interval.group(4) == "]":
            typed.le = high
        else:
            typed.lt = high
        return text[: interval.start()] + text[interval.end() :]
    if between := _BETWEEN.search(text):
        low, high = [number(g) for g in between.groups() if g is not None][:2]
        if low is not None and high is not None and low > high:
            return text  # "3166-1", "2024-06": a code or a date, not a range
        typed.ge, typed.le = low, high
        return text[: between.start()] + text[between.end() :]
    return text


_EACH_ITEM = re.compile(r"\b(?:each|every|jede[rs]?|chaque|cada|ogni)\b", re.I)


def _counts(typed: Typed) -> None:
    if typed.min_length is None and typed.ge is not None and typed.ge == int(typed.ge) >= 0:
        typed.min_length, typed.ge = int(typed.ge), None
    if typed.max_length is None and typed.le is not None and typed.le == int(typed.le) >= 0:
        typed.max_length, typed.le = int(typed.le), None


def _literal(text: str) -> JsonDefault:
    lowered = text.lower().rstrip(".")
    if lowered in ("true", "yes", "wahr", "vrai", "verdadero", "vero", "verdadeiro", "waar"):
        return True
    if lowered in ("false", "no", "falsch", "faux", "falso", "onwaar"):
        return False
    if lowered in ("none", "null"):
        return None
    value = number(lowered)
    if value is not None:
        return int(value) if value == int(value) else float(value)
    return text.rstrip(".")


_NARROWED = {"", "string", "float", "object"}  # code types a comment may make precise
_NUMERIC = {"int", "float", "decimal"}


def with_note(code: Typed, note: str) -> Typed:
    """A type read from code (``number[]``, ``string``, ``i32``) with what the comment beside
    it says (``// floats``, ``// a UUID``, ``# 0..1``, ``// at least one chunk``): the code
    keeps its shape (list, model); the comment may name a more precise scalar for a loose code
    type (a string that holds a UUID or a decimal, a number that is an integer), and bounds,
    an enum, optionality or a default. A bound on a list of non-numbers counts its items."""
    if not note.strip():
        return code
    said = parse_type(note, strict_enum=True)
    said.is_list, said.model, said.same_as = False, "", ""
    if code.model or code.enum or code.base not in _NARROWED:
        said.base = ""
    if said.enum:
        said.base = ""
        code = replace(code, base="string", model="")
    item = said.base or code.base
    if code.is_list and item not in _NUMERIC:
        low = said.ge if said.ge is not None else (said.gt + 1 if said.gt is not None else None)
        high = said.le if said.le is not None else (said.lt - 1 if said.lt is not None else None)
        if said.min_length is None and low is not None and low == int(low) and low >= 0:
            said.min_length = int(low)
        if said.max_length is None and high is not None and high == int(high) and high >= 0:
            said.max_length = int(high)
        said.ge = said.gt = said.le = said.lt = None
    return code.merged(said)
