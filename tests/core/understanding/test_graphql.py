"""GraphQL SDL pasted into a request."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.graphql import graphql
from tests.core.understanding.spec_view import operations, warnings

LEDGER = """\
Reducer, operation `ledger.apply`. (ID here is a UUID.)

```graphql
scalar DateTime

"A ledger entry"
input LedgerEntry {
  "the account"
  account_id: ID!
  amounts: [Decimal!]!
  memo: String = "none"
  kind: EntryKind!
  tags: [String]
  count: Int!   # at least 1
}

enum EntryKind {
  DEBIT
  CREDIT @deprecated(reason: "x")
}

type Mutation { apply(entry: LedgerEntry!): Balance! }

type Balance {
  total: String!   # decimal, serialised as string
  updated: DateTime
  flags: [Boolean!]
}
```
"""


def test_types_inputs_enums_nullability_and_what_the_prose_says_of_id() -> None:
    assert operations(LEDGER) == {
        "ledger_apply": {
            "in": {
                "account_id": "uuid",
                "amounts": "list[decimal]",
                "memo": "string{default=none}?",
                "kind": "enum[credit,debit]",
                "tags": "list[string]?",
                "count": "int{ge=1}",
            },
            "out": {"total": "decimal", "updated": "datetime?", "flags": "list[bool]?"},
        }
    }
    assert warnings(LEDGER) == ()


def test_enum_values_keep_their_spelling_and_root_types_are_no_data() -> None:
    text = "enum Change { ADD REMOVE, CLEAR }\ntype Query { cart(id: ID!): Cart }\n"
    found = graphql(text)
    assert [(g.label, g.role, g.values) for g in found] == [
        ("Change", "enum", ("ADD", "REMOVE", "CLEAR")),
        ("Query", "operations", ()),
    ]


def test_a_half_pasted_type_keeps_its_readable_fields() -> None:
    text = "type Half {\n  a: Int!\n  b:\n  c: Strin g\n  d: Float\n  e: [Str"
    (group,) = graphql(text)
    assert [(f.name, f.typed.base, f.typed.optional) for f in group.fields] == [
        ("a", "int", False),
        ("d", "float", True),
    ]


def test_what_is_not_graphql_gives_nothing() -> None:
    for text in ("type", "type X {", "input {}", "enum X { }", "the type of { thing }"):
        assert graphql(text) == [], text
