"""Python pasted into a request: TypedDicts, NamedTuples, Enum classes, Annotated constraints,
comments beside fields, function signatures and dict literals."""

from __future__ import annotations

from codegen_assets.core.understanding.schemas.python import (
    python_classes,
    python_dicts,
    python_enums,
    python_signatures,
)
from tests.core.understanding.spec_view import operations, warnings

GRADE = """\
Compute node, operation `grade`.

```python
from enum import Enum, StrEnum, auto
from typing import Annotated, NamedTuple, NotRequired, Required, TypedDict
from annotated_types import Ge, Le, MaxLen

class Level(str, Enum):
    LOW = "low"
    HIGH = "high"

class Band(StrEnum):
    GOLD = auto()
    SILVER = auto()

class GradeInput(TypedDict, total=False):
    score: Required[Annotated[int, Ge(0), Le(100)]]
    level: Level
    band: Band
    name: Annotated[str, MaxLen(40)]  # the student's name
    code: constr(min_length=2, max_length=2)
    weights: conlist(float, min_length=1)

class GradeOutput(NamedTuple):
    score: float        # 0..1
    level: str          # "low" | "medium" | "high"
    reasons: list[str]
    passed: NotRequired[bool]
```
"""


def test_typeddict_namedtuple_enums_annotated_and_comments() -> None:
    assert operations(GRADE) == {
        "grade": {
            "in": {
                "score": "int{ge=0,le=100}",
                "level": "enum[high,low]?",
                "band": "enum[gold,silver]?",
                "name": "string{max_length=40}?",
                "code": "string{max_length=2,min_length=2}?",
                "weights": "list[float]{min_length=1}?",
            },
            "out": {
                "score": "float{ge=0,le=1}",
                "level": "enum[high,low,medium]",
                "reasons": "list[string]",
                "passed": "bool?",
            },
        }
    }
    assert warnings(GRADE) == ()


SIGNATURE = """\
Orchestrator for exports, publishing onex.evt.privacy.export-ready.v1:

    async def export_subject(
        self: Self,
        subject_id: UUID,
        requester_email: str,               # must be a valid email address
        include_tickets: bool = True,
        sections: list[str] | None = None,  # None = everything
        *args,
        limit: int = 10,                    # at most 100
        **kwargs,
    ) -> ExportOutcome: ...

ExportOutcome carries download_url (str) and expires_at (datetime).
"""


def test_a_signature_is_an_operation_and_its_result_type_is_the_output() -> None:
    assert operations(SIGNATURE) == {
        "export_subject": {
            "in": {
                "subject_id": "uuid",
                "requester_email": "string{format=email}",
                "include_tickets": "bool{default=true}",
                "sections": "list[string]?",
                "limit": "int{default=10,le=100}",
            },
            "out": {"download_url": "string", "expires_at": "datetime"},
        }
    }


def test_a_returned_dict_literal_is_an_output_a_json_one_is_left_to_the_json_reader() -> None:
    text = """\
    return {
        "breached": True,
        "minutes_remaining": -42,
        "deadline_at": datetime(2025, 3, 4, 17, 0),
        "price": Decimal("1.20"),
        "ids": [uuid4()],
    }
    payload = {"a": 1, "b": "x"}
"""
    (group,) = python_dicts(text)
    assert group.role == "output"
    assert [(f.name, f.typed.base, f.typed.is_list) for f in group.fields] == [
        ("breached", "bool", False),
        ("minutes_remaining", "int", False),
        ("deadline_at", "datetime", False),
        ("price", "decimal", False),
        ("ids", "uuid", True),
    ]


def test_enum_values_and_half_pasted_python() -> None:
    (level,) = python_enums("class Level(IntEnum):\n    LOW = 1\n    HIGH = 2\n    _ignore_ = 3\n")
    assert level.values == ("LOW", "HIGH")
    half = "class Half(BaseModel):\n    a: int = Field(ge=1)\n    b: list[str\n    c: bool\n"
    (group,) = python_classes(half)
    assert [(f.name, f.typed.base, f.typed.ge) for f in group.fields] == [
        ("a", "int", 1),
        ("c", "bool", None),
    ]
    assert python_signatures("def f(a: int, b: str") == []
    assert python_signatures("def f(a, b): pass") == []
    assert python_dicts("x = {1: 2}\nreturn {'a': \n") == []
