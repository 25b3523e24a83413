"""Fields that plain prose names in brackets after the words for them, as people who know the
field names but do not write code describe a form: "their date of birth (date_of_birth, just
the date)", "the age group (age_group), which is always one of U8, U10 or U12", "the shirt
number (shirt_number), a whole number from 1 to 99", "the first and last name (the columns are
first_name and last_name, text, at most 50 letters each)". The type is what the bracket's
notes say, or the clause that follows it says of it; the role is the one the words before it
in its paragraph give. Where no words give one, the first such paragraph holds inputs and later
ones are read as outputs, a guess the request is asked about."""

from __future__ import annotations

import re

from codegen_assets.core.understanding import sentences
from codegen_assets.core.understanding.fields import IDENT, FieldPhrase
from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.types import Typed, parse_type
from codegen_assets.core.understanding.vocabulary import (
    BRACKET_WORD,
    DEPENDENCY_NAME,
    OPTIONAL_WORDS,
    OTHER_SCRIPT,
    TYPE_WORDS,
)

_NAMES = rf"`?{IDENT}`?(?:\s*(?:,|/|&|\band\b|\bund\b|\bet\b)\s*`?{IDENT}`?)*"
_BRACKET = re.compile(
    rf"\(\s*(?:(?P<lead>[^()]*?\b(?:(?:columns?|fields?|names?)\s+(?:are|is)|called|named)\s+))?"
    rf"(?P<names>{_NAMES})\s*(?:[,;:]\s*(?P<notes>[^()]*?))?\s*\)"
)
# what follows a bracket and says more of its field: ", which is ...", ", a whole number ..."
_AFTER = re.compile(
    r"\s*,?\s*(?:which|that|who|always|never|an?|one\s+of|either|must|has\s+to|should)\b"
    r"(?P<said>[^.;()]*?)(?=,\s*(?:and|but|or|then|plus)\b|,[^,.;()]*\(|[.;(]|\n\s*\n|$)",
    re.I,
)
# the rest of a sentence after a field's words, when no other field is named in it
_TAIL = re.compile(r",?\s*(?:and|but|so)\s[^.;()]{0,80}?(?=[.;]|\n\s*\n|$)", re.I)
_PARAGRAPH = re.compile(r"\n\s*\n")
_NEXT_BRACKET = re.compile(r"\s*\(")
# plain words that hand something back or show it, which the list cues do not hold
_OUTPUT_WORDS = re.compile(
    r"\b(?:gives?\s+(?:me|us|you)\s+back|(?:get|send)s?\s+(?:me\s+|us\s+)?back|want\s+to\s+see"
    r"|like\s+to\s+(?:get|see|know)|(?:show|tell)s?\s+(?:me|us|them|you|the\s+\w+|customers))\b",
    re.I,
)
_INPUT_WORDS = re.compile(
    r"\b(?:type\s+in|fill\s+in|fills\s+in|collects?|enter|each\s+(?:message|event|scan|reading)"
    r"|(?:message|event|form)\s+(?:\w+\s+){0,4}(?:has|holds|contains|carries|asks\s+for))\b",
    re.I,
)


def bracket_names(text: str) -> list[Group]:
    """A group for each bracket that names fields of the words before it."""
    found = []
    for match in _BRACKET.finditer(text):
        before = text[max(0, match.start() - 60) : match.start()].lower()
        names, rest = _names(match, before)
        notes = match["notes"] or ""
        if not names or re.search(rf"\b{IDENT}\s*:", notes):
            continue  # "(a: uuid; b: string)" lists fields: not one field's notes
        first, _, later = notes.partition(";")  # "(flag: a, b or c; c is for keepers)"
        typed = parse_type(", ".join(p for p in (rest, first) if p.strip()))
        typed.optional = typed.optional or OPTIONAL_WORDS.search(later) is not None
        after = _AFTER.match(text, match.end())
        if after and _NEXT_BRACKET.match(text, after.end()):
            after = None  # ", a grid reference (grid_ref, ...)": the next field's words
        if after and not typed.known:
            typed = typed.merged(parse_type(after.group(0)))
        elif after:
            typed = typed.merged(_bounds_only(parse_type(after.group(0))))
        tail = _TAIL.match(text, after.end() if after else match.end())
        if tail and not typed.has_default:  # "..., and standard unless I say otherwise."
            stated = parse_type(tail.group(0))
            typed.default, typed.has_default = stated.default, stated.has_default
        if not typed.known:  # "the date the registration is valid until (valid_until)"
            said = parse_type(re.split(r"[,;:()]", before)[-1])
            if said.base in ("date", "datetime", "uuid") or said.format:
                typed = typed.merged(said)
        if not typed.known and notes.strip():  # "(afm, κείμενο με ακριβώς 9 χαρακτήρες)"
            typed.unknown = " ".join(notes.split())[:60]  # asked about, not guessed
        end = after.end() if after else match.end()
        words = text[match.start() : tail.end() if tail else end]  # what leftovers checks
        fields = [FieldPhrase(name, _copy(typed), words) for name in names]
        found.append(Group(fields, match.start(), end, "", _role(text, match.start()), "prose"))
    _guess_roles(text, found)
    return found


