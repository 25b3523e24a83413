"""JSON with comments (jsonc) pasted into a request."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.jsonc import jsonc_objects
from tests.core.understanding.spec_view import operations, warnings

DOSE = """\
Compute node, operation `dose.calculate`.

Input, as JSON with comments (the values are just an example):

```jsonc
{
  // body weight in kilograms, float, must be > 0
  "weight_kg": 18.5,
  "drug_code": "AMOX-250",        // up to 16 characters
  /* how many doses a day, 1 to 6 */
  "doses_per_day": 3,
  // optional: no daily cap when left out
  "max_daily_mg": 1500.0,
  "patient": {
    "patient_ref": "P-1",
    "born_on": "2019-05-01"         // a date
  },
  "allergies": [{"substance": "penicillin", "severe": true}],
  "started_at": "2024-03-01T08:00:00Z",
}
```

Output:

```jsonc
{ "dose_mg": 308.3, "capped": false /* true when max_daily_mg kicked in */ }
```
"""


def test_keys_typed_by_values_and_comments_with_nested_objects() -> None:
    assert operations(DOSE) == {
        "dose_calculate": {
            "in": {
                "weight_kg": "float{gt=0}",
                "drug_code": "string{max_length=16}",
                "doses_per_day": "int{ge=1,le=6}",
                "max_daily_mg": "float?",
                "patient": "{born_on:date,patient_ref:string}",
                "allergies": "list[{severe:bool,substance:string}]",
                "started_at": "datetime",
            },
            "out": {"dose_mg": "float", "capped": "bool"},
        }
    }
    assert warnings(DOSE) == ()


def test_a_half_pasted_object_keeps_its_readable_keys() -> None:
    text = '{\n  // a note\n  "a": "x",\n  "b": ,\n  "c": 3,\n  "d": [1,'
    (group,) = jsonc_objects(text)
    assert [(f.name, f.typed.base, f.typed.is_list) for f in group.fields] == [
        ("a", "string", False),
        ("c", "int", False),
        ("d", "int", True),
    ]


def test_plain_json_and_prose_are_not_jsonc() -> None:
    for text in (
        '{"a": 1, "b": "x"}',  # plain JSON: read as a JSON example
        '{"url": "https://x.example/a", "n": 2}',  # "//" in a string is no comment
        "Send { // to the team } soon",
        "{ // only a comment\n}",
        "if (x) { // go\n  run(); }",
    ):
        assert jsonc_objects(text) == [], text
