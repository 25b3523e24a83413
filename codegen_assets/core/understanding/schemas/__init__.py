"""Schemas pasted in other languages (TypeScript, protobuf, Go, Rust, GraphQL, Avro, JSON Schema
and OpenAPI, Python signatures and enums, CSV headers, Kotlin, Scala, Swift, Java, C#, PHP,
F#, OCaml, Prisma, Zod, Frictionless Table Schemas, calls sketched
one a line), each read into the reader's groups."""

from __future__ import annotations

from codegen_assets.core.understanding.pasted import Group
from codegen_assets.core.understanding.schemas.avro import avro
from codegen_assets.core.understanding.schemas.call_lines import call_lines
from codegen_assets.core.understanding.schemas.csharp import csharp_types
from codegen_assets.core.understanding.schemas.csv_header import csv_headers
from codegen_assets.core.understanding.schemas.field_sheet import field_sheets
from codegen_assets.core.understanding.schemas.fsharp import fsharp_types
from codegen_assets.core.understanding.schemas.golang import go_structs
from codegen_assets.core.understanding.schemas.graphql import graphql
from codegen_assets.core.understanding.schemas.http import http_bodies
from codegen_assets.core.understanding.schemas.java import java_types
from codegen_assets.core.understanding.schemas.jsonc import jsonc_objects
from codegen_assets.core.understanding.schemas.jsonschema import json_schemas
from codegen_assets.core.understanding.schemas.kotlin import kotlin_classes
from codegen_assets.core.understanding.schemas.php import php_classes
from codegen_assets.core.understanding.schemas.prisma import prisma_schema
from codegen_assets.core.understanding.schemas.protobuf import protobuf
from codegen_assets.core.understanding.schemas.python import (
    python_classes,
    python_dicts,
    python_enums,
    python_imports,
    python_signatures,
)
from codegen_assets.core.understanding.schemas.python_cli import cli_options
from codegen_assets.core.understanding.schemas.rust import rust_types
from codegen_assets.core.understanding.schemas.scala import scala_types
from codegen_assets.core.understanding.schemas.swift import swift_types
from codegen_assets.core.understanding.schemas.table_schema import table_schemas
from codegen_assets.core.understanding.schemas.terraform import terraform_variables
from codegen_assets.core.understanding.schemas.tree import trees
from codegen_assets.core.understanding.schemas.typescript import typescript
from codegen_assets.core.understanding.schemas.workflow_inputs import workflow_inputs
from codegen_assets.core.understanding.schemas.xsd import xsd_types
from codegen_assets.core.understanding.schemas.zod import zod_schemas

# Where the groups come from: code in a language, read by its own rules (not lines of prose).
CODE_SOURCES = {
    "python", "signature", "typescript", "protobuf", "go", "rust", "graphql", "avro",
    "jsonschema", "kotlin", "scala", "swift", "java", "csharp", "prisma", "zod",
    "jsonc", "terraform", "xsd", "tree", "workflow", "sheet", "php", "fsharp", "tableschema",
}  # fmt: skip
READERS = (
    python_classes,
    python_enums,
    python_signatures,
    call_lines,
    python_dicts,
    python_imports,
    typescript,
    protobuf,
    go_structs,
    rust_types,
    graphql,
    avro,
    table_schemas,  # before JSON Schema: a Table Schema's fields are a list, not properties
    json_schemas,
    csv_headers,
    kotlin_classes,
    scala_types,
    swift_types,
    java_types,  # before C#: a Java class C# reads alike is Java's (its bases are Java's)
    csharp_types,
    php_classes,
    fsharp_types,
    prisma_schema,
    zod_schemas,
    jsonc_objects,
    terraform_variables,
    xsd_types,
    trees,
    cli_options,
    workflow_inputs,
    http_bodies,
    field_sheets,
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
