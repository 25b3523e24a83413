"""A field sheet pasted from a spreadsheet (tab- or space-separated cells)."""

from __future__ import annotations

from decimal import Decimal

from codegen_assets.core.understanding.schemas.field_sheet import field_sheets
from tests.core.understanding.spec_view import operations, warnings

SHEET = (
    "Compute node, operation compute_commission. The field sheet from our spreadsheet:\n\n"
    "field\tdirection\ttype\trequired\tnotes\n"
    "rep_id\tin\tuuid\tyes\t\n"
    "booked_revenue\tin\tdecimal\tyes\tEUR, >= 0\n"
    "plan\tin\tenum\tyes\tstandard / enterprise / partner\n"
    "clawbacks\tin\tdecimal\tno\tEUR, >= 0\n"
    "commission\tout\tdecimal\tyes\tEUR\n"
    "attainment_pct\tout\tfloat\tyes\t>= 0\n"
)


def test_a_sheet_with_direction_and_required_columns() -> None:
    assert operations(SHEET) == {
        "compute_commission": {
            "in": {
                "rep_id": "uuid",
                "booked_revenue": "decimal{ge=0}",
                "plan": "enum[enterprise,partner,standard]",
                "clawbacks": "decimal{ge=0}?",
            },
            "out": {"commission": "decimal", "attainment_pct": "float{ge=0}"},
        }
    }
    assert warnings(SHEET) == ()


def test_a_sheet_cut_off_keeps_its_whole_rows() -> None:
    text = "name type notes\nsku string up to 12 chars\nqty int at least 1\nprice"
    (group,) = field_sheets(text)
    assert [(f.name, f.typed.base) for f in group.fields] == [("sku", "string"), ("qty", "int")]
    assert (group.fields[0].typed.max_length, group.fields[1].typed.ge) == (12, Decimal(1))


def test_prose_with_the_header_words_is_no_sheet() -> None:
    for text in (
        "field name type\nThe operation takes a list\nThen it returns",
        "name type notes\nsku string",  # one row: not a sheet
        "the field type matters\nfoo bar baz\nqux quux corge",
    ):
        assert field_sheets(text) == [], text
