"""The target repository's ruff configuration: found, read, and applied to generated code.

Generated code is formatted and fixed with the same configuration the repository's own
pre-commit would use (``ruff format``, ``ruff check --fix``); without one, ruff's defaults. The
style checks of validation run under it too, never with flags only we pass.
"""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
import tempfile
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from codegen_assets.core.models import FileSet, StyleConfig
from codegen_assets.core.validation.reflow import reflow
from codegen_assets.core.validation.sandbox import Jail, use_bwrap

CONFIG_NAMES = (".ruff.toml", "ruff.toml", "pyproject.toml")  # ruff's own precedence
DEFAULT_LINE_LENGTH = 88
TIMEOUT = 60.0


class StyleConfigError(ValueError):
    """A ruff configuration that cannot be read."""


def _ruff_table(config: StyleConfig) -> dict[str, Any]:
    """The ruff settings in effect: the configuration's own over those of the files it
    extends (as ruff merges them)."""
    table = _settings_of(config.filename, config.text, config.source or config.filename)
    seen: set[str] = set()
    base = ""
    while isinstance(table.get("extend"), str) and len(seen) <= MAX_EXTENDS:
        base = posixpath.normpath(posixpath.join(posixpath.dirname(base), table["extend"]))
        if base in seen or base not in config.includes:
            break
        seen.add(base)
        extended = _settings_of(base, config.includes[base], base)
        table = _merged(dict(extended), {**table, "extend": extended.get("extend")})
    return table


