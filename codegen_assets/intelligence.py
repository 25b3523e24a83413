"""Intelligence stage: rank the embedded pattern library against the prompt."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict

from codegen_assets.models import Intelligence, NodeSpec, Pattern

MAX_PATTERNS = 3
_WORD = re.compile(r"[a-z][a-z0-9_]+")


class PatternFile(BaseModel):
    """One pattern file in ``codegen_assets/patterns``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str
    keywords: tuple[str, ...]
    guidance: str


@cache
def pattern_library() -> tuple[PatternFile, ...]:
    """All embedded patterns, sorted by name."""
    folder = resources.files("codegen_assets") / "patterns"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)
    return tuple(PatternFile.model_validate(yaml.safe_load(f.read_text("utf-8"))) for f in files)


def _terms(prompt: str, spec: NodeSpec) -> set[str]:
    words = set(_WORD.findall(prompt.lower()))
    words.update(op.name for op in spec.operations)
    words.update(field.name for op in spec.operations for field in op.inputs)
    words.add(spec.node_type.value)
    return words


def gather_intelligence(prompt: str, spec: NodeSpec, *, enabled: bool) -> Intelligence:
    """Patterns whose keywords the prompt uses, best first; none when the user disabled it."""
    if not enabled:
        return Intelligence(enabled=False, source="disabled")
    terms = _terms(prompt, spec)
    scored = []
    for pattern in pattern_library():
        hits = sum(1 for keyword in pattern.keywords if keyword in terms)
        if hits:
            score = round(hits / len(pattern.keywords), 3)
            scored.append(
                Pattern(
                    name=pattern.name, title=pattern.title, score=score, guidance=pattern.guidance
                )
            )
    scored.sort(key=lambda p: (-p.score, p.name))
    return Intelligence(enabled=True, source="embedded", patterns=tuple(scored[:MAX_PATTERNS]))
