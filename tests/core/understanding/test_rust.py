"""Rust serde structs and enums pasted into a request."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.rust import rust_types
from tests.core.understanding.spec_view import operations, warnings

PRICE = """\
Compute node, operation `price`.

```rust
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceRequest {
    pub item_id: Uuid,
    /// at least 1
    pub quantity: u32,
    #[serde(default)]
    pub discount_pct: f64,
    pub unit_price: rust_decimal::Decimal,
    pub tier: Tier,
    #[serde(skip)]
    pub cache: HashMap<String, String>,
    pub when: chrono::DateTime<chrono::Utc>,
    pub on: NaiveDate,
    pub notes: Option<Vec<String>>,
    #[validate(length(min = 1, max = 20))]
    pub code: String,
    #[serde(rename = "ref")]
    pub reference: Option<Box<String>>,   // 0..=64 chars
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier { Basic, ProPlus }

#[derive(Serialize)]
pub struct PriceResponse {
    pub total: Decimal,
    pub lines: Vec<i32>,   // at most 3 entries
}
```
"""


def test_serde_renames_options_vectors_and_chrono_types() -> None:
    assert operations(PRICE) == {
        "price": {
            "in": {
                "itemId": "uuid",
                "quantity": "int{ge=1}",
                "discountPct": "float{default=0}",
                "unitPrice": "decimal",
                "tier": "enum[basic,pro_plus]",
                "when": "datetime",
                "on": "date",
                "notes": "list[string]?",
                "code": "string{max_length=20,min_length=1}",
                "ref": "string{max_length=64,min_length=0}?",
            },
            "out": {"total": "decimal", "lines": "list[int]{max_length=3}"},
        }
    }
    assert warnings(PRICE) == ()


def test_an_enum_with_data_is_not_an_enum_of_names() -> None:
    text = """\
enum Shape { Circle(f64), Square { side: f64 } }
struct Drawing { shape: Shape, layer: u8 }
"""
    (drawing,) = rust_types(text)
    assert [(f.name, f.typed.model, f.typed.enum) for f in drawing.fields] == [
        ("shape", "Shape", ()),
        ("layer", "", ()),
    ]


def test_a_half_pasted_struct_keeps_its_readable_fields() -> None:
    text = """\
pub struct Half {
    pub a: String,
    pub b: ,
    pub c: Option<i64>,
    pub d: Vec<
"""
    (group,) = rust_types(text)
    assert [(f.name, f.typed.base, f.typed.optional) for f in group.fields] == [
        ("a", "string", False),
        ("c", "int", True),
    ]


def test_what_is_not_rust_gives_nothing() -> None:
    for text in ("struct", "pub struct X;", "struct X(u8);", "enum {", "a struct of { }"):
        assert rust_types(text) == [], text
