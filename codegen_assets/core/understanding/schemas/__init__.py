"""Schemas pasted in other languages (TypeScript, protobuf, Go, Rust, GraphQL, Avro, JSON Schema
and OpenAPI, Python signatures and enums, CSV headers), each read into the reader's groups."""

from __future__ import annotations

from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.avro import avro
from codegen_assets.core.understanding.schemas.csv_header import csv_headers
from codegen_assets.core.understanding.schemas.golang import go_structs
from codegen_assets.core.understanding.schemas.graphql import graphql
from codegen_assets.core.understanding.schemas.jsonschema import json_schemas
from codegen_assets.core.understanding.schemas.protobuf import protobuf
from codegen_assets.core.understanding.schemas.python import (
    python_classes,
    python_dicts,
    python_enums,
    python_imports,
    python_signatures,
)
from codegen_assets.core.understanding.schemas.rust import rust_types
from codegen_assets.core.understanding.schemas.typescript import typescript

# Where the groups come from: code in a language, read by its own rules (not lines of prose).
CODE_SOURCES = {
    "python", "signature", "typescript", "protobuf", "go", "rust", "graphql", "avro",
    "jsonschema",
}  # fmt: skip
READERS = (
    python_classes,
    python_enums,
    python_signatures,
    python_dicts,
    python_imports,
    typescript,
    protobuf,
    go_structs,
    rust_types,
    graphql,
    avro,
    json_schemas,
    csv_headers,
)


def schema_groups(text: str) -> list[Group]:
    """Every group the schema readers find in ``text``. Where two languages read the same block
    (``interface X {`` is TypeScript or GraphQL, ``enum X { A, B }`` TypeScript or Rust), the
    one that understood more of it keeps it (the one that took in more of the text, such as a
    Rust enum's attributes, when both understood as much)."""
    found: list[Group] = []
    for reader in READERS:
        mine = reader(text)
        for block in [g for g in mine if g.end > g.start]:
            rivals = [g for g in found if g.start < block.end and block.start < g.end]
            if not rivals:
                continue
            if _understood(block) > max(_understood(g) for g in rivals):
                found = [g for g in found if not _within(g, rivals)]
            else:
                mine = [g for g in mine if not _within(g, [block])]
        found += mine
    return found


def _understood(group: Group) -> tuple[int, int]:
    """How much of a block a reader understood: two for each field of a known type (or each
    enum value), one for each field that names a model; then how much text it took in."""
    known = [f for f in group.fields if f.typed.enum or f.typed.base not in ("", "object")]
    models = sum(1 for f in group.fields if f.typed.model)
    return 2 * len(known) + models + 2 * len(group.values), group.end - group.start


def _within(group: Group, blocks: list[Group]) -> bool:
    return any(b.start <= group.start <= b.end and group.end <= b.end for b in blocks)


__all__ = ["CODE_SOURCES", "schema_groups"]
