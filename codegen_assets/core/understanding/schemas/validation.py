"""What the annotations on a field say (Java's and Kotlin's ``@X(...)``, C#'s ``[X(...)]``), and
the modifiers before it. Bean Validation and Hibernate Validator: ``@NotNull`` required,
``@Nullable`` optional, ``@Size``/``@Length`` lengths, ``@NotBlank``/``@NotEmpty`` at least one,
``@Min``/``@Max``/``@DecimalMin``/``@DecimalMax``/``@Range`` bounds, ``@Positive``,
``@PositiveOrZero``, ``@Email``, ``@URL``. .NET DataAnnotations: ``[Required]``,
``[MaxLength]``, ``[MinLength]``, ``[StringLength]``, ``[Length]``, ``[Range]``,
``[EmailAddress]``, ``[Url]``. A serialized name (``@JsonProperty("x")``, ``@SerialName``,
``@SerializedName``, ``@Json(name = ...)``, ``[JsonPropertyName]``, ``[DataMember(Name = ...)]``)
renames the field; ``@JsonIgnore``, ``@Transient``, ``[JsonIgnore]`` leave it out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from codegen_assets.core.understanding.schemas.scan import split_top
from codegen_assets.core.understanding.types import Typed

MODIFIERS = {
    "public", "private", "protected", "internal", "final", "static", "readonly", "override",
    "open", "lateinit", "const", "transient", "volatile", "required", "abstract", "virtual",
    "new", "sealed", "implicit", "lazy", "fileprivate", "weak", "unowned", "mutating", "dynamic",
    "inline", "vararg", "noinline", "crossinline", "ref",
}  # fmt: skip


@dataclass
class Marked:
    """A member's annotations (name and arguments), its modifiers, and the code after them."""

    annotations: list[tuple[str, str]] = field(default_factory=list)
    modifiers: set[str] = field(default_factory=set)
    code: str = ""


_ANNOTATION_NAME = re.compile(r"@(?:(?:field|get|set|param|property|setparam|delegate):)?([\w.]+)")
_WORD = re.compile(r"[A-Za-z_]\w*")


def marked(code: str, *, attributes: bool = False) -> Marked:
    """``code`` split into the annotations (and, with ``attributes``, C#'s ``[...]``) and the
    modifiers written before the member itself, and the member."""
    found = Marked()
    i = 0
    while i < len(code):
        if code[i].isspace():
            i += 1
            continue
        if name := _ANNOTATION_NAME.match(code, i):
            i, args = _arguments_at(code, name.end())
            found.annotations.append((name.group(1).rsplit(".", 1)[-1], args))
            continue
        if attributes and code[i] == "[":
            close = _closing(code, i, "[", "]")
            if close is None:
                break
            for part in split_top(code[i + 1 : close], ","):
                part = re.sub(r"^(?:property|field|param|return)\s*:\s*", "", part)
                head = _WORD.match(part)
                if head:
                    args = part[head.end() :].strip()
                    inner = args[1:-1] if args.startswith("(") and args.endswith(")") else ""
                    found.annotations.append((head.group(0).removesuffix("Attribute"), inner))
            i = close + 1
            continue
        word = _WORD.match(code, i)
        if word and word.group(0) in MODIFIERS and code[word.end() : word.end() + 1].isspace():
            found.modifiers.add(word.group(0))
            i = word.end()
            continue
        break
    found.code = code[i:].strip()
    return found


def _arguments_at(code: str, i: int) -> tuple[int, str]:
    """The index after an annotation's ``(...)`` that starts at ``i`` (after spaces), and the
    arguments; ``i`` and "" when it has none."""
    j = i
    while j < len(code) and code[j] in " \t":
        j += 1
    if j < len(code) and code[j] == "(":
        close = _closing(code, j, "(", ")")
        if close is not None:
            return close + 1, code[j + 1 : close]
        return len(code), code[j + 1 :]
    return i, ""


def _closing(code: str, opening: int, open_: str, close_: str) -> int | None:
    depth, quote = 0, ""
    for index in range(opening, len(code)):
        char = code[index]
        if quote:
            quote = "" if char == quote and code[index - 1] != "\\" else quote
        elif char in "\"'":
            quote = char
        elif char == open_:
            depth += 1
        elif char == close_:
            depth -= 1
            if depth == 0:
                return index
    return None


@dataclass
class Said:
    """What annotations say beyond bounds: a serialized name, to leave the field out, a note."""

    name: str = ""
    skip: bool = False
    note: str = ""


_RENAMES = {
    "JsonProperty", "SerialName", "SerializedName", "JsonPropertyName", "Json", "DataMember",
    "JsonbProperty", "JsonField", "BsonElement", "Key",
}  # fmt: skip
_SKIPS = {"JsonIgnore", "Transient", "IgnoreDataMember", "JsonbTransient", "Exclude", "NotMapped"}
_REQUIRED = {"NotNull", "NonNull", "Nonnull", "Required", "JsonRequired", "NotBlank", "NotEmpty"}
_OPTIONAL = {"Nullable", "CheckForNull", "Null", "MaybeNull", "AllowNull"}


