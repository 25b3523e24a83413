"""Three-way merge of a node's files: as generated (base), as in the repository (ours), and as
today's templates generate them (theirs)."""

from __future__ import annotations

import merge3
from pydantic import BaseModel, ConfigDict

from codegen_assets.core import version
from codegen_assets.core.rendering.provenance import LOCK_FILE


class MergedFiles(BaseModel):
    """The three-way merge of one node's files (keyed by repository path)."""

    model_config = ConfigDict(frozen=True)

    files: dict[str, str]
    conflicts: tuple[str, ...]
    kept_edits: tuple[str, ...]
    deleted: tuple[str, ...] = ()  # generated files the templates no longer produce
    orphaned: tuple[str, ...] = ()  # hand-edited files the templates no longer produce


def merge_text(base: str, ours: str, theirs: str) -> tuple[str, bool]:
    """Three-way merge of one file; True when conflict markers were left."""
    merger = merge3.Merge3(
        base.splitlines(keepends=True),
        ours.splitlines(keepends=True),
        theirs.splitlines(keepends=True),
    )
    text = "".join(
        merger.merge_lines(
            name_a="repository",
            name_b=f"templates v{version.TEMPLATE_SET_VERSION}",
            start_marker="<<<<<<<",
            mid_marker="=======",
            end_marker=">>>>>>>",
        )
    )
    conflicted = any(group[0] == "conflict" for group in merger.merge_groups())
    return text, conflicted


def merge_files(base: dict[str, str], ours: dict[str, str], theirs: dict[str, str]) -> MergedFiles:
    """Merge every generated file. Files a person deleted stay deleted, new ones are added, files
    a person added are kept as they are (so validation sees the node as it will be). Generated
    files the templates no longer produce are deleted, unless edited by hand: then they stay and
    are listed, for a person to port the edit."""
    merged = {rel: text for rel, text in ours.items() if rel not in base and rel not in theirs}
    conflicts: list[str] = []
    kept: list[str] = []
    for rel in sorted(theirs):
        if rel.endswith(LOCK_FILE) or rel not in base:
            merged[rel] = theirs[rel]
            continue
        if rel not in ours:
            kept.append(rel)  # deleted by hand: stays deleted
            continue
        if ours[rel] != base[rel]:
            kept.append(rel)
        text, conflicted = merge_text(base[rel], ours[rel], theirs[rel])
        merged[rel] = text
        if conflicted:
            conflicts.append(rel)
    gone = sorted(rel for rel in base if rel not in theirs and rel in ours)
    orphaned = tuple(rel for rel in gone if ours[rel] != base[rel])
    merged.update({rel: ours[rel] for rel in orphaned})
    return MergedFiles(
        files=merged,
        conflicts=(*conflicts, *orphaned),
        kept_edits=tuple(sorted({*kept, *orphaned})),
        deleted=tuple(rel for rel in gone if rel not in orphaned),
        orphaned=orphaned,
    )
