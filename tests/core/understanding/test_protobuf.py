"""Protocol buffer messages and enums pasted into a request."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.protobuf import protobuf
from tests.core.understanding.spec_view import operations, warnings

SHIP = """\
Effect node, operation `ship`, through `carrier_client`.

```proto
syntax = "proto3";
import "google/protobuf/timestamp.proto";

service Shipping {
  rpc Ship(ShipOrder) returns (ShipAck);
}

enum Carrier {
  CARRIER_UNSPECIFIED = 0;
  CARRIER_DHL = 1;
  CARRIER_UPS = 2;
}

message ShipOrder {
  message Parcel {
    double weight_kg = 1;  // > 0
    repeated string labels = 2;
  }
  string order_id = 1 [(validate.rules).string.uuid = true];
  Carrier carrier = 2;
  repeated Parcel parcels = 3;  // at least one parcel
  google.protobuf.Timestamp ship_by = 4;
  map<string, string> attributes = 5;
  oneof contact {
    string email = 6;
    string phone = 7;
  }
  uint32 priority = 8 [(validate.rules).uint32 = {lte: 9}];
  google.protobuf.Int32Value attempts = 9;
  optional string note = 10;  // up to 200 characters
}

message ShipAck {
  bool ok = 1;
  bytes receipt = 2;
  int64 charged_cents = 3;
}
```
"""


def test_messages_nested_messages_enums_and_rpc_roles() -> None:
    assert operations(SHIP) == {
        "ship": {
            "in": {
                "order_id": "uuid",
                "carrier": "enum[dhl,ups]",
                "parcels": "list[{labels:list[string],weight_kg:float{gt=0}}]{min_length=1}",
                "ship_by": "datetime",
                "attributes": "object",
                "email": "string?",
                "phone": "string?",
                "priority": "int{ge=0,le=9}",
                "attempts": "int?",
                "note": "string{max_length=200}?",
            },
            "out": {"ok": "bool", "receipt": "string", "charged_cents": "int"},
        }
    }
    assert warnings(SHIP) == ()


def test_enum_values_lose_only_the_prefix_proto_style_gives_them() -> None:
    text = """\
enum Route { ROUTE_UNSPECIFIED = 0; ROUTE_TRANSACTIONAL = 1; ROUTE_MARKETING = 2; }
enum Color { RED = 0; GREEN = 1; }
enum Mixed { MIXED_A = 0; OTHER_B = 1; }
message Sms { Route route = 1; Color color = 2; Mixed mixed = 3; }
"""
    (sms,) = [g for g in protobuf(text) if g.fields]
    assert [(f.name, f.typed.enum) for f in sms.fields] == [
        ("route", ("transactional", "marketing")),
        ("color", ("red", "green")),
        ("mixed", ("mixed_a", "other_b")),
    ]


def test_a_half_pasted_message_keeps_its_readable_fields() -> None:
    text = """\
message SendSmsRequest {
  string to_number = 1;  // up to 16 characters
  string body = ;
  repeated int32 = 3;
  optional bool urgent = 4;
"""
    (group,) = protobuf(text)
    assert [(f.name, f.typed.base, f.typed.optional, f.typed.max_length) for f in group.fields] == [
        ("to_number", "string", False, 16),
        ("urgent", "bool", True, None),
    ]


def test_what_is_not_protobuf_gives_nothing() -> None:
    for text in (
        "message",
        "message X {",
        "enum {}",
        "the message is { short }",
        "message X { ; ; }",
    ):
        assert protobuf(text) == [], text
