"""Turning untrusted text into safe Python identifiers and class names."""

from __future__ import annotations

import keyword
import re
import unicodedata

MAX_IDENTIFIER_LENGTH = 40
_NON_WORD = re.compile(r"[^a-z0-9]+")
_SOFT_KEYWORDS = {"match", "case", "type", "_"}
# Names the generated node owns; a field or operation with one of these names would shadow it.
_RESERVED = {"self", "node", "models", "tests", "metrics", "request", "data"}


class NameError_(ValueError):
    """A name that cannot become an identifier."""


def snake(text: str) -> str:
    """Lower-snake-case ASCII identifier for ``text``, or "" when nothing usable remains."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
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
    if keyword.iskeyword(name) or name in _SOFT_KEYWORDS or name in _RESERVED:
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
