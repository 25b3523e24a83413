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
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from githubkit import GitHub

from codegen_assets.core import version
from codegen_assets.core.layout import TESTS_BASE
from codegen_assets.core.logic.gateway import ModelGateway
from codegen_assets.core.models import FileSet, GenerationOptions, NodeSpec
from codegen_assets.core.pipeline import Validator, render_files
from codegen_assets.core.rendering.merge import MergedFiles, merge_files
from codegen_assets.core.rendering.provenance import LOCK_FILE, LockFile, read_lock, sha256
from codegen_assets.core.validation.markdown import report_markdown
from codegen_assets.storage.registry import DeliveredNode
from github_app.client import installation_client, parsed
from github_app.outcomes import RegenerationOutcome, Status
from github_app.publishing import TRAILER
from github_app.repo_files import (
    branch_head,
    commit_to_branch,
    file_tree,
    files_under,
    open_pull,
    tree_paths,
)
from github_app.repo_layout import RepoLayout, resolve_layout
from github_app.settings import AppSettings

# A gateway replaying the answers a lock's ``model`` records (None: nothing to replay).
Replay = Callable[[dict[str, Any]], AbstractContextManager[ModelGateway | None]]


@dataclass(frozen=True)
class NodeFiles:
    """Where a delivered node's files are in the repository, for its lock and for today's
    templates (which may lay it out differently: template set 2 put everything in one
    directory, today's sets put the package and its tests apart)."""

    dirs: tuple[str, ...]
    lock_prefix: str  # lock keys of set 2 are relative to the node directory
    layout: RepoLayout  # where today's generated files go
    options: GenerationOptions  # today's rendering options

    @classmethod
    def of(cls, node: DeliveredNode, lock: LockFile) -> NodeFiles:
        """The view of ``node`` as its lock describes it."""
        parent = node.path.rsplit("/", 1)[0] if "/" in node.path else ""
        old = not any(k.startswith(f"{TESTS_BASE}/") for k in lock.files)
        if old:
            layout, package = resolve_layout(parent or ".", None) if parent else (RepoLayout(), "")
            options = lock.options.model_copy(update={"package": package})
            return cls((node.path,), f"{node.path}/", layout, options)
        name = node.path.rsplit("/", 1)[-1]
        package_path = lock.options.package.replace(".", "/")
        root = parent.removesuffix(package_path).rstrip("/") if package_path else parent
        return cls((node.path, f"{TESTS_BASE}/{name}"), "", RepoLayout(root), lock.options)

    def lock_key(self, path: str) -> str:
        """The key the lock file lists ``path`` under."""
        if self.lock_prefix:
            return path.removeprefix(self.lock_prefix)
        return self.layout.key(path)


def regeneration_branch(node: DeliveredNode) -> str:
    """One branch per node, so every template release updates the same pull request."""
    short = hashlib.sha1(node.key.encode()).hexdigest()[:7]
    return f"nodegen/regenerate-{node.node_name}-{short}"


