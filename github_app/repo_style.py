"""The ruff configuration a repository applies to the directory a node goes into."""

from __future__ import annotations

import base64
from typing import Any

from githubkit import GitHub
from githubkit.exception import RequestFailed

from codegen_assets.core.models import StyleConfig
from codegen_assets.core.style import CONFIG_NAMES, has_ruff_settings
from github_app.client import body_of


def repository_style(
    gh: GitHub[Any], owner: str, repo: str, ref: str, directory: str
) -> StyleConfig | None:
    """The nearest ``.ruff.toml``, ``ruff.toml`` or ``pyproject.toml`` with ``[tool.ruff]`` at
    or above ``directory`` at ``ref``, as ruff itself would pick it; None means ruff's defaults."""
    parts = [p for p in directory.split("/") if p]
    for depth in range(len(parts), -1, -1):
        folder = "/".join(parts[:depth])
        for name in CONFIG_NAMES:
            path = f"{folder}/{name}" if folder else name
            try:
                found = body_of(gh.rest.repos.get_content(owner, repo, path, ref=ref))
            except RequestFailed as exc:
                if exc.response.status_code == 404:
                    continue
                raise
            text = base64.b64decode(found.get("content", "")).decode("utf-8")
            if has_ruff_settings(name, text):
                return StyleConfig(filename=name, text=text, source=f"{repo}/{path}@{ref[:7]}")
    return None
