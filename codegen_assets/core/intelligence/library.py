"""The embedded pattern library (``patterns/*.yaml``) and its BM25 ranking against a prompt, with
its parsed operation and field names.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from codegen_assets.core.models import NodeSpec, Pattern

if TYPE_CHECKING:  # BM25 (numpy) loads when patterns are ranked, not with the stages
    import bm25s
    import Stemmer

MAX_PATTERNS = 3
MIN_SCORE = 0.5  # BM25 scores below this are incidental word overlap
NodeTypeName = Literal["effect", "compute", "reducer", "orchestrator"]


class PatternFile(BaseModel):
    """One pattern file in ``intelligence/patterns`` (see docs/contributing/index.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: int = Field(ge=1)
    title: str
    applies_to: tuple[NodeTypeName, ...] = Field(min_length=1)
    keywords: tuple[str, ...] = Field(min_length=1)
    description: str
    guidance: str

    def document(self) -> str:
        """The text BM25 indexes: title, keywords (twice: they are chosen words) and prose."""
        words = " ".join(self.keywords).replace("_", " ")
        return f"{self.title}. {words} {words}. {self.description}"


@cache
def pattern_library() -> tuple[PatternFile, ...]:
    """All embedded patterns, sorted by name."""
    folder = resources.files("codegen_assets.core.intelligence") / "patterns"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)
    return tuple(PatternFile.model_validate(yaml.safe_load(f.read_text("utf-8"))) for f in files)


@cache
def _stemmer() -> Stemmer.Stemmer:
    import Stemmer

    return Stemmer.Stemmer("english")


@cache
def _index() -> bm25s.BM25:
    import bm25s

    corpus = [p.document() for p in pattern_library()]
    retriever = bm25s.BM25()
    tokens = bm25s.tokenize(corpus, stopwords="en", stemmer=_stemmer(), show_progress=False)
    retriever.index(tokens, show_progress=False)
    return retriever


def query_text(prompt: str, spec: NodeSpec) -> str:
    """The retrieval query: the prompt plus the parsed operation and field names."""
    names = [op.name for op in spec.operations] + [
        f.name for op in spec.operations for f in op.inputs
    ]
    return " ".join([prompt, *(n.replace("_", " ") for n in names), spec.node_type.value])


def rank_patterns(query: str, node_type: str, limit: int = MAX_PATTERNS) -> list[Pattern]:
    """Library patterns for ``node_type``, best BM25 score first (ties by name)."""
    import bm25s

    library = pattern_library()
    tokens = bm25s.tokenize(
        [query.replace("_", " ")],
        stopwords="en",
        stemmer=_stemmer(),
        return_ids=False,
        show_progress=False,
    )[0]
    if not tokens:
        return []
    scores = _index().get_scores(tokens)
    ranked = sorted(
        (
            (round(float(score), 3), pattern)
            for score, pattern in zip(scores, library, strict=True)
            if node_type in pattern.applies_to and score >= MIN_SCORE
        ),
        key=lambda item: (-item[0], item[1].name),
    )
    return [
        Pattern(name=p.name, title=p.title, score=score, guidance=p.guidance)
        for score, p in ranked[:limit]
    ]
