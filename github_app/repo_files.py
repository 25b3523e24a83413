"""Reading a node's files from a commit through the git data API."""

from __future__ import annotations

import base64
from typing import Any, cast

from githubkit import GitHub
from githubkit.exception import RequestFailed
from githubkit_schemas.latest.models import GitTreePropTreeItems, PullRequestSimple

from github_app.client import parsed


def _tree(gh: GitHub[Any], owner: str, repo: str, commit: str) -> list[GitTreePropTreeItems]:
    git = gh.rest.git
    tree_sha = parsed(git.get_commit(owner, repo, commit)).tree.sha
    return parsed(git.get_tree(owner, repo, tree_sha, recursive="1")).tree


def tree_paths(gh: GitHub[Any], owner: str, repo: str, commit: str) -> set[str]:
    """Every file path at ``commit``."""
    return {e.path for e in _tree(gh, owner, repo, commit) if e.type == "blob"}


def files_under(
    gh: GitHub[Any], owner: str, repo: str, commit: str, dirs: list[str]
) -> dict[str, str]:
    """The files at ``commit`` under any of ``dirs``, keyed by repository path (UTF-8 text)."""
    prefixes = tuple(f"{d}/" for d in dirs)
    files: dict[str, str] = {}
    for entry in _tree(gh, owner, repo, commit):
        if entry.type == "blob" and entry.path.startswith(prefixes):
            blob = parsed(gh.rest.git.get_blob(owner, repo, entry.sha))
            files[entry.path] = base64.b64decode(blob.content).decode("utf-8")
    return files


def files_at(gh: GitHub[Any], owner: str, repo: str, commit: str, path: str) -> dict[str, str]:
    """The files under ``path`` at ``commit``, keyed relative to ``path``."""
    found = files_under(gh, owner, repo, commit, [path])
    return {rel[len(path) + 1 :]: text for rel, text in found.items()}


def file_tree(
    gh: GitHub[Any],
    owner: str,
    repo: str,
    base_commit: str,
    files: dict[str, str],
    deleted: tuple[str, ...] = (),
) -> str:
    """A tree: ``base_commit``'s with ``files`` written and ``deleted`` removed (repository
    paths); returns its sha.

    Tree entries carry their content, so git creates the blobs: one write instead of one per file
    keeps a delivery well inside GitHub's content-creation limits.
    """
    git = gh.rest.git
    base_tree = parsed(git.get_commit(owner, repo, base_commit)).tree.sha
    entries: list[dict[str, Any]] = [
        {"path": path, "mode": "100644", "type": "blob", "content": text}
        for path, text in sorted(files.items())
    ]
    entries += [{"path": path, "mode": "100644", "type": "blob", "sha": None} for path in deleted]
    tree = git.create_tree(owner, repo, data=cast(Any, {"base_tree": base_tree, "tree": entries}))
    return parsed(tree).sha


def commit_to_branch(
    gh: GitHub[Any],
    owner: str,
    repo: str,
    branch: str,
    *,
    tree: str,
    parent: str,
    message: str,
    existing: str | None,
    force: bool = False,
) -> str:
    """Commit ``tree`` on ``parent`` and point ``branch`` at it (creating the branch if new)."""
    git = gh.rest.git
    created = git.create_commit(owner, repo, message=message, tree=tree, parents=[parent])
    sha = parsed(created).sha
    if existing is None:
        git.create_ref(owner, repo, data={"ref": f"refs/heads/{branch}", "sha": sha})
    else:
        git.update_ref(owner, repo, f"heads/{branch}", data={"sha": sha, "force": force})
    return sha


def branch_head(gh: GitHub[Any], owner: str, repo: str, branch: str) -> str | None:
    """The commit ``branch`` points at, or None when there is no such branch."""
    try:
        ref = parsed(gh.rest.git.get_ref(owner, repo, f"heads/{branch}"))
    except RequestFailed as exc:
        if exc.response.status_code == 404:
            return None
        raise
    return ref.object_.sha


def open_pull(gh: GitHub[Any], owner: str, repo: str, branch: str) -> PullRequestSimple | None:
    """The open pull request from ``branch``, if any."""
    # Annotated: githubkit's generated ``list[...]`` return types name the ``list`` method of the
    # same class, which mypy cannot resolve (it would read them as Any).
    found: list[PullRequestSimple] = parsed(
        gh.rest.pulls.list(owner, repo, state="open", head=f"{owner}:{branch}")
    )
    return found[0] if found else None
