"""The target repository's ruff configuration: found, read, and applied to generated code.

Generated code is formatted and fixed with the same configuration the repository's own
pre-commit would use (``ruff format``, ``ruff check --fix``); without one, ruff's defaults. The
style checks of validation run under it too, never with flags only we pass.
"""

from __future__ import annotations

import subprocess
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from codegen_assets.core.models import FileSet, StyleConfig
from codegen_assets.core.reflow import reflow

CONFIG_NAMES = (".ruff.toml", "ruff.toml", "pyproject.toml")  # ruff's own precedence
DEFAULT_LINE_LENGTH = 88
TIMEOUT = 60.0


class StyleConfigError(ValueError):
    """A ruff configuration that cannot be read."""


def _ruff_table(config: StyleConfig) -> dict[str, Any]:
    try:
        data = tomllib.loads(config.text)
    except tomllib.TOMLDecodeError as exc:
        raise StyleConfigError(
            f"{config.source or config.filename} is not valid TOML: {exc}"
        ) from exc
    if config.filename == "pyproject.toml":
        table = data.get("tool", {}).get("ruff")
        return table if isinstance(table, dict) else {}
    return data


def has_ruff_settings(filename: str, text: str) -> bool:
    """Whether ``text`` configures ruff (a pyproject.toml without ``[tool.ruff]`` does not)."""
    if filename != "pyproject.toml":
        return True
    try:
        return isinstance(tomllib.loads(text).get("tool", {}).get("ruff"), dict)
    except tomllib.TOMLDecodeError:
        return False


def find_config(start: Path) -> StyleConfig | None:
    """The configuration ruff would use for files in ``start``: the nearest ``.ruff.toml``,
    ``ruff.toml`` or ``pyproject.toml`` with a ``[tool.ruff]`` table at or above it."""
    for directory in [start, *start.parents]:
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                text = candidate.read_text("utf-8")
                if has_ruff_settings(name, text):
                    return StyleConfig(filename=name, text=text, source=str(candidate))
    return None


def line_length(config: StyleConfig | None) -> int:
    """The line length E501 enforces (``pycodestyle.max-line-length``, else ``line-length``)."""
    if config is None:
        return DEFAULT_LINE_LENGTH
    table = _ruff_table(config)
    lint = table.get("lint", {}) if isinstance(table.get("lint"), dict) else {}
    pycodestyle = lint.get("pycodestyle", table.get("pycodestyle", {}))
    limits = [table.get("line-length", DEFAULT_LINE_LENGTH)]
    if isinstance(pycodestyle, dict) and "max-line-length" in pycodestyle:
        limits.append(pycodestyle["max-line-length"])
    return min(int(limit) for limit in limits)


def place_config(root: Path, config: StyleConfig | None) -> None:
    """Put the configuration where ruff finds it for every file under ``root``."""
    if config is not None:
        (root / config.filename).write_text(config.text, encoding="utf-8")


def ruff_commands(ruff: str) -> dict[str, list[str]]:
    """The style checks, as a repository's pre-commit runs them (its configuration, no flags)."""
    return {
        "ruff": [ruff, "check", "--no-cache", "."],
        "format": [ruff, "format", "--check", "--no-cache", "."],
    }


def fix_commands(ruff: str) -> list[list[str]]:
    """Safe fixes, then the formatter, under the repository's configuration."""
    return [
        [ruff, "check", "--fix-only", "--exit-zero", "--no-cache", "--quiet", "."],
        [ruff, "format", "--no-cache", "--quiet", "."],
    ]


def format_files(files: FileSet, config: StyleConfig | None, ruff: str) -> FileSet:
    """``files`` with their Python formatted and fixed as the repository would, docstrings
    refilled to its line length."""
    width = line_length(config)
    python = {rel: reflow(text, width) for rel, text in files.files.items() if rel.endswith(".py")}
    if not python:
        return files
    with tempfile.TemporaryDirectory(prefix="nodegen-style-") as tmp:
        root = Path(tmp)
        for rel, text in python.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        place_config(root, config)
        env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "NO_COLOR": "1"}
        for argv in fix_commands(ruff):
            done = subprocess.run(
                argv,
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
            if done.returncode != 0:
                raise StyleConfigError(f"ruff could not format the node: {done.stderr.strip()}")
        formatted = {rel: (root / rel).read_text("utf-8") for rel in python}
    return FileSet(files={**files.files, **formatted}, create_only=files.create_only)
