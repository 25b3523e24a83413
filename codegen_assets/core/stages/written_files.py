"""Delivery: atomic writes to the output directory, or the artifact store when writing fails."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import Protocol

from codegen_assets.core.models import FileSet, WriteOutcome


class Keeper(Protocol):
    """Where code that could not be written is kept (the artifact store)."""

    def put_files(self, workflow_id: str, node_name: str, files: FileSet, reason: str) -> None:
        """Keep ``files`` for ``workflow_id``, with the reason they were not written."""


class UnsafePathError(ValueError):
    """A generated path that would escape the output directory."""


def _checked(rel: str) -> PurePosixPath:
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in rel:
        raise UnsafePathError(f"refusing to write {rel!r}: not a plain relative path")
    return path


def _write_new_dir(dest: Path, files: FileSet) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.nodegen-", dir=dest.parent))
    for rel, text in sorted(files.files.items()):
        target = tmp.joinpath(*_checked(rel).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    tmp.chmod(0o755)
    os.rename(tmp, dest)


def _replace_in_dir(dest: Path, files: FileSet) -> None:
    for rel, text in sorted(files.files.items()):
        target = dest.joinpath(*_checked(rel).parts)
        if rel in files.create_only and target.exists():
            continue  # a package's __init__.py that the repository already has
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def write_atomically(dest: Path, files: FileSet) -> None:
    """Write ``files`` under ``dest``: a new directory appears whole; existing files are replaced
    one by one with ``os.replace``, so no reader ever sees a half-written file. ``create_only``
    files are written only where nothing exists yet."""
    for rel in files.files:
        _checked(rel)
    if dest.is_dir():
        _replace_in_dir(dest, files)
    elif dest.exists():
        raise NotADirectoryError(f"output path {dest} exists and is not a directory")
    else:
        dest.parent.mkdir(parents=True, exist_ok=True)
        _write_new_dir(dest, files)


def deliver(
    dest: Path,
    files: FileSet,
    *,
    keep: FileSet,
    store: Keeper,
    workflow_id: str,
    node_name: str,
) -> WriteOutcome:
    """Write ``files``; if that fails, keep ``keep`` (the whole node) in the artifact store."""
    try:
        write_atomically(dest, files)
    except OSError as exc:
        reason = f"could not write to {dest}: {exc.strerror or exc}"
        store.put_files(workflow_id, node_name, keep, reason)
        return WriteOutcome(stored_in_artifact_store=True, error=reason)
    return WriteOutcome(written=tuple(sorted(files.files)))
