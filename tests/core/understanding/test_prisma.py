"""Prisma models and enums pasted into a request."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.prisma import prisma_schema
from tests.core.understanding.spec_view import operations, warnings

SEATS = """\
Reducer with the operation `apply_seat_event`; each event carries show_id (uuid) and
seat_label (string). The state is this Prisma model:

```prisma
enum SaleStatus {
  ON_SALE
  PAUSED   @map("paused")
  SOLD_OUT
}

model SeatAvailability {
  showId      String     @id @db.Uuid      // a UUID
  available   Int        @default(0)       // never negative
  revenue     Decimal    @db.Decimal(12, 2)
  currency    String     @db.Char(3)
  venue       String     @db.VarChar(80)
  status      SaleStatus @default(ON_SALE)
  tags        String[]
  lastEventAt DateTime   @updatedAt
  createdAt   DateTime   @default(now())
  note        String?
  extra       Json?

  @@index([status])
}
```
"""


def test_a_model_with_native_types_defaults_an_enum_and_comments() -> None:
    assert operations(SEATS) == {
        "apply_seat_event": {
            "in": {"show_id": "uuid", "seat_label": "string"},
            "out": {
                "showId": "uuid",
                "available": "int{default=0,ge=0}",
                "revenue": "decimal",
                "currency": "string{max_length=3,min_length=3}",
                "venue": "string{max_length=80}",
                "status": "enum[on_sale,paused,sold_out]{default=ON_SALE}",
                "tags": "list[string]",
                "lastEventAt": "datetime",
                "createdAt": "datetime",
                "note": "string?",
                "extra": "object?",
            },
        }
    }
    assert warnings(SEATS) == ()


def test_a_half_pasted_model_keeps_its_readable_fields() -> None:
    text = "model Half {\n  a String\n  b\n  c Int?\n  d"
    (group,) = prisma_schema(text)
    assert [(f.name, f.typed.base, f.typed.optional) for f in group.fields] == [
        ("a", "string", False),
        ("c", "int", True),
    ]


def test_what_is_not_prisma_gives_nothing() -> None:
    for text in (
        "Our model {the pricing one} is simple: the enum {of stages} too.",
        "type Query {\n  user(id: ID!): User\n}",  # GraphQL
        "enum Kind {\n  case a\n  case b\n}",  # Swift
        "model Empty {\n}",
    ):
        assert prisma_schema(text) == [], text
