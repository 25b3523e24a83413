"""The private copy of a node that validators check, the checks' configuration beside it, and
the jails each kind of validator process runs in (the warm interpreter's, for code the generator
wrote).
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from codegen_assets.core.models import FileSet, StyleConfig
from codegen_assets.core.settings import SandboxMode
from codegen_assets.core.validation import ecosystem_gates, warm_python
from codegen_assets.core.validation.covered_tests import CONFIG, PRELOADED, libraries
from codegen_assets.core.validation.runner import scrubbed_env
from codegen_assets.core.validation.sandbox import Jail, use_bwrap
from codegen_assets.core.validation.style import place_config
from codegen_assets.core.validation.warm_python import ServerGoneError, WarmPython


@dataclass(frozen=True)
class Jails:
    """Where each kind of validator process runs, and the only directory each may write (its
    HOME). In the sandbox the copy and the checks' configuration are read-only to every one of
    them: the node's code (its tests, the gates that import it) can change neither what the
    other checks read nor how they are configured nor what they report."""

    checks: Jail  # never runs the node's code: ruff, mypy, coverage's report, the static gates
    tests: Jail  # the node's own tests under coverage
    gates: Jail  # the gates that import the node's code
    fix: Jail  # ruff's fixes, which write the copy (the generator's own code only)

    @property
    def sandboxed(self) -> bool:
        return self.checks.sandboxed

    def of(self, check: str) -> Jail:
        """The jail the command of ``check`` runs in."""
        return self.tests if check == "pytest" else self.checks


def _jails(
    base: Path, root: Path, sandboxed: bool, shared: tuple[Path, ...], server: WarmPython | None
) -> Jails:
    """The jails of a validation whose copy is ``root`` in ``base`` (``shared``: the mypy cache
    its checks write)."""
    config = base / "config"
    floor = tuple(p for p in (base / "pyproject.toml",) if p.exists())  # see place_config
    gates_script = Path(ecosystem_gates.__file__).resolve().parent
    homes = {name: base / name for name in ("checks", "tests", "gates")}
    for home in homes.values():
        home.mkdir()

    def jail(name: str, writable: tuple[Path, ...], readonly: tuple[Path, ...]) -> Jail:
        return Jail(
            root=homes[name],
            sandboxed=sandboxed,
            writable=writable,
            readonly=(root, config, *floor, *readonly),
            server=server,
        )

    return Jails(
        checks=jail("checks", shared, (gates_script, homes["tests"])),
        tests=jail("tests", (), ()),
        gates=jail("gates", (), (gates_script,)),
        fix=Jail(root=homes["checks"], sandboxed=sandboxed, writable=(root,), readonly=floor),
    )


@dataclass(frozen=True)
class Workspace:
    """A private copy of a node and how validators may touch it."""

    root: Path  # the copy of the output root (node package, tests, repository configuration)
    config: Path  # the checks' own configuration (``covered_tests.CONFIG``), outside the copy
    jails: Jails
    mypy_cache: Path
    executes: bool  # whether the node's own code may run here
    trusted: bool  # the generator wrote every file


@functools.cache
def toolchain_modules() -> tuple[str, ...]:
    """What every validation imports: pytest, coverage, mypy and the ecosystem's gates (with
    the caches the gates fill)."""
    gates = Path(ecosystem_gates.__file__).read_text("utf-8")
    found = libraries(FileSet(files={"gates.py": gates}), [])
    return (*PRELOADED, "coverage", "mypy.main", *found, *ecosystem_gates.CACHED_LOADS)


def warm_server(
    sandboxed: bool, mypy_cache: Path, keep_seconds: float = 0.0
) -> warm_python.WarmPython:
    """The warm interpreter for validators, importing the toolchain (started on first use;
    shared with later processes for ``keep_seconds``)."""
    env = scrubbed_env(mypy_cache)
    server = warm_python.warm_python(sandboxed, mypy_cache, env, keep_seconds)
    server.preload(list(toolchain_modules()))
    return server


@contextmanager
def workspace(
    files: FileSet,
    mypy_cache: Path,
    *,
    trusted: bool = True,
    sandbox: SandboxMode = "auto",
    style: StyleConfig | None = None,
    warm: bool = False,
    keep_seconds: float = 0.0,
) -> Iterator[Workspace]:
    """A temporary copy of ``files`` (removed afterwards), the checks' configuration beside it,
    and the jails its checks run in (``Jails``).

    Code the generator wrote (``trusted``) shares the mypy cache and, with ``warm``, runs its
    Python checks in the warm interpreter (the copy is made inside its jail; ``keep_seconds``:
    see ``warm_python``); other
    code gets a private copy of the cache and, where no sandbox is available, is never executed.
    """
    sandboxed = use_bwrap(sandbox)
    server = None
    if warm and trusted:
        with contextlib.suppress(ServerGoneError):  # then a new interpreter per check
            server = warm_server(sandboxed, mypy_cache, keep_seconds)
    parent = server.base if server is not None else None
    with tempfile.TemporaryDirectory(prefix="nodegen-validate-", dir=parent) as tmp:
        base = Path(tmp)
        root = base / "repo"
        write_tree(root, files)
        place_config(root, style)
        config = base / "config"
        config.mkdir()
        for name, text in CONFIG.items():
            (config / name).write_text(text, encoding="utf-8")
        if trusted:
            mypy_cache.mkdir(parents=True, exist_ok=True)
            cache = mypy_cache
        else:
            cache = base / "mypy-cache"
            if mypy_cache.is_dir():
                shutil.copytree(mypy_cache, cache)
            else:
                cache.mkdir()
        shared = (cache,) if sandboxed else ()
        yield Workspace(
            root=root,
            config=config,
            jails=_jails(base, root, sandboxed, shared, server),
            mypy_cache=cache,
            executes=trusted or sandboxed,
            trusted=trusted,
        )


def write_tree(root: Path, files: FileSet) -> None:
    """Write ``files`` under ``root`` (paths are generator-chosen, never user text)."""
    for rel, text in sorted(files.files.items()):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def read_tree(root: Path, names: list[str]) -> FileSet:
    """Read ``names`` back from ``root``."""
    return FileSet(files={rel: (root / rel).read_text(encoding="utf-8") for rel in names})