def _merged(base: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in own.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = _merged(base[key], value)
        elif value is not None:
            merged[key] = value
        else:
            merged.pop(key, None)
    return merged


def has_ruff_settings(filename: str, text: str) -> bool:
    """Whether ``text`` configures ruff (a pyproject.toml without ``[tool.ruff]`` does not)."""
    if filename != "pyproject.toml":
        return True
    try:
        return isinstance(tomllib.loads(text).get("tool", {}).get("ruff"), dict)
    except tomllib.TOMLDecodeError:
        return False


def requires_python(text: str) -> str:
    """A pyproject.toml's ``project.requires-python`` ("" when it has none or does not parse)."""
    try:
        project = tomllib.loads(text).get("project", {})
    except tomllib.TOMLDecodeError:
        return ""
    value = project.get("requires-python", "") if isinstance(project, dict) else ""
    return value if isinstance(value, str) else ""


Reader = Callable[[str], "str | None"]
"""Reads a file of the target (a path as the walk names it); None when there is none."""


def resolve_style(
    directories: Sequence[str], read: Reader, label: Callable[[str], str] = str
) -> StyleConfig | None:
    """The configuration ruff applies to files in ``directories[0]`` (its ancestors follow,
    nearest first): the nearest ``.ruff.toml``, ``ruff.toml`` or ``pyproject.toml`` with a
    ``[tool.ruff]`` table, and, as ruff does when that sets no ``target-version``, the
    ``requires-python`` of the nearest ``pyproject.toml`` that has one. ``label`` names a path
    for the report. None means ruff's defaults."""
    config: StyleConfig | None = None
    floor = ""
    for directory in directories:
        names = CONFIG_NAMES if config is None else ("pyproject.toml",)
        for name in names:
            path = posixpath.join(directory, name) if directory else name
            text = read(path)
            if text is None:
                continue
            if name == "pyproject.toml" and not floor:
                floor = requires_python(text)
            if config is None and has_ruff_settings(name, text):
                config = StyleConfig(filename=name, text=text, source=label(path))
                config = with_includes(config, directory, read)
        if config is not None and (floor or _target_version(config)):
            break
    if config is None:
        if not floor:
            return None
        # ruff's defaults, with the repository's Python floor
        config = StyleConfig(filename="pyproject.toml", text=_floor_pyproject(floor))
    if floor and not _target_version(config) and not requires_python_of(config):
        config = config.model_copy(update={"requires_python": floor})
    return config


# Settings whose values ruff reads as paths; a repository's configuration may only name files
# inside the directory it lives in (ruff reads ``extend``; the others it resolves or writes).
PATH_KEYS = ("extend", "cache-dir", "src", "namespace-packages")
MAX_EXTENDS = 4


def _settings_of(filename: str, text: str, source: str) -> dict[str, Any]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StyleConfigError(f"{source} is not valid TOML: {exc}") from exc
    if filename.endswith("pyproject.toml"):
        table = data.get("tool", {}).get("ruff", {})
        return table if isinstance(table, dict) else {}
    return data


def _inside(value: object, key: str, source: str) -> str:
    """``value``, a path relative to the configuration's directory and inside it."""
    if not isinstance(value, str):
        raise StyleConfigError(f"{source}: `{key}` must be a string")
    normal = posixpath.normpath(value.replace("\\", "/"))
    if (
        posixpath.isabs(normal)
        or normal.startswith(("~", ".."))
        or re.match(r"^[A-Za-z]:", normal)
        or "$" in normal
    ):
        raise StyleConfigError(
            f"{source}: `{key}` names a path outside the configuration's directory "
            "(only paths inside the repository tree where the configuration lives are read)"
        )
    return normal


def check_paths(filename: str, text: str, source: str) -> list[str]:
    """The files ``text`` extends (relative to its directory); a path setting that points
    outside that directory is a ``StyleConfigError`` naming the key."""
    table = _settings_of(filename, text, source)
    for key in PATH_KEYS[1:]:
        values = table.get(key, [])
        for value in values if isinstance(values, list) else [values]:
            _inside(value, key, source)
    if "extend" not in table:
        return []
    return [_inside(table["extend"], "extend", source)]


def with_includes(config: StyleConfig, directory: str, read: Reader) -> StyleConfig:
    """``config`` with the files it extends (inside its directory), checked the same way."""
    includes: dict[str, str] = {}
    pending = [(p, 1) for p in check_paths(config.filename, config.text, config.source)]
    while pending:
        rel, depth = pending.pop()
        source = f"{config.source} (extended {rel})"
        if depth > MAX_EXTENDS:
            raise StyleConfigError(f"{source}: more than {MAX_EXTENDS} levels of `extend`")
        text = read(posixpath.join(directory, rel) if directory else rel)
        if text is None:
            raise StyleConfigError(f"{config.source}: `extend` names {rel}, which does not exist")
        includes[rel] = text
        base = posixpath.dirname(rel)
        for found in check_paths(rel, text, source):
            pending.append((posixpath.normpath(posixpath.join(base, found)), depth + 1))
            if pending[-1][0].startswith(".."):
                raise StyleConfigError(f"{source}: `extend` leaves the configuration's directory")
    return config.model_copy(update={"includes": includes}) if includes else config


def find_config(start: Path) -> StyleConfig | None:
    """The configuration ruff would use for files in ``start`` (see ``resolve_style``)."""

    def read(path: str) -> str | None:
        candidate = Path(path)
        return candidate.read_text("utf-8") if candidate.is_file() else None

    return resolve_style([str(d) for d in (start, *start.parents)], read)


def _floor_pyproject(requires: str) -> str:
    return f"[project]\nrequires-python = {json.dumps(requires)}\n"


def _target_version(config: StyleConfig) -> str:
    value = _ruff_table(config).get("target-version", "")
    return value if isinstance(value, str) else ""


def requires_python_of(config: StyleConfig) -> str:
    """The ``requires-python`` the configuration file itself states."""
    return requires_python(config.text) if config.filename == "pyproject.toml" else ""


PythonVersion = tuple[int, int]
OLDEST_SUPPORTED: PythonVersion = (3, 11)  # generated code uses StrEnum and datetime.UTC
ONEX_NEEDS: PythonVersion = (3, 12)  # omnibase-core's requires-python


def python_floor(config: StyleConfig | None) -> PythonVersion | None:
    """The oldest Python the target repository supports, as ruff reads it: ``target-version``,
    else ``requires-python``; None when neither is set (ruff then accepts the newest syntax)."""
    if config is None:
        return None
    found = re.fullmatch(r"py3(\d{1,2})", _target_version(config))
    if found:
        return (3, int(found.group(1)))
    spec = requires_python_of(config) or config.requires_python
    return _lowest(spec) if spec else None


def _lowest(spec: str) -> PythonVersion | None:
    """The oldest 3.x release ``spec`` (a PEP 440 specifier set) admits."""
    try:
        allowed = SpecifierSet(spec)
    except InvalidSpecifier:
        return None
    for minor in range(0, 30):
        if any(allowed.contains(f"3.{minor}.{patch}") for patch in (0, 99)):
            return (3, minor)
    return None


def floor_warnings(config: StyleConfig | None, onex: bool) -> tuple[str, ...]:
    """What the user must know when the repository's Python floor is below what the node needs."""
    floor = python_floor(config)
    if floor is None:
        return ()
    where = f" ({config.source})" if config is not None and config.source else ""
    shown = ".".join(map(str, floor))
    if floor < OLDEST_SUPPORTED:
        return (
            f"python floor: the repository supports Python {shown}{where}, but the generated "
            "code needs Python >= 3.11 (StrEnum, datetime.UTC); it will not import on older "
            "interpreters",
        )
    if onex and floor < ONEX_NEEDS:
        return (
            f"python floor: the repository supports Python {shown}{where}, but an ONEX node "
            "imports omnibase-core, which needs Python >= 3.12: on older interpreters the node "
            "will not import (the code itself is written for Python "
            f"{shown}); raise the floor or generate with --target standalone",
        )
    return ()


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
    """Put the configuration where ruff finds it for every file under ``root`` (and the
    ``requires-python`` of a pyproject.toml further up, in ``root``'s parent, where ruff looks
    for it as it does in the repository)."""
    if config is None:
        return
    (root / config.filename).write_text(config.text, encoding="utf-8")
    for rel, text in config.includes.items():  # checked: inside the configuration's directory
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if config.requires_python:
        (root.parent / "pyproject.toml").write_text(
            _floor_pyproject(config.requires_python), encoding="utf-8"
        )


def ruff_commands(ruff: str) -> dict[str, list[str]]:
    """The style checks, as a repository's pre-commit runs them (its configuration, no flags
    that change what is found; findings one a line, each naming its file and line)."""
    return {
        "ruff": [ruff, "check", "--no-cache", "--output-format", "concise", "."],
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
    refilled to its line length. ruff runs in the validators' sandbox on a copy holding only
    the files and the configuration (and what it extends): it can read nothing else of the
    host, and what it says is never passed on (a configuration may quote what it reads)."""
    width = line_length(config)
    python = {rel: reflow(text, width) for rel, text in files.files.items() if rel.endswith(".py")}
    if not python:
        return files
    with tempfile.TemporaryDirectory(prefix="nodegen-style-") as tmp:
        root = Path(tmp) / "repo"
        for rel, text in python.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        place_config(root, config)
        env = {"PATH": "/usr/bin:/bin", "HOME": str(root), "NO_COLOR": "1"}
        jail = Jail(root=Path(tmp), sandboxed=use_bwrap("auto"))
        for argv in fix_commands(ruff):
            done = subprocess.run(
                jail.command(argv, root, env),
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
            if done.returncode != 0:
                where = config.source if config is not None and config.source else "ruff"
                raise StyleConfigError(
                    f"ruff could not format the node under the repository's configuration "
                    f"({where}): check that `ruff format` runs there"
                )
        formatted = {rel: (root / rel).read_text("utf-8") for rel in python}
    return FileSet(files={**files.files, **formatted}, create_only=files.create_only)
