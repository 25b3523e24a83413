"""A shape drawn as a tree (``├──``) pasted into a request."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.tree import trees
from tests.core.understanding.spec_view import operations, warnings

FREIGHT = """\
Orchestrator through the `carrier_client`, operation `book_freight`.

```
book_freight input
├── shipper: Party
│   ├── company: string
│   └── contact: Contact
│       ├── name: string
│       └── email?: string (valid e-mail address)
├── consignee: Party                (same shape as shipper)
├── pallets: list of Pallet         (1 to 33 items)
│   ├── weight_kg: decimal (> 0)
│   └── height_cm: integer (1\u2013250)
└── insurance_value?: decimal (>= 0)
```

Output: booking_ref (string).
"""


def test_a_tree_of_nested_models_reused_by_name() -> None:
    party = "{company:string,contact:{email:string{format=email}?,name:string}}"
    assert operations(FREIGHT) == {
        "book_freight": {
            "in": {
                "shipper": party,
                "consignee": party,
                "pallets": "list[{height_cm:int{ge=1,le=250},weight_kg:decimal{gt=0}}]"
                "{max_length=33,min_length=1}",
                "insurance_value": "decimal{ge=0}?",
            },
            "out": {"booking_ref": "string"},
        }
    }
    assert warnings(FREIGHT) == ()


def test_an_ascii_tree_cut_off_keeps_its_lines() -> None:
    text = "request\n|-- a: string\n|-- b: int\n`-- c"
    (group,) = trees(text)
    assert (group.role, [(f.name, f.typed.base) for f in group.fields]) == (
        "input",
        [("a", "string"), ("b", "int")],
    )


def test_what_is_not_a_tree_gives_nothing() -> None:
    for text in ("├── README.md\n└── src/", "a: string\nb: int", "│ │ │"):
        assert trees(text) == [], text
