"""Python fields declared by a call rather than an annotation: marshmallow (``fields.Str(required=
True, validate=validate.Length(max=120))``, ``fields.List(fields.Nested(X))``), Django models
and REST framework serializers (``models.CharField(max_length=40, null=True)``,
``PositiveIntegerField`` never negative, ``choices``, ``validators=[MinValueValidator(0)]``),
SQLAlchemy (``Column(String(3), nullable=False)``; ``mapped_column(String(3), default=False)``
beside a ``Mapped[...]`` annotation), mongoengine, attrs (``attr.ib(type=int)``, and
``attrs.field(validator=[v.ge(1), v.le(500)])`` beside an annotation: ``max_len``, ``min_len``,
``gt``, ``ge``, ``lt``, ``le``, ``in_``, ``optional``)."""

from __future__ import annotations

import ast
import re
from decimal import Decimal, InvalidOperation

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.types import Typed, with_note

_STRING = {
    "Str", "String", "CharField", "TextField", "SlugField", "StringField", "Text", "Unicode",
    "UnicodeText", "GenericIPAddressField", "IPAddressField", "IP", "FileField", "ImageField",
    "FilePathField", "TimeField", "Time", "RegexField", "HiddenField", "ReadOnlyField",
}  # fmt: skip
_BASES = {
    **dict.fromkeys(_STRING, "string"),
    **dict.fromkeys(("Int", "Integer", "IntegerField", "SmallIntegerField", "BigIntegerField",
                     "AutoField", "BigAutoField", "SmallAutoField", "IntField", "LongField",
                     "PositiveIntegerField", "PositiveSmallIntegerField",
                     "PositiveBigIntegerField",
                     "BigInteger", "SmallInteger", "TimeDelta", "DurationField"), "int"),
    **dict.fromkeys(("Float", "FloatField", "Number", "Double", "REAL"), "float"),
    **dict.fromkeys(("Decimal", "DecimalField", "Numeric", "DECIMAL", "NUMERIC", "Money"),
                    "decimal"),
    **dict.fromkeys(("Bool", "Boolean", "BooleanField", "NullBooleanField"), "bool"),
    **dict.fromkeys(("UUID", "UUIDField", "Uuid"), "uuid"),
    **dict.fromkeys(("Date", "DateField"), "date"),
    **dict.fromkeys(("DateTime", "DateTimeField", "AwareDateTime", "NaiveDateTime",
                     "ComplexDateTimeField", "TIMESTAMP"), "datetime"),
    **dict.fromkeys(("Dict", "Mapping", "Raw", "JSONField", "DictField", "JSON", "JSONB",
                     "HStoreField", "PickleType"), "object"),
    "Email": "string", "EmailField": "string", "Url": "string", "URL": "string",
    "URLField": "string", "ChoiceField": "string", "Enum": "string",
}  # fmt: skip
_NEVER_NEGATIVE = {
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
}
_LISTS = {"List", "ListField", "ArrayField", "ARRAY", "ManyToManyField", "MultipleChoiceField"}
_MODELS = {"Nested", "ForeignKey", "OneToOneField", "EmbeddedDocumentField", "ReferenceField"}
_COLUMNS = {"Column", "mapped_column", "column_property"}
_ATTRS = {"ib", "attrib", "field"}
# what a call on the right of ``name = ...`` must be to be a field (not a constant, a manager)
_VALUES = {"Decimal", "UUID", "Date", "DateTime", "Time", "Enum", "Float"}  # also called for values
FIELD_CALLS = {*_BASES, *_LISTS, *_MODELS, *_COLUMNS} - _VALUES


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ""


def _module(node: ast.expr) -> str:
    """``fields`` of ``fields.Str``, ``models`` of ``models.CharField``."""
    if isinstance(node, ast.Attribute):
        return _name(node.value)
    return ""


def assigned_field(name: str, value: ast.expr, note: str) -> FieldPhrase | None:
    """``name = <field call>`` in a class body (marshmallow, Django, SQLAlchemy ``Column``,
    mongoengine, ``attr.ib``), or None when the call declares no field."""
    if not isinstance(value, ast.Call) or name.startswith("_") or name == "Meta":
        return None
    head, module = _name(value.func), _module(value.func)
    known = head in FIELD_CALLS or (head in _ATTRS and module in ("attr", "attrs"))
    if not known and not (head in _VALUES and module == "fields"):
        return None  # ``Decimal("1.0")`` (not ``fields.Decimal()``): a value, not a field
    typed = call_type(value)
    if head not in _COLUMNS and head not in _ATTRS:
        _field_options(value, typed, marshmallow=_module(value.func) == "fields")
    call_options(value, typed)
    found, renamed = _constant(_keyword(value, "data_key"))  # marshmallow's name in the data
    key = renamed if found and isinstance(renamed, str) and renamed else name
    written = _PRECISION.sub("", f"{name} = {ast.unparse(value)}")  # digits: storage, no rule
    return FieldPhrase(key, with_note(typed, note), written)


