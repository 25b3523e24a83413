"""Turning untrusted text into safe Python identifiers and class names."""

from __future__ import annotations

import keyword
import re
import unicodedata
import uuid

from pydantic import BaseModel

MAX_IDENTIFIER_LENGTH = 40
_NON_WORD = re.compile(r"[^a-z0-9]+")
_SOFT_KEYWORDS = {"match", "case", "type", "_"}
# Names the generated node owns; a field or operation with one of these names would shadow it.
_RESERVED = {"self", "node", "models", "tests", "metrics", "request", "data"}
# A field may not shadow what pydantic's BaseModel already defines (schema, json, copy, ...).
_MODEL_ATTRIBUTES = {name for name in dir(BaseModel) if not name.startswith("_")}


class NameError_(ValueError):
    """A name that cannot become an identifier."""


# Letters NFKD does not decompose into ASCII.
_TRANSLITERATION = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "þ": "th",
        "Þ": "Th",
        "\u0131": "i",  # dotless i
    }
)


def snake(text: str) -> str:
    """Lower-snake-case ASCII identifier for ``text``, or "" when nothing usable remains."""
    folded = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATION))
    ascii_text = folded.encode("ascii", "ignore").decode()
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z][a-z])", "_", ascii_text).lower()
    words = [w for w in _NON_WORD.split(spaced) if w]
    name = "_".join(words).lstrip("0123456789_")
    return name[:MAX_IDENTIFIER_LENGTH].rstrip("_")


def identifier(text: str, *, what: str) -> str:
    """A snake-case identifier that is never a keyword, path or reserved name.

    Raises ``NameError_`` naming ``what`` when nothing usable remains.
    """
    name = snake(text)
    if not name:
        raise NameError_(
            f"{what} {text!r} has no letters or digits to build a Python identifier from"
        )
    shadows = what == "field" and name in _MODEL_ATTRIBUTES
    if keyword.iskeyword(name) or name in _SOFT_KEYWORDS or name in _RESERVED or shadows:
        name = f"{name}_value"
    return name


def camel(name: str) -> str:
    """CamelCase of a snake-case identifier."""
    return "".join(part.capitalize() for part in name.split("_") if part)


def constant(name: str) -> str:
    """UPPER_SNAKE constant of a snake-case identifier."""
    return name.upper()


def event_name(text: str) -> str:
    """CamelCase event type from text such as ``EventStateCommitted`` or ``state committed``."""
    cleaned = re.sub(r"^Event(?=[A-Z])", "", text.strip())
    return camel(snake(cleaned)) or "Result"


def kebab(text: str) -> str:
    """Kebab-case ASCII of ``text`` starting with a letter, or "" when nothing usable remains."""
    return snake(text).replace("_", "-")


def onex_topic(text: str, *, kind: str, producer: str) -> str:
    """The canonical ONEX topic suffix ``onex.<kind>.<producer>.<event-name>.v<n>`` for ``text``.

    A version suffix such as ``_v2`` in ``text`` is kept; an already canonical name is unchanged.
    """
    stripped = text.strip()
    if re.fullmatch(
        r"onex\.(cmd|evt|dlq|intent|snapshot)\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.v[1-9]\d*",
        stripped,
    ):
        return stripped
    words = snake(stripped).split("_")
    version = 1
    if len(words) > 1 and re.fullmatch(r"v[1-9]\d{0,3}", words[-1]):
        version, words = int(words[-1][1:]), words[:-1]
    event = "-".join(w for w in words if w) or "events"
    return f"onex.{kind}.{kebab(producer) or 'node'}.{event}.v{version}"


# Words omnibase-core's naming check rejects anywhere in a class name.
GENERIC_WORDS = re.compile(
    "manager|handler|helper|utility|util|service|controller|processor|worker", re.IGNORECASE
)


def gate_safe(class_name: str) -> str:
    """``class_name`` with each word the ecosystem's naming gate rejects replaced by Client."""
    return re.sub(r"(?:Client)+", "Client", GENERIC_WORDS.sub("Client", class_name))


def request_id(node_name: str) -> str:
    """A new request's id, which a person recognises in the Dagster UI (partition, run) and in
    logs: the node's name and 12 random hex digits."""
    return f"{snake(node_name) or 'node'}-{uuid.uuid4().hex[:12]}"
