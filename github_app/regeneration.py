"""Regenerating delivered nodes with new templates, keeping hand edits (three-way merge).

base   = the files as generated, read from the commit that delivered them and checked against
         the lock file's hashes;
ours   = the files in the repository now (the default branch, or the node's branch if its pull
         request is not merged);
theirs = a fresh generation from the lock file's prompt and options with today's templates.

Edits that do not overlap are kept; overlapping ones are left as conflict markers in the
regeneration branch only, and listed in the pull request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, Literal

import merge3
from githubkit import GitHub
from pydantic import BaseModel, ConfigDict

from codegen_assets import version
from codegen_assets.models import FileSet, NodeSpec, ValidationReport
from codegen_assets.provenance import LOCK_FILE, LockFile, read_lock, sha256
from codegen_assets.render import render_files
from codegen_assets.validation import report_markdown
from github_app.client import body_of
from github_app.publishing import TRAILER
from github_app.registry import DeliveredNode
from github_app.repo_files import branch_head, commit_to_branch, file_tree, files_at, open_pull

Status = Literal["current", "unchanged", "opened", "updated", "up_to_date", "stopped"]
Validate = Callable[[FileSet], ValidationReport]


class RegenerationOutcome(BaseModel):
    """What the regeneration of one node did."""

    model_config = ConfigDict(frozen=True)

    key: str
    status: Status
    template_set: str
    branch: str = ""
    pr_number: int | None = None
    pr_url: str | None = None
    conflicts: tuple[str, ...] = ()
    kept_edits: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()


class MergedFiles(BaseModel):
    """The three-way merge of one node's files."""

    model_config = ConfigDict(frozen=True)

    files: dict[str, str]
    conflicts: tuple[str, ...]
    kept_edits: tuple[str, ...]


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
    """Merge every generated file; files a person deleted stay deleted, new ones are added, and
    files a person added are kept as they are (so validation sees the node as it will be)."""
    merged = {rel: text for rel, text in ours.items() if rel not in base and rel not in theirs}
    conflicts: list[str] = []
    kept: list[str] = []
    for rel in sorted(theirs):
        if rel == LOCK_FILE or rel not in base:
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
    return MergedFiles(files=merged, conflicts=tuple(conflicts), kept_edits=tuple(kept))


def regeneration_branch(node: DeliveredNode) -> str:
    """One branch per node, so every template release updates the same pull request."""
    short = hashlib.sha1(node.key.encode()).hexdigest()[:7]
    return f"nodegen/regenerate-{node.node_name}-{short}"


