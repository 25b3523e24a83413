"""Provenance: the lock file that tells generated content from hand edits later."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel, ConfigDict

from codegen_assets.core import version
from codegen_assets.core.layout import NodeLayout
from codegen_assets.core.models import FileSet, GenerationOptions, Intelligence, NodeSpec
from codegen_assets.core.understanding.line_reader.text import clean_prompt

LOCK_FILE = "nodegen.lock"  # inside the node's directory


class LockFile(BaseModel):
    """What produced a node: generator and templates, the prompt and options, each file's hash."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    generator: str = "onex-nodegen"
    generator_version: str
    template_set: str
    prompt: str
    prompt_sha256: str
    options: GenerationOptions
    node_name: str
    node_type: str
    patterns: tuple[str, ...]
    style_sha256: str | None = None  # the repository's ruff configuration the code follows
    files: dict[str, str]
    # the model's part, when one wrote handler bodies: ``body_writer.lock_record`` (provider,
    # model, and each answer's request key and hash), which a replay gives again
    model: dict[str, Any] | None = None


def sha256(text: str) -> str:
    """Hex SHA-256 of ``text`` as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_lock(
    prompt: str,
    options: GenerationOptions,
    spec: NodeSpec,
    intelligence: Intelligence,
    files: FileSet,
    model: dict[str, Any] | None = None,
) -> LockFile:
    """The lock of ``files`` (the lock itself is not listed); ``model``: the model's answers."""
    normalised = clean_prompt(prompt)
    return LockFile(
        generator_version=version.GENERATOR_VERSION,
        template_set=version.TEMPLATE_SET_VERSION,
        prompt=normalised,
        prompt_sha256=sha256(normalised),
        options=options,
        node_name=spec.name,
        node_type=spec.node_type.value,
        patterns=tuple(p.name for p in intelligence.patterns),
        style_sha256=sha256(spec.style.text) if spec.style else None,
        files={
            name: sha256(text)
            for name, text in sorted(files.files.items())
            if not name.endswith(LOCK_FILE)
        },
        model=model,
    )


def lock_text(lock: LockFile) -> str:
    """Deterministic JSON text of ``lock`` (without ``model`` when no model wrote anything, as
    before there was one)."""
    data = lock.model_dump(mode="json", exclude={"model"} if lock.model is None else None)
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def read_lock(text: str) -> LockFile:
    """Parse a lock file; raises ``pydantic.ValidationError`` or ``ValueError`` when invalid."""
    return LockFile.model_validate_json(text)


def lock_path(spec: NodeSpec) -> str:
    """Where ``spec``'s lock file goes, relative to the output root."""
    return NodeLayout.of(spec, spec.options.package).path(LOCK_FILE)


def with_lock(
    prompt: str,
    options: GenerationOptions,
    spec: NodeSpec,
    intelligence: Intelligence,
    files: FileSet,
    model: dict[str, Any] | None = None,
) -> FileSet:
    """``files`` plus their lock file."""
    lock = build_lock(prompt, options, spec, intelligence, files, model)
    return files.merged(FileSet(files={lock_path(spec): lock_text(lock)}))


def hand_edited(lock: LockFile, files: dict[str, str]) -> list[str]:
    """Generated files whose content no longer matches the lock (edited or deleted)."""
    return sorted(
        name
        for name, digest in lock.files.items()
        if name not in files or sha256(files[name]) != digest
    )
