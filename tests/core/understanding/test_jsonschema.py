"""JSON Schema and OpenAPI schemas pasted into a request, in JSON or YAML."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.jsonschema import json_schemas
from tests.core.understanding.spec_view import operations, warnings

BILL = """\
Compute node, operation `bill.split`.

```yaml
components:
  schemas:
    Participant:
      type: object
      required: [name, weight]
      properties:
        name:   {type: string, maxLength: 40}
        weight: {type: integer, minimum: 1}
        email:  {type: string, format: email}
    SplitBillRequest:
      type: object
      required: [total, participants]
      properties:
        total:        {type: string, format: decimal}
        tip_percent:  {type: number, minimum: 0, maximum: 30, default: 10}
        rounding:     {type: string, enum: [none, cent, whole]}
        participants: {type: array, minItems: 2, items: {$ref: '#/components/schemas/Participant'}}
        note:         {type: string, nullable: true, description: "at most 80 characters"}
    SplitBillResponse:
      type: object
      required: [shares]
      properties:
        shares: {type: array, items: {type: object, properties: {name: {type: string}}}}
        settled_at: {type: string, format: date-time}
```
"""


def test_openapi_components_refs_required_lists_and_bounds() -> None:
    assert operations(BILL) == {
        "bill_split": {
            "in": {
                "total": "decimal",
                "tip_percent": "float{default=10,ge=0,le=30}?",
                "rounding": "enum[cent,none,whole]?",
                "participants": (
                    "list[{email:string{format=email}?,name:string{max_length=40},weight:int{ge=1}}]"
                    "{min_length=2}"
                ),
                "note": "string{max_length=80}?",
            },
            "out": {"shares": "list[{name:string?}]", "settled_at": "datetime?"},
        }
    }
    assert warnings(BILL) == ()


def test_a_json_schema_with_definitions_and_draft_4_exclusive_bounds() -> None:
    prompt = """\
Compute node, operation `grade`. The input is validated with:

```json
{
  "$schema": "http://json-schema.org/draft-04/schema#",
  "title": "GradeInput",
  "type": "object",
  "properties": {
    "level": {"type": "integer", "minimum": 1, "exclusiveMinimum": true, "maximum": 10},
    "ratio": {"type": ["number", "null"], "exclusiveMaximum": 1},
    "status": {"$ref": "#/definitions/Status"},
    "owner": {"$ref": "#/definitions/Owner"},
    "kind": {"const": "grade"}
  },
  "required": ["level", "status", "owner", "kind"],
  "definitions": {
    "Status": {"type": "string", "enum": ["on", "off"]},
    "Owner": {"type": "object", "properties": {"name": {"type": "string", "minLength": 1}},
              "required": ["name"]}
  }
}
```
"""
    assert operations(prompt)["grade"]["in"] == {
        "level": "int{gt=1,le=10}",
        "ratio": "float{lt=1}?",
        "status": "enum[off,on]",
        "owner": "{name:string{min_length=1}}",
        "kind": "enum[grade]",
    }


def test_an_unfenced_yaml_schema_is_read_and_a_json_example_is_not_a_schema() -> None:
    text = """\
Request schema:

    type: object
    title: ScoreRequest
    required: [user_id]
    properties:
      user_id:
        type: string
        format: uuid
      points:
        type: integer

Example: {"user_id": "x", "properties": {"color": "red"}}
"""
    (group,) = json_schemas(text)
    assert group.label == "ScoreRequest"
    assert [(f.name, f.typed.base, f.typed.optional) for f in group.fields] == [
        ("user_id", "uuid", False),
        ("points", "int", True),
    ]


def test_what_is_not_a_schema_gives_nothing() -> None:
    for text in (
        '{"a": 1, "b": [1, 2]}',
        '{"properties": {"a": 1}}',
        "```yaml\nproperties: [\n```",
        "```yaml\n: : :\n```",
        '{"properties": {"a": {"type": "string"}',
    ):
        assert json_schemas(text) == [], text
