"""The type names of the languages that declare fields as ``name: Type`` or ``Type name`` (Kotlin,
Scala, Swift, Java, C#, Prisma), read alike: ``String``/``string`` text; ``Int``, ``Long``,
``int``, ``Integer``, ``BigInteger`` whole numbers (unsigned ones never negative); ``Double``,
``double``, ``Float`` floats; ``BigDecimal``, ``decimal``, ``Decimal`` exact decimals; ``UUID``,
``Guid``; ``Instant``, ``DateTime``, ``Date``, ``OffsetDateTime`` datetimes; ``LocalDate``,
``DateOnly`` dates. ``T?``, ``Optional<T>``, ``Option[T]`` are optional; ``List<T>``, ``T[]``,
``[T]``, ``Seq[T]``, ``IReadOnlyList<T>`` lists; maps objects; any other name a model. And a
default as written (``"chime"``, ``false``, ``30L``, ``1.5m``, ``null``, ``emptyList()``)."""

from __future__ import annotations

import re
from decimal import Decimal

from codegen_assets.core.understanding.schemas.scan import Glossary, split_top
from codegen_assets.core.understanding.types import JsonDefault, Typed

_SCALARS = {
    # text
    "String": "string", "string": "string", "Char": "string", "char": "string",
    "Character": "string", "CharSequence": "string", "Substring": "string", "Text": "string",
    # whole numbers
    "Int": "int", "Long": "int", "Short": "int", "Byte": "int", "int": "int", "long": "int",
    "short": "int", "byte": "int", "sbyte": "int", "Integer": "int", "BigInteger": "int",
    "BigInt": "int", "Int8": "int", "Int16": "int", "Int32": "int", "Int64": "int", "nint": "int",
    "AtomicInteger": "int", "AtomicLong": "int",
    # floating point
    "Double": "float", "Float": "float", "double": "float", "float": "float", "CGFloat": "float",
    "Float32": "float", "Float64": "float", "Number": "float", "Single": "float",
    # exact decimals
    "BigDecimal": "decimal", "decimal": "decimal", "Decimal": "decimal",
    # truth values
    "Boolean": "bool", "Bool": "bool", "boolean": "bool", "bool": "bool",
    # identifiers and time
    "UUID": "uuid", "Guid": "uuid", "Uuid": "uuid", "Instant": "datetime",
    "LocalDateTime": "datetime", "OffsetDateTime": "datetime", "ZonedDateTime": "datetime",
    "DateTime": "datetime", "DateTimeOffset": "datetime", "Date": "datetime",
    "Timestamp": "datetime", "LocalDate": "date", "DateOnly": "date",
    # loose structure
    "Any": "object", "AnyRef": "object", "Object": "object", "object": "object",
    "dynamic": "object", "JsonNode": "object", "JsonElement": "object", "JsonObject": "object",
    "JObject": "object", "Json": "object", "JsValue": "object", "AnyCodable": "object",
}  # fmt: skip
_UNSIGNED = {
    "UInt", "ULong", "UShort", "UByte", "UInt8", "UInt16", "UInt32", "UInt64", "uint", "ulong",
    "ushort", "nuint",
}  # fmt: skip
_URLS = {"URL", "URI", "Uri", "Url"}
_OPTIONALS = {"Optional", "Option", "Nullable", "Maybe"}
_LISTS = {
    "List", "MutableList", "ArrayList", "Set", "MutableSet", "HashSet", "LinkedHashSet",
    "TreeSet", "SortedSet", "Collection", "MutableCollection", "Iterable", "Array", "Seq",
    "IndexedSeq", "Vector", "IList", "IReadOnlyList", "IEnumerable", "ICollection",
    "IReadOnlyCollection", "ISet", "IReadOnlySet", "ImmutableList", "ImmutableArray",
    "ImmutableSet", "LinkedList", "NonEmptyList", "NonEmptySeq", "Chunk", "ContiguousArray",
}  # fmt: skip
_MAPS = {
    "Map", "MutableMap", "HashMap", "LinkedHashMap", "TreeMap", "SortedMap", "Dictionary",
    "IDictionary", "IReadOnlyDictionary", "ImmutableDictionary", "ImmutableMap",
}  # fmt: skip
_NAME = re.compile(r"[A-Za-z_]\w*")
_TYPE_USE = re.compile(r"@[\w.]+(?:\([^()]*\))?\s*")  # ``List<@NotBlank String>``
_GENERIC = re.compile(r"^(?P<head>[\w.]+)\s*(?:<(?P<angle>.*)>|\[(?P<square>.*)\])$", re.DOTALL)


