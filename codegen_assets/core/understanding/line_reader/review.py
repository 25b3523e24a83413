"""Why a prompt was not understood: no operation read, pasted blocks nothing was read from, words
about a field its reading does not hold, names no fact of the node holds.
"""

from __future__ import annotations

from collections.abc import Sequence

from codegen_assets.core.understanding.line_reader.draft import Draft

NOT_UNDERSTOOD = (
    "no operation could be read from the prompt, so the node does not do what was asked: name "
    "one, e.g. 'Operations: - settle_invoice: settle one invoice' or 'its settle_invoice "
    "operation takes invoice_id (uuid) and amount (float)'"
)


MAX_UNPLACED_SHOWN = 8


def draft_review(
    draft: Draft, unplaced: list[str], partial: list[str], unread: Sequence[str] = ()
) -> tuple[str, ...]:
    """Why the prompt was not understood: no operation read (for an orchestrator: no operation,
    step or client either), names it gives that no fact of the node holds, words about a
    field its reading does not hold, or pasted blocks nothing was read from."""
    reasons = [NOT_UNDERSTOOD] if draft.defaulted else []
    if unread:
        reasons.append(
            f"{len(unread)} pasted block(s) could not be read: {', '.join(unread)}. Write their "
            "fields as 'name (type)', or paste them as a pydantic model, TypeScript, protobuf, "
            "Go, Rust, GraphQL, Avro, JSON Schema, JSON, SQL or a markdown table"
        )
    if partial:
        shown = "; ".join(partial[:MAX_UNPLACED_SHOWN])
        reasons.append(
            f"the prompt says more of {len(partial)} field(s) than was read: {shown}. "
            "Say it as a type, a bound or a list of values (e.g. 'int, 1 to 500', 'one of a, b')"
        )
    if unplaced:
        shown = "; ".join(unplaced[:MAX_UNPLACED_SHOWN])
        more = (
            f" (and {len(unplaced) - MAX_UNPLACED_SHOWN} more)"
            if len(unplaced) > MAX_UNPLACED_SHOWN
            else ""
        )
        reasons.append(
            f"the prompt names {len(unplaced)} thing(s) the node does not hold: {shown}{more}. "
            "Say what each is (an input, an output, a dependency, a topic), or remove it"
        )
    return tuple(reasons)


def review_reasons(
    unplaced: list[str], unread: Sequence[str] = (), partial: Sequence[str] = ()
) -> tuple[str, ...]:
    """Why a reading that has its operations (a model's) is not understood, as ``draft_review``
    says it for the rules': pasted blocks it read nothing from, fields the prompt says more
    of, names no fact holds."""
    return draft_review(Draft(), unplaced, list(partial), unread)


def unplaced_warnings(unplaced: Sequence[str]) -> list[str]:
    """One warning per name no fact holds (``name (in: ...context...)``)."""
    return [
        f"did not place {m.split(' (in: ', 1)[0]!r} in any fact (in: {m.split(' (in: ', 1)[1]}"
        for m in unplaced
    ]