class Regenerator:
    """Regenerates delivered nodes through one installation client."""

    def __init__(self, gh: GitHub[Any], validate: Validate | None = None) -> None:
        self.gh = gh
        self.validate = validate

    def regenerate(self, node: DeliveredNode) -> RegenerationOutcome:
        """Open or update the node's regeneration PR when today's templates change its files."""
        lock = read_lock(node.lock)
        done = RegenerationOutcome(
            key=node.key, status="current", template_set=version.TEMPLATE_SET_VERSION
        )
        if lock.template_set == version.TEMPLATE_SET_VERSION:
            return done
        spec, theirs = render_files(lock.prompt, lock.options)
        owner, repo = node.repository.split("/", 1)
        base = {
            rel: text
            for rel, text in files_at(self.gh, owner, repo, node.commit_sha, node.path).items()
            if lock.files.get(rel) == sha256(text)
        }
        generated = {rel: text for rel, text in theirs.files.items() if rel != LOCK_FILE}
        if all(base.get(rel) == text for rel, text in generated.items()):
            return done.model_copy(update={"status": "unchanged"})
        # ours: the default branch once the node is merged there, else the node's own branch
        ours_ref = body_of(self.gh.rest.repos.get(owner, repo))["default_branch"]
        head = self._head(owner, repo, ours_ref)
        ours = files_at(self.gh, owner, repo, head, node.path)
        if not ours:
            ours_ref = node.branch
            head = self._head(owner, repo, ours_ref)
            ours = files_at(self.gh, owner, repo, head, node.path)
        merged = merge_files(base, ours, theirs.files)
        changed = tuple(rel for rel, text in merged.files.items() if ours.get(rel) != text)
        outcome = done.model_copy(
            update={
                "branch": regeneration_branch(node),
                "conflicts": merged.conflicts,
                "kept_edits": merged.kept_edits,
                "changed": changed,
            }
        )
        return self._deliver(node, spec, lock, merged, outcome, head, ours_ref)

    def _deliver(
        self,
        node: DeliveredNode,
        spec: NodeSpec,
        lock: LockFile,
        merged: MergedFiles,
        outcome: RegenerationOutcome,
        head: str,
        ours_ref: str,
    ) -> RegenerationOutcome:
        owner, repo = node.repository.split("/", 1)
        git = self.gh.rest.git
        branch = outcome.branch
        existing = branch_head(self.gh, owner, repo, branch)
        current = body_of(git.get_commit(owner, repo, existing)) if existing else None
        if current is not None and TRAILER not in current["message"]:
            return outcome.model_copy(update={"status": "stopped"})
        tree = file_tree(self.gh, owner, repo, head, node.path, merged.files)
        if current is not None and current["tree"]["sha"] == tree:
            pull = open_pull(self.gh, owner, repo, branch)
            return outcome.model_copy(
                update={
                    "status": "up_to_date",
                    "pr_number": pull["number"] if pull else None,
                    "pr_url": pull["html_url"] if pull else None,
                }
            )
        now = version.TEMPLATE_SET_VERSION
        message = (
            f"Regenerate {spec.name} with templates v{now}\n\n"
            f"Template set v{lock.template_set} -> v{now}; hand edits merged.\n\n"
            f"{TRAILER}: regenerate {node.key}\n"
        )
        # The branch is ours (trailer checked): rebuild it on the repository's current head.
        commit_to_branch(
            self.gh,
            owner,
            repo,
            branch,
            tree=tree,
            parent=head,
            message=message,
            existing=existing,
            force=True,
        )
        body = self._body(spec, lock, merged, outcome)
        pull = open_pull(self.gh, owner, repo, branch)
        title = f"Regenerate {spec.name} with templates v{version.TEMPLATE_SET_VERSION}"
        pulls = self.gh.rest.pulls
        status: Status
        if pull is None:
            created = pulls.create(
                owner, repo, data={"title": title, "head": branch, "base": ours_ref, "body": body}
            )
            pull, status = body_of(created), "opened"
        else:
            updated = pulls.update(owner, repo, pull["number"], data={"title": title, "body": body})
            pull, status = body_of(updated), "updated"
        return outcome.model_copy(
            update={"status": status, "pr_number": pull["number"], "pr_url": pull["html_url"]}
        )

    def _body(
        self, spec: NodeSpec, lock: LockFile, merged: MergedFiles, outcome: RegenerationOutcome
    ) -> str:
        lines = [
            f"Regenerates `{spec.name}` with template set **v{version.TEMPLATE_SET_VERSION}** "
            f"(it was generated with v{lock.template_set}). Hand edits are merged in "
            "(three-way merge against the generated original).",
            "",
            "**Files changed:** " + (", ".join(f"`{f}`" for f in outcome.changed) or "none"),
            "**Hand-edited files kept:** "
            + (", ".join(f"`{f}`" for f in merged.kept_edits) or "none"),
        ]
        if merged.conflicts:
            lines += [
                "",
                "### Conflicts",
                "",
                "These files have conflict markers (`<<<<<<<` … `>>>>>>>`) where a hand edit and "
                "the new templates change the same lines. Resolve them on this branch:",
                "",
                *(f"- `{f}`" for f in merged.conflicts),
            ]
        elif self.validate is not None:
            report = self.validate(FileSet(files=merged.files))
            lines += ["", "### Validation report", "", report_markdown(report, [], [])]
        return "\n".join(lines) + "\n"

    def _head(self, owner: str, repo: str, branch: str) -> str:
        head = branch_head(self.gh, owner, repo, branch)
        if head is None:
            raise ValueError(f"branch {branch!r} of {owner}/{repo} does not exist")
        return head
