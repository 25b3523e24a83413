"""One member of a class as the JVM, .NET and Swift languages write it, read into a field:
``val name: Type = default`` (Kotlin, Scala, Swift; after its annotations and modifiers) or
``Type name = default`` (Java, C#), with what its annotations and comments say; and the names
of an enum's entries (``A, B("b"), @SerialName("c") C``)."""

from __future__ import annotations

import re

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.schemas.scan import Glossary, Member, split_top
from codegen_assets.core.understanding.schemas.typenames import literal_default, type_named
from codegen_assets.core.understanding.schemas.validation import Marked, apply, marked
from codegen_assets.core.understanding.types import with_note

_COLON = re.compile(
    r"^(?:(?P<keyword>val|var|let)\s+)?(?P<name>[A-Za-z_]\w*|`[^`]+`)\s*:\s*(?P<type>[^=]+?)"
    r"\s*(?:=\s*(?P<default>.+))?$",
    re.DOTALL,
)
_TYPE_FIRST = re.compile(
    r"^(?P<type>[\w.]+(?:\s*<.*>)?(?:\s*\[\s*\])*\??)\s+(?P<name>@?[A-Za-z_]\w*)"
    r"\s*(?:=\s*(?P<default>.+))?$",
    re.DOTALL,
)
# a type as these languages write one: a name with generics, ``?``, ``[]``; Swift's ``[T]``
_TYPE = re.compile(r"^(?:[\w.]+(?:\s*[<\[].*[>\]])?|\[.*\])(?:\s*\[\s*\])*[?!]?$", re.DOTALL)


def readable(written: str) -> bool:
    """Whether a type is written whole (a half-pasted ``List<`` is not)."""
    pairs = (("<", ">"), ("[", "]"), ("(", ")"))
    whole = all(written.count(a) == written.count(b) for a, b in pairs)
    return whole and _TYPE.match(written.strip()) is not None


def colon_field(
    member: Member,
    glossary: Glossary,
    *,
    keyword: bool = False,
    pending: list[tuple[str, str]] | None = None,
) -> FieldPhrase | None:
    """``[annotations] [modifiers] [val|var|let] name: Type [= default]``; with ``keyword``, only
    one written with ``val``, ``var`` or ``let``. ``pending``: annotations written on the lines
    above, alone."""
    parts = marked(member.code)
    found = _COLON.match(parts.code)
    if found is None or (keyword and not found["keyword"]) or "static" in parts.modifiers:
        return None
    return _field(found, parts, member, glossary, pending)


def type_first_field(
    member: Member,
    glossary: Glossary,
    *,
    attributes: bool = False,
    pending: list[tuple[str, str]] | None = None,
) -> FieldPhrase | None:
    """``[annotations] [modifiers] Type name [= default]`` (a Java field or record component, a
    C# positional parameter); with ``attributes``, C#'s ``[...]`` are annotations."""
    parts = marked(member.code, attributes=attributes)
    found = _TYPE_FIRST.match(parts.code)
    if found is None or parts.modifiers & {"static", "const"}:
        return None
    return _field(found, parts, member, glossary, pending)


def _field(
    found: re.Match[str],
    parts: Marked,
    member: Member,
    glossary: Glossary,
    pending: list[tuple[str, str]] | None,
) -> FieldPhrase | None:
    written = found["type"].strip()
    if not readable(written):
        return None
    typed = type_named(written, glossary)
    said = apply([*(pending or []), *parts.annotations], typed)
    if said.skip:
        return None
    typed = with_note(typed, "; ".join(n for n in (member.note, said.note) if n))
    if found["default"]:
        literal_default(found["default"], typed)
    if "required" in parts.modifiers:
        typed.required = True
    name = said.name or found["name"].strip("`").lstrip("@")
    return FieldPhrase(name, typed, member.code)


def annotations_only(code: str, *, attributes: bool = False) -> list[tuple[str, str]] | None:
    """The annotations of a member that is nothing else (written on its own line, above the
    member it is about), or None."""
    parts = marked(code, attributes=attributes)
    return parts.annotations if parts.annotations and not parts.code else None


_ENTRY = re.compile(r"^([A-Za-z_]\w*)\s*(?:\(.*\))?\s*(?:\{.*\})?\s*(?:=\s*[^,]+)?$", re.DOTALL)


def enum_names(entries: str, *, attributes: bool = False) -> tuple[str, ...]:
    """The names of an enum's entries as serialized: ``A``, ``B("b")`` (its name), one with
    ``@SerialName("c")``/``@JsonProperty("c")``/``[EnumMember(Value = "c")]`` that name; none
    when an entry is not a name."""
    values = []
    for entry in split_top(entries, ","):
        parts = marked(entry, attributes=attributes)
        head = _ENTRY.match(parts.code)
        if head is None:
            return ()
        renamed = _renamed(parts.annotations)
        values.append(renamed or head.group(1))
    return tuple(dict.fromkeys(values))


def _renamed(annotations: list[tuple[str, str]]) -> str:
    for name, args in annotations:
        if name in ("SerialName", "JsonProperty", "SerializedName", "Json", "EnumMember",
                    "JsonStringEnumMemberName", "JsonbProperty"):  # fmt: skip
            value = re.search(r"[\"']([^\"']+)[\"']", args)
            if value:
                return value.group(1)
    return ""
