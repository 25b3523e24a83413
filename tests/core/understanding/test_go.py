"""Go structs pasted into a request, read as encoding/json and validator read them."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.golang import go_structs
from tests.core.understanding.spec_view import operations, warnings

SEND = """\
Effect node, operation `send`, through `smtp_client`.

```go
type Priority string

const (
    PriorityLow  Priority = "low"
    PriorityHigh Priority = "high"
)

type Attachment struct {
    Name string `json:"name"`
    Size int64  `json:"size"`
}

type SendRequest struct {
    To          string          `json:"to" validate:"required,email"`
    Subject     string          `json:"subject" validate:"min=1,max=120"`
    Priority    Priority        `json:"priority"`
    Retries     uint8           `json:"retries,omitempty" validate:"lte=5"`
    SendAt      *time.Time      `json:"send_at"`
    internal    string
    Secret      string          `json:"-"`
    Labels      []string        `json:"labels" validate:"max=3,dive,min=1"`
    Amount      decimal.Decimal `json:"amount"`
    Kind        string          `json:"kind" validate:"oneof=plain html"`
    Attachments []Attachment    `json:"attachments"` // at most 10 entries
    Headers     map[string]string
}

type SendResponse struct {
    MessageID uuid.UUID `json:"message_id"`
    Accepted  bool      `json:"accepted"`
}
```
"""


def test_json_tags_pointers_validate_rules_and_typed_constants() -> None:
    assert operations(SEND) == {
        "send": {
            "in": {
                "to": "string{format=email}",
                "subject": "string{max_length=120,min_length=1}",
                "priority": "enum[high,low]",
                "retries": "int{ge=0,le=5}?",
                "send_at": "datetime?",
                "labels": "list[string]{max_length=3}",
                "amount": "decimal",
                "kind": "enum[html,plain]",
                "attachments": "list[{name:string,size:int}]{max_length=10}",
                "Headers": "object",
            },
            "out": {"message_id": "uuid", "accepted": "bool"},
        }
    }
    assert warnings(SEND) == ()


def test_an_embedded_struct_gives_its_fields() -> None:
    text = """\
type Audit struct {
    CreatedBy string `json:"created_by"`
}
type Order struct {
    Audit
    ID int `json:"id" validate:"gte=1"`
}
"""
    order = next(g for g in go_structs(text) if g.label == "Order")
    assert [(f.name, f.typed.base, f.typed.ge) for f in order.fields] == [
        ("created_by", "string", None),
        ("id", "int", 1),
    ]


def test_a_half_pasted_struct_keeps_its_readable_fields() -> None:
    text = """\
type BrokenRequest struct {
    Name string `json:"name"
    Count int `json:"count"`
    Weird ??? `json:"weird"`
"""
    (group,) = go_structs(text)
    assert [(f.name, f.typed.base) for f in group.fields] == [("name", "string"), ("count", "int")]


def test_what_is_not_go_gives_nothing() -> None:
    for text in ("type X struct", "type X struct {", "type the rest here", "type X = Y"):
        assert go_structs(text) == [], text
