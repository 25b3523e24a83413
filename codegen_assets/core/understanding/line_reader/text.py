"""The prompt as text: decoded from bytes, bounded in size, and cleaned of what a person does not
see (HTML comments, invisible and control characters).
"""

from __future__ import annotations

import re
import unicodedata

MAX_PROMPT_BYTES = 64 * 1024

_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_HTML_COMMENT_START = re.compile(r"<!--")


class PromptError(ValueError):
    """A prompt that cannot be turned into a node; the message names the problem."""


def decode_prompt(data: bytes) -> str:
    """A prompt given as bytes (standard input): UTF-8 text, or a PromptError saying why not."""
    if b"\x00" in data:
        raise PromptError(
            f"the prompt contains NUL bytes (first at offset {data.index(0)}): "
            "binary data, not text"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PromptError(
            f"the prompt is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc


_FENCE_OPEN = re.compile(r"^[ \t]*(```+|~~~+)", re.MULTILINE)


def _without_html_comments(text: str) -> str:
    """``text`` without its HTML comments (hidden when GitHub renders it), read left to right as
    GitHub does: one written inside a fenced code block shows, and stays (an XSD's ``<!-- at
    least 1 -->``); a fence inside a comment is hidden with it."""
    kept, position = [], 0
    while position < len(text):
        comment = _HTML_COMMENT_START.search(text, position)
        fence = _FENCE_OPEN.search(text, position)
        if comment is None:
            kept.append(text[position:])
            break
        if fence is not None and fence.start() < comment.start():
            close = re.compile(rf"^[ \t]*{re.escape(fence.group(1))}[ \t]*$", re.M)
            end = close.search(text, fence.end())
            stop = end.end() if end is not None else len(text)
            kept.append(text[position:stop])
            position = stop
            continue
        end_ = text.find("-->", comment.end())
        kept.append(text[position : comment.start()] + " ")
        position = len(text) if end_ == -1 else end_ + 3
    return "".join(kept)


def clean_prompt(prompt: str) -> str:
    """Normalise untrusted text: NFC, no HTML comments, no invisible or control characters."""
    text = _without_html_comments(unicodedata.normalize("NFC", prompt))
    text = _INVISIBLE.sub("", text)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text.replace("\t", " ").strip()


_DIFF_FENCE = re.compile(
    r"^[ \t]*(```+|~~~+)[ \t]*(?:diff|patch)\b[^\n]*\n(.*?)^[ \t]*\1[ \t]*$", re.M | re.S
)
_DIFF_HEADER = re.compile(r"^(?:---|\+\+\+|@@|diff |index )")


def post_image(text: str) -> str:
    """A pasted diff as it reads after the change: its removed lines blanked, the marks of the
    others (``+``, `` ``) and its headers too, every length kept (offsets stay true)."""

    def after(block: re.Match[str]) -> str:
        lines = []
        for line in block.group(2).split("\n"):
            if _DIFF_HEADER.match(line) or (line.startswith("-") and not line.startswith("---")):
                lines.append(" " * len(line))
            elif line[:1] in ("+", " "):
                lines.append(" " + line[1:])
            else:
                lines.append(line)
        code = "\n".join(lines)
        return (
            block.group(0)[: block.start(2) - block.start(0)]
            + code
            + block.group(0)[block.end(2) - block.start(0) :]
        )

    return _DIFF_FENCE.sub(after, text)
