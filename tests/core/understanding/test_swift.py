"""Swift structs and enums pasted into a request."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.swift import swift_types
from tests.core.understanding.spec_view import operations, warnings

PUSH = """\
Effect node, operation `send_push`, through the `apns_client`. Our Swift types:

```swift
enum PushKind: String, Codable {
    case alert
    case background, voip
    case critical = "CRITICAL"
}

struct Device: Codable {
    let token: String      // exactly 64 hex characters
    let platform: String
}

struct PushRequest: Codable {
    let devices: [Device]          // 1 to 100 devices
    let kind: PushKind
    let title: String?             // at most 120 characters
    let badge: UInt?
    var sound: String = "chime"
    let expiresAt: Date?
    let payload: [String: String]
    let ttlSeconds: Int            // 0..86400
    static let maxDevices = 100
    var isSilent: Bool { kind == .background }

    enum CodingKeys: String, CodingKey {
        case devices, kind, title, badge, sound, payload
        case expiresAt = "expires_at"
        case ttlSeconds = "ttl_seconds"
    }

    func validate() throws {}
}

struct PushResult: Codable {
    let apnsId: UUID
    let delivered: Bool
    let link: URL?
}
```
"""


def test_structs_optionals_defaults_raw_enums_and_coding_keys() -> None:
    device = "{platform:string,token:string{max_length=64,min_length=64}}"
    assert operations(PUSH) == {
        "send_push": {
            "in": {
                "devices": f"list[{device}]{{max_length=100,min_length=1}}",
                "kind": "enum[alert,background,critical,voip]",
                "title": "string{max_length=120}?",
                "badge": "int{ge=0}?",
                "sound": "string{default=chime}",
                "expires_at": "datetime?",
                "payload": "object",
                "ttl_seconds": "int{ge=0,le=86400}",
            },
            "out": {"apnsId": "uuid", "delivered": "bool", "link": "string{format=uri}?"},
        }
    }
    assert warnings(PUSH) == ()


def test_a_half_pasted_struct_keeps_its_readable_properties() -> None:
    text = """\
struct Half {
    let a: String
    let b:
    var c: Int? = nil
    let d: [String
"""
    (group,) = swift_types(text)
    assert [(f.name, f.typed.base, f.typed.optional) for f in group.fields] == [
        ("a", "string", False),
        ("c", "int", True),
    ]


def test_what_is_not_swift_gives_nothing() -> None:
    for text in (
        "Let it be: the struct we use is simple, let x be a number.",
        "struct Point { x: f64, y: f64 }",  # Rust
        "enum Result { case success(Data), failure(Error) }",
        "struct Empty {}",
        "class Foo { func bar() {} }",
    ):
        assert swift_types(text) == [], text