_PRECISION = re.compile(r"\b(?:max_digits|precision|scale)\s*=\s*\d+,?\s*")


def call_type(call: ast.Call) -> Typed:
    """The type a field call declares: its own kind, an item (``List(Str())``), a nested schema,
    a column type (``Column(String(3))``), ``attr.ib(type=int)``."""
    head = _name(call.func)
    first = call.args[0] if call.args else None
    if head in _COLUMNS or head in _ATTRS:  # ``Column("name", Integer)``: the name is no type
        kinds = [a for a in call.args if not isinstance(a, ast.Constant)]
        kind = kinds[0] if kinds else _keyword(call, "type") or _keyword(call, "type_")
        return _column_type(kind) if kind is not None else Typed()
    if head in _LISTS:
        item = first or _keyword(call, "child") or _keyword(call, "base_field")
        typed = call_type(item) if isinstance(item, ast.Call) else _model_or(item)
        typed.is_list = True
        return typed
    if head in _MODELS:
        typed = _model_or(first or _keyword(call, "nested") or _keyword(call, "to"))
        many = _keyword(call, "many")
        typed.is_list = isinstance(many, ast.Constant) and many.value is True
        return typed
    typed = Typed(base=_BASES.get(head, "object"))
    if head in ("Email", "EmailField"):
        typed.format = "email"
    elif head in ("Url", "URL", "URLField"):
        typed.format = "uri"
    if head in _NEVER_NEGATIVE:
        typed.ge = Decimal(0)
    if head == "NullBooleanField":
        typed.optional = True
    if head == "Enum" and first is not None:
        return _column_type(call)
    return typed


def _model_or(node: ast.expr | None) -> Typed:
    name = _name(node) if node is not None else ""
    return Typed(model=name) if name[:1].isupper() else Typed(base="object")


def _column_type(node: ast.expr) -> Typed:
    """A SQLAlchemy column type: ``String(3)``, ``Numeric(12, 2)``, ``Enum("a", "b")``."""
    head = _name(node.func) if isinstance(node, ast.Call) else _name(node)
    if head in ("ARRAY",) and isinstance(node, ast.Call) and node.args:
        typed = _column_type(node.args[0])
        typed.is_list = True
        return typed
    if head == "Enum" and isinstance(node, ast.Call):
        written = [a.value for a in node.args if isinstance(a, ast.Constant)]
        values = tuple(v for v in written if isinstance(v, str))
        if values:
            return Typed(base="string", enum=values)
        return _model_or(node.args[0]) if node.args else Typed(base="string")
    base = _BASES.get(head) or {"int": "int", "str": "string", "float": "float", "bool": "bool",
                                "VARCHAR": "string", "CHAR": "string", "INTEGER": "int",
                                "BOOLEAN": "bool"}.get(head, "")  # fmt: skip
    typed = Typed(base=base) if base else _model_or(node)
    sized = head in ("String", "Unicode", "VARCHAR", "CHAR")
    if isinstance(node, ast.Call) and sized and node.args:
        found, length = _constant(node.args[0])
        if found and isinstance(length, int) and not isinstance(length, bool):
            typed.max_length = length
    return typed


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _constant(node: ast.expr | None) -> tuple[bool, object]:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        found, value = _constant(node.operand)
        return (found, -value) if found and isinstance(value, int | float) else (False, None)
    if isinstance(node, ast.Constant) and (
        node.value is None or isinstance(node.value, str | int | float | bool)
    ):
        return True, node.value
    return False, None


def _field_options(call: ast.Call, typed: Typed, *, marshmallow: bool) -> None:
    """Keywords of a marshmallow, Django, DRF or mongoengine field."""
    _presence(call, typed, marshmallow=marshmallow)
    found, places = _constant(_keyword(call, "decimal_places"))
    if found and isinstance(places, int) and not isinstance(places, bool):
        typed.decimal_places = places
    for key, attribute in _LIMITS:
        found, value = _constant(_keyword(call, key))
        if not found or isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if attribute.endswith("length"):
            setattr(typed, attribute, value if isinstance(value, int) else None)
        else:
            setattr(typed, attribute, Decimal(str(value)))
    choices = _keyword(call, "choices")
    if isinstance(choices, ast.List | ast.Tuple):
        _values([_choice(c) for c in choices.elts], typed)


_LIMITS = (
    ("max_length", "max_length"),
    ("min_length", "min_length"),
    ("min_value", "ge"),
    ("max_value", "le"),
)