class Regenerator:
    """Regenerates delivered nodes through one installation client."""

    def __init__(
        self,
        gh: GitHub[Any],
        validator: Validator | None = None,
        replay: Replay | None = None,
    ) -> None:
        self.gh = gh
        self.validator = validator
        self.replay = replay

    @classmethod
    def for_installation(
        cls, installation_id: int, validator: Validator, replay: Replay | None = None
    ) -> Regenerator:
        """A regenerator acting as the App in one installation; ``replay`` gives a gateway
        that replays the model's answers a lock records (asking nothing)."""
        client = installation_client(AppSettings(), installation_id)
        return cls(client, validator=validator, replay=replay)

    def _render(self, lock: LockFile, options: GenerationOptions) -> tuple[NodeSpec, FileSet]:
        """Today's generation of the lock's prompt; handlers a model wrote are replayed from
        its recorded answers (where today's templates ask it the same), never asked anew."""
        if self.replay is None or not lock.model:
            return render_files(lock.prompt, options, validator=self.validator)
        with self.replay(lock.model) as gateway:
            return render_files(lock.prompt, options, validator=self.validator, gateway=gateway)

    def regenerate(self, node: DeliveredNode) -> RegenerationOutcome:
        """Open or update the node's regeneration PR when today's templates change its files."""
        lock = read_lock(node.lock)
        done = RegenerationOutcome(
            key=node.key, status="current", template_set=version.TEMPLATE_SET_VERSION
        )
        if lock.template_set == version.TEMPLATE_SET_VERSION:
            return done
        view = NodeFiles.of(node, lock)
        spec, generated = self._render(lock, view.options)
        theirs = {view.layout.repo_path(key): text for key, text in generated.files.items()}
        owner, repo = node.repository.split("/", 1)
        base = {
            path: text
            for path, text in files_under(
                self.gh, owner, repo, node.commit_sha, list(view.dirs)
            ).items()
            if lock.files.get(view.lock_key(path)) == sha256(text)
        }
        markers = {view.layout.repo_path(key) for key in generated.create_only}
        fresh = {
            path: text
            for path, text in theirs.items()
            if not path.endswith(LOCK_FILE) and path not in markers
        }
        if all(base.get(path) == text for path, text in fresh.items()):
            return done.model_copy(update={"status": "unchanged"})
        # ours: the default branch once the node is merged there, else the node's own branch
        ours_ref = parsed(self.gh.rest.repos.get(owner, repo)).default_branch
        head = self._head(owner, repo, ours_ref)
        ours = files_under(self.gh, owner, repo, head, list(view.dirs))
        if not ours:
            ours_ref = node.branch
            head = self._head(owner, repo, ours_ref)
            ours = files_under(self.gh, owner, repo, head, list(view.dirs))
        existing = tree_paths(self.gh, owner, repo, head)
        theirs = {p: t for p, t in theirs.items() if p not in markers & existing}
        merged = merge_files(base, ours, theirs)
        changed = tuple(
            sorted({*(p for p, t in merged.files.items() if ours.get(p) != t), *merged.deleted})
        )
        # the packages around the node (their __init__.py files), for checks that import it
        around = {
            path: text
            for key, text in generated.files.items()
            if not (path := view.layout.repo_path(key)).startswith(view.dirs)
        }
        outcome = done.model_copy(
            update={
                "branch": regeneration_branch(node),
                "conflicts": merged.conflicts,
                "kept_edits": merged.kept_edits,
                "changed": changed,
            }
        )
        return self._deliver(node, spec, lock, merged, outcome, head, ours_ref, around)

    def _deliver(
        self,
        node: DeliveredNode,
        spec: NodeSpec,
        lock: LockFile,
        merged: MergedFiles,
        outcome: RegenerationOutcome,
        head: str,
        ours_ref: str,
        around: dict[str, str],
    ) -> RegenerationOutcome:
        owner, repo = node.repository.split("/", 1)
        git = self.gh.rest.git
        branch = outcome.branch
        existing = branch_head(self.gh, owner, repo, branch)
        current = parsed(git.get_commit(owner, repo, existing)) if existing else None
        if current is not None and TRAILER not in current.message:
            return outcome.model_copy(update={"status": "stopped"})
        tree = file_tree(self.gh, owner, repo, head, merged.files, merged.deleted)
        if current is not None and current.tree.sha == tree:
            found = open_pull(self.gh, owner, repo, branch)
            return outcome.model_copy(
                update={
                    "status": "up_to_date",
                    "pr_number": found.number if found else None,
                    "pr_url": found.html_url if found else None,
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
        body = self._body(spec, lock, merged, outcome, around)
        found = open_pull(self.gh, owner, repo, branch)
        title = f"Regenerate {spec.name} with templates v{version.TEMPLATE_SET_VERSION}"
        pulls = self.gh.rest.pulls
        status: Status
        if found is None:
            created = pulls.create(
                owner, repo, data={"title": title, "head": branch, "base": ours_ref, "body": body}
            )
            pull, status = parsed(created), "opened"
        else:
            updated = pulls.update(owner, repo, found.number, data={"title": title, "body": body})
            pull, status = parsed(updated), "updated"
        return outcome.model_copy(
            update={"status": status, "pr_number": pull.number, "pr_url": pull.html_url}
        )

    def _body(
        self,
        spec: NodeSpec,
        lock: LockFile,
        merged: MergedFiles,
        outcome: RegenerationOutcome,
        around: dict[str, str],
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
        if merged.deleted:
            lines.append(
                "**Files the templates no longer generate (removed):** "
                + ", ".join(f"`{f}`" for f in merged.deleted)
            )
        if merged.conflicts:
            lines += [
                "",
                "### Conflicts",
                "",
                "These files have conflict markers (`<<<<<<<` … `>>>>>>>`) where a hand edit and "
                "the new templates change the same lines, or carry a hand edit in a file the new "
                "layout no longer has (port the edit, then delete the file). Resolve them on "
                "this branch:",
                "",
                *(f"- `{f}`" for f in merged.conflicts),
            ]
        elif self.validator is not None:
            checked = FileSet(files={**around, **merged.files})
            report = self.validator.check_merged(checked)
            lines += ["", "### Validation report", ""]
            if report.unverified:
                lines += [
                    "> **Not verified:** the hand-edited code ran (in the sandbox) for "
                    + ", ".join(report.unverified)
                    + "; that code could have changed what those checks report, so their "
                    "passes are not verified. Every other check read the files without "
                    "running them.",
                    "",
                ]
            lines.append(report_markdown(report, [], [], public=checked))
        return "\n".join(lines) + "\n"

    def _head(self, owner: str, repo: str, branch: str) -> str:
        head = branch_head(self.gh, owner, repo, branch)
        if head is None:
            raise ValueError(f"branch {branch!r} of {owner}/{repo} does not exist")
        return head
