"""Scala case classes and enums pasted into a request."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.scala import scala_types
from tests.core.understanding.spec_view import operations, warnings

SHIPPING = """\
Compute node, operation `quote_shipping`.

```scala
enum Speed { case Standard, Express }

object Carrier extends Enumeration {
  val Dhl, Ups = Value
}

sealed trait Zone
case object Domestic extends Zone
case object International extends Zone

final case class Parcel(weightKg: BigDecimal, fragile: Boolean = false)

final case class QuoteRequest(
  requestId: java.util.UUID,
  parcels: List[Parcel],            // at least 1
  speed: Speed,
  carrier: Carrier,
  zone: Zone,
  promoCode: Option[String] = None, // at most 12 characters
  tags: Seq[String] = Nil,
  @JsonProperty("ship_on") shipOn: java.time.LocalDate,
)

final case class QuoteResult(priceCents: Long, etaDays: Int)
```
"""


def test_case_classes_options_lists_and_three_kinds_of_enum() -> None:
    assert operations(SHIPPING) == {
        "quote_shipping": {
            "in": {
                "requestId": "uuid",
                "parcels": "list[{fragile:bool{default=false},weightKg:decimal}]{min_length=1}",
                "speed": "enum[express,standard]",
                "carrier": "enum[dhl,ups]",
                "zone": "enum[domestic,international]",
                "promoCode": "string{max_length=12}?",
                "tags": "list[string]",
                "ship_on": "date",
            },
            "out": {"priceCents": "int", "etaDays": "int"},
        }
    }
    assert warnings(SHIPPING) == ()


def test_a_scala_3_enum_with_indented_cases() -> None:
    text = "enum Level:\n  case Low, Mid\n  case High\n\ncase class Job(level: Level)\n"
    (job,) = [g for g in scala_types(text) if g.fields]
    assert job.fields[0].typed.enum == ("Low", "Mid", "High")


def test_a_half_pasted_case_class_keeps_its_readable_parameters() -> None:
    text = """\
case class Half(
  a: String,
  b: ,
  c: Option[Int] = None,
  d: List[
"""
    (group,) = scala_types(text)
    assert [(f.name, f.typed.base, f.typed.optional) for f in group.fields] == [
        ("a", "string", False),
        ("c", "int", True),
    ]


def test_what_is_not_scala_gives_nothing() -> None:
    for text in (
        "In case class names matter, the case class Foo holds a: b.",
        "enum Speed { case Fast(x: Int), Slow }",
        "case class X()",
        "object Foo extends App { println(1) }",
        "sealed trait Zone",
    ):
        assert scala_types(text) == [], text