def apply(annotations: list[tuple[str, str]], typed: Typed) -> Said:
    """Apply what ``annotations`` say of a field to ``typed``; what else they say."""
    said = Said()
    for name, args in annotations:
        positional, named = _split(args)
        if name in _RENAMES:
            value = positional[0] if positional else named.get("value") or named.get("name")
            value = value or named.get("Name") or named.get("PropertyName") or ""
            if re.fullmatch(r"[\w.-]+", value or ""):
                said.name = value
        elif name in _SKIPS:
            said.skip = True
        elif name in ("Schema", "Description", "Display", "ApiModelProperty", "Comment"):
            said.note = positional[0] if positional else named.get("description", "")
        _constraint(name, positional, named, typed)
    return said


def _constraint(name: str, positional: list[str], named: dict[str, str], typed: Typed) -> None:
    if name in _REQUIRED:
        typed.required = True
    if name in _OPTIONAL:
        typed.optional = True
    if name in _SIGNS:
        key, bound = _SIGNS[name]
        setattr(typed, key, Decimal(bound))
    elif name in _FORMATS:
        typed.format, typed.base = _FORMATS[name], typed.base or "string"
    elif name in ("Min", "Max", "DecimalMin", "DecimalMax", "Range"):
        _values(name, positional, named, typed)
    else:
        _lengths(name, positional, named, typed)


_FORMATS = {"Email": "email", "EmailAddress": "email", "URL": "uri", "Url": "uri", "URI": "uri"}


def _lengths(name: str, positional: list[str], named: dict[str, str], typed: Typed) -> None:
    """``@Size``, ``@Length``, ``@NotBlank``; ``[StringLength]``, ``[MaxLength]``, ``[Length]``."""
    first = positional[0] if positional else named.get("value", "")
    if name in ("NotBlank", "NotEmpty"):
        typed.min_length = typed.min_length or 1
    elif name in ("Size", "Length"):  # C#'s Length(min, max) is positional
        low = named.get("min") or (positional[0] if len(positional) > 1 else "")
        high = named.get("max") or (positional[1] if len(positional) > 1 else "")
        _length(typed, low, high)
    elif name == "StringLength":
        _length(typed, named.get("MinimumLength", ""), first or named.get("maximumLength", ""))
    elif name in ("MaxLength", "MinLength"):
        _length(typed, first if name == "MinLength" else "", first if name == "MaxLength" else "")


def _values(name: str, positional: list[str], named: dict[str, str], typed: Typed) -> None:
    """``@Min``, ``@Max``, ``@DecimalMin``, ``@DecimalMax``; ``[Range(min, max)]``."""
    if name == "Range":  # C#'s Range(min, max) is positional; Hibernate's has min=, max=
        low = named.get("min") or (positional[0] if positional else "")
        high = named.get("max") or (positional[1] if len(positional) > 1 else "")
        low_key = "gt" if named.get("MinimumIsExclusive", "").lower() == "true" else "ge"
        high_key = "lt" if named.get("MaximumIsExclusive", "").lower() == "true" else "le"
        _value(typed, low_key, low)
        _value(typed, high_key, high)
        return
    first = positional[0] if positional else named.get("value", "")
    inclusive = named.get("inclusive", "true").lower() != "false"
    key = ("ge" if inclusive else "gt") if "Min" in name else ("le" if inclusive else "lt")
    _value(typed, key, first)


_SIGNS = {
    "Positive": ("gt", 0),
    "PositiveOrZero": ("ge", 0),
    "Negative": ("lt", 0),
    "NegativeOrZero": ("le", 0),
}


def _split(args: str) -> tuple[list[str], dict[str, str]]:
    positional: list[str] = []
    named: dict[str, str] = {}
    for part in split_top(args, ","):
        key = re.match(r"^([A-Za-z_]\w*)\s*[=:]\s*(.+)$", part, re.DOTALL)
        if key:
            named[key.group(1)] = _unquoted(key.group(2))
        else:
            positional.append(_unquoted(part))
    return positional, named


def _unquoted(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _number(written: str) -> Decimal | None:
    written = re.sub(r"[lLdDfFmM]$", "", written.strip().replace("_", ""))
    try:
        return Decimal(written)
    except InvalidOperation:
        return None


def _length(typed: Typed, low: str, high: str) -> None:
    for key, written in (("min_length", low), ("max_length", high)):
        value = _number(written) if written else None
        if value is not None and value == int(value) and value >= 0:
            setattr(typed, key, int(value))


def _value(typed: Typed, key: str, written: str) -> None:
    value = _number(written) if written else None
    if value is not None:
        setattr(typed, key, value)
