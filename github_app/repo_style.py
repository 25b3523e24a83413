"""The ruff configuration a repository applies to the directory a node goes into."""

from __future__ import annotations

import base64
from typing import Any

from githubkit import GitHub
from githubkit.exception import RequestFailed
from githubkit_schemas.latest.models import ContentFile

from codegen_assets.core.models import StyleConfig
from codegen_assets.core.validation.style import resolve_style
from github_app.client import parsed


def repository_style(
    gh: GitHub[Any], owner: str, repo: str, ref: str, directory: str
) -> StyleConfig | None:
    """The configuration ruff applies at or above ``directory`` at ``ref``, as ruff itself
    would pick it (``resolve_style``); None means ruff's defaults."""
    parts = [p for p in directory.split("/") if p]

    def read(path: str) -> str | None:
        try:
            found = parsed(gh.rest.repos.get_content(owner, repo, path, ref=ref))
        except RequestFailed as exc:
            if exc.response.status_code == 404:
                return None
            raise
        if not isinstance(found, ContentFile):  # a directory, symlink or submodule
            return None
        return base64.b64decode(found.content).decode("utf-8")

    folders = ["/".join(parts[:depth]) for depth in range(len(parts), -1, -1)]
    return resolve_style(folders, read, lambda path: f"{repo}/{path}@{ref[:7]}")
