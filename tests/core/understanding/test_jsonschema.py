"""JSON Schema and OpenAPI schemas pasted into a request, in JSON or YAML."""

from __future__ import annotations

from codegen_assets.core.stages.parsed_prompt import parse_prompt
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
                "tip_percent": "float{default=10,ge=0,le=30}",
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


VEHICLE = """\
Advisors copy the details from the national registry website by hand. Please build an effect node,
`vehicle_lookup`, that calls the registry through our existing `vehicle_registry_client`. The
check-in tablet calls it directly, so no topics. Use its `operationId` as the operation name.

```yaml
swagger: "2.0"
paths:
  /vehicles/lookup:
    post:
      operationId: lookupVehicle
      parameters:
        - {in: body, name: body, required: true, schema: {$ref: "#/definitions/LookupRequest"}}
      responses:
        "200": {description: found, schema: {$ref: "#/definitions/VehicleRecord"}}
definitions:
  LookupRequest:
    type: object
    required: [plate]
    properties:
      plate:           {type: string, maxLength: 10}
      include_history: {type: boolean, default: false}
  VehicleRecord:
    type: object
    required: [make]
    properties:
      make:           {type: string}
      inspection_due: {type: string, format: date}
```
"""


def test_a_swagger_operation_takes_its_body_schema_and_returns_its_success_schema() -> None:
    assert operations(VEHICLE) == {
        "lookup_vehicle": {
            "in": {"plate": "string{max_length=10}", "include_history": "bool{default=false}"},
            "out": {"make": "string", "inspection_due": "date?"},
        }
    }
    spec = parse_prompt(VEHICLE)
    assert spec.subscribe_topics == ()  # "no topics": none invented from the names around it


LAUNDRY = """\
A reducer, operation `apply_machine_status`. Each event has machine_id (string) and room_id
(uuid). The state is what we store in Mongo; here's the collection validator:

```js
db.createCollection("laundry_room_state", {
  validator: {
    $jsonSchema: {
      bsonType: "object",
      required: ["free_washers", "busy_level", "updated_at"],
      properties: {
        free_washers: { bsonType: "int", minimum: 0 },
        busy_level:   { bsonType: "string", enum: ["quiet", "busy", "full"] },
        balance:      { bsonType: "decimal" },
        next_free_at: { bsonType: ["date", "null"] },
        updated_at:   { bsonType: "date" }
      }
    }
  }
})
```
"""


def test_a_mongodb_collection_validator_is_read_as_the_json_schema_it_is() -> None:
    assert operations(LAUNDRY)["apply_machine_status"]["out"] == {
        "free_washers": "int{ge=0}",
        "busy_level": "enum[busy,full,quiet]",
        "balance": "decimal?",
        "next_free_at": "datetime?",
        "updated_at": "datetime",
    }


RIVER = """\
Compute node with the operation `score_water_sample`. The `sample` resource is the input, the
`score` resource the output.

```json
{"resources": [
  {"name": "sample", "schema": {"fields": [
    {"name": "site_id", "type": "string", "constraints": {"required": true, "maxLength": 8}},
    {"name": "ph", "type": "number",
     "constraints": {"required": true, "minimum": 0, "maximum": 14}},
    {"name": "turbidity_ntu", "type": "number", "constraints": {"minimum": 0}},
    {"name": "site_type", "type": "string",
     "constraints": {"required": true, "enum": ["river", "lake"]}},
    {"name": "contact", "type": "string", "format": "email"}
  ]}},
  {"name": "score", "schema": {"fields": [
    {"name": "wqi", "type": "integer",
     "constraints": {"required": true, "minimum": 0, "maximum": 100}}
  ]}}
]}
```
"""


def test_a_frictionless_table_schema_gives_each_resource_its_fields_and_role() -> None:
    assert operations(RIVER) == {
        "score_water_sample": {
            "in": {
                "site_id": "string{max_length=8}",
                "ph": "float{ge=0,le=14}",
                "turbidity_ntu": "float{ge=0}?",
                "site_type": "enum[lake,river]",
                "contact": "string{format=email}?",
            },
            "out": {"wqi": "int{ge=0,le=100}"},
        }
    }