def type_named(written: str, glossary: Glossary | None = None) -> Typed:
    """A type as these languages write it; a name none of them knows is a model."""
    written = re.sub(r"\s+", " ", _TYPE_USE.sub("", written).strip())
    if written.endswith("?") or written.endswith("!"):  # ``String?``; Swift's ``String!``
        typed = type_named(written[:-1], glossary)
        typed.optional = typed.optional or written.endswith("?")
        return typed
    if written.endswith("[]") or written.endswith("..."):  # Java, C# arrays; varargs
        typed = type_named(written.removesuffix("[]").removesuffix("..."), glossary)
        typed.is_list = True
        return typed
    if written.startswith("[") and written.endswith("]"):  # Swift ``[T]``, ``[K: V]``
        inner = written[1:-1]
        if len(split_top(inner, ":")) > 1:
            return Typed(base="object")
        typed = type_named(inner, glossary)
        typed.is_list = True
        return typed
    generic = _GENERIC.match(written)
    head = (generic["head"] if generic else written).rsplit(".", 1)[-1]
    args = split_top((generic["angle"] or generic["square"] or "") if generic else "", ",")
    return _named(head, args, glossary)


def _named(head: str, args: list[str], glossary: Glossary | None) -> Typed:
    if glossary is not None and (stated := glossary.base(head)):
        return Typed(base=stated)
    if head in _OPTIONALS and args:
        typed = type_named(args[0], glossary)
        typed.optional = True
        return typed
    if head in _LISTS and args:
        typed = type_named(args[0], glossary)
        typed.is_list = True
        return typed
    if head in _MAPS:
        return Typed(base="object")
    if head in _SCALARS:
        return Typed(base=_SCALARS[head])
    if head in _UNSIGNED:
        return Typed(base="int", ge=Decimal(0))
    if head in _URLS:
        return Typed(base="string", format="uri")
    if _NAME.fullmatch(head):
        return Typed(model=head)
    return Typed(base="object")


_NUMBER = re.compile(r"^(-?\d[\d_]*(?:\.\d+)?)[lLfFdDmMuU]*$")
_EMPTY = re.compile(
    r"^(?:\[\s*\]|\{\s*\}|Nil|None\.?|List\(\s*\)|Seq\(\s*\)|Vector\(\s*\)|Set\(\s*\)|Map\(\s*\)"
    r"|(?:empty|mutable|array|hashSet|set|map)(?:List|Of|Set|Map)?\(\s*\)|\w+\.empty(?:\(\s*\))?"
    r"|List\.of\(\s*\)|new\s+\w+(?:<[^>]*>)?\(\s*\)|new\s*\(\s*\)|\w+<[^>]*>\.Empty"
    r"|Array\.Empty<[^>]*>\(\s*\)|\[\s*:\s*\]|\"\"\.to\w+\(\))$"
)


def literal_default(written: str, typed: Typed) -> None:
    """What a default written after ``=`` says: a literal value, ``null`` (optional), an empty
    collection (a default of nothing); an enum member (``Tier.BASIC``, ``.basic``) its name."""
    value = written.strip().rstrip(";,").strip()
    if not value:
        return
    if value in ("null", "nil", "None", "default", "undefined", "null!"):
        typed.optional = True
        typed.default, typed.has_default = None, True
        return
    found = _literal(value)
    if found is not None:
        typed.default, typed.has_default = found[0], True
    elif _EMPTY.match(value):
        typed.default, typed.has_default = None, True
    elif member := re.fullmatch(r"(?:[A-Z]\w*)?\.([A-Za-z_]\w*)", value):
        typed.default, typed.has_default = member.group(1), True


def _literal(value: str) -> tuple[JsonDefault] | None:
    if quoted := re.fullmatch(r"@?(\"|')(.*)\1", value, re.DOTALL):
        return (quoted.group(2),)
    if value in ("true", "True", "false", "False"):
        return (value.lower() == "true",)
    if number := _NUMBER.match(value):
        digits = number.group(1).replace("_", "")
        return (float(digits) if "." in digits else int(digits),)
    if call := re.fullmatch(
        r"(?:BigDecimal|Decimal|BigInteger)\s*\(\s*\"?(-?[\d.]+)\"?\s*\)", value
    ):
        digits = call.group(1)
        return (float(digits) if "." in digits else int(digits),)
    return None
