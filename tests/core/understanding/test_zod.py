"""Zod schemas pasted into a request."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.zod import zod_schemas
from tests.core.understanding.spec_view import operations, warnings

VAT = """\
Compute node, operation `normalize_vat_id`. The zod schemas we validate with today:

```ts
import { z } from "zod";

const Country = z.enum(["AT", "BE", "DE"]);

const Base = z.object({
  requestId: z.string().uuid(),
});

export const NormalizeVatIdInput = Base.extend({
  vatNumber: z.string().min(4).max(20),
  country: Country,
  strict: z.boolean().default(false),
  retries: z.number().int().nonnegative().lte(5).default(2),
  ratio: z.number().gt(0).lt(1),                 // share of the checksum
  contact: z.string().email().optional(),
  since: z.coerce.date(),
  tags: z.array(z.string()).max(5),
  address: z.object({
    line1: z.string().min(1),
    postcode: z.string().length(5),
  }).nullable(),
  mode: z.union([z.literal("fast"), z.literal("safe")]),
  note: z.string().describe("at most 200 characters"),
});

export const NormalizeVatIdOutput = z.object({
  normalized: z.string(),
  valid: z.boolean(),
  warnings: z.string().array().nonempty(),
});
```
"""


def test_object_schemas_chains_enums_extend_and_a_nested_object() -> None:
    address = "{line1:string{min_length=1},postcode:string{max_length=5,min_length=5}}"
    assert operations(VAT) == {
        "normalize_vat_id": {
            "in": {
                "requestId": "uuid",
                "vatNumber": "string{max_length=20,min_length=4}",
                "country": "enum[at,be,de]",
                "strict": "bool{default=false}",
                "retries": "int{default=2,ge=0,le=5}",
                "ratio": "float{gt=0,lt=1}",
                "contact": "string{format=email}?",
                "since": "datetime",
                "tags": "list[string]{max_length=5}",
                "address": f"{address}?",
                "mode": "enum[fast,safe]",
                "note": "string{max_length=200}",
            },
            "out": {
                "normalized": "string",
                "valid": "bool",
                "warnings": "list[string]{min_length=1}",
            },
        }
    }
    assert warnings(VAT) == ()


def test_a_half_pasted_schema_keeps_its_readable_keys() -> None:
    text = """\
const Half = z.object({
  a: z.string(),
  b: z.,
  c: z.number().int().optional(),
  d: z.array(
"""
    (group,) = zod_schemas(text)
    assert [(f.name, f.typed.base, f.typed.optional) for f in group.fields] == [
        ("a", "string", False),
        ("c", "int", True),
    ]


def test_what_is_not_zod_gives_nothing() -> None:
    for text in (
        "const x = z.string().min(1);",
        "Let z be the object ({a: 1}); const y = 2;",
        "const User = z.object({});",
        "const Foo = bar.extend({ a: 1 })",
    ):
        assert zod_schemas(text) == [], text
