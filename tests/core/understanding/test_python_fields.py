"""Python fields declared by calls: marshmallow schemas, Django models, SQLAlchemy columns and
attrs validators, pasted into a request."""

from __future__ import annotations

from decimal import Decimal

from codegen_assets.core.understanding.schemas.python import python_classes
from tests.core.understanding.spec_view import operations, warnings

SIGNATURES = """\
Orchestrator, operation `collect_signatures`, through the `esign_client`. The request schemas:

```python
class SignerSchema(Schema):
    name = fields.Str(required=True, validate=validate.Length(max=120))
    email = fields.Email(required=True)
    signing_order = fields.Int(required=True, validate=validate.Range(min=1, max=10))
    role = fields.Str(required=True, validate=validate.OneOf(["signer", "witness"]))


class SignatureRequestSchema(Schema):
    document_id = fields.UUID(required=True)
    signers = fields.List(fields.Nested(SignerSchema), required=True,
                          validate=validate.Length(min=1, max=10))
    deadline = fields.Date(required=True)
    message = fields.Str(load_default=None, validate=validate.Length(max=1000))
    send_reminders = fields.Bool(load_default=True)
    locale = fields.Str(data_key="lang")
```
"""


def test_marshmallow_schemas_with_validators_nesting_and_defaults() -> None:
    signer = (
        "{email:string{format=email},name:string{max_length=120},role:enum[signer,witness],"
        "signing_order:int{ge=1,le=10}}"
    )
    assert operations(SIGNATURES) == {
        "collect_signatures": {
            "in": {
                "document_id": "uuid",
                "signers": f"list[{signer}]{{max_length=10,min_length=1}}",
                "deadline": "date",
                "message": "string{max_length=1000}?",
                "send_reminders": "bool{default=true}",
                "lang": "string?",
            },
            "out": {},
        }
    }
    assert warnings(SIGNATURES) == ()


LOANS = """\
Reducer, operation `record_loan_event`: it takes member_id (uuid) and kind (string). The summary
is the Django model below, and the wallet state the SQLAlchemy one:

```python
class MemberLoanSummary(models.Model):
    member_id = models.UUIDField(primary_key=True)
    active_loans = models.PositiveIntegerField()
    fines_due = models.DecimalField(max_digits=8, decimal_places=2)
    tier = models.CharField(max_length=6, choices=[("basic", "Basic"), ("gold", "Gold")])
    blocked = models.BooleanField(default=False)
    rating = models.IntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    last_event_at = models.DateTimeField(null=True, blank=True)
    objects = models.Manager()

    class Meta:
        ordering = ["member_id"]


class WalletState(Base):
    __tablename__ = "wallet_state"

    wallet_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))
    frozen: Mapped[bool] = mapped_column(default=False)
    note = Column(Text, nullable=True)
    balance = Column(Numeric(12, 2), nullable=False, default=0)
```
"""


def test_django_and_sqlalchemy_models_keep_their_column_rules() -> None:
    assert operations(LOANS)["record_loan_event"]["out"] == {
        "member_id": "uuid",
        "active_loans": "int{ge=0}",
        "fines_due": "decimal",
        "tier": "enum[basic,gold]",
        "blocked": "bool{default=false}",
        "rating": "int{ge=1,le=5}",
        "last_event_at": "datetime?",
        "wallet_id": "uuid",
        "currency": "string{max_length=3}",
        "frozen": "bool{default=false}",
        "note": "string?",
        "balance": "decimal{default=0}",
    }
    assert warnings(LOANS) == ()


def test_attrs_validators_bound_annotated_fields() -> None:
    text = """\
@attrs.frozen
class Ingredient:
    name: str = attrs.field(validator=v.max_len(80))
    quantity: float = attrs.field(validator=[v.gt(0), v.le(500)])
    unit: str = attrs.field(validator=v.in_(["g", "kg"]))
    note: str | None = attrs.field(default=None, validator=v.optional(v.min_len(1)))
    count = attr.ib(type=int, default=1)
"""
    (group,) = python_classes(text)
    said = {f.name: f.typed for f in group.fields}
    assert said["name"].max_length == 80
    assert (said["quantity"].gt, said["quantity"].le) == (Decimal(0), Decimal(500))
    assert said["unit"].enum == ("g", "kg")
    assert (said["note"].optional, said["note"].min_length) == (True, 1)
    assert (said["count"].base, said["count"].default) == ("int", 1)


def test_a_half_pasted_schema_keeps_its_readable_fields() -> None:
    text = """\
class Half(Schema):
    a = fields.Str(required=True)
    b = fields.Int(validate=validate.Range(min=
    c = fields.Bool(load_default=False)
"""
    (group,) = python_classes(text)
    assert [(f.name, f.typed.base) for f in group.fields] == [("a", "string"), ("c", "bool")]


def test_what_declares_no_field_gives_nothing() -> None:
    for text in (
        "class Settings:\n    timeout = int(os.environ['T'])\n    price = Decimal('1.0')\n",
        "class Config:\n    objects = models.Manager()\n    _cache = fields.Str()\n",
        "Our fields.Str(required=True) usage is documented elsewhere.",
    ):
        assert python_classes(text) == [], text
