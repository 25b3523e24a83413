"""TypeScript interfaces and type aliases pasted into a request."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.typescript import typescript
from tests.core.understanding.spec_view import operations, warnings

ROUTE = """\
Compute node, operation `route.pick`.

```ts
export enum Mode { Fast = 'fast', Cheap = 'cheap' }
export type Region = "eu" | "us" | "apac";
type Cents = number;

export interface PickRequest {
  /** the caller's id, a UUID */
  readonly caller: string;
  mode: Mode;
  region?: Region | null;
  budget: Cents;            // integer, at least 1
  tags: Array<string>;      // at most 5 items
  stops: { lat: number; lon: number }[];   // 1..10 entries
  meta: Record<string, unknown>;
}

export interface PickResponse {
  route_id: string;  // UUID
  eta: Date;
  cost: string;      // decimal amount as string
  notes?: string[];
}
```
"""


def test_interfaces_unions_aliases_and_comments_become_typed_fields() -> None:
    assert operations(ROUTE) == {
        "route_pick": {
            "in": {
                "caller": "uuid",
                "mode": "enum[cheap,fast]",
                "region": "enum[apac,eu,us]?",
                "budget": "int{ge=1}",
                "tags": "list[string]{max_length=5}",
                "stops": "list[{lat:float,lon:float}]{max_length=10,min_length=1}",
                "meta": "object",
            },
            "out": {
                "route_id": "uuid",
                "eta": "datetime",
                "cost": "decimal",
                "notes": "list[string]?",
            },
        }
    }
    assert warnings(ROUTE) == ()


def test_a_type_alias_of_an_object_extends_and_string_literal_fields() -> None:
    prompt = """\
Compute node, operation `claims.check`.

```typescript
interface Base { id: string; }   // a UUID
type Claim = Base & { kind: 'claim' };
interface ClaimIn extends Base {
  line: 'auto' | 'home';
  amount: number;           // money, more than 0
  flags: ReadonlyArray<boolean>
}
type ClaimResult = {
  decision: "paid" | "denied";
};
```
"""
    assert operations(prompt)["claims_check"] == {
        "in": {
            "id": "string",
            "line": "enum[auto,home]",
            "amount": "decimal{gt=0}",
            "flags": "list[bool]",
        },
        "out": {"decision": "enum[denied,paid]"},
    }


def test_a_half_pasted_interface_keeps_the_members_it_has() -> None:
    text = """\
interface Half {
  a: string;
  b?:
  c: number // integer
"""
    (group,) = typescript(text)
    assert [(f.name, f.typed.base, f.typed.optional) for f in group.fields] == [
        ("a", "string", False),
        ("c", "int", False),
    ]


def test_what_is_not_typescript_gives_nothing_and_never_fails() -> None:
    for text in (
        "interface",
        "interface X {",
        "type = ;",
        "type X = ",
        "enum E { A = 1; B = 2; }",  # protobuf's
        "interface X { [key: string]: number; f(a: int): void; }",
        "type X = {{{{",
        "an interface, a type, an enum",
    ):
        assert typescript(text) == [], text
    (group,) = typescript("}" * 50 + "interface Y { a: string")
    assert [(f.name, f.typed.base) for f in group.fields] == [("a", "string")]


def test_an_alias_ends_at_its_line_unless_its_union_goes_on() -> None:
    text = "type Line =\n  | 'auto'\n  | 'home';\ntype Parcel = object\n  weightKg: float\n"
    found = {group.label: group for group in typescript(text)}
    line, parcel = found["Line"], found["Parcel"]
    assert line.values == ("auto", "home")
    # Nim's object type: the fields below are not the alias's, and are left to other readers
    assert parcel.label == "Parcel" and text[parcel.start : parcel.end] == "type Parcel = object"