def _guess_roles(text: str, found: list[Group]) -> None:
    """Fields no words give a role, listed in paragraphs of their own: the first such
    paragraph holds inputs (requests list them first), later ones outputs; a guess the request
    is asked about, never taken silently."""
    first = -1
    for group in (g for g in found if not g.role):
        paragraph = len(_PARAGRAPH.findall(text, 0, group.start))
        if first < 0 and not any(g.role == "input" and g.start < group.start for g in found):
            first = paragraph
        if paragraph != first:
            group.role = "output"
            for phrase in group.fields:
                phrase.role_guessed = True


def _names(match: re.Match[str], before: str) -> tuple[list[str], str]:
    """The names that open the bracket, and the words after them (notes: "last_name, text")."""
    names: list[str] = []
    for word in re.finditer(IDENT, match["names"]):
        if word.group(0).lower() in ("and", "und", "et"):
            continue
        if not _is_name(word.group(0), match, before):
            return names, match["names"][word.start() :]
        names.append(word.group(0))
    return names, ""


def _is_name(name: str, match: re.Match[str], before: str) -> bool:
    """A name, not a word in brackets: written with an underscore or in backticks, or a word
    the words just before the bracket use ("their email (email, ...)", "the role (role)"), or
    one word the bracket's notes give a type ("(swimmers, a whole number from 0 to 3000)")."""
    if DEPENDENCY_NAME.match(name):  # "(docusign_client)": a dependency, not a field
        return False
    if "_" in name or f"`{name}`" in match.group(0) or _among_other_letters(match, before):
        return True
    if not name.islower() or len(name) <= 2:
        return False
    if name in TYPE_WORDS and not re.match(rf"\(\s*{name}\s*:", match.group(0)):
        return False  # "(int, >= 0)" is a type; "(flag: green, red)" names the flag
    inner = match.group(0)[1:-1]
    after = inner[inner.find(name) + len(name) :]
    notes = after.lstrip(" `,:").split(";")[0]
    said = parse_type(notes)
    # "(thanks, Tom!)" says no type; "(dhl, ups or fedex)" lists values: neither names a field
    colon = after.lstrip(" `").startswith(":")
    named_before = re.search(rf"\b{name}\s*$", before) is not None  # "the tier (tier, a/b/c)"
    typed = not notes or bool(said.base or said.format or ((colon or named_before) and said.known))
    if re.search(rf"\b{name}\b", before):
        return typed
    only = re.fullmatch(rf"\s*`?{name}`?\s*", match["names"])
    return only is not None and bool(notes) and typed


def _among_other_letters(match: re.Match[str], before: str) -> bool:
    """A Latin word opening a bracket in Greek, Hebrew, Thai... text: a name it gives."""
    return (
        BRACKET_WORD.match(match.group(0)) is not None and OTHER_SCRIPT.search(before) is not None
    )


def _role(text: str, start: int) -> str:
    """The role the words before ``start`` in its paragraph give ("" when they give none)."""
    paragraph = _PARAGRAPH.split(text[:start])[-1]
    sentence = re.split(r"[.!?]\s", paragraph)[-1]
    for words in (sentence, paragraph):
        outputs = [m.end() for m in _OUTPUT_WORDS.finditer(words)]
        inputs = [m.end() for m in _INPUT_WORDS.finditer(words)]
        if outputs or inputs:
            return "output" if max(outputs, default=-1) > max(inputs, default=-1) else "input"
        if role := sentences.cue_role(words):
            return role
    return ""


def _bounds_only(typed: Typed) -> Typed:
    """What a following clause adds to a bracket that typed its field: bounds and values."""
    return Typed(
        enum=typed.enum,
        ge=typed.ge,
        gt=typed.gt,
        le=typed.le,
        lt=typed.lt,
        min_length=typed.min_length,
        max_length=typed.max_length,
        format=typed.format,
        optional=typed.optional,
    )


def _copy(typed: Typed) -> Typed:
    return Typed().merged(typed)
