"""XML Schema pasted into a request."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.xsd import xsd_types
from tests.core.understanding.spec_view import operations, warnings

ORDERS = """\
Orchestrator, operation `process_purchase_order`, through the `erp_client`. The input is this XSD:

```xml
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:complexType name="PurchaseOrder">
    <xs:sequence>
      <xs:element name="po_number" type="xs:string"/>
      <xs:element name="buyer_gln" type="GLN"/>
      <xs:element name="order_date" type="xs:date"/>
      <xs:element name="priority" type="Priority" default="normal"/>
      <xs:element name="remarks" type="xs:string" minOccurs="0"/>
      <xs:element name="line" type="PoLine" maxOccurs="unbounded"/>
      <xs:element name="discount">
        <xs:simpleType>
          <xs:restriction base="xs:decimal">
            <xs:minInclusive value="0"/>
            <xs:maxExclusive value="1"/>
          </xs:restriction>
        </xs:simpleType>
      </xs:element>
    </xs:sequence>
    <xs:attribute name="currency" type="xs:string" use="required"/>
    <xs:attribute name="rush" type="xs:boolean"/>
  </xs:complexType>

  <xs:complexType name="PoLine">
    <xs:sequence>
      <xs:element name="gtin" type="xs:string"/>
      <xs:element name="quantity" type="xs:positiveInteger"/>
      <xs:element name="unit_price" type="xs:decimal"/>   <!-- never negative -->
    </xs:sequence>
  </xs:complexType>

  <xs:simpleType name="GLN">
    <xs:restriction base="xs:string"><xs:length value="13"/></xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="Priority">
    <xs:restriction base="xs:string">
      <xs:enumeration value="normal"/>
      <xs:enumeration value="rush"/>
    </xs:restriction>
  </xs:simpleType>
</xs:schema>
```
"""


def test_complex_types_occurrences_attributes_and_simple_type_facets() -> None:
    line = "{gtin:string,quantity:int{ge=1},unit_price:decimal{ge=0}}"
    assert operations(ORDERS) == {
        "process_purchase_order": {
            "in": {
                "po_number": "string",
                "buyer_gln": "string{max_length=13,min_length=13}",
                "order_date": "date",
                "priority": "enum[normal,rush]{default=normal}",
                "remarks": "string?",
                "line": f"list[{line}]{{min_length=1}}",
                "discount": "decimal{ge=0,lt=1}",
                "currency": "string",
                "rush": "bool?",
            },
            "out": {},
        }
    }
    assert warnings(ORDERS) == ()


def test_a_half_pasted_schema_keeps_its_readable_elements() -> None:
    text = """\
<xs:complexType name="Half">
  <xs:sequence>
    <xs:element name="a" type="xs:string"/>
    <xs:element name=
    <xs:element name="c" type="xs:int" minOccurs="0"/>
    <xs:element name="d" type="xs:"""
    (group,) = xsd_types(text)
    assert [(f.name, f.typed.base, f.typed.optional) for f in group.fields] == [
        ("a", "string", False),
        ("c", "int", True),
    ]


def test_what_is_not_an_xml_schema_gives_nothing() -> None:
    for text in (
        "<div><p>An element of style</p></div>",
        "Use <element> tags, as in <sequence> of steps.",
        '<xs:complexType name="Empty"/>',
        "<complexType>",
    ):
        assert xsd_types(text) == [], text
