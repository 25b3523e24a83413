"""What a prompt says of fields and topics away from where they are declared: notes under a
pasted exchange, "defaults to", and the verbs that send a topic out."""

from __future__ import annotations

from codegen_assets.core.stages.parsed_prompt import parse_prompt
from tests.core.understanding.spec_view import operations

EXCHANGE = """\
Effect node calling `vendor_client`; operation `score_payment`.

```
POST /v2/score HTTP/1.1
Content-Type: application/json

{"amount_cents":129900,"currency":"EUR","landscape":false,"watermark":"DRAFT"}

HTTP/1.1 200 OK
Content-Type: application/json

{"score":0.87,"decision":"review"}
```

Field notes for the node's input and output:
- amount_cents is an integer amount in cents, never negative
- currency is exactly 3 letters
- score is a float from 0 to 1
- decision is one of approve, review or decline

Notes: `landscape` defaults to false, and `watermark` is optional (none when left out).
"""


def test_notes_under_a_pasted_exchange_say_more_of_its_fields() -> None:
    (op,) = operations(EXCHANGE).values()
    assert op["in"]["amount_cents"] == "int{ge=0}"
    assert op["in"]["currency"] == "string{max_length=3,min_length=3}"
    assert op["out"] == {"score": "float{ge=0,le=1}", "decision": "enum[approve,decline,review]"}


def test_defaults_to_and_is_optional_said_of_fields_in_a_note() -> None:
    (op,) = operations(EXCHANGE).values()
    assert op["in"]["landscape"] == "bool{default=false}"
    assert op["in"]["watermark"] == "string?"


def test_verbs_that_send_a_topic_out() -> None:
    spec = parse_prompt(
        "Reducer folding seat events from `onex.evt.ticketing.seat-changed.v1` with the operation "
        "`apply_seat_event`. After each event the new state goes to "
        "`onex.snapshot.ticketing.seat-availability.v1`."
    )
    assert "onex.evt.ticketing.seat-changed.v1" in [t.name for t in spec.subscribe_topics]
    assert [t.name for t in spec.publish_topics] == ["onex.snapshot.ticketing.seat-availability.v1"]
    spec = parse_prompt(
        "Orchestrator with operation `book_freight`. Starts on "
        "onex.cmd.logistics.freight-booking-requested.v1, finishes with "
        "onex.evt.logistics.freight-booked.v1."
    )
    assert [t.name for t in spec.publish_topics] == ["onex.evt.logistics.freight-booked.v1"]


def test_a_single_letter_with_its_type_is_a_field_not_an_article() -> None:
    prompt = (
        "Compute node named add_compute. Its add operation takes a (int), b (int) and i (int) "
        "and returns total = a + b + i, an int."
    )
    assert operations(prompt)["add"] == {
        "in": {"a": "int", "b": "int", "i": "int"},
        "out": {"total": "int"},
    }


SAMPLES = """\
Effect node, operation `update_price`, via `shop_client`. One command per line:

```jsonl
{"variant": "a-1", "price": "24.90", "effective_at": "2025-06-01T00:00:00Z"}
{"variant": "a-2", "price": "19.00", "effective_at": "2025-06-01T00:00:00Z", "dry_run": true}
```

What comes back per command: previous_price (decimal) and updated (bool).
"""


def test_json_lines_are_samples_of_one_input_and_what_comes_back_is_the_output() -> None:
    op = operations(SAMPLES)["update_price"]
    assert set(op["in"]) == {"variant", "price", "effective_at", "dry_run"}
    assert op["out"] == {"previous_price": "decimal", "updated": "bool"}


def test_a_heading_saying_process_input_or_output() -> None:
    prompt = (
        "Orchestrator `adoption` with operation `process_adoption`.\n\n```\n"
        'Data object "Application" (process input)\n'
        "  animal_id          UUID\n"
        "  has_garden         boolean\n\n"
        'Data object "Outcome" (process output)\n'
        "  approved           boolean\n```\n"
    )
    op = operations(prompt)["process_adoption"]
    assert op == {"in": {"animal_id": "uuid", "has_garden": "bool"}, "out": {"approved": "bool"}}
