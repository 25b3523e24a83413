"""F# and OCaml records and unions pasted into a request."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.fsharp import fsharp_types
from tests.core.understanding.spec_view import operations

ORDER = """\
Effect node, operation `place_lab_order`, through `lis_client`. `Guid` is a UUID here.

```fsharp
type Priority =
    | Routine
    | Urgent

type LabOrderRequest =
    { PatientId: Guid
      TestCodes: string list           // 1 to 20 of them
      Priority: Priority
      CollectedOn: DateOnly
      InsuranceCopay: decimal option   // >= 0
    }

type LabOrderAck = { LabOrderNumber: string; ExpectedResultAt: DateTime }
```
"""


def test_records_unions_options_and_lists() -> None:
    assert operations(ORDER)["place_lab_order"] == {
        "in": {
            "PatientId": "uuid",
            "TestCodes": "list[string]{max_length=20,min_length=1}",
            "Priority": "enum[routine,urgent]",
            "CollectedOn": "date",
            "InsuranceCopay": "decimal{ge=0}?",
        },
        "out": {"LabOrderNumber": "string", "ExpectedResultAt": "datetime"},
    }


def test_an_ocaml_record() -> None:
    (group,) = fsharp_types(
        "type parcel = { weight_kg : float; length_cm : int; tags : string list }"
    )
    assert [(f.name, f.typed.base, f.typed.is_list) for f in group.fields] == [
        ("weight_kg", "float", False),
        ("length_cm", "int", False),
        ("tags", "string", True),
    ]


def test_what_is_not_fsharp_gives_nothing_and_never_fails() -> None:
    for text in (
        "type",
        "type X = {",
        "type X = | ",
        "type X = int",
        "a type = {}",
        "type X = { }",
    ):
        assert fsharp_types(text) == [], text
