"""Intelligence stage: BM25 over the embedded pattern library, plus an optional remote RAG."""

from __future__ import annotations

import logging

from codegen_assets.core.intelligence.library import MAX_PATTERNS, query_text, rank_patterns
from codegen_assets.core.intelligence.rag_client import RagClient
from codegen_assets.core.models import Intelligence, NodeSpec

log = logging.getLogger(__name__)


def gather_intelligence(
    prompt: str,
    spec: NodeSpec,
    *,
    enabled: bool,
    rag: RagClient | None = None,
) -> Intelligence:
    """Patterns for the prompt: from the remote RAG service when configured and reachable,
    otherwise (with a warning and ``needs_review``) from the embedded library."""
    if not enabled:
        return Intelligence(enabled=False, source="disabled")
    query = query_text(prompt, spec)
    embedded = rank_patterns(query, spec.node_type.value)
    if rag is None:
        return Intelligence(enabled=True, source="embedded", patterns=tuple(embedded))
    try:
        remote = rag.patterns(query, spec.node_type.value, MAX_PATTERNS)
    except Exception as exc:  # any failure of an optional service: fall back, never fail
        log.warning("remote RAG unavailable, using the embedded library: %s", exc)
        reason = f"{type(exc).__name__}: {exc}"
        warning = f"remote RAG service unavailable ({reason}); used the embedded pattern library"
        return Intelligence(
            enabled=True,
            source="embedded",
            patterns=tuple(embedded),
            warnings=(warning,),
            needs_review=True,
        )
    merged = {p.name: p for p in [*remote, *embedded]}
    return Intelligence(
        enabled=True, source="remote", patterns=tuple(list(merged.values())[:MAX_PATTERNS])
    )