def _presence(call: ast.Call, typed: Typed, *, marshmallow: bool) -> None:
    """``required``, ``null``/``allow_none`` and a default: whether the field may be missing."""
    required = _constant(_keyword(call, "required"))
    if required == (True, False) or any(
        _constant(_keyword(call, flag)) == (True, True)
        for flag in ("null", "allow_null", "allow_none")
    ):
        typed.optional = True
    default = next(
        (d for k in ("load_default", "missing", "default", "initial") if (d := _keyword(call, k))),
        None,
    )
    if default is not None:
        found, value = _constant(default)
        typed.has_default = True
        typed.default = value if found else None  # type: ignore[assignment]
        typed.optional = typed.optional or (found and value is None)
    elif marshmallow and required != (True, True):
        typed.optional = True  # marshmallow: a field not required may be missing
    if any(_keyword(call, k) is not None for k in ("auto_now", "auto_now_add")):
        typed.has_default = True


def _values(values: list[object], typed: Typed) -> None:
    if values and all(values):
        typed.enum, typed.base = tuple(str(v) for v in values), "string"


def _choice(node: ast.expr) -> object:
    if isinstance(node, ast.Tuple) and node.elts:
        node = node.elts[0]  # Django's ("value", "Label")
    found, value = _constant(node)
    return value if found and value not in (None, "") else None


def call_options(call: ast.Call, typed: Typed) -> None:
    """What a field call says beyond its kind: validators (``validate=``, ``validators=``,
    attrs' ``validator=``), a column's ``nullable``, ``default`` and ``primary_key``."""
    head = _name(call.func)
    if head in _COLUMNS or head in _ATTRS:
        nullable = _keyword(call, "nullable")
        if isinstance(nullable, ast.Constant) and nullable.value is True:
            typed.optional = True
        for key in ("default", "server_default", "factory", "insert_default"):
            value = _keyword(call, key)
            if value is None:
                continue
            found, literal = _constant(value)
            typed.has_default = True
            typed.default = literal if found and key == "default" else None  # type: ignore[assignment]
    for key in ("validate", "validators", "validator"):
        value = _keyword(call, key)
        for validator in value.elts if isinstance(value, ast.List | ast.Tuple) else [value]:
            if isinstance(validator, ast.Call):
                _validator(validator, typed)


def _number(node: ast.expr | None) -> Decimal | None:
    found, value = _constant(node)
    if not found or isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _validator(call: ast.Call, typed: Typed) -> None:
    """One validator: marshmallow's ``Length``/``Range``/``OneOf``/``Email``, Django's
    ``MinValueValidator``..., attrs' ``max_len``/``ge``/``in_``/``optional``/``and_``."""
    head = _name(call.func)
    first = call.args[0] if call.args else None
    if head in ("and_", "optional"):
        for inner in call.args:
            for item in inner.elts if isinstance(inner, ast.List | ast.Tuple) else [inner]:
                if isinstance(item, ast.Call):
                    _validator(item, typed)
        typed.optional = typed.optional or head == "optional"
    elif head in ("Length", "Range"):
        _range(call, typed, lengths=head == "Length")
    elif head in ("OneOf", "in_") and isinstance(first, ast.List | ast.Tuple | ast.Set):
        _values([_choice(e) for e in first.elts], typed)
    elif head in _FORMATS:
        typed.format = _FORMATS[head]
    elif head in _BOUNDS and (value := _number(first)) is not None:
        key = _BOUNDS[head]
        setattr(typed, key, int(value) if key.endswith("length") else value)


_FORMATS = {
    "Email": "email", "EmailValidator": "email", "validate_email": "email", "URL": "uri",
    "URLValidator": "uri",
}  # fmt: skip
_BOUNDS = {
    "MinValueValidator": "ge", "MaxValueValidator": "le", "ge": "ge", "gt": "gt", "le": "le",
    "lt": "lt", "MinLengthValidator": "min_length", "MaxLengthValidator": "max_length",
    "min_len": "min_length", "max_len": "max_length",
}  # fmt: skip


def _range(call: ast.Call, typed: Typed, *, lengths: bool) -> None:
    """marshmallow's ``Length(min, max, equal)`` and ``Range(min, max, min_inclusive, ...)``."""
    low = _number(_keyword(call, "min") or (call.args[0] if call.args else None))
    high = _number(_keyword(call, "max") or (call.args[1] if len(call.args) > 1 else None))
    if lengths:
        equal = _number(_keyword(call, "equal"))
        low, high = (equal, equal) if equal is not None else (low, high)
        typed.min_length = int(low) if low is not None else typed.min_length
        typed.max_length = int(high) if high is not None else typed.max_length
        return
    if low is not None:
        exclusive = _constant(_keyword(call, "min_inclusive")) == (True, False)
        setattr(typed, "gt" if exclusive else "ge", low)
    if high is not None:
        exclusive = _constant(_keyword(call, "max_inclusive")) == (True, False)
        setattr(typed, "lt" if exclusive else "le", high)


def annotated_call(call: ast.Call, typed: Typed) -> None:
    """What the call beside an annotation says (``mapped_column(String(3), default=False)``,
    ``attrs.field(validator=v.max_len(80))``): the annotation keeps the type."""
    if _name(call.func) not in _COLUMNS | _ATTRS:
        return
    column = call_type(call)
    if column.max_length is not None:
        typed.max_length = column.max_length
    call_options(call, typed)
