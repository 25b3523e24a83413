"""An HTTP exchange pasted into a request: a raw dump (``POST /v2/score HTTP/1.1``, headers, the
body; ``HTTP/1.1 200 OK``, headers, the body) or a ``curl`` call with ``-d '{...}'`` and the JSON
it printed. The body sent is what the node takes and the body that came back what it gives:
the first JSON object after a request line is an input, one after a status line (or after the
request's own body, in the same block) an output, each typed by its values like any JSON
example."""

from __future__ import annotations

import re

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import Group, json_type
from codegen_assets.core.understanding.schemas.scan import fenced, json_values

_REQUEST = re.compile(
    r"^[ \t]*(?:\$[ \t]*)?(?:(?:GET|POST|PUT|PATCH|DELETE)[ \t]+\S+[ \t]+HTTP/\d(?:\.\d)?\b"
    r"|curl\b)",
    re.MULTILINE,
)
_RESPONSE = re.compile(r"^[ \t]*<?[ \t]*HTTP/\d(?:\.\d)?[ \t]+\d{3}\b", re.MULTILINE)


def http_bodies(text: str) -> list[Group]:
    """The JSON bodies of each HTTP exchange in ``text``, as input and output groups."""
    found = []
    markers = sorted(
        [(m.start(), "input") for m in _REQUEST.finditer(text)]
        + [(m.start(), "output") for m in _RESPONSE.finditer(text)]
    )
    if not markers:
        return []
    blocks = [(start, end) for _, _, start, end in fenced(text)] or [(0, len(text))]
    seen: set[int] = set()  # request markers whose body has been read
    for value, start, end in json_values(text):
        if not isinstance(value, dict) or not value:
            continue
        block = next(((s, e) for s, e in blocks if s <= start < e), None)
        if block is None:
            continue
        before = [(at, role) for at, role in markers if block[0] <= at < start]
        if not before:
            continue
        at, role = before[-1]
        if role == "input" and at in seen:
            role = "output"  # what ``curl`` printed after the body it sent
        seen.add(at)
        fields = [
            FieldPhrase(k, json_type(k, v), f'"{k}"')
            for k, v in value.items()
            if re.fullmatch(r"[A-Za-z_$][\w$.-]*", k)
        ]
        if not fields:
            continue
        found.append(Group(fields, start, end, "", role, "json", [value]))
    return found
