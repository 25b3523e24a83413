"""What every schema language declares, resolved together into the reader's groups: records of
typed fields (a message, struct, interface, record, schema), enums of values and aliases of
other types. A field typed by a declared name becomes that enum, alias or nested model; a
record another one refers to is a model; a name declared nowhere that is a type word (``UUID``,
``Decimal``) is that type."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from codegen_assets.core.understanding.fields import FieldPhrase
from codegen_assets.core.understanding.pasted import OUTPUT_CLASS, Group
from codegen_assets.core.understanding.types import Typed
from codegen_assets.core.understanding.vocabulary import TYPE_WORDS


@dataclass
class Decl:
    """One declaration: a record's fields, an enum's values or an alias's type, where it is
    written (an inline one, with no place of its own, has ``start == end``), and the role its
    language gives it (a GraphQL ``input`` type is an input)."""

    name: str
    start: int
    end: int
    fields: list[FieldPhrase] = field(default_factory=list)
    values: tuple[str, ...] = ()
    alias: Typed | None = None
    kind: str = "record"  # "record", "enum" or "alias"
    role: str = ""
    bases: list[str] = field(default_factory=list)  # records whose fields it has too


# Type names people use that the type words do not hold (lower-case).
_NAMED = {
    "bigdecimal": "decimal", "bigint": "int", "biginteger": "int", "datetimeoffset": "datetime",
    "instant": "datetime", "offsetdatetime": "datetime", "localdate": "date",
    "localdatetime": "datetime", "naivedatetime": "datetime", "naivedate": "date",
    "zoneddatetime": "datetime", "emailaddress": "string", "email": "string", "url": "string",
    "uri": "string", "jsonobject": "object", "any": "object",
}  # fmt: skip
_FORMATS = {"emailaddress": "email", "email": "email", "url": "uri", "uri": "uri"}


def named_type(name: str) -> Typed | None:
    """A type name declared nowhere in the paste that names a type (``UUID``, ``DateTime``,
    ``Decimal``, ``EmailAddress``), or None."""
    key = name.rsplit(".", 1)[-1].lower()
    base = _NAMED.get(key) or TYPE_WORDS.get(key)
    return Typed(base=base, format=_FORMATS.get(key, "")) if base else None


def groups(decls: list[Decl], source: str) -> list[Group]:
    """The declarations of one language in a prompt, resolved, as groups (inner ones first, so
    the reader keeps both a block and the ones declared inside it)."""
    every = [d for d in decls if d.kind == "record"]  # an unnamed one too (a JSON example's)
    records = {d.name: d for d in every if d.name}
    enums = {d.name: d.values for d in decls if d.kind == "enum" and d.values}
    aliases = {d.name: d.alias for d in decls if d.kind == "alias" and d.alias is not None}
    for decl in every:
        decl.fields = _with_bases(decl, records, set())
        for phrase in decl.fields:
            phrase.typed = _resolved(phrase.typed, records, enums, aliases)
    referenced = {f.typed.model for d in every for f in d.fields if f.typed.model}
    referenced |= {base for d in every for base in d.bases}  # extended: a part of another
    found = []
    for decl in decls:
        if decl.kind == "record" and decl.fields:
            role = "model" if decl.name in referenced else decl.role
            if not role and OUTPUT_CLASS.search(decl.name):
                role = "output"
            found.append(Group(decl.fields, decl.start, decl.end, decl.name, role, source))
        elif decl.kind not in ("record", "enum") or enums.get(decl.name):  # an alias, ...
            values = enums.get(decl.name, ())
            found.append(Group([], decl.start, decl.end, decl.name, decl.kind, source, [], values))
    return sorted(found, key=lambda g: (g.end - g.start, g.start))


def _with_bases(decl: Decl, records: dict[str, Decl], seen: set[str]) -> list[FieldPhrase]:
    """A record's own fields after those of the records it extends (each once)."""
    fields: list[FieldPhrase] = []
    seen = seen | {decl.name}
    for base in decl.bases:
        if base in records and base not in seen:
            fields += [replace(f) for f in _with_bases(records[base], records, seen)]
    names = {f.name for f in decl.fields}
    return [f for f in fields if f.name not in names] + decl.fields


def _resolved(
    typed: Typed,
    records: dict[str, Decl],
    enums: dict[str, tuple[str, ...]],
    aliases: dict[str, Typed],
    depth: int = 0,
) -> Typed:
    """A field's type with the name it refers to looked up."""
    name = typed.model
    if not name or name in records or depth > 8:
        return typed
    shape = replace(typed, model="")
    if name in enums:
        return replace(shape, base="string", enum=enums[name])
    if name in aliases:
        alias = _resolved(aliases[name], records, enums, aliases, depth + 1)
        return replace(alias, notes=[]).merged(shape)
    if (known := named_type(name)) is not None:
        return known.merged(shape)
    return typed
