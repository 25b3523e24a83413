"""Operations sketched as calls, one a line, and the names people give an operation in passing."""

from __future__ import annotations

from codegen_assets.core.stages.parsed_prompt import parse_prompt
from codegen_assets.core.understanding.schemas.call_lines import call_lines
from tests.core.understanding.spec_view import operations

CACHE = """\
effect node `session_cache` over `redis_client`, for the web sessions. just these three:

get(key: str ≤ 200 chars) -> (value: str | None, hit: bool)
set(key: str ≤ 200 chars, value: str, ttl_s: int 1..86400 = 3600) -> (stored: bool)
- `delete(key: str, tags: dict[str, str])` → (deleted: bool)
"""


def test_each_call_line_is_an_operation_with_its_inputs_and_named_results() -> None:
    ops = operations(CACHE)
    assert ops["get"] == {
        "in": {"key": "string{max_length=200}"},
        "out": {"value": "string?", "hit": "bool"},
    }
    assert ops["set"]["in"]["ttl_s"] == "int{default=3600,ge=1,le=86400}"
    assert ops["set"]["out"] == {"stored": "bool"}
    assert ops["delete"]["in"] == {"key": "string", "tags": "object"}
    assert ops["delete"]["out"] == {"deleted": "bool"}


def test_what_is_not_a_call_line_gives_nothing() -> None:
    for text in (
        "compute(the total of all lines) -> returns a number",
        "f() -> int",
        "def total(a: int) -> int:",
        "the score (a float) -> goes to the ranking",
    ):
        assert call_lines(text) == [], text


def test_a_verb_named_identifier_in_backticks_names_the_one_operation() -> None:
    spec = parse_prompt(
        "orchestrator please: `send_gift_card`, triggered by onex.cmd.giftcards.paid.v1.\n"
        "steps: issue the code via `giftcard_issuer_client`, render the card, email it.\n"
        "in: order_id (uuid), amount (decimal).\nout: card_id (uuid)."
    )
    assert [op.name for op in spec.operations] == ["send_gift_card"]
    assert spec.name == "gift_card_orchestrator"
    steps_only = parse_prompt(
        "orchestrator `send_gift_card`: issue the code via `giftcard_issuer_client`, "
        "then render the card (render node) and email it (mail node)."
    )
    assert [op.name for op in steps_only.operations] == ["send_gift_card"]


def test_a_feed_that_every_event_is_published_on_is_one_the_node_reads() -> None:
    spec = parse_prompt(
        "Every turnstile scan at the lifts is published on onex.evt.ski.gate-scanned.v1. "
        "We want a reducer, `lift_pass_usage`, with the operation `record_scan`, that keeps a "
        "state per pass and publishes it on onex.snapshot.ski.pass-usage.v1."
    )
    assert [t.name for t in spec.subscribe_topics] == ["onex.evt.ski.gate-scanned.v1"]
    assert [t.name for t in spec.publish_topics] == ["onex.snapshot.ski.pass-usage.v1"]
