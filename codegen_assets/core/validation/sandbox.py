"""Where validators run: a bubblewrap sandbox, or a plain subprocess when none is available.

Inside the sandbox a validator has new user, PID, network, IPC and UTS namespaces (it sees no
other process, so no other process's ``/proc/<pid>/environ``, and no network), a cleared
environment, no capabilities, the toolchain (Python, the virtualenv, system libraries) read-only,
and one writable directory: the temporary copy of the node it checks. Nothing else of the host is
mounted: no home directory, no instance directory, no secret files. The warm interpreter
(``warm_python``) runs the Python checks of generated code in one such jail per process, whose
writable directory holds the copies it is validating (and the shared mypy cache).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from codegen_assets.core.settings import SandboxMode

_SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# Files a toolchain reads from /etc; nothing secret (no shadow, no keys, no resolver config).
_ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group")
_PROBE_TIMEOUT = 10.0


class PythonServer(Protocol):
    """A warm interpreter that runs a jail's Python commands (``warm_python.WarmPython``)."""

    def accepts(self, env: Mapping[str, str]) -> bool:
        """Whether a command with ``env`` can run in it."""
        ...

    def preload(self, modules: list[str]) -> None:
        """Import ``modules`` in it, once each."""
        ...

    def run(
        self, argv: list[str], cwd: Path, env: Mapping[str, str], timeout: float
    ) -> tuple[bool, str]:
        """``python <argv>`` in it; (exit status 0, output)."""
        ...


class SandboxUnavailableError(RuntimeError):
    """``NODEGEN_SANDBOX=bwrap`` was asked for, but bubblewrap cannot run here."""


def bwrap_binary() -> str | None:
    """The bubblewrap executable, if installed."""
    return shutil.which("bwrap")


@functools.cache
def bwrap_works() -> bool:
    """Whether bubblewrap can create its namespaces on this machine (checked once)."""
    binary = bwrap_binary()
    if binary is None:
        return False
    probe = [binary, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=_PROBE_TIMEOUT).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def use_bwrap(mode: SandboxMode) -> bool:
    """Whether validators run under bubblewrap for ``mode``."""
    if mode == "none":
        return False
    if bwrap_works():
        return True
    if mode == "bwrap":
        raise SandboxUnavailableError(
            "NODEGEN_SANDBOX=bwrap but bubblewrap is not installed or cannot create namespaces "
            "here (Debian/Ubuntu: apt-get install bubblewrap)"
        )
    return False


def toolchain_paths() -> tuple[Path, ...]:
    """Directories the validators need to read: this interpreter, its virtualenv and packages."""
    candidates = {
        Path(sys.prefix),
        Path(sys.base_prefix),
        Path(sysconfig.get_path("scripts")),
        Path(sys.executable).resolve().parent.parent,
    }
    for entry in sys.path:
        if entry and Path(entry).name in {"site-packages", "dist-packages"}:
            candidates.add(Path(entry))
    return tuple(sorted(p for p in candidates if p.is_dir()))


@dataclass(frozen=True)
class Jail:
    """How one validation's processes are started.

    ``root`` is the only writable path (the temporary directory holding the node copy);
    ``writable`` and ``readonly`` add binds (a shared cache, a test's extra import path).
    With a ``server``, Python commands run in that warm interpreter's jail instead.
    """

    root: Path
    sandboxed: bool
    writable: tuple[Path, ...] = ()
    readonly: tuple[Path, ...] = ()
    server: PythonServer | None = None

    def command(
        self,
        argv: Sequence[str],
        cwd: Path,
        env: Mapping[str, str],
        *,
        die_with_parent: bool = True,
    ) -> list[str]:
        """``argv`` as it is started: wrapped in bubblewrap when sandboxed (killed with the
        thread that starts it unless ``die_with_parent`` is false: a shared warm interpreter)."""
        if not self.sandboxed:
            return list(argv)
        binary = bwrap_binary()
        if binary is None:
            raise SandboxUnavailableError("bubblewrap disappeared")
        args = [binary, "--unshare-all", "--new-session"]
        if die_with_parent:
            args.append("--die-with-parent")
        args += ["--cap-drop", "ALL", "--clearenv", "--proc", "/proc", "--dev", "/dev"]
        args += ["--tmpfs", "/tmp"]
        args += _system_binds()
        for path in (*toolchain_paths(), *self.readonly, *_python_path(env)):
            args += ["--ro-bind", str(path), str(path)]
        for path in (self.root, *self.writable):
            args += ["--bind", str(path), str(path)]
        # The root bwrap builds (a tmpfs holding the mount points) read-only: nothing can be
        # planted beside a bind, e.g. in a directory on the interpreter's sys.path.
        args += ["--remount-ro", "/"]
        for key, value in sorted(env.items()):
            args += ["--setenv", key, value]
        return [*args, "--chdir", str(cwd), "--", *argv]


def _system_binds() -> list[str]:
    args: list[str] = []
    for name in _SYSTEM_DIRS:
        path = Path(name)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), name]
        elif path.is_dir():
            args += ["--ro-bind", name, name]
    for name in _ETC_FILES:
        path = Path("/etc", name)
        if path.exists():
            args += ["--ro-bind", str(path), str(path)]
    return args


def _python_path(env: Mapping[str, str]) -> list[Path]:
    """Directories a caller put on ``PYTHONPATH``: visible read-only inside the sandbox."""
    entries = env.get("PYTHONPATH", "").split(os.pathsep)
    return [Path(e) for e in entries if e and Path(e).is_absolute() and Path(e).is_dir()]
