"""What the prompt says of a field that the reading does not hold makes the request not
understood (a question, never a silent loss); what the reading does hold asks nothing."""

from __future__ import annotations

import pytest

from codegen_assets.core.stages.parsed_prompt import parse_prompt
from codegen_assets.core.understanding.leftovers import leftovers
from codegen_assets.core.understanding.reader import read


@pytest.mark.parametrize(
    "prompt",
    [
        # numbers inside a formula the operation holds are placed
        "Compute node with verify operations: verify takes amount (int) and count (int) and "
        "returns checksum = amount * 31 + count",
        "Compute node named digest_compute. Its digest operation takes size (int) and returns "
        "blocks = size // 64 + 1, an int.",
        # a bound the field got
        "Compute node with a score operation: score takes ratio (float, between 0 and 1) and "
        "returns grade (int)",
    ],
)
def test_what_the_reading_holds_asks_nothing(prompt: str) -> None:
    assert leftovers(read(prompt)) == []
    assert not any("says more" in r for r in parse_prompt(prompt).review)


@pytest.mark.parametrize(
    ("prompt", "said"),
    [
        (
            "Compute node with a score operation: score takes ratio (float, 17 percent-ish "
            "tolerance) and returns grade (int)",
            "the number 17",
        ),
        (
            "Compute node with a score operation: score takes tier (string, one of the tiers "
            "the ops team uses) and returns grade (int)",
            "a list of values",
        ),
    ],
)
def test_what_the_reading_does_not_hold_is_asked(prompt: str, said: str) -> None:
    found = leftovers(read(prompt))
    assert any(said in line for line in found), found
    assert any("says more" in r for r in parse_prompt(prompt).review)


def test_a_field_s_own_words_do_not_end_the_list_it_is_in() -> None:
    """ "uses" inside a field's brackets is about the field, not a dependency clause."""
    spec = parse_prompt(
        "Compute node with a score operation: score takes tier (string, one of the tiers the "
        "ops team uses) and level (int) and returns grade (int)"
    )
    assert [(op.name, [f.name for f in op.inputs]) for op in spec.operations] == [
        ("score", ["tier", "level"])
    ]


COBOL = """Effect node with operation post_entry, through the `ledger_client`.

```cobol
       01 POST-ENTRY-REQUEST.
          05 ENTRY-ID        PIC X(36).
          05 COMPANY-CODE    PIC X(4).
```
"""


def test_a_pasted_block_nothing_was_read_from_is_asked_about() -> None:
    review = parse_prompt(COBOL).review
    assert any("pasted block(s) could not be read: ```cobol (lines 4-6)" in r for r in review)


def test_a_flow_diagram_is_no_unread_block() -> None:
    prompt = (
        "Orchestrator with operation `train`: train takes dataset_id (uuid).\n\n"
        "```mermaid\nflowchart LR\n  A --> B\n```\n"
    )
    assert not any("pasted block" in r for r in parse_prompt(prompt).review)


def test_a_camel_case_name_no_fact_holds_is_named() -> None:
    """ "deviceToken" is a field as Swift or Kotlin write it: unplaced, it is asked about."""
    spec = parse_prompt(
        "Effect node with a send operation: send takes title (string) and returns apnsId "
        "(uuid). The vendor also wants a deviceToken on each call."
    )
    assert any(line.startswith("deviceToken ") for line in spec.unplaced), spec.unplaced
    assert "apns_id" in [f.name for op in spec.operations for f in op.outputs]


def test_a_formula_s_expression_is_no_list_of_values() -> None:
    """ "risk = debts / income": the slash divides; risk is a decimal rounded as said."""
    spec = parse_prompt(
        "Calculate a risk score. Operations:\n- score_application: Score one application\n"
        "  Input: income (decimal), debts (decimal)\n"
        "  Returns risk = debts / income, rounded to 2 decimal places.\n"
    )
    (risk,) = spec.operations[0].outputs
    assert (risk.name, risk.type.value, risk.enum, risk.decimal_places) == (
        "risk",
        "decimal",
        (),
        2,
    )
