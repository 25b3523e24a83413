"""Reading a node's files from a commit through the git data API."""

from __future__ import annotations

import base64
from typing import Any

from githubkit import GitHub

from github_app.client import body_of


def files_at(
    gh: GitHub[Any], owner: str, repo: str, commit: str, path: str, *, names_only: bool = False
) -> dict[str, str]:
    """The files under ``path`` at ``commit``, keyed relative to ``path`` (text as UTF-8)."""
    git = gh.rest.git
    tree_sha = body_of(git.get_commit(owner, repo, commit))["tree"]["sha"]
    tree = body_of(git.get_tree(owner, repo, tree_sha, recursive="1"))["tree"]
    prefix = f"{path}/"
    files: dict[str, str] = {}
    for entry in tree:
        if entry["type"] != "blob" or not entry["path"].startswith(prefix):
            continue
        rel = entry["path"][len(prefix) :]
        if names_only:
            files[rel] = ""
            continue
        blob = body_of(git.get_blob(owner, repo, entry["sha"]))
        files[rel] = base64.b64decode(blob["content"]).decode("utf-8")
    return files
