"""Avro record schemas pasted into a request."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.avro import avro
from tests.core.understanding.spec_view import operations, warnings

INVOICE = """\
Compute node, operation `invoice.total`. For us `long` is just an integer.

Input:
```json
{"type": "record", "name": "com.acme.Invoice", "fields": [
  {"name": "invoice_id", "type": {"type": "string", "logicalType": "uuid"}},
  {"name": "lines", "type": {"type": "array", "items": {"type": "record", "name": "Line",
    "fields": [
      {"name": "sku", "type": "string"},
      {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "scale": 2}}
  ]}}},
  {"name": "issued", "type": {"type": "int", "logicalType": "date"}},
  {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
  {"name": "seq", "type": "long"},
  {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["OPEN", "PAID"]}},
  {"name": "note", "type": ["null", "string"], "default": null, "doc": "at most 200 characters"},
  {"name": "tags", "type": {"type": "map", "values": "string"}}
]}
```

Output:
```json
{"type": "record", "name": "Total", "fields": [
  {"name": "total", "type": {"type": "bytes", "logicalType": "decimal", "scale": 2}},
  {"name": "status", "type": "com.acme.Status"},
  {"name": "ok", "type": "boolean", "default": true}
]}
```
"""


def test_records_logical_types_unions_enums_and_named_references() -> None:
    assert operations(INVOICE) == {
        "invoice_total": {
            "in": {
                "invoice_id": "uuid",
                "lines": "list[{price:decimal,sku:string}]",
                "issued": "date",
                "at": "datetime",
                "seq": "int",
                "status": "enum[open,paid]",
                "note": "string{max_length=200}?",
                "tags": "object",
            },
            "out": {"total": "decimal", "status": "enum[open,paid]", "ok": "bool{default=true}"},
        }
    }
    assert warnings(INVOICE) == ()


def test_a_union_of_two_types_is_an_object_and_the_scale_is_kept() -> None:
    text = """{"type": "record", "name": "R", "fields": [
      {"name": "either", "type": ["null", "string", "int"]},
      {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "scale": 2}}]}"""
    (group,) = avro(text)
    either, price = group.fields
    assert (either.typed.base, either.typed.optional) == ("object", True)
    assert (price.typed.base, price.typed.decimal_places) == ("decimal", 2)


def test_what_is_not_an_avro_record_gives_nothing() -> None:
    for text in (
        '{"type": "record"}',
        '{"type": "record", "name": "X", "fields": "nope"}',
        '{"type": "record", "name": "X", "fields": [{"type": "int"}, 3]}',
        '{"name": "X", "fields": []}',
        '{"type": "record", "fields": [{"name": "a", "type": "int"}]}',
        '{"type": "record", "name": 3, "fields": [{"name": "a", "type": "int"}]}',
        '{"type": "record", "name": "X", "fields": [{"name": "a", "type": "int"',
    ):
        assert avro(text) == [], text
